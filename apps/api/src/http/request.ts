import { BadRequestException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import { fieldErrors, uuid } from '@redress/contracts';

/** Decodes a request body or refuses with 400 and the path of every bad field. */
export const decodeBody = <C extends t.Mixed>(codec: C, body: unknown): t.TypeOf<C> => {
  const decoded = codec.decode(body === undefined ? {} : body);
  if (E.isRight(decoded)) return decoded.right;
  const details = fieldErrors(decoded.left);
  throw new BadRequestException({ code: 'VALIDATION_FAILED', message: details.map((d) => `${d.path} ${d.message}`).join('; '), details });
};

/** A path id that must be a UUID; `kind` names it in the code, e.g. INVALID_COMPLAINT_ID. */
export const parseId = (kind: 'COMPLAINT' | 'RECTIFICATION' | 'SUBSCRIPTION', id: string): string => {
  const decoded = uuid.decode(id);
  if (E.isLeft(decoded)) throw new BadRequestException({ code: `INVALID_${kind}_ID`, message: `${JSON.stringify(id)} is not a ${kind.toLowerCase()} id (a UUID)` });
  return decoded.right;
};

/**
 * If-Match carries the revision the client decided on, bare or as the ETag the api sent ("3"). A weak tag (W/"3") is
 * refused rather than taken for a revision: If-Match compares strongly, so a weak one never matches (RFC 9110 13.1.1).
 * `*` is refused too: it says only that the item exists, which every action needs anyway.
 */
export const parseIfMatch = (header: string | undefined): number | undefined => {
  if (header === undefined) return undefined;
  const match = /^\s*(?:(\d{1,15})|"(\d{1,15})")\s*$/.exec(header);
  if (!match) throw new BadRequestException({ code: 'INVALID_IF_MATCH', message: 'If-Match must be a revision, bare or as the ETag the api sent: If-Match: 3 or If-Match: "3" (a weak tag, W/"3", never matches)' });
  return Number(match[1] ?? match[2]);
};

/** Location and ETag (the revision, for If-Match) of what a request wrote or read. */
export const tagged = (reply: FastifyReply, resource: 'complaints' | 'rectifications', outcome: { id: string; revision: number }): void => {
  void reply.header('location', `/${resource}/${outcome.id}`).header('etag', `"${outcome.revision}"`);
};
