import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { Worker } from 'node:worker_threads';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@redress/event-store';
import { signToken } from '@redress/platform';
import { SECRET, startBuiltApi, writeHistories } from './complaint-log';
import { figure, percentile, type Figure } from './report';

const CASES = 30_000;
const SUBSCRIBERS = 50;
const COMMANDS = 200;
const ROUNDS = 5;

/**
 * An SSE client on a raw socket that does as little as a consumer can: it
 * counts frames (JSON escapes newlines, so "\nid: " only starts a frame) and
 * keeps the last id. What is measured is the server's delivery, not a
 * consumer's parsing.
 */
const sseClient = (url: string, token: string, from: number) => {
  let last = from;
  let frames = 0;
  let tail = '';
  const closers: Array<() => void> = [];
  let onProgress = () => undefined as void;
  const started = new Promise<void>((resolve, reject) => {
    const req = request(`${url}/events?from=${from}`, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } }, (response) => {
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        const text = tail + chunk;
        for (let at = text.indexOf('\nid: ', tail.length > 5 ? tail.length - 5 : 0); at >= 0; at = text.indexOf('\nid: ', at + 1)) frames += 1;
        const lastId = text.lastIndexOf('\nid: ');
        if (lastId >= 0 && text.indexOf('\n', lastId + 1) > 0) last = Number(text.slice(lastId + 5, text.indexOf('\n', lastId + 1)));
        tail = text.slice(-64);
        onProgress();
      });
      resolve();
    });
    req.on('error', reject);
    req.end();
    closers.push(() => req.destroy());
  });
  return {
    started,
    frames: () => frames,
    reached: (position: number) =>
      new Promise<void>((resolve) => {
        onProgress = () => {
          if (last >= position) resolve();
        };
        onProgress();
      }),
    close: () => closers.forEach((close) => close()),
  };
};

/**
 * The live subscribers on a thread of their own, as separate consumers would
 * be: their reading must not sit in the event loop that times the commands.
 * Resolves once all are connected; `reached` once each has seen `position`.
 */
const subscriberThread = async (url: string, token: string, from: number, count: number) => {
  const worker = new Worker(
    `
    const { workerData, parentPort } = require('node:worker_threads');
    const { request } = require('node:http');
    const lasts = new Array(workerData.count).fill(workerData.from);
    let target = Infinity;
    const check = () => { if (lasts.every((last) => last >= target)) { target = Infinity; parentPort.postMessage('reached'); } };
    let connected = 0;
    for (let i = 0; i < workerData.count; i += 1) {
      const req = request(workerData.url + '/events?from=' + workerData.from, { headers: { authorization: 'Bearer ' + workerData.token, accept: 'text/event-stream' } }, (response) => {
        // As little work as a consumer can do: the last id in the newest chunk (frames end with a blank line, so a chunk's last id is complete).
        let tail = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => {
          tail = (tail + chunk).slice(-4096);
          const at = tail.lastIndexOf('\\nid: ') >= 0 ? tail.lastIndexOf('\\nid: ') + 1 : tail.lastIndexOf('id: ');
          if (at >= 0) lasts[i] = Number(tail.slice(at + 4, tail.indexOf('\\n', at)));
          check();
        });
        if (++connected === workerData.count) parentPort.postMessage('connected');
      });
      req.end();
    }
    parentPort.on('message', (position) => { target = position; check(); });
    `,
    { eval: true, workerData: { url, token, from, count } },
  );
  const next = (message: string) => new Promise<void>((resolve) => worker.on('message', function on(value) {
    if (value === message) {
      worker.off('message', on);
      resolve();
    }
  }));
  await next('connected');
  return {
    reached: (position: number) => {
      const reached = next('reached');
      worker.postMessage(position);
      return reached;
    },
    close: () => worker.terminate(),
  };
};

