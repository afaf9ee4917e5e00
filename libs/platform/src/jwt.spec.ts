import { createHmac } from 'node:crypto';
import * as E from 'fp-ts/Either';
import { signToken, tokenVerifier, verifyToken } from './jwt';

const SECRET = 's'.repeat(40);
const NOW = new Date('2026-11-25T10:00:00.000Z');
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('jwt', () => {
  const token = signToken({ sub: 'u-1', role: 'handler', department: 'claims' }, SECRET, NOW, 3600);

  it('verifies its own tokens and returns the claims', () => {
    expect(verifyToken(token, SECRET, NOW)).toEqual(E.right({ sub: 'u-1', role: 'handler', department: 'claims', iat: 1795600800, exp: 1795604400 }));
  });

  it('refuses an expired token', () => {
    expect(verifyToken(token, SECRET, new Date(NOW.getTime() + 3600_000))).toEqual(E.left('TOKEN_EXPIRED'));
  });

  it('refuses another secret, a changed payload, alg none and a token without exp', () => {
    const [header, , signature] = token.split('.');
    const forged = b64({ sub: 'u-1', role: 'admin', iat: 1, exp: 9_999_999_999 });
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${forged}.`;
    const noExpPayload = b64({ sub: 'u-1', role: 'admin', iat: 1 });
    const noExp = `${header}.${noExpPayload}.${createHmac('sha256', SECRET).update(`${header}.${noExpPayload}`).digest('base64url')}`;
    const rs256 = `${b64({ alg: 'RS256', typ: 'JWT' })}.${forged}.${createHmac('sha256', SECRET).update(`x`).digest('base64url')}`;
    for (const bad of [verifyToken(token, 'x'.repeat(40), NOW), verifyToken(`${header}.${forged}.${signature}`, SECRET, NOW), verifyToken(none, SECRET, NOW), verifyToken(noExp, SECRET, NOW), verifyToken(rs256, SECRET, NOW), verifyToken('garbage', SECRET, NOW)]) {
      expect(bad).toEqual(E.left('TOKEN_INVALID'));
    }
  });

  it('refuses an unknown role', () => {
    const [header] = token.split('.');
    const payload = b64({ sub: 'u-1', role: 'root', iat: 1, exp: 9_999_999_999 });
    const signed = `${header}.${payload}.${createHmac('sha256', SECRET).update(`${header}.${payload}`).digest('base64url')}`;
    expect(verifyToken(signed, SECRET, NOW)).toEqual(E.left('TOKEN_INVALID'));
  });

  it('remembers accepted tokens only: a remembered token still expires, a forgery of it is still refused', () => {
    const verify = tokenVerifier(SECRET, 2);
    expect(verify(token, NOW)).toEqual(verifyToken(token, SECRET, NOW));
    expect(verify(token, NOW)).toEqual(verifyToken(token, SECRET, NOW));
    expect(verify(token, new Date(NOW.getTime() + 3600_000))).toEqual(E.left('TOKEN_EXPIRED'));
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'AB' : 'AA'}`;
    expect(verify(`${header}.${payload}.${flipped}`, NOW)).toEqual(E.left('TOKEN_INVALID'));
    expect(verify(`${header}.${b64({ sub: 'u-1', role: 'admin', iat: 1, exp: 9_999_999_999 })}.${signature}`, NOW)).toEqual(E.left('TOKEN_INVALID'));
    // Past its capacity the verifier forgets the oldest token and checks it afresh.
    const others = ['u-2', 'u-3'].map((sub) => signToken({ sub, role: 'intake' }, SECRET, NOW, 60));
    others.forEach((other) => expect(E.isRight(verify(other, NOW))).toBe(true));
    expect(verify(token, NOW)).toEqual(verifyToken(token, SECRET, NOW));
    expect(tokenVerifier('x'.repeat(40))(token, NOW)).toEqual(E.left('TOKEN_INVALID'));
  });
});
