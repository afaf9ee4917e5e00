import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type ApiError } from './api';

export interface Resource<T> {
  readonly data?: T;
  readonly error?: ApiError;
  readonly loading: boolean;
  /** The log position the read model answered at (X-Projection-Position), when it says. */
  readonly position?: number;
  /** Fetch again; with `minPosition`, from a read model that has applied at least that position (read your writes). */
  reload(minPosition?: number): void;
}

/**
 * GET `path` (none while it is null), again whenever it changes or on
 * reload, and by itself after a 503's Retry-After (a read model catching up
 * or briefly out: otherwise the page would stay stale, with the error, until
 * the next change came). An answer to an older request never replaces a newer one.
 */
export const useResource = <T>(path: string | null): Resource<T> => {
  // Each answer remembers what it answers: another path's data is never shown, even for the moment before the new one loads.
  const [state, setState] = useState<{ path: string | null; data?: T; error?: ApiError; loading: boolean; position?: number }>({ path, loading: path !== null });
  const [round, setRound] = useState<{ n: number; minPosition?: number }>({ n: 0 });
  const latest = useRef(0);
  useEffect(() => {
    if (path === null) return;
    const abort = new AbortController();
    let retry: ReturnType<typeof setTimeout> | undefined;
    const ticket = (latest.current += 1);
    setState((previous) => (previous.path === path ? { ...previous, loading: true } : { path, loading: true }));
    api
      .get<T>(path, { signal: abort.signal, ...(round.minPosition ? { headers: { 'x-min-position': String(round.minPosition) } } : {}) })
      .then(
        ({ body, headers }) => {
          if (ticket !== latest.current) return;
          const position = Number(headers.get('x-projection-position') ?? Number.NaN);
          setState({ path, data: body, loading: false, ...(Number.isFinite(position) ? { position } : {}) });
        },
        (error: ApiError) => {
          if (ticket !== latest.current || abort.signal.aborted) return;
          setState((previous) => ({ ...(previous.path === path ? previous : { path }), error, loading: false }));
          if (error.status === 503) {
            const seconds = Math.min(60, Math.max(1, error.retryAfterSeconds ?? 5));
            retry = setTimeout(() => setRound((previous) => ({ ...previous, n: previous.n + 1 })), seconds * 1000);
          }
        },
      );
    return () => {
      abort.abort();
      clearTimeout(retry);
    };
  }, [path, round]);
  const reload = useCallback((minPosition?: number) => setRound((previous) => ({ n: previous.n + 1, ...(minPosition ? { minPosition } : {}) })), []);
  const { path: answered, ...answer } = state;
  return answered === path ? { ...answer, reload } : { loading: path !== null, reload };
};
