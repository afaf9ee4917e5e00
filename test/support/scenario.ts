import type { RunningApi, StaffClient } from './api';
import type { FakeClock } from './clock';

/** A small deterministic PRNG (mulberry32): the same seed walks the same cases. */
export const random = (seed: number) => {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return { next, pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T, hours: (max: number) => 1 + Math.floor(next() * max) };
};

const CATEGORIES = ['product_quality', 'service_attitude', 'billing', 'logistics'];
const DEPARTMENTS = ['delivery', 'finance', 'service'];
const HANDLERS = ['hao', 'han', 'hui', 'hong'];
const SEVERITIES = ['low', 'medium', 'high', 'critical'];

/**
 * Walks `count` complaints through varied lives by real commands over HTTP,
 * one every ~2.5 days from `start` on the fake clock: some left untouched,
 * some rejected or withdrawn, most investigated, resolved, followed up and
 * closed, some reopened or escalated. Returns the complaint ids.
 */
export const walkComplaints = async (api: RunningApi, clock: FakeClock, start: string, count: number, seed = 7): Promise<string[]> => {
  const rng = random(seed);
  const intake = api.as('intake', 'ines');
  const supervisor = api.as('supervisor', 'sun');
  const ids: string[] = [];
  const ok = async (who: StaffClient, id: string, action: string, body: unknown) => {
    const reply = await who.post(`/complaints/${id}/${action}`, body);
    if (reply.status !== 200) throw new Error(`${action} on ${id}: ${reply.status} ${JSON.stringify(reply.body)}`);
    clock.advanceHours(rng.hours(30));
  };
  for (let i = 0; i < count; i += 1) {
    clock.set(new Date(Date.parse(start) + i * 60 * 3_600_000).toISOString());
    const received = await intake.post('/complaints', {
      channel: rng.pick(['phone', 'email', 'web', 'app']),
      complainant: { name: `Customer ${i}`, customerType: rng.pick(['individual', 'business', 'vip']) },
      subject: rng.pick(['Parcel late', 'Charged twice', 'Rude staff', 'Broken kettle']),
      content: `Case ${i}: ${rng.pick(['the parcel never came', 'the bill is wrong', 'nobody answered', 'it broke on day one'])}`,
      product: rng.pick(['express', 'kettle', 'broadband']),
      region: rng.pick(['east', 'north']),
    });
    const id = received.body.id as string;
    ids.push(id);
    clock.advanceHours(rng.hours(12));
    const fate = rng.next();
    if (fate < 0.08) continue;
    await ok(intake, id, 'acknowledge', {});
    if (fate < 0.14) {
      await ok(supervisor, id, 'reject', { reason: 'out_of_scope', explanation: 'Not our service' });
      continue;
    }
    if (fate < 0.2) {
      await ok(intake, id, 'withdraw', { reason: 'Sorted it out myself' });
      continue;
    }
    const handlerName = rng.pick(HANDLERS);
    const handler = api.as('handler', handlerName);
    await ok(supervisor, id, 'classify', { category: rng.pick(CATEGORIES), severity: rng.pick(SEVERITIES), urgency: rng.pick(['urgent', 'general', 'normal']), department: rng.pick(DEPARTMENTS) });
    await ok(supervisor, id, 'assign', { assignee: handlerName });
    if (rng.next() < 0.25) await ok(handler, id, 'escalate', { reason: 'Customer threatened the regulator', level: 1 + Math.floor(rng.next() * 2) });
    if (fate < 0.3) continue;
    await ok(handler, id, 'root-cause', { category: rng.pick(['packaging', 'billing-system', 'training']), description: 'Found it', substantiated: rng.next() < 0.6 });
    if (fate < 0.36) continue;
    await ok(handler, id, 'resolution', { summary: 'Apologise and explain', remedies: [{ type: 'apology' }] });
    await ok(handler, id, 'implement', { notifiedVia: 'phone' });
    if (rng.next() < 0.8) await ok(intake, id, 'follow-up', { satisfaction: 1 + Math.floor(rng.next() * 5), method: 'phone' });
    await ok(handler, id, 'close', { outcome: rng.pick(['resolved', 'partially_resolved']), summary: rng.pick(['Replaced the kettle', 'Refund of the double charge', 'Courier retrained']) });
    if (rng.next() < 0.2) await ok(handler, id, 'reopen', { reason: 'Still not fixed' });
  }
  return ids;
};