/** Latencies of sequential POST /complaints, ms, sorted. */
const intake = async (url: string, token: string, count: number): Promise<number[]> => {
  const samples: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    const response = await fetch(`${url}/complaints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'web', complainant: { name: 'Bench' }, subject: `Bench ${i}`, content: 'Measured' }),
    });
    await response.arrayBuffer();
    if (response.status !== 201) throw new Error(`status ${response.status}`);
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b);
};

/**
 * The event feed: catch-up speed of one SSE client from position 0 over a
 * log of 30,000 complaint histories (against reading the log in-process as
 * the baseline), and what 50 live SSE subscribers cost the command path
 * (sequential intake with none, with 50, and with none again, in one run).
 */
export const feedBenchmark = async (log: (line: string) => void): Promise<Figure[]> => {
  const dir = mkdtempSync(join(tmpdir(), 'redress-bench-feed-'));
  try {
    log(`writing ${CASES.toLocaleString()} complaint histories…`);
    const total = await writeHistories(dir, CASES);
    const store = new SqliteEventStore({ file: join(dir, 'events.db') });
    const readStarted = performance.now();
    for (let after = 0; ; ) {
      const page = await store.readAll({ after, maxCount: 1000 });
      if (page.length === 0) break;
      after = page[page.length - 1]?.position as number;
    }
    const readRate = total / ((performance.now() - readStarted) / 1000);
    await store.close();
    log(`${total.toLocaleString()} events; starting the built api…`);
    const api = await startBuiltApi(dir);
    try {
      const feedToken = signToken({ sub: 'bench-feed', role: 'integration' }, SECRET, new Date(), 3600);
      const intakeToken = signToken({ sub: 'bench-intake', role: 'intake' }, SECRET, new Date(), 3600);
      // Steady state: the api's SLA scheduler replays the log when it starts (README, known limits); measure after it has.
      await (await api.get('/sla/at-risk')).arrayBuffer();
      const head = Number(((await (await api.get('/health')).json()) as { position: number }).position);

      const catchUpStarted = performance.now();
      const client = sseClient(api.url, feedToken, 0);
      await client.started;
      await client.reached(head);
      const catchUp = client.frames() / ((performance.now() - catchUpStarted) / 1000);
      client.close();
      log(`catch-up: ${Math.round(catchUp)} events/s`);

      // Rounds of commands without subscribers and with 50, alternating, so both see the same machine weather.
      await intake(api.url, intakeToken, 50);
      const without: number[] = [];
      const withSubscribers: number[] = [];
      let drain = 0;
      for (let round = 0; round < ROUNDS; round += 1) {
        without.push(percentile(await intake(api.url, intakeToken, COMMANDS), 50));
        const now = Number(((await (await api.get('/health')).json()) as { position: number }).position);
        const subscribers = await subscriberThread(api.url, feedToken, now, SUBSCRIBERS);
        withSubscribers.push(percentile(await intake(api.url, intakeToken, COMMANDS), 50));
        const last = Number(((await (await api.get('/health')).json()) as { position: number }).position);
        const deliveredStarted = performance.now();
        await subscribers.reached(last);
        drain = Math.max(drain, performance.now() - deliveredStarted);
        await subscribers.close();
        log(`round ${round + 1}: p50 ${without[round]?.toFixed(2)} ms without, ${withSubscribers[round]?.toFixed(2)} ms with ${SUBSCRIBERS} subscribers`);
      }
      const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);
      const baseline = median(without);
      const loaded = median(withSubscribers);
      return [
        figure('log events', total, 'events', 'reference'),
        figure('SSE catch-up from 0 to one client', catchUp, 'events/s', '>= 50000'),
        figure('baseline: readAll in-process', readRate, 'events/s', 'reference'),
        figure(`POST /complaints p50, no subscribers (median of ${ROUNDS} rounds)`, baseline, 'ms', 'reference'),
        figure(`POST /complaints p50, ${SUBSCRIBERS} live SSE subscribers (median of ${ROUNDS} rounds)`, loaded, 'ms', 'reference'),
        figure(`command latency added by ${SUBSCRIBERS} live subscribers (p50)`, (100 * (loaded - baseline)) / baseline, '%', '< 20'),
        figure('every subscriber has the last event, after the last command (worst round)', drain, 'ms', 'reference'),
      ];
    } finally {
      await api.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
