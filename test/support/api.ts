import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DestinationStream } from 'pino';
import { createLogger, parseConfig, signToken, type Clock, type Config } from '@redress/platform';
import type { Role } from '@redress/contracts';
import type * as t from 'io-ts';
import { createApp } from '../../apps/api/src/app';
import type { DeliveryPolicy } from '../../apps/api/src/webhooks/delivery';

/** A real api on a free port over embedded stores in a temp dir. */
export interface RunningApi {
  readonly url: string;
  readonly config: Config;
  readonly app: NestFastifyApplication;
  /** A client acting as a member of staff with this role. */
  as(role: t.TypeOf<typeof Role>, user?: string): StaffClient;
  stop(): Promise<void>;
}

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test assertions read any field
}

export interface StaffClient {
  readonly token: string;
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  put(path: string, body: unknown, headers?: Record<string, string>): Promise<Reply>;
  get(path: string, headers?: Record<string, string>): Promise<Reply>;
}

export const TEST_JWT_SECRET = 'test-secret-test-secret-test-secret-0123';

const request = async (url: string, init: RequestInit): Promise<Reply> => {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
};

export const staffClient = (baseUrl: string, token: string): StaffClient => ({
  token,
  post: (path, body, headers = {}) =>
    request(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  put: (path, body, headers = {}) =>
    request(`${baseUrl}${path}`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }),
  get: (path, headers = {}) => request(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } }),
});

export interface ApiOptions {
  readonly env?: Record<string, string>;
  readonly clock?: Clock;
  /** Reuse a data directory (a restart); it is then left in place on stop. */
  readonly dataDir?: string;
  readonly webhooks?: DeliveryPolicy;
  /** Where the api's log lines go (by default nowhere: LOG_LEVEL is silent unless `env` says otherwise). */
  readonly logs?: DestinationStream;
}

export const startApi = async ({ env = {}, clock, dataDir: reused, webhooks, logs }: ApiOptions = {}): Promise<RunningApi> => {
  const dataDir = reused ?? mkdtempSync(join(tmpdir(), 'redress-api-'));
  const parsed = parseConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', JWT_SECRET: TEST_JWT_SECRET, ...env });
  if (parsed._tag === 'Left') throw new Error(parsed.left.join('; '));
  const config = parsed.right;
  // The SLA scheduler ticks only when a test asks it to.
  const app = await createApp(config, createLogger(config.logLevel, logs), { ...(clock ? { clock } : {}), ...(webhooks ? { webhooks } : {}), slaTickMs: 0 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  return {
    url,
    config,
    app,
    as: (role, user = `${role}-1`) => staffClient(url, signToken({ sub: user, role }, TEST_JWT_SECRET, clock?.now() ?? new Date(), 3600 * 24 * 365)),
    stop: async () => {
      await app.close();
      if (!reused) rmSync(dataDir, { recursive: true, force: true });
    },
  };
};
