import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@redress/event-store';
import { DEFAULT_WEIGHTING_POLICY } from '@redress/appraisal';
import { InvalidPolicyError, POLICY_REFRESH_MS, PolicyConflictError, VersionedPolicies, WEIGHTING_POLICY } from './policies';

describe('versioned policies', () => {
  const dir = mkdtempSync(join(tmpdir(), 'redress-policies-'));
  const store = new SqliteEventStore({ file: join(dir, 'events.db') });
  const clock = { now: () => new Date('2026-11-26T10:00:00Z') };
  const policies = new VersionedPolicies(WEIGHTING_POLICY, store, clock);
  const author = { user: 'ana', role: 'analysis' };
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the default as version 1 before anything is written, then writes it once', async () => {
    expect(await policies.versions()).toEqual([{ version: 1, definedAt: '1970-01-01T00:00:00.000Z', definedBy: { user: 'system', role: 'system' }, policy: DEFAULT_WEIGHTING_POLICY }]);
    await Promise.all([policies.ensureDefault(), policies.ensureDefault()]);
    expect((await store.readStream('policy-weighting')).map((e) => [e.type, e.data.version])).toEqual([['WeightingPolicyDefined', 1]]);
    expect((await policies.current()).definedAt).toBe('2026-11-26T10:00:00.000Z');
  });

  // At 10:00 UTC on the 26th it is already the 27th at +14:00, where the day begins first.
  it('refuses a version that does not make sense, with every problem, and writes nothing', async () => {
    const refused = policies.define({ ...DEFAULT_WEIGHTING_POLICY, effectiveFrom: '2026-11-26', normalisePer: 0 }, author, 'c-1');
    await expect(refused).rejects.toThrow(InvalidPolicyError);
    await expect(refused).rejects.toMatchObject({ code: 'INVALID_WEIGHTING_POLICY', problems: ['normalisePer must be more than 0 (is 0)', expect.stringContaining('effectiveFrom must be a later day than today (2026-11-27)')] });
    expect((await policies.current()).version).toBe(1);
  });

  it('of two versions defined at once, one is written and the other is told the stream moved', async () => {
    const next = { ...DEFAULT_WEIGHTING_POLICY, effectiveFrom: '2026-12-01' };
    const outcomes = await Promise.allSettled([policies.define(next, author, 'c-2'), policies.define(next, author, 'c-3')]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(refused?.reason).toBeInstanceOf(PolicyConflictError);
    expect(refused?.reason).toMatchObject({ currentVersion: 2 });
    expect((await policies.versions()).map((v) => [v.version, v.policy.effectiveFrom])).toEqual([[1, '1970-01-01'], [2, '2026-12-01']]);
  });

  it('a process sees its own new version at once, another process\'s within POLICY_REFRESH_MS', async () => {
    const elsewhere = new VersionedPolicies(WEIGHTING_POLICY, store, clock);
    expect((await elsewhere.current()).version).toBe(2);
    const defined = await policies.define({ ...DEFAULT_WEIGHTING_POLICY, effectiveFrom: '2027-01-01' }, author, 'c-4');
    expect(defined.version).toBe(3);
    expect((await policies.current()).version).toBe(3);
    // The other process reuses what it read a moment ago, then reads again.
    expect((await elsewhere.current()).version).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, POLICY_REFRESH_MS + 50));
    expect((await elsewhere.current()).version).toBe(3);
  });

  it('gives a version by its number, as written, and none for a number not written yet', async () => {
    expect(await policies.version(2)).toEqual((await policies.versions())[1]);
    expect((await policies.version(1))?.policy.effectiveFrom).toBe('1970-01-01');
    expect(await policies.version(0)).toBeUndefined();
    // Not written yet: asked again once it is, it is there (a "none" is not kept).
    expect(await policies.version(4)).toBeUndefined();
    await policies.define({ ...DEFAULT_WEIGHTING_POLICY, effectiveFrom: '2027-02-01' }, author, 'c-5');
    expect((await policies.version(4))?.policy.effectiveFrom).toBe('2027-02-01');
  });

  it('refuses a version based on one that is no longer current (If-Match), and writes nothing', async () => {
    const read = (await policies.versions()).length;
    const next = { ...DEFAULT_WEIGHTING_POLICY, effectiveFrom: '2026-12-01' };
    await policies.define(next, author, 'c-4', read);
    await expect(policies.define({ ...next, effectiveFrom: '2026-12-02' }, author, 'c-5', read)).rejects.toMatchObject({ currentVersion: read + 1 });
    expect(await policies.versions()).toHaveLength(read + 1);
  });
});
