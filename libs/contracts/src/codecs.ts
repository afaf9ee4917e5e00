import * as t from 'io-ts';

/**
 * The few io-ts combinators every contract is built from. Each one records
 * the JSON Schema it stands for, so OpenAPI and the event catalogue come from
 * the same codecs that validate requests (see json-schema.ts).
 */
export type JsonSchema = { readonly [key: string]: unknown };
const schemas = new WeakMap<t.Mixed, JsonSchema>();
export const schemaOf = (codec: t.Mixed): JsonSchema | undefined => schemas.get(codec);
const described = <C extends t.Mixed>(codec: C, schema: JsonSchema): C => {
  schemas.set(codec, schema);
  return codec;
};

/** A trimmed, non-empty string of at most `max` characters. */
export const text = (max: number, name = `Text${max}`) =>
  described(
    new t.Type<string, string, unknown>(
      name,
      (u): u is string => typeof u === 'string' && u.trim().length > 0 && u.length <= max,
      (u, c) =>
        typeof u !== 'string'
          ? t.failure(u, c, 'must be a string')
          : u.trim().length === 0
            ? t.failure(u, c, 'must not be empty')
            : u.length > max
              ? t.failure(u, c, `must be at most ${max} characters`)
              : t.success(u.trim()),
      t.identity,
    ),
    { type: 'string', minLength: 1, maxLength: max },
  );

/** One of a fixed set of lower_snake_case strings. */
/** A closed vocabulary; `values` lists it for whoever needs to enumerate it (query parameters, forms). */
export const oneOf = <V extends string>(values: readonly [V, ...V[]], name: string) =>
  Object.assign(
    described(
    new t.Type<V, V, unknown>(
      name,
      (u): u is V => typeof u === 'string' && (values as readonly string[]).includes(u),
      (u, c) =>
        typeof u === 'string' && (values as readonly string[]).includes(u)
          ? t.success(u as V)
          : t.failure(u, c, `must be one of ${values.join(', ')}`),
        t.identity,
      ),
      { type: 'string', enum: values },
    ),
    { values },
  );

export const integer = (min: number, max: number, name = `Integer${min}to${max}`) =>
  described(
    new t.Type<number, number, unknown>(
      name,
      (u): u is number => Number.isInteger(u) && (u as number) >= min && (u as number) <= max,
      (u, c) =>
        Number.isInteger(u) && (u as number) >= min && (u as number) <= max
          ? t.success(u as number)
          : t.failure(u, c, `must be a whole number from ${min} to ${max}`),
      t.identity,
    ),
    { type: 'integer', minimum: min, maximum: max },
  );

/**
 * Any finite number. Ranges are a policy's business, checked where the whole
 * policy is (422 naming every problem), not here (400 for a wrong shape).
 */
export const decimal = described(
  new t.Type<number, number, unknown>(
    'Decimal',
    (u): u is number => typeof u === 'number' && Number.isFinite(u),
    (u, c) => (typeof u === 'number' && Number.isFinite(u) ? t.success(u) : t.failure(u, c, 'must be a number')),
    t.identity,
  ),
  { type: 'number' },
);

const MAX_AMOUNT = 1e12;
/** Cents, tolerating binary fractions: 0.29 * 100 is 28.999999999999996. */
const isAmount = (u: unknown): u is number =>
  typeof u === 'number' && Number.isFinite(u) && u >= 0 && u <= MAX_AMOUNT && Math.abs(Math.round(u * 100) - u * 100) < 1e-6;

/** A non-negative amount of money with at most two decimals. */
export const amount = described(
  new t.Type<number, number, unknown>(
    'Amount',
    isAmount,
    (u, c) => (isAmount(u) ? t.success(u) : t.failure(u, c, `must be an amount from 0 to ${MAX_AMOUNT} with at most two decimals`)),
    t.identity,
  ),
  { type: 'number', minimum: 0, maximum: MAX_AMOUNT, multipleOf: 0.01 },
);

