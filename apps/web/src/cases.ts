import { SlaStep } from '@redress/contracts';
import { isFinished, type Complaint } from '../../../libs/domain/src/complaint/state';

/** A case as GET /cases lists it (the api's case summary). */
export interface CaseSummary {
  readonly id: string;
  readonly status: string;
  readonly subject: string;
  readonly channel: string;
  readonly category: string | null;
  readonly severity: string | null;
  readonly urgency: string | null;
  readonly department: string | null;
  readonly assignee: string | null;
  readonly receivedAt: string;
  readonly lastEventAt: string;
  readonly sla: Readonly<Record<string, string | number>> | null;
  readonly slaProgress: Readonly<Record<string, string | null>> | null;
  readonly breached: boolean | null;
  readonly revision: number;
}

export interface CasePage {
  readonly items: readonly CaseSummary[];
  readonly nextCursor?: string;
}

/**
 * The step the case must reach next and by when, from its SLA deadlines and
 * the steps done; none once finished (a case that ended past a deadline keeps
 * that step undone, breached) or never held to deadlines.
 */
export const nextDeadline = ({ status, sla, slaProgress }: Pick<CaseSummary, 'status' | 'sla' | 'slaProgress'>): { step: string; deadline: string } | undefined => {
  if (!sla || isFinished(status as Complaint['status'])) return undefined;
  const step = SlaStep.values.find((candidate) => !(candidate in (slaProgress ?? {})));
  const deadline = step === undefined ? undefined : sla[step];
  return step === undefined || typeof deadline !== 'string' ? undefined : { step, deadline };
};
