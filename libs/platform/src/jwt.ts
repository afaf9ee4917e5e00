import { createHmac, timingSafeEqual } from 'node:crypto';
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { Role, text } from '@redress/contracts';

/** A staff member's department, as a token names it. */
export const Department = text(200, 'Department');

/**
 * HS256 JSON Web Tokens, written out rather than pulled in so the rules are
 * plain to see: the algorithm is pinned (no `none`, no RS/HS confusion), the
 * signature is compared in constant time, and `exp` is required.
 */
export const TokenClaims = t.intersection([t.type({ sub: text(100, 'UserId'), role: Role, iat: t.number, exp: t.number }), t.partial({ department: Department })]);
export type TokenClaims = t.TypeOf<typeof TokenClaims>;

export type TokenProblem = 'TOKEN_INVALID' | 'TOKEN_EXPIRED';

const base64url = (input: Buffer | string): string => Buffer.from(input).toString('base64url');
const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
const sign = (content: string, secret: string): Buffer => createHmac('sha256', secret).update(content).digest();

export const signToken = (claims: Omit<TokenClaims, 'iat' | 'exp'>, secret: string, now: Date, ttlSeconds: number): string => {
  const iat = Math.floor(now.getTime() / 1000);
  const payload = base64url(JSON.stringify({ ...claims, iat, exp: iat + ttlSeconds }));
  return `${HEADER}.${payload}.${base64url(sign(`${HEADER}.${payload}`, secret))}`;
};

const parseJson = (segment: string): unknown => {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
};

export const verifyToken = (token: string, secret: string, now: Date): E.Either<TokenProblem, TokenClaims> => {
  const parts = token.split('.');
  if (parts.length !== 3) return E.left('TOKEN_INVALID');
  const [header, payload, signature] = parts as [string, string, string];
  // Exactly the 43 characters of an HS256 signature: node's lenient base64url decoder would accept variants.
  if (!/^[A-Za-z0-9_-]{43}$/.test(signature)) return E.left('TOKEN_INVALID');
  const head = parseJson(header) as { alg?: unknown; typ?: unknown } | undefined;
  if (head?.alg !== 'HS256') return E.left('TOKEN_INVALID');
  const expected = sign(`${header}.${payload}`, secret);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return E.left('TOKEN_INVALID');
  const claims = TokenClaims.decode(parseJson(payload));
  if (E.isLeft(claims)) return E.left('TOKEN_INVALID');
  return claims.right.exp * 1000 <= now.getTime() ? E.left('TOKEN_EXPIRED') : E.right(claims.right);
};

/**
 * verifyToken for one secret, remembering the tokens it accepted: a client
 * sends the same token with every request, and checking it again (an HMAC,
 * two base64 decodes, a JSON parse and a decode) was a twentieth of an
 * intake's time on the api's thread. Only tokens that verified are kept,
 * keyed by their whole text, signature included, so a hit is the very token
 * already checked with this secret; expiry is still checked at every use.
 * The oldest is forgotten past `capacity`.
 */
export const tokenVerifier = (secret: string, capacity = 1000) => {
  const accepted = new Map<string, TokenClaims>();
  return (token: string, now: Date): E.Either<TokenProblem, TokenClaims> => {
    const known = accepted.get(token);
    if (known) return known.exp * 1000 <= now.getTime() ? E.left('TOKEN_EXPIRED') : E.right(known);
    const verified = verifyToken(token, secret, now);
    if (E.isRight(verified)) {
      accepted.set(token, verified.right);
      if (accepted.size > capacity) accepted.delete(accepted.keys().next().value as string);
    }
    return verified;
  };
};
