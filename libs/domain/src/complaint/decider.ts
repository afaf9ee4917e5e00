import type { ComplaintEvent } from '@redress/contracts';
import { decide } from './decide';
import { evolve } from './evolve';
import { initialState, type Complaint } from './state';

export const complaintDecider = { decide, evolve, initialState };

/** Replays a history into the case. */
export const foldComplaint = (history: readonly ComplaintEvent[], from: Complaint = initialState): Complaint => history.reduce(evolve, from);
