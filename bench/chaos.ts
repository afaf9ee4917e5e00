import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, verifyLog, type RecordedEvent } from '@redress/event-store';
import { HANDLER, INTAKE, SUPERVISOR, post } from './api';
import { benchEnv, built, run, startBuiltApi, type BuiltApi } from './complaint-log';
import { figure, percentile, type Figure } from './report';

const ROUNDS = Number(process.env.BENCH_CHAOS_ROUNDS ?? 20);
const CLIENTS = 16;

/** A command the api acknowledged: its stream then stood at `revision`, its last event at `position`. */
interface Acknowledged {
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
}

/** One client's load until the api dies: cases walked through intake, triage and notes; every acknowledged command recorded. */
const client = async (url: string, acknowledged: Acknowledged[]): Promise<void> => {
  const record = (reply: { id: string; revision: number; position: number }) => acknowledged.push({ stream: `complaint-${reply.id}`, revision: reply.revision, position: reply.position });
  try {
    for (;;) {
      const created = await post(url, '/complaints', INTAKE, { channel: 'phone', complainant: { name: 'Chaos Test' }, subject: 'Late parcel', content: 'It came a week late.' });
      record(created);
      const { id } = created;
      record(await post(url, `/complaints/${id}/acknowledge`, INTAKE, {}));
      record(await post(url, `/complaints/${id}/classify`, SUPERVISOR, { category: 'logistics', severity: 'medium', urgency: 'normal', department: 'delivery' }));
      record(await post(url, `/complaints/${id}/assign`, SUPERVISOR, { assignee: 'h-bench' }));
      for (let i = 0; i < 3; i += 1) record(await post(url, `/complaints/${id}/investigation-notes`, HANDLER, { note: `Note ${i}` }));
    }
  } catch {
    // The api was killed: this client's in-flight command may or may not have been written, and was not acknowledged.
  }
};

/** Every case in the case view, by id (the api answers once the read models hold the whole log). */
const caseViews = async (api: BuiltApi): Promise<Map<string, unknown>> => {
  const head = ((await (await api.get('/health')).json()) as { position: number }).position;
  for (;;) {
    const { projections } = (await (await api.get('/projections')).json()) as { projections: Array<{ position: number }> };
    if (projections.every((p) => p.position >= head)) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const views = new Map<string, unknown>();
  for (let cursor: string | undefined; ; ) {
    const page = (await (await api.get(`/cases?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)).json()) as { items: Array<{ id: string }>; nextCursor?: string };
    for (const item of page.items) views.set(item.id, item);
    if (!page.nextCursor) return views;
    cursor = page.nextCursor;
  }
};

/**
 * `npm run bench -- chaos`: the built api (embedded, projections in-process)
 * under 16 clients' write load is SIGKILLed at a random moment, restarted,
 * and killed again, 20 times. Then: every acknowledged command is in the log
 * at the revision and position the api answered; every command's events are
 * all there or none (contiguous by causation id); the chains verify and the
 * positions are dense; and the case view the projections kept through all
 * the kills equals a rebuild from the log.
 */
export const chaosBenchmark = async (log: (line: string) => void): Promise<Figure[]> => {
  const dir = mkdtempSync(join(tmpdir(), 'redress-bench-chaos-'));
  try {
    const acknowledged: Acknowledged[] = [];
    const restarts: number[] = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      const starting = performance.now();
      const api = await startBuiltApi(dir);
      restarts.push((performance.now() - starting) / 1000);
      const before = acknowledged.length;
      const load = Promise.all(Array.from({ length: CLIENTS }, () => client(api.url, acknowledged)));
      await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 1200));
      await api.kill();
      await load;
      log(`round ${round}: ${acknowledged.length - before} commands acknowledged, then SIGKILL`);
    }

    const store = new SqliteEventStore({ file: join(dir, 'events.db') });
    let lost = 0;
    let split = 0;
    let breaks = 0;
    let keyless = 0;
    let continuity: string | undefined;
    let events: RecordedEvent[] = [];
    try {
      for (const ack of acknowledged) {
        const [event] = await store.readStream(ack.stream, { fromRevision: ack.revision, maxCount: 1 });
        if (!event || event.revision !== ack.revision || event.position !== ack.position) lost += 1;
      }
      for (let after = 0; ; ) {
        const page = await store.readAll({ after, maxCount: 10_000 });
        if (page.length === 0) break;
        events = events.concat(page);
        after = page[page.length - 1]?.position as number;
      }
      // A command's events are appended together: in its stream they follow one another with nothing between.
      const seen = new Set<string>();
      const previous = new Map<string, string>();
      for (const event of events) {
        const command = `${event.streamName} ${String(event.metadata.causationId)}`;
        if (seen.has(command) && previous.get(event.streamName) !== command) split += 1;
        seen.add(command);
        previous.set(event.streamName, command);
      }
      // Personal data is sealed with a key the log commits with the batch: no event may outlive its key.
      const keys = store.dataKeys();
      for (const event of events) {
        const keyId = /^sealed:v1:([^:]+):/.exec(String(event.data._sealed ?? ''))?.[1];
        if (keyId !== undefined && !(await keys.find(keyId))) keyless += 1;
      }
      breaks = (await verifyLog(store)).firstBreak ? 1 : 0;
      continuity = store.checkContinuity();
    } finally {
      await store.close();
    }
    log(`${acknowledged.length} acknowledged commands, ${events.length} events: ${lost} lost, ${split} split, ${breaks} chain breaks, ${keyless} sealed without their key, continuity ${continuity ?? 'ok'}`);

    const survivor = await startBuiltApi(dir);
    const kept = await caseViews(survivor);
    await survivor.stop();
    await run(process.execPath, [built('cli'), 'rebuild', 'cases'], { env: benchEnv(dir) });
    const rebuiltApi = await startBuiltApi(dir);
    const rebuilt = await caseViews(rebuiltApi);
    await rebuiltApi.stop();
    const differing = [...new Set([...kept.keys(), ...rebuilt.keys()])].filter((id) => JSON.stringify(kept.get(id)) !== JSON.stringify(rebuilt.get(id))).length;
    log(`case view after ${ROUNDS} kills: ${kept.size} cases, ${differing} differ from a rebuild`);

    restarts.sort((a, b) => a - b);
    return [
      figure('SIGKILLs under write load', ROUNDS, 'kills', `>= ${ROUNDS}`),
      figure('commands acknowledged', acknowledged.length, 'commands', `>= ${ROUNDS * 50}`),
      figure('acknowledged commands missing or moved', lost, 'commands', '<= 0'),
      figure('commands whose events are not together', split, 'commands', '<= 0'),
      figure('hash-chain breaks', breaks, 'breaks', '<= 0'),
      figure('events whose data key was lost (personal data unreadable)', keyless, 'events', '<= 0'),
      figure('holes in the positions', continuity === undefined ? 0 : 1, 'holes', '<= 0'),
      figure('case views differing from a rebuild', differing, 'cases', '<= 0'),
      figure('restart to healthy, p50', percentile(restarts, 50), 's', 'reference'),
      figure('restart to healthy, max', restarts[restarts.length - 1] ?? 0, 's', 'reference'),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
