import type * as t from 'io-ts';
import { list, struct, text, uuid } from '../codecs';

/**
 * The complainant as a data subject: the right to erasure. Their personal
 * data in complaint events is sealed with their own data key (see
 * personalDataOf); erasing deletes the keys and records why.
 */
const note = text(4000, 'Note');
/** As ComplaintReceived gives it: the organisation's customer id, or the one intake made for an unknown complainant. */
export const ComplainantId = text(100, 'ComplainantId');

export const EraseComplainantBody = struct('EraseComplainantBody', { reason: note });
export type EraseComplainantBody = t.TypeOf<typeof EraseComplainantBody>;

export const ComplainantDataErased = struct('ComplainantDataErased', {
  complainantId: ComplainantId,
  reason: note,
  /** The complaints of this complainant when it was erased; each gets PersonalDataErased. */
  complaints: list(uuid, 0, 100_000, 'ComplaintIds'),
});

export const ComplainantEventCodecs = {
  ComplainantDataErased: {
    version: 1,
    data: ComplainantDataErased,
    description: "The complainant's data keys were deleted (right to erasure): their name, contact details and complaint text read as `[erased]` everywhere from now on, in rebuilds too.",
  },
} as const;
