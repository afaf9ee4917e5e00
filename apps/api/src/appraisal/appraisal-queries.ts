import { HttpException, HttpStatus, Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import * as E from 'fp-ts/Either';
import type { Appraiser, Refusal, StaffTable, SubjectKind, SubjectReport } from '@redress/appraisal';
import type { ProjectionCatalog } from '@redress/projections';
import type { Clock } from '@redress/platform';
import { readable } from '../read-models/read-your-writes';
import type { AtPosition } from '../read-models/read-model-queries';
import { APPRAISER, CLOCK, PROJECTION_CATALOG } from '../tokens';
import type { AppraisalQuery } from './appraisal-query';

/** One person's or department's appraisal, or the staff table (of a department's staff). */
export type AppraisalTarget = { readonly kind: SubjectKind; readonly id: string } | { readonly staffTable: true; readonly department: string | undefined };

export class Appraise {
  constructor(
    readonly target: AppraisalTarget,
    readonly query: AppraisalQuery,
    readonly minPosition: number | undefined,
  ) {}
}

@QueryHandler(Appraise)
export class AppraiseHandler implements IQueryHandler<Appraise> {
  constructor(
    @Inject(PROJECTION_CATALOG) private readonly catalog: ProjectionCatalog,
    @Inject(APPRAISER) private readonly appraiser: Appraiser,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ target, query: { period, policyVersion }, minPosition }: Appraise): Promise<AtPosition<SubjectReport | StaffTable>> {
    const active = await readable(this.catalog, 'appraisal', minPosition);
    const now = this.clock.now();
    const result: E.Either<Refusal, SubjectReport | StaffTable> =
      'staffTable' in target ? await this.appraiser.staffTable(active, period, target.department, policyVersion, now) : await this.appraiser.subject(active, target.kind, target.id, period, policyVersion, now);
    // 404 for what does not exist; 422 for a period that has not begun.
    if (E.isLeft(result)) throw new HttpException(result.left, result.left.code === 'PERIOD_NOT_BEGUN' ? HttpStatus.UNPROCESSABLE_ENTITY : HttpStatus.NOT_FOUND);
    return { position: active.position, result: result.right };
  }
}
