import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Document, DocumentStore, Precondition } from '../document-store';

/** Where leases live, beside the read models they guard. */
export const LEASES = 'leases';

export interface LeaseRecord extends Document {
  readonly holder: string;
  /** Where the holder runs, so a process on the same host can tell a crashed holder from a live one. */
  readonly host: string;
  readonly pid: number;
  /** When the holder's process started: with the pid, it names one process on its host. */
  readonly processStartedAt: number;
  /** The fencing token: it grows with every acquisition, so a writer from an older one is refused. */
  readonly token: number;
  /** Milliseconds since the epoch, on the holder's clock when it last renewed. */
  readonly expiresAt: number;
  readonly acquiredAt: string;
}

export interface LeaseOptions {
  /** How long a lease lasts without renewal: a crashed holder's work resumes elsewhere after this. */
  readonly ttlMs?: number;
  /** Wall clock, for expiry times other processes compare with theirs. */
  readonly now?: () => number;
}

export const DEFAULT_LEASE_TTL_MS = 15_000;

/** Names this process among lease holders: host, pid and a random suffix, so a restarted process is a new holder. */
export const processHolder = (): string => `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

const PROCESS_STARTED_AT = Math.round(performance.timeOrigin);
/**
 * This host as far as process ids go: containers sharing a hostname (host
 * networking) have pid namespaces of their own, and a pid means nothing
 * across them.
 */
const HOST = ((): string => {
  try {
    return `${hostname()} ${readlinkSync('/proc/self/ns/pid')}`;
  } catch {
    return hostname();
  }
})();
/**
 * A holder on this host whose process is gone: its lease is as good as
 * expired, so an embedded api restarted after a crash does not wait out the
 * TTL. (Our own pid in an earlier process is a previous incarnation: a
 * container restarted with the same hostname and pid 1.)
 */
const crashedHere = (record: LeaseRecord): boolean => {
  if (record.host !== HOST) return false;
  if (record.pid === process.pid) return record.processStartedAt !== PROCESS_STARTED_AT;
  try {
    process.kill(record.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
};

/**
 * A named lease with expiry and a fencing token (one per unit of background
 * work: a projection, the SLA scheduler, a webhook subscription). Whoever
 * holds it does the work; others stand by and take over once it expires or
 * is released. Holding is only a belief (a paused process cannot tell it
 * expired), so every write made under the lease carries `fence()`: the store
 * refuses it once anyone else has acquired the lease since.
 */
export class Lease {
  private token: number | undefined;
  /** Local monotonic time until which this process may act; a third of the TTL short of the expiry others see. */
  private validUntil = 0;
  private renewal: NodeJS.Timeout | undefined;
  private renewing: Promise<unknown> = Promise.resolve();
  readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly documents: DocumentStore,
    readonly name: string,
    readonly holder: string,
    options: LeaseOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  /** Whether this process may act now (it acquired the lease and renewed it recently enough). */
  held(): boolean {
    return this.token !== undefined && performance.now() < this.validUntil;
  }

  /** The fence for every write made under this lease. */
  fence(): Precondition {
    return { collection: LEASES, id: this.name, field: 'token', equals: this.token ?? -1 };
  }

  /**
   * Holds the lease, acquiring it when it is free or expired; false while
   * another holder has it. Once held, it is renewed in the background (every
   * third of the TTL) until `release()` or until a renewal is refused.
   */
  async ensure(): Promise<boolean> {
    if (this.held()) return true;
    this.stopRenewing();
    const started = performance.now();
    const current = await this.documents.collection<LeaseRecord>(LEASES).get(this.name);
    const now = this.now();
    if (current && current.holder !== this.holder && current.expiresAt > now && !crashedHere(current)) return false;
    const token = (current?.token ?? 0) + 1;
    const taken = await this.documents.commit(
      [{ collection: LEASES, upsert: { _id: this.name, holder: this.holder, host: HOST, pid: process.pid, processStartedAt: PROCESS_STARTED_AT, token, expiresAt: now + this.ttlMs, acquiredAt: new Date(now).toISOString() } satisfies LeaseRecord }],
      [{ collection: LEASES, id: this.name, field: 'token', equals: current?.token ?? null }],
    );
    if (!taken) return false;
    this.token = token;
    this.validUntil = started + (this.ttlMs * 2) / 3;
    this.renewal = setInterval(() => {
      this.renewing = this.renew().catch(() => undefined);
    }, this.ttlMs / 3);
    this.renewal.unref();
    return true;
  }

  /** Extends the lease; a refusal means another holder took it, and this one stops acting at once. */
  async renew(): Promise<boolean> {
    const token = this.token;
    if (token === undefined) return false;
    const started = performance.now();
    const now = this.now();
    const current = await this.documents.collection<LeaseRecord>(LEASES).get(this.name);
    const renewed =
      current !== undefined &&
      current.token === token &&
      (await this.documents.commit([{ collection: LEASES, upsert: { ...current, expiresAt: now + this.ttlMs } }], [{ ...this.fence(), equals: token }]));
    // Only about the acquisition it started under: a renewal answering late must not drop a lease taken since.
    if (this.token !== token) return false;
    if (renewed) this.validUntil = started + (this.ttlMs * 2) / 3;
    else this.lose();
    return renewed;
  }

  /** Gives the lease up (expires it at once), so a standby takes over without waiting out the TTL. */
  async release(): Promise<void> {
    this.stopRenewing();
    await this.renewing;
    if (this.token === undefined) return;
    const current = await this.documents.collection<LeaseRecord>(LEASES).get(this.name);
    if (current?.token === this.token) await this.documents.commit([{ collection: LEASES, upsert: { ...current, expiresAt: 0 } }], [this.fence()]);
    this.lose();
  }

  private lose(): void {
    this.stopRenewing();
    this.token = undefined;
    this.validUntil = 0;
  }

  private stopRenewing(): void {
    clearInterval(this.renewal);
    this.renewal = undefined;
  }
}
