import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, uuidv7 } from '@redress/event-store';
import { FeedService, NDJSON, SSE } from './feed.service';

/** A response whose socket we choke and clear by hand: write() says false while choked, and drain() lets it go. */
class ChokedResponse extends EventEmitter {
  readonly chunks: string[] = [];
  choked = false;
  destroyed = false;
  write(chunk: string | Buffer): boolean {
    this.chunks.push(chunk.toString());
    return !this.choked;
  }
  drain(): void {
    this.choked = false;
    this.emit('drain');
  }
  end(): void {
    this.destroyed = true;
    this.emit('close');
  }
  positions(): number[] {
    return this.chunks.join('').split('\n').filter((line) => line.startsWith('{')).map((line) => (JSON.parse(line) as { position: number }).position);
  }
}

const until = async (done: () => boolean, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('feed streams under backpressure', () => {
  const dir = mkdtempSync(join(tmpdir(), 'redress-feed-'));
  const store = new SqliteEventStore({ file: join(dir, 'events.db') });
  let now = Date.parse('2026-11-26T00:00:00Z');
  const feed = new FeedService(store, { now: () => new Date(now) });
  /** Streams here are opened with a token good for a day. */
  const DAY = 86_400_000;
  const append = async (count: number) => {
    for (let done = 0; done < count; done += 100) {
      const n = Math.min(100, count - done);
      await store.appendToStream(`probe-${uuidv7()}`, Array.from({ length: n }, () => ({ id: uuidv7(), type: 'Probed', data: { pad: 'x'.repeat(100) }, metadata: {} })));
    }
  };
  afterAll(async () => {
    await feed.beforeApplicationShutdown();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a stream too far behind to follow live goes back to the store, and still gets every event once, in order', async () => {
    await append(50);
    const response = new ChokedResponse();
    const streaming = feed.stream({ from: 0, form: 'upcast' }, NDJSON, response as unknown as ServerResponse, 60_000, now + DAY);
    await until(() => response.positions().length === 50);
    response.choked = true;
    await append(1); // the write that finds the socket full
    await append(12_000); // past the live queue's cap while choked
    response.drain();
    const head = await store.headPosition();
    await until(() => response.positions().at(-1) === head);
    await append(5); // and live again after
    await until(() => response.positions().at(-1) === head + 5);
    expect(response.positions()).toEqual(Array.from({ length: head + 5 }, (_, i) => i + 1));
    response.end();
    await streaming;
  });

  it('SSE heartbeats carry the last position a filter skipped, so a reconnect does not rescan it', async () => {
    const response = new ChokedResponse();
    const from = await store.headPosition();
    const streaming = feed.stream({ from, form: 'upcast', types: new Set(['ComplaintClosed']) }, SSE, response as unknown as ServerResponse, 40, now + DAY);
    await append(3);
    await until(() => response.chunks.some((chunk) => chunk.includes(`id: ${from + 3}`)));
    expect(response.chunks.join('')).not.toContain('data:');
    response.end();
    await streaming;
  });

  it('ends a stream when the token it was opened with expires', async () => {
    const response = new ChokedResponse();
    const streaming = feed.stream({ from: await store.headPosition(), form: 'upcast' }, NDJSON, response as unknown as ServerResponse, 40, now + 60_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(response.destroyed).toBe(false);
    now += 60_000;
    await until(() => response.destroyed, 2000);
    await streaming;
  });
});
