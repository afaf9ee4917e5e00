import { connect, type Socket } from 'node:net';
import { percentile } from './report';

export interface SteadyLoadResult {
  /** Responses per second over the whole run. */
  readonly rate: number;
  /** Latency from each request's due time, ms. */
  readonly p50: number;
  readonly p99: number;
  /** Answered with a status ≥ 300, or lost with their connection. */
  readonly failed: number;
  /** CPU the sender itself used, as a share of one core. */
  readonly senderCpu: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * Open-loop load at a steady rate: request i is due at start + i/rate and is
 * sent then, on the first idle keep-alive connection, whether or not earlier
 * ones have been answered; its latency counts from when it was due, so a stall
 * shows in every request it delays. autocannon's rate limit cannot do this: it
 * sends each connection's quota for a second back to back, and times each
 * request from when it was sent.
 *
 * It writes a prepared request on raw sockets and reads no more of the answer
 * than the status and Content-Length, so the sender takes little of the CPU
 * it shares with the server.
 */
export const steadyLoad = async (
  url: string,
  request: { readonly method: 'GET' | 'POST'; readonly headers: Record<string, string>; readonly body?: string },
  rate: number,
  seconds: number,
  connections = 64,
): Promise<SteadyLoadResult> => {
  const target = new URL(url);
  const body = Buffer.from(request.body ?? '');
  const head = [`${request.method} ${target.pathname} HTTP/1.1`, `host: ${target.host}`, ...Object.entries(request.headers).map(([k, v]) => `${k}: ${v}`), `content-length: ${body.length}`];
  const wire = Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`), body]);
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let failed = 0;
  let answered = 0;
  const idle: Socket[] = [];
  /** Due times of requests no connection was free for, oldest first. */
  const backlog: number[] = [];
  let backlogHead = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));

  const open = () =>
    new Promise<Socket>((resolve, reject) => {
      const socket = connect({ host: target.hostname, port: Number(target.port), noDelay: true }, () => resolve(socket));
      socket.once('error', reject);
    });
  const sockets = await Promise.all(Array.from({ length: connections }, open));
  const dueOf = new Map<Socket, number>();
  const send = (socket: Socket, due: number) => {
    dueOf.set(socket, due);
    socket.write(wire);
  };
  const settle = (socket: Socket, ok: boolean) => {
    const due = dueOf.get(socket) as number;
    dueOf.delete(socket);
    latencies.push(performance.now() - due);
    if (!ok) failed += 1;
    answered += 1;
    if (answered === total) finish();
    if (socket.destroyed) return;
    if (backlogHead < backlog.length) send(socket, backlog[backlogHead++] as number);
    else idle.push(socket);
  };
  for (const socket of sockets) {
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      for (;;) {
        const end = pending.indexOf(HEADER_END);
        if (end < 0) return;
        const headers = pending.subarray(0, end).toString('latin1');
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(headers)?.[1] ?? 0);
        if (pending.length < end + 4 + length) return;
        pending = pending.subarray(end + 4 + length);
        settle(socket, Number(headers.slice(9, 12)) < 300);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (dueOf.has(socket)) settle(socket, false);
    });
    idle.push(socket);
  }

  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  for (let sent = 0; sent < total; ) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    for (; sent < due; sent += 1) {
      const at = start + (sent / rate) * 1000;
      const socket = idle.pop();
      if (socket) send(socket, at);
      else backlog.push(at);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await finished;
  const elapsed = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  sockets.forEach((socket) => socket.destroy());
  latencies.sort((x, y) => x - y);
  return {
    rate: answered / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    failed,
    senderCpu: (cpu.user + cpu.system) / 1e6 / elapsed,
  };
};
