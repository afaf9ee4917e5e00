import type { RecordedEvent } from '../event-store';
import type { DataKey } from './data-keys';
import { SEALED, envelope } from './seal';
import type { PersonalDataPolicy } from './sealed-event-store';

/** A sealed event whose personal data cannot be read, though nobody erased it. */
export interface UnreadableSeal {
  readonly streamName: string;
  readonly revision: number;
  readonly position: number;
  readonly reason: string;
}

export interface SealReport {
  /** Sealed events checked. */
  readonly sealed: number;
  /** Of those, how many read `[erased]` because their subject was erased. */
  readonly erased: number;
  /** Of those, how many cannot be read and were not erased. */
  readonly unreadable: number;
  readonly firstUnreadable?: UnreadableSeal;
}

const at = (event: RecordedEvent, reason: string): UnreadableSeal => ({ streamName: event.streamName, revision: event.revision, position: event.position, reason });
const first = (a: UnreadableSeal | undefined, b: UnreadableSeal | undefined) => (a && (!b || a.position <= b.position) ? a : b);

/**
 * Checks what the hash chains cannot: that each sealed envelope still opens
 * with its data key. An erasure deletes keys on purpose, and what a reader
 * sees then, `[erased]`, is also what a lost key store or a deleted key row
 * looks like; the audit tells the two apart by the erasure records. A key
 * gone for a subject never erased, or an envelope that does not open with
 * its key (a key row altered or swapped), is reported.
 *
 * Feed it the log as stored, in any order: an erasure excuses its subject's
 * missing keys wherever it falls, since a key given out just before an
 * erasure may seal an event committed just after it.
 */
export class SealAudit {
  private sealed = 0;
  private altered = 0;
  private firstAltered?: UnreadableSeal;
  private readonly erased = new Set<string>();
  /** Subjects with sealed events whose key is gone: the first such event, and how many. */
  private readonly keyless = new Map<string, { readonly first: UnreadableSeal; events: number }>();

  constructor(
    private readonly find: (keyId: string) => Promise<DataKey | undefined>,
    private readonly policy: PersonalDataPolicy,
  ) {}

  async accept(event: RecordedEvent): Promise<void> {
    const erased = this.policy.erasureOf(event.type, event.data);
    if (erased !== undefined) this.erased.add(erased);
    const sealed = envelope(event.data[SEALED]);
    if (!sealed) return;
    this.sealed += 1;
    const subject = this.policy.of(event.type, event.data)?.subject;
    const key = await this.find(sealed.keyId);
    if (key === undefined && subject !== undefined) {
      const seen = this.keyless.get(subject);
      if (seen) seen.events += 1;
      else this.keyless.set(subject, { first: at(event, `its data key ${sealed.keyId} is gone, and no erasure of ${subject} is recorded`), events: 1 });
    } else if (key === undefined || key.subject !== subject || !sealed.decrypt(key.key, event.id)) {
      this.altered += 1;
      this.firstAltered ??= at(event, key === undefined ? 'it is sealed but names no data subject' : `its personal data does not open with its data key ${sealed.keyId}`);
    }
  }

  /** The streams that would say whether the subjects with missing keys still unexplained were erased (see verifyLog). */
  erasureStreams(): string[] {
    return [...this.keyless.keys()].filter((subject) => !this.erased.has(subject)).map(this.policy.erasuresStream);
  }

  report(): SealReport {
    const keyless = [...this.keyless];
    const events = (missing: typeof keyless) => missing.reduce((count, [, { events }]) => count + events, 0);
    const unexplained = keyless.filter(([subject]) => !this.erased.has(subject));
    const firstUnreadable = unexplained.reduce<UnreadableSeal | undefined>((found, [, missing]) => first(found, missing.first), this.firstAltered);
    return {
      sealed: this.sealed,
      erased: events(keyless) - events(unexplained),
      unreadable: this.altered + events(unexplained),
      ...(firstUnreadable ? { firstUnreadable } : {}),
    };
  }
}
