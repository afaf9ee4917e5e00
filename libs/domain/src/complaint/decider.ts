import { decide } from './decide';
import { evolve } from './evolve';
import { initialState, type Complaint, type TimedComplaintEvent } from './state';

export const complaintDecider = { decide, evolve, initialState };

/** Replays a history into the case. */
export const foldComplaint = (history: readonly TimedComplaintEvent[], from: Complaint = initialState): Complaint => history.reduce(evolve, from);
