import type { Complaint } from '@redress/domain';

/** The case as the api shows it: its id and revision, then its folded state. */
export const complaintView = (id: string, revision: number, state: Complaint) => {
  const { id: _id, ...rest } = state;
  return { id, revision, ...rest };
};
