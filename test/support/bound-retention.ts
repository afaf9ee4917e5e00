/**
 * For the AsyncResource.bind test (run with --expose-gc): binds many
 * functions whose closures hold some garbage, drops them, runs two
 * young-generation collections and prints how much the old generation grew,
 * in KB. Argument: `node` for Node's own bind, `installed` for ours.
 */
import { AsyncResource } from 'node:async_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { installAsyncResourceBind } from '../../apps/api/src/http/async-resource-bind';

const gc = (globalThis as { gc?: (options: { type: 'minor' }) => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
if (process.argv[2] === 'installed') installAsyncResourceBind();

const oldSpace = () => getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')?.space_used_size ?? 0;
const bindSome = () => {
  for (let i = 0; i < 2000; i += 1) {
    const held = Array.from({ length: 50 }, (_, j) => ({ i, j }));
    new AsyncResource('retention-test').bind(() => held.length);
  }
};

gc({ type: 'minor' });
gc({ type: 'minor' });
const before = oldSpace();
bindSome();
gc({ type: 'minor' });
gc({ type: 'minor' });
process.stdout.write(`${Math.round((oldSpace() - before) / 1024)}\n`);
