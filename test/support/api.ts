import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLogger, parseConfig, type Config } from '@redress/platform';
import { createApp } from '../../apps/api/src/app';

/** A real api on a free port over embedded stores in a temp dir. */
export interface RunningApi {
  readonly url: string;
  readonly config: Config;
  readonly app: NestFastifyApplication;
  stop(): Promise<void>;
}

export const startApi = async (env: Record<string, string> = {}): Promise<RunningApi> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'redress-api-'));
  const parsed = parseConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env });
  if (parsed._tag === 'Left') throw new Error(parsed.left.join('; '));
  const config = parsed.right;
  const app = await createApp(config, createLogger(config.logLevel));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    config,
    app,
    stop: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
};
