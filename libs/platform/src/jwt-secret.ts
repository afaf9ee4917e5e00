import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { MIN_SECRET_LENGTH, type Config } from './config';

/** The signing secret on disk cannot be used: its message says what to do about it. */
export class JwtSecretError extends Error {
  override readonly name = 'JwtSecretError';
}

/** Creates `file` holding `text` unless it exists (then another process's secret is kept). */
const writeInPlace = (file: string, text: string): void => {
  try {
    writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as { code?: string }).code !== 'EEXIST') throw error;
  }
};

/**
 * The token signing secret: JWT_SECRET, or in embedded mode one generated
 * into DATA_DIR on first start (and kept, so tokens survive restarts).
 */
export const resolveJwtSecret = (config: Pick<Config, 'jwtSecret' | 'dataDir'>, logger?: Logger): string => {
  if (config.jwtSecret !== undefined) return config.jwtSecret;
  const file = join(config.dataDir, 'jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    // Written whole under a name of its own, then linked into place: a process starting beside this one (a
    // projector, `cli token`) sees no file or the whole secret, never an empty or half-written one.
    const draft = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
    const generated = `${randomBytes(48).toString('base64url')}\n`;
    writeFileSync(draft, generated, { mode: 0o600, flag: 'wx' });
    try {
      linkSync(draft, file);
      logger?.warn({ file }, 'JWT_SECRET is not set: generated a signing secret for embedded mode; set JWT_SECRET to choose your own');
    } catch (error) {
      const code = (error as { code?: string }).code;
      // Another process created it first: use theirs. A filesystem without hard links (some network shares) gets it written in place.
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EXDEV') writeInPlace(file, generated);
      else if (code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(draft);
    }
  }
  const secret = readFileSync(file, 'utf8').trim();
  // An empty or truncated file would make every token forgeable.
  if (secret.length < MIN_SECRET_LENGTH) throw new JwtSecretError(`${file} holds no usable secret (under ${MIN_SECRET_LENGTH} characters): delete it to generate a new one, or set JWT_SECRET`);
  return secret;
};
