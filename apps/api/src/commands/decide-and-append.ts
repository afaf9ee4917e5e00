import { ConflictException, type HttpException } from '@nestjs/common';
import * as E from 'fp-ts/Either';
import { SealedEventStore, WrongExpectedRevisionError, uuidv7, type EventStore, type JsonObject, type RecordedEvent } from '@redress/event-store';
import type { EventMetadata } from '@redress/contracts';
import type { Clock } from '@redress/platform';
import { SYSTEM_RECORDED_EVENTS } from '@redress/domain';
import { SLA_SCHEDULER, type StaffMember } from '../auth/actor';

/** What a command returns over HTTP. */
export interface CommandOutcome {
  readonly id: string;
  readonly revision: number;
  readonly position: number;
  /** False when a repeated creation found what it had already created. */
  readonly created: boolean;
}

interface DomainEvent {
  readonly type: string;
  readonly data: JsonObject;
}

/** One decision on one stream, as the aggregate sees it. */
export interface StreamDecision<State, Event extends DomainEvent, Refusal> {
  readonly id: string;
  readonly stream: string;
  /**
   * `create`: the stream must not exist yet (`onExisting` says what a repeat means); `new`: the same, for an id
   * just made for this command (a UUIDv7), which no stream can have, so nothing is read; `update`: it must exist;
   * `append`: whether it exists or not.
   */
  readonly kind: 'new' | 'create' | 'update' | 'append';
  readonly fold: (recorded: readonly RecordedEvent[]) => State;
  /** A promise where deciding needs more than the state (a policy version, read once and kept). */
  readonly decide: (state: State, now: string) => E.Either<Refusal, Event[]> | Promise<E.Either<Refusal, Event[]>>;
  readonly refusal: (refused: Refusal) => HttpException;
  readonly notFound: () => HttpException;
  readonly onExisting?: (recorded: readonly RecordedEvent[]) => CommandOutcome;
  readonly schemaVersion: (type: Event['type']) => number;
  /** Extra metadata for one event, e.g. the intake fingerprint. */
  readonly extraMetadata?: (event: Event) => JsonObject;
}

export interface DecisionRequest {
  readonly staff: StaffMember;
  readonly correlationId: string;
  /** Defaults to a new id: the command's own. */
  readonly causationId?: string;
  /** From If-Match: decide only if the stream is still at this revision. */
  readonly expectedRevision?: number;
}

/**
 * What a decision reads: the log as written. Deciding needs no personal data,
 * so a command on a case never waits for (or fails with) the key store; only
 * appends that seal something need it.
 */
const logOf = (store: EventStore): EventStore => (store instanceof SealedEventStore ? store.asStored : store);

/** Without If-Match a decision is re-taken on the fresh state this often before giving up. */
const ATTEMPTS = 5;

const revisionConflict = (currentRevision: number | 'no_stream', message: string) =>
  new ConflictException({ code: 'REVISION_CONFLICT', message, currentRevision: currentRevision === 'no_stream' ? null : currentRevision });
const STALE_IF_MATCH = 'the item has changed since the revision in If-Match; read it again and decide anew';
const KEPT_CHANGING = 'the item kept changing while this command was decided; try again';

/**
 * The one command path of every aggregate: read stream → fold → decide →
 * append with the expected revision. Every event gets the actor from the
 * token (the system for SYSTEM_RECORDED_EVENTS), the decision time, the
 * correlation id and the command's id as causation; a refusal appends nothing.
 */
export const decideAndAppend = async <State, Event extends DomainEvent, Refusal>(
  store: EventStore,
  clock: Clock,
  decision: StreamDecision<State, Event, Refusal>,
  request: DecisionRequest,
): Promise<CommandOutcome> => {
  const causationId = request.causationId ?? uuidv7();
  for (let attempt = 1; ; attempt += 1) {
    // `new`: the id was made for this command, so there is nothing to read (no_stream still guards the append).
    const recorded = decision.kind === 'new' && attempt === 1 ? [] : await logOf(store).readStream(decision.stream);
    const head = recorded[recorded.length - 1];
    if ((decision.kind === 'new' || decision.kind === 'create') && head && decision.onExisting) return decision.onExisting(recorded);
    if (decision.kind === 'update' && !head) throw decision.notFound();
    if (request.expectedRevision !== undefined && request.expectedRevision !== head?.revision) throw revisionConflict(head?.revision ?? 'no_stream', STALE_IF_MATCH);

    const now = clock.now().toISOString();
    const decided = await decision.decide(decision.fold(recorded), now);
    if (E.isLeft(decided)) throw decision.refusal(decided.left);
    if (decided.right.length === 0 && head) return { id: decision.id, revision: head.revision, position: head.position, created: false };
    const events = decided.right.map((event) => {
      const actor = SYSTEM_RECORDED_EVENTS.has(event.type) ? SLA_SCHEDULER : request.staff;
      const metadata: EventMetadata = {
        actor: { user: actor.user, role: actor.role },
        occurredAt: now,
        correlationId: request.correlationId,
        causationId,
        schemaVersion: decision.schemaVersion(event.type),
      };
      return { id: uuidv7(), type: event.type, data: event.data, metadata: { ...metadata, ...(decision.extraMetadata?.(event) ?? {}) } };
    });
    try {
      const appended = await store.appendToStream(decision.stream, events, head ? head.revision : 'no_stream');
      return { id: decision.id, revision: appended.nextExpectedRevision, position: appended.position, created: !head };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      if (request.expectedRevision !== undefined) throw revisionConflict(error.actual, STALE_IF_MATCH);
      if (attempt >= ATTEMPTS) throw revisionConflict(error.actual, KEPT_CHANGING);
    }
  }
};
