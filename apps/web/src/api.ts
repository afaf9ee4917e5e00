/**
 * The api as the console calls it: same origin, the session's token, JSON.
 * Every refusal becomes an ApiError with the api's stable code and message,
 * and its field problems (VALIDATION_FAILED) for the form that sent it.
 */
export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly FieldProblem[] = [],
    /** The api's Retry-After, on a 503: a read model catching up or briefly out, worth asking again then. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export interface Answer<T> {
  readonly body: T;
  readonly headers: Headers;
}

/** What a command answers: the case (or item), its new revision, and the log position to read your write at. */
export interface CommandOutcome {
  readonly id: string;
  readonly revision: number;
  readonly position: number;
}

interface Session {
  token(): string | undefined;
  /** The api refused the token (expired, wrong secret): sign out and say why. */
  rejected(message: string): void;
}
let session: Session = { token: () => undefined, rejected: () => undefined };
export const connectSession = (next: Session): void => {
  session = next;
};

export interface CallOptions {
  readonly headers?: Record<string, string>;
  readonly signal?: AbortSignal;
}

const headersFor = (accept: string, body: unknown, options: CallOptions): Record<string, string> => {
  const token = session.token();
  return {
    accept,
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    ...options.headers,
  };
};

/** The api's refusal as an ApiError; a 401 for the session's own token ends the session. */
const refusal = async (response: Response, options: CallOptions): Promise<ApiError> => {
  let problem: { code?: string; message?: string; details?: FieldProblem[] } = {};
  try {
    problem = (await response.json()) ?? {};
  } catch {
    // Not the api's JSON (a proxy's page): the status says enough.
  }
  const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
  const error = new ApiError(response.status, problem.code ?? `HTTP_${response.status}`, problem.message ?? response.statusText, problem.details ?? [], Number.isFinite(retryAfter) ? retryAfter : undefined);
  if (response.status === 401 && options.headers?.authorization === undefined) session.rejected(error.message);
  return error;
};

const call = async <T>(method: string, path: string, body: unknown, options: CallOptions = {}): Promise<Answer<T>> => {
  const response = await fetch(path, {
    method,
    headers: headersFor('application/json', body, options),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!response.ok) throw await refusal(response, options);
  const text = await response.text();
  return { body: (text === '' ? undefined : JSON.parse(text)) as T, headers: response.headers };
};

export const api = {
  get: <T>(path: string, options?: CallOptions) => call<T>('GET', path, undefined, options),
  post: <T = CommandOutcome>(path: string, body: unknown, options?: CallOptions) => call<T>('POST', path, body, options),
  /** A CSV export, as the api renders it. */
  csv: async (path: string): Promise<Blob> => {
    const response = await fetch(path, { headers: headersFor('text/csv', undefined, {}) });
    if (!response.ok) throw await refusal(response, {});
    return response.blob();
  },
};

/**
 * A command on what the page shows at `revision`. If-Match makes the api
 * refuse it (409 REVISION_CONFLICT) when someone acted first; either way the
 * page reads what it shows again (`reread`, from the position written when
 * there is one), so a retry decides on the current state.
 */
export const command = async (path: string, body: unknown, revision: number | undefined, reread: (position?: number) => void): Promise<void> => {
  try {
    const { body: outcome } = await api.post(path, body, revision === undefined ? {} : { headers: { 'if-match': String(revision) } });
    reread(outcome.position);
  } catch (error) {
    if (error instanceof ApiError && error.status === 409) reread();
    throw error;
  }
};

/** Hands a blob (an export) to the browser as a download. */
export const saveFile = (blob: Blob, name: string): void => {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // Some browsers read the address after click() returns: let it go once they have.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
};

/** Query string from the filters that are set. */
export const query = (params: Record<string, string | number | boolean | undefined | null>): string => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
};
