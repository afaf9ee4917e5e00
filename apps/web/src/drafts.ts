/**
 * What has been typed into forms and not yet sent, by form (its page and id),
 * for one member of staff at a time. Held in this tab's memory only, never in
 * storage (a draft may hold a complainant's personal data), so that a session
 * the api ends (a token expiring mid-typing, or refused as a form is sent)
 * does not take the typing with it: signing in again as the same person
 * brings it back. Signing out drops it; so does someone else signing in.
 */
let owner: string | undefined;
const drafts = new Map<string, unknown>();

/** The drafts of `identity` from now on: anyone else's are dropped. */
export const draftsFor = (identity: string): void => {
  if (owner === identity) return;
  drafts.clear();
  owner = identity;
};

export const dropDrafts = (): void => {
  drafts.clear();
  owner = undefined;
};

export const draftOf = (form: string): unknown => drafts.get(form);

/** Keeps the form's draft; `undefined` once it has been sent. */
export const keepDraft = (form: string, draft: unknown): void => {
  if (draft === undefined) drafts.delete(form);
  else drafts.set(form, draft);
};