export const currency = described(
  new t.Type<string, string, unknown>(
    'Currency',
    (u): u is string => typeof u === 'string' && /^[A-Z]{3}$/.test(u),
    (u, c) => (typeof u === 'string' && /^[A-Z]{3}$/.test(u) ? t.success(u) : t.failure(u, c, 'must be an ISO 4217 code such as CNY or EUR')),
    t.identity,
  ),
  { type: 'string', pattern: '^[A-Z]{3}$' },
);

/** Intl throws a RangeError on what is not a well-formed BCP 47 tag: `und`, `zh-CN` and `zh-Hans-CN` are, `en_US` is not. */
const isWellFormedTag = (text: string): boolean => {
  try {
    Intl.getCanonicalLocales(text);
    return true;
  } catch {
    return false;
  }
};
const isLanguageTag = (u: unknown): u is string => typeof u === 'string' && u.trim().length <= 35 && isWellFormedTag(u.trim());

/** A BCP 47 language tag (at most 35 characters), trimmed. */
export const languageTag = described(
  new t.Type<string, string, unknown>(
    'Language',
    isLanguageTag,
    (u, c) => (isLanguageTag(u) ? t.success(u.trim()) : t.failure(u, c, 'must be a BCP 47 language tag of at most 35 characters, such as zh-CN, en or und')),
    t.identity,
  ),
  { type: 'string', minLength: 1, maxLength: 35 },
);

/** An offset is at most 14 hours either way (real ones run from -12:00 to +14:00): Date.parse refuses +24:00 or +00:60, and decoding one would throw. */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-](0\d|1[0-4]):[0-5]\d)$/;
/**
 * Instants are compared as text (the read models' filters and sorts, the scheduler's deadlines), which orders them in
 * time only while each is written `YYYY-…Z` with four digits: toISOString writes 9999-12-31T23:59-14:00 as
 * +010000-01-01T13:59:00.000Z, which sorts before 2026. Before 1970 no complaint came to a system like this one, and
 * the calendar code's Date.UTC reads a year below 100 as 19xx: the same bound as appraisal's periods. Only input
 * (bodies, queries, imported rows) is decoded with this codec; stored events are read as they were written.
 */
const EARLIEST = Date.UTC(1970, 0, 1);
const PAST_LATEST = Date.UTC(10_000, 0, 1);
/** Date.parse rolls 2026-02-31 over to March; a real instant names a day its month has. */
const isInstant = (u: unknown): u is string => {
  const match = typeof u === 'string' ? INSTANT.exec(u) : null;
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const at = Date.parse(u as string);
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate() && at >= EARLIEST && at < PAST_LATEST;
};

/** An ISO-8601 instant with a time zone whose UTC year is 1970–9999, normalised to UTC `...Z`. */
export const instant = described(
  new t.Type<string, string, unknown>(
    'Instant',
    isInstant,
    (u, c) => (isInstant(u) ? t.success(new Date(u).toISOString()) : t.failure(u, c, 'must be an ISO-8601 time with a zone, in the years 1970 to 9999 in UTC, e.g. 2026-11-25T09:30:00Z')),
    t.identity,
  ),
  { type: 'string', format: 'date-time' },
);

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A calendar day, "2026-12-01", that exists (no 2026-02-31), in the years an instant may have. */
const isDay = (u: unknown): u is string => {
  const match = typeof u === 'string' ? DAY_PATTERN.exec(u) : null;
  return match !== null && isInstant(`${u as string}T00:00:00Z`);
};
export const day = described(
  new t.Type<string, string, unknown>('Day', isDay, (u, c) => (isDay(u) ? t.success(u) : t.failure(u, c, 'must be a date like 2026-12-01, from 1970 to 9999')), t.identity),
  { type: 'string', format: 'date' },
);

export const uuid = described(
  new t.Type<string, string, unknown>(
    'Uuid',
    (u): u is string => typeof u === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(u),
    (u, c) =>
      typeof u === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(u)
        ? t.success(u.toLowerCase())
        : t.failure(u, c, 'must be a UUID'),
    t.identity,
  ),
  { type: 'string', format: 'uuid' },
);

