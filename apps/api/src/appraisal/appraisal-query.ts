import { BadRequestException } from '@nestjs/common';
import { PERIOD_FORMS, parsePeriod, type AppraisalPeriod } from '@redress/appraisal';
import { integerParam, invalidQuery, refuseUnknown, textParam, utcOffsetParam, type QueryParams } from '../read-models/query-params';

export interface AppraisalQuery {
  readonly period: AppraisalPeriod;
  /** What-if: another version than the one in effect for the period. */
  readonly policyVersion?: number;
}

/** `period` (required), `utcOffset` (the zone its days are counted in) and `policyVersion`; the staff table also takes `department`. */
export const parseAppraisalQuery = (params: QueryParams, extra: readonly string[] = []): AppraisalQuery => {
  refuseUnknown(params, ['period', 'utcOffset', 'policyVersion', ...extra]);
  const label = textParam(params, 'period', 30);
  if (label === undefined) throw invalidQuery(`period is required: ${PERIOD_FORMS}`);
  const period = parsePeriod(label, utcOffsetParam(params));
  if (!period) throw invalidQuery(`period must be ${PERIOD_FORMS}`);
  const policyVersion = integerParam(params, 'policyVersion', 1, 1_000_000);
  return { period, ...(policyVersion === undefined ? {} : { policyVersion }) };
};

/** A member of staff's id or a department's name, as a path segment (Fastify refuses one over 200 characters with 414). */
export const parseSubject = (kind: 'STAFF' | 'DEPARTMENT', value: string): string => {
  const trimmed = value.trim();
  if (trimmed === '') throw new BadRequestException({ code: `INVALID_${kind}`, message: `${kind.toLowerCase()} must not be blank` });
  return trimmed;
};
