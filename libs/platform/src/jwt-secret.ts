import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config';

/**
 * The token signing secret: JWT_SECRET, or in embedded mode one generated
 * into DATA_DIR on first start (and kept, so tokens survive restarts).
 */
export const resolveJwtSecret = (config: Pick<Config, 'jwtSecret' | 'dataDir'>, logger?: Logger): string => {
  if (config.jwtSecret !== undefined) return config.jwtSecret;
  const file = join(config.dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  logger?.warn({ file }, 'JWT_SECRET is not set: generated a signing secret for embedded mode; set JWT_SECRET to choose your own');
  return secret;
};