export const bool = described(t.boolean, { type: 'boolean' });

export const list = <C extends t.Mixed>(item: C, minItems: number, maxItems: number, name: string) => {
  const base = t.array(item);
  return described(
    new t.Type<t.TypeOf<C>[], t.OutputOf<C>[], unknown>(
      name,
      (u): u is t.TypeOf<C>[] => base.is(u) && u.length >= minItems && u.length <= maxItems,
      (u, c) => {
        if (!Array.isArray(u)) return t.failure(u, c, 'must be an array');
        if (u.length < minItems || u.length > maxItems) return t.failure(u, c, `must have ${minItems} to ${maxItems} items`);
        return base.validate(u, c);
      },
      base.encode,
    ),
    { type: 'array', items: item, minItems, maxItems },
  );
};

type Props = Record<string, t.Mixed>;
type StructOf<R extends Props, O extends Props> = { [K in keyof R]: t.TypeOf<R[K]> } & { [K in keyof O]?: t.TypeOf<O[K]> };

/**
 * An object with required and optional fields. Unknown fields are rejected
 * (with their path), so a misspelt field never silently does nothing.
 */
export const struct = <R extends Props, O extends Props = Record<never, t.Mixed>>(name: string, required: R, optional?: O) => {
  const optionalProps = (optional ?? {}) as O;
  const requiredKeys = Object.keys(required);
  const optionalKeys = Object.keys(optionalProps);
  const known = new Set([...requiredKeys, ...optionalKeys]);
  const requiredShape = t.type(required);
  const optionalShape = t.partial(optionalProps);
  return described(
    new t.Type<StructOf<R, O>, StructOf<R, O>, unknown>(
      name,
      (u): u is StructOf<R, O> => requiredShape.is(u) && optionalShape.is(u),
      // Plain loops and no arrays on the way to success: every request body and every imported row passes
      // here, at every level of nesting (the chained filter/map/spread/fromEntries were a seventh of an import's garbage).
      (u, c) => {
        if (typeof u !== 'object' || u === null || Array.isArray(u)) return t.failure(u, c, 'must be an object');
        const given = u as Record<string, unknown>;
        let errors: t.ValidationError[] | undefined;
        for (const key of Object.keys(given)) {
          if (!known.has(key)) (errors ??= []).push({ value: given[key], context: [...c, { key, type: t.never, actual: u }], message: 'is not a known field' });
        }
        const mandatory = requiredShape.validate(u, c);
        const optional = optionalShape.validate(u, c);
        if (mandatory._tag === 'Left') (errors ??= []).push(...mandatory.left);
        if (optional._tag === 'Left') (errors ??= []).push(...optional.left);
        if (errors || mandatory._tag === 'Left' || optional._tag === 'Left') return t.failures(errors ?? []);
        // The decoded (trimmed, normalised) value of each field; optional ones given as undefined are dropped.
        // (Each io-ts half returns the whole input object, so take every field from the half that decoded it.
        // The keys are the codec's own, never "__proto__", so plain assignment defines them.)
        const fromRequired = mandatory.right as Record<string, unknown>;
        const fromOptional = optional.right as Record<string, unknown>;
        const value: Record<string, unknown> = {};
        for (const key of requiredKeys) value[key] = fromRequired[key];
        for (const key of optionalKeys) if (fromOptional[key] !== undefined) value[key] = fromOptional[key];
        return t.success(value as StructOf<R, O>);
      },
      t.identity,
    ),
    {
      type: 'object',
      properties: { ...required, ...optionalProps },
      required: Object.keys(required),
      additionalProperties: false,
    },
  );
};

/** Readable decoding errors: one `{path, message}` per problem. */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export const fieldErrors = (errors: t.Errors): FieldError[] =>
  errors.map((error) => {
    const path = error.context
      .map((entry) => entry.key)
      .filter((key) => key !== '')
      .join('.');
    const message = error.value === undefined ? 'is required' : (error.message ?? 'is not valid');
    return { path: path === '' ? '(body)' : path, message };
  });
