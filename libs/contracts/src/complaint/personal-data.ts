/** What erased personal data reads as: in events (the key is gone) and in the state folded from them. */
export const ERASED = '[erased]';

/**
 * Which event fields hold a complainant's personal data: sealed with their
 * data key when written, `[erased]` once it is deleted. Only what the
 * complainant gave at intake (name, contact details, what they wrote); what
 * staff write later (notes, summaries) is the organisation's record and is
 * not sealed.
 */
const PERSONAL_FIELDS: Readonly<Record<string, ReadonlyArray<readonly string[]>>> = {
  ComplaintReceived: [['complainant', 'name'], ['complainant', 'contact'], ['subject'], ['content']],
};

/** The complainant whose data the event holds, and where; undefined for events with none. */
export const personalDataOf = (type: string, data: { readonly [key: string]: unknown }): { readonly subject: string; readonly paths: ReadonlyArray<readonly string[]> } | undefined => {
  const paths = PERSONAL_FIELDS[type];
  return paths && typeof data.complainantId === 'string' ? { subject: data.complainantId, paths } : undefined;
};

/** The complainant whose erasure the event records (ComplainantDataErased, written before their keys are deleted); undefined for any other event. */
export const erasureOf = (type: string, data: { readonly [key: string]: unknown }): string | undefined =>
  type === 'ComplainantDataErased' && typeof data.complainantId === 'string' ? data.complainantId : undefined;
