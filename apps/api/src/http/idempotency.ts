import { createHash } from 'node:crypto';
import { BadRequestException, HttpException, HttpStatus } from '@nestjs/common';
import { canonicalJson, uuidv5, type Json, type RecordedEvent } from '@redress/event-store';
import { REDRESS_NAMESPACE } from '@redress/platform';

/**
 * An Idempotency-Key makes a creation repeatable: the new stream's id is
 * derived from the key (per user), appending with `no_stream` makes a repeat
 * find the first stream race-free, and the body's fingerprint in the first
 * event's metadata tells a true repeat from a reused key.
 */
export interface Idempotency {
  readonly id: string;
  readonly fingerprint: string;
}

/** The Idempotency-Key header, checked wherever it is sent, also where something else makes the request repeatable. */
export const parseIdempotencyKey = (header: string | undefined): string | undefined => {
  if (header !== undefined && !/^[\w.:-]{1,200}$/.test(header)) throw new BadRequestException({ code: 'INVALID_IDEMPOTENCY_KEY', message: 'Idempotency-Key must be 1–200 letters, digits or . _ : -' });
  return header;
};

export const idempotency = (kind: string, key: string | undefined, user: string, body: unknown): Idempotency | undefined =>
  key === undefined
    ? undefined
    : {
        id: uuidv5(REDRESS_NAMESPACE, `${kind}-idempotency-key:${user}:${key}`),
        fingerprint: createHash('sha256').update(canonicalJson(body as Json)).digest('hex'),
      };

/** The repeat of a keyed creation: the same body finds the first stream; another body is refused. */
export const repeatOf = (recorded: readonly RecordedEvent[], fingerprint: string | undefined): RecordedEvent => {
  const [first] = recorded;
  if (fingerprint !== undefined && first?.metadata.requestFingerprint !== fingerprint) {
    throw new HttpException({ code: 'IDEMPOTENCY_KEY_REUSED', message: 'this Idempotency-Key was already used with a different body; use a new key' }, HttpStatus.UNPROCESSABLE_ENTITY);
  }
  return recorded[recorded.length - 1] as RecordedEvent;
};
