import type {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  Json,
  JsonObject,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../event-store';
import type { DataKey, DataKeyStore } from './data-keys';
import { SealAudit } from './seal-audit';
import { SEALED, UNREADABLE, envelope, seal } from './seal';

/** Where an event holds a data subject's personal data. */
export interface PersonalData {
  /** Whose it is: the fields are sealed with this subject's key. */
  readonly subject: string;
  /** The fields, as paths into the event's data. */
  readonly paths: ReadonlyArray<readonly string[]>;
}
/** Which events hold personal data, what erased data reads as, and where erasures are recorded (the contracts say all three). */
export interface PersonalDataPolicy {
  readonly of: (type: string, data: JsonObject) => PersonalData | undefined;
  readonly erased: string;
  /** The subject an event records the erasure of: written before their keys are deleted. */
  readonly erasureOf: (type: string, data: JsonObject) => string | undefined;
  /** The stream a subject's erasures are recorded in. */
  readonly erasuresStream: (subject: string) => string;
}

const valueAt = (data: JsonObject, path: readonly string[]): Json | undefined =>
  path.reduce<Json | undefined>((node, name) => (node !== null && typeof node === 'object' && !Array.isArray(node) ? node[name] : undefined), data);

/** `data` with the value at `path` replaced, or removed when `value` is undefined; parents are copied, not changed. */
const withValueAt = (data: JsonObject, [name, ...rest]: readonly string[], value: string | undefined): JsonObject => {
  if (name === undefined) return data;
  if (rest.length > 0) {
    const child = data[name];
    return child !== null && typeof child === 'object' && !Array.isArray(child) ? { ...data, [name]: withValueAt(child, rest, value) } : data;
  }
  // The new value goes before the spread (see chainEvents: a hidden class per call otherwise).
  const { [name]: _replaced, ...others } = data;
  return value === undefined ? others : { [name]: value, ...others };
};

export interface SealedEventStoreOptions {
  /** How long a key read from the key store is used without asking again: the most another process may go on opening a subject's data after it was erased. */
  readonly keyCacheMs?: number;
  readonly keyCacheSize?: number;
}

/**
 * The event store as the application sees it, with personal data sealed:
 * before the log chains an event, its personal fields move into one envelope
 * (`_sealed`) encrypted with their subject's data key; every read (streams,
 * the log, subscriptions) puts them back, and answers the policy's `erased`
 * text in each once the subject's keys are gone. The
 * hash chain covers the sealed text, so erasing keys leaves every chain
 * verifying. `asStored` is the log as written, for verification.
 *
 * Values recorded in the clear (events from before sealing existed) read as
 * they are; erasure cannot reach them in the log.
 */
export class SealedEventStore implements EventStore {
  private readonly keys = new Map<string, { readonly key: DataKey | undefined; readonly until: number }>();
  /** Erasures made here: a key lookup that an erasure overtook is not cached. */
  private erasures = 0;
  /** Erasures made here that have deleted their keys (see erasuresDone). */
  private keysDeleted = 0;
  private readonly keyCacheMs: number;
  private readonly keyCacheSize: number;

  constructor(
    readonly asStored: EventStore,
    private readonly keyStore: DataKeyStore,
    private readonly personalData: PersonalDataPolicy,
    options: SealedEventStoreOptions = {},
  ) {
    this.keyCacheMs = options.keyCacheMs ?? 10_000;
    this.keyCacheSize = options.keyCacheSize ?? 10_000;
  }

  async appendToStream(streamName: string, events: readonly EventToAppend[], expectedRevision?: ExpectedRevision): Promise<AppendResult> {
    return this.asStored.appendToStream(streamName, await Promise.all(events.map((event) => this.seal(event))), expectedRevision);
  }

  async readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.openAll(await this.asStored.readStream(streamName, options));
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.openAll(await this.asStored.readAll(options));
  }

  subscribeToAll(options?: SubscribeOptions): Subscription {
    const stored = this.asStored.subscribeToAll(options);
    const open = (event: RecordedEvent) => this.open(event);
    return {
      close: () => stored.close(),
      async *[Symbol.asyncIterator]() {
        for await (const event of stored) yield await open(event);
      },
    };
  }

  headPosition(): Promise<Position> {
    return this.asStored.headPosition();
  }

  /**
   * Deletes the subject's keys: from now on its sealed data reads as
   * `[erased]` here at once, and in other processes within the key cache's
   * time. Returns how many keys there were. Until `endErasure`, nothing of
   * the subject's can be sealed (ErasureInProgressError).
   */
  async erase(subject: string, erasure: string): Promise<number> {
    this.erasures += 1;
    const erased = await this.keyStore.erase(subject, erasure);
    for (const [id, cached] of this.keys) if (cached.key?.subject === subject) this.keys.delete(id);
    this.keysDeleted += 1;
    return erased;
  }

  /**
   * How many erasures have deleted their keys through this store: an event
   * opened before one may hold what it erased, so whoever keeps opened events
   * (a feed's queue) reads them again when this moves.
   */
  get erasuresDone(): number {
    return this.keysDeleted;
  }

  /** A check of the log as stored (verifyLog's `seals`): every sealed event opens with its key, unless its subject was erased. */
  sealAudit(): SealAudit {
    return new SealAudit((id) => this.keyStore.find(id), this.personalData);
  }

  endErasure(subject: string, erasure: string): Promise<void> {
    return this.keyStore.endErasure(subject, erasure);
  }

  async close(): Promise<void> {
    await Promise.all([this.asStored.close(), this.keyStore.close()]);
  }

  /** The event with its personal values moved into one sealed envelope (data._sealed). */
  private async seal(event: EventToAppend): Promise<EventToAppend> {
    const personal = this.personalData.of(event.type, event.data);
    const values = Object.fromEntries(
      (personal?.paths ?? []).flatMap((path) => {
        const value = valueAt(event.data, path);
        return typeof value === 'string' ? [[path.join('.'), value]] : [];
      }),
    );
    if (!personal || Object.keys(values).length === 0) return event;
    const key = await this.keyStore.keyFor(personal.subject);
    const { [SEALED]: _given, ...data } = Object.keys(values).reduce((kept, path) => withValueAt(kept, path.split('.'), undefined), event.data);
    return { ...event, data: { [SEALED]: seal(key, values, event.id), ...data } };
  }

  private openAll(events: RecordedEvent[]): Promise<RecordedEvent[]> | RecordedEvent[] {
    return events.some((event) => SEALED in event.data) ? Promise.all(events.map((event) => this.open(event))) : events;
  }

  /** The event with its envelope's values back in their fields: `erased` for each when the key is gone. */
  private async open(event: RecordedEvent): Promise<RecordedEvent> {
    const sealed = envelope(event.data[SEALED]);
    if (!sealed) return event;
    const key = await this.key(sealed.keyId);
    const fill = (text: string) => Object.fromEntries(sealed.paths.map((path) => [path, text]));
    const values = key ? (sealed.decrypt(key.key, event.id) ?? fill(UNREADABLE)) : fill(this.personalData.erased);
    const { [SEALED]: _envelope, ...data } = event.data;
    return { ...event, data: Object.entries(values).reduce((opened, [path, value]) => withValueAt(opened, path.split('.'), value), data as JsonObject) };
  }

  private async key(id: string): Promise<DataKey | undefined> {
    const now = Date.now();
    const cached = this.keys.get(id);
    if (cached && cached.until > now) return cached.key;
    const erasures = this.erasures;
    const key = await this.keyStore.find(id);
    // An erasure overtook the lookup: ask again, and cache nothing.
    if (erasures !== this.erasures) return this.keyStore.find(id);
    // Most recently used last, so the first is the one to forget.
    this.keys.delete(id);
    this.keys.set(id, { key, until: now + this.keyCacheMs });
    if (this.keys.size > this.keyCacheSize) this.keys.delete(this.keys.keys().next().value as string);
    return key;
  }
}
