import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** A process that stops on signals, its stop taking half a second; what it printed, and how it ended. */
const stopWith = async (signals: readonly NodeJS.Signals[]) => {
  const script = `
    const { stopOnSignals } = require(${JSON.stringify(join(__dirname, 'stop-signals.ts'))});
    const logger = require('pino')({ level: 'silent' });
    stopOnSignals(logger, 'probe', async () => {
      process.stdout.write('stopping\\n');
      await new Promise((resolve) => setTimeout(resolve, 500));
      process.stdout.write('stopped\\n');
    });
    setInterval(() => undefined, 1000);
    process.stdout.write('ready\\n');`;
  const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  while (!out.includes('ready')) await new Promise((resolve) => setTimeout(resolve, 20));
  for (const signal of signals) {
    child.kill(signal);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { ...(await ended), out };
};

describe('stopOnSignals', () => {
  it('stops once and exits 0 when a second signal comes meanwhile (Ctrl-C under npm sends SIGINT twice)', async () => {
    for (const signals of [['SIGTERM'], ['SIGTERM', 'SIGTERM'], ['SIGINT', 'SIGINT'], ['SIGTERM', 'SIGINT']] as const) {
      expect(await stopWith(signals)).toEqual({ code: 0, signal: null, out: 'ready\nstopping\nstopped\n' });
    }
  }, 30_000);

  it('gives up a stop at the third signal (a second Ctrl-C), exiting 130', async () => {
    expect(await stopWith(['SIGINT', 'SIGINT', 'SIGINT'])).toEqual({ code: 130, signal: null, out: 'ready\nstopping\n' });
  }, 30_000);
});
