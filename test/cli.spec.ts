import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/Either';
import { verifyToken } from '@redress/platform';
import { runCommand as run } from './support/cli';
import { startApi, staffClient, TEST_JWT_SECRET, type RunningApi } from './support/api';

describe('cli', () => {
  let api: RunningApi;
  let env: Record<string, string>;
  beforeAll(async () => {
    api = await startApi();
    env = { DATA_DIR: api.config.dataDir, JWT_SECRET: TEST_JWT_SECRET };
  });
  afterAll(() => api.stop());

  it('token prints, as its last line, a token the api accepts for that user and role', async () => {
    const { code, out } = await run(env, 'token', '--user', 'mei', '--role', 'supervisor', '--department', 'claims', '--hours', '1');
    expect(code).toBe(0);
    const token = out[out.length - 1] as string;
    expect(verifyToken(token, TEST_JWT_SECRET, new Date())).toEqual(E.right(expect.objectContaining({ sub: 'mei', role: 'supervisor', department: 'claims' })));
    const reply = await staffClient(api.url, token).post('/complaints', { channel: 'email', complainant: { anonymous: true }, subject: 's', content: 'c' });
    expect(reply.status).toBe(201);
  });

  it('token explains a missing user or an unknown role', async () => {
    expect((await run(env, 'token', '--role', 'handler')).code).toBe(2);
    const wrong = await run(env, 'token', '--user', 'x', '--role', 'root');
    expect(wrong.code).toBe(2);
    expect(wrong.err.join('\n')).toContain('--role must be one of intake, handler, supervisor, department, analysis, auditor, analyst, admin');
  });

  it('refuses, with exit 2, what it would otherwise quietly do wrong', async () => {
    const refusal = async (...args: string[]) => {
      const { code, err } = await run(env, ...args);
      expect(code).toBe(2);
      return err.join('\n');
    };
    expect(await refusal('token', '--user', 'a', '--role', 'admin', '--role', 'intake')).toContain('--role is given twice');
    for (const hours of ['0x10', '1e2', ' 8', '0.0001', '0', '721']) expect(await refusal('token', '--user', 'a', '--role', 'admin', '--hours', hours)).toContain('--hours must be');
    for (const department of ['', '   ', 'd'.repeat(201)]) expect(await refusal('token', '--user', 'a', '--role', 'admin', '--department', department)).toContain('--department must be');
    // A department's token acts for its department: without one, everything it asked for would be refused.
    expect(await refusal('token', '--user', 'a', '--role', 'department')).toContain('--role department needs --department');
    for (const department of ['', '   ', 'd'.repeat(201)]) expect(await refusal('appraisal', '--period', '2026-10', '--department', department)).toContain('--department must be');
    expect(await refusal('appraisal', '--period', '2026-13')).toContain('--period "2026-13" is not a period');
    expect(await refusal('appraisal', '--period', '2999-Q4')).toContain('has not begun');
    // A refused value gets its reason, not the whole usage under it; a command line that is not one gets the usage.
    expect(await refusal('appraisal', '--period', '2026-13')).not.toContain('usage: npm run cli');
    expect(await refusal('appraisal', '--period', '2026-10', '--colour')).toContain('usage: npm run cli');
    expect(await refusal('replay')).toContain('usage: npm run cli');
    // No command: the usage, on stderr.
    const bare = await run(env);
    expect(bare).toMatchObject({ code: 2, out: [] });
    expect(bare.err.join('\n')).toContain('usage: npm run cli');
    // A DATA_DIR with no log: nothing is created, nothing is reported as if it were the store.
    const nowhere = join(mkdtempSync(join(tmpdir(), 'redress-cli-')), 'nope');
    for (const args of [['replay', '0190a5f0-0000-7000-8000-00000000beef'], ['rebuild'], ['appraisal', '--period', '2026-10'], ['verify']]) {
      const { code, err } = await run({ DATA_DIR: nowhere, JWT_SECRET: TEST_JWT_SECRET }, ...(args as [string, ...string[]]));
      expect({ args, code, err: err.join('\n') }).toMatchObject({ code: 2, err: expect.stringContaining('no event store at') });
    }
    expect((await run({ DATA_DIR: nowhere, JWT_SECRET: TEST_JWT_SECRET }, 'import')).code).toBe(2);
    expect(existsSync(nowhere)).toBe(false);
  });

  it('token signs with the secret generated for embedded mode when JWT_SECRET is unset', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'redress-cli-'));
    const { out } = await run({ DATA_DIR: dataDir }, 'token', '--user', 'u', '--role', 'auditor');
    const secret = readFileSync(join(dataDir, 'jwt-secret'), 'utf8').trim();
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(verifyToken(out[out.length - 1] as string, secret, new Date())).toEqual(E.right(expect.objectContaining({ sub: 'u', role: 'auditor' })));
    writeFileSync(join(dataDir, 'jwt-secret'), '\n');
    await expect(run({ DATA_DIR: dataDir }, 'token', '--user', 'u', '--role', 'auditor')).rejects.toThrow(/no usable secret/);
    // A mistyped DATA_DIR is not given a secret of its own, which would sign tokens the api refuses.
    const typo = join(dataDir, 'typo');
    const refused = await run({ DATA_DIR: typo }, 'token', '--user', 'u', '--role', 'auditor');
    expect({ code: refused.code, err: refused.err.join('\n') }).toEqual({ code: 2, err: expect.stringContaining(`no data directory at ${typo}`) });
    expect(existsSync(typo)).toBe(false);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('replay prints the timeline and the state after each step', async () => {
    const intake = api.as('intake', 'ines');
    const { body } = await intake.post('/complaints', { channel: 'phone', complainant: { name: 'Li' }, subject: 'Late', content: 'Two weeks late' });
    await intake.post(`/complaints/${body.id}/acknowledge`, {});
    await api.as('handler', 'hao').post(`/complaints/${body.id}/classify`, { category: 'logistics', severity: 'high', urgency: 'normal', department: 'delivery' });
    const { code, out } = await run(env, 'replay', body.id);
    expect(code).toBe(0);
    expect(out).toHaveLength(6);
    expect(out[0]).toMatch(/^#0 \S+Z ines \(intake\) ComplaintReceived subject=Late channel=phone complainantId=\S+ receivedAt=\S+ language=und$/);
    expect(out[1]).toBe('    → status=received');
    expect(out[2]).toMatch(/^#1 \S+ ines \(intake\) ComplaintAcknowledged$/);
    expect(out[4]).toMatch(/^#2 \S+ hao \(handler\) ComplaintClassified category=logistics severity=high urgency=normal department=delivery$/);
    expect(out[5]).toBe('    → status=classified severity=high');
    expect((await run(env, 'replay', '0190a5f0-0000-7000-8000-00000000beef')).code).toBe(2);
  });

  it('finishes quietly when whoever reads its output goes away (| head)', async () => {
    // The reader is gone before the first line: every write meets a closed pipe.
    const cli = spawn(process.execPath, ['--import', 'tsx', 'apps/cli/src/main.ts', 'catalogue'], { env: { ...process.env, ...env } });
    cli.stdout.destroy();
    let stderr = '';
    cli.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => cli.on('exit', resolve));
    // Before, Node's unhandled EPIPE ended it with exit 1 and a stack trace.
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });
});
