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

/** 404 for what does not exist; 422 for a period that has not begun. */
const found = <T>(result: E.Either<Refusal, T>): T => {
  if (E.isLeft(result)) throw new HttpException(result.left, result.left.code === 'PERIOD_NOT_BEGUN' ? HttpStatus.UNPROCESSABLE_ENTITY : HttpStatus.NOT_FOUND);
  return result.right;
};

export class AppraiseSubject {
  constructor(
    readonly kind: SubjectKind,
    readonly id: string,
    readonly query: AppraisalQuery,
    readonly minPosition: number | undefined,
  ) {}
}
@QueryHandler(AppraiseSubject)
export class AppraiseSubjectHandler implements IQueryHandler<AppraiseSubject> {
  constructor(
    @Inject(PROJECTION_CATALOG) private readonly catalog: ProjectionCatalog,
    @Inject(APPRAISER) private readonly appraiser: Appraiser,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}
  async execute({ kind, id, query, minPosition }: AppraiseSubject): Promise<AtPosition<SubjectReport>> {
    const active = await readable(this.catalog, 'appraisal', minPosition);
    return { position: active.position, result: found(await this.appraiser.subject(active, kind, id, query.period, query.policyVersion, this.clock.now())) };
  }
}

export class RankStaff {
  constructor(
    readonly query: AppraisalQuery,
    readonly department: string | undefined,
    readonly minPosition: number | undefined,
  ) {}
}
@QueryHandler(RankStaff)
export class RankStaffHandler implements IQueryHandler<RankStaff> {
  constructor(
    @Inject(PROJECTION_CATALOG) private readonly catalog: ProjectionCatalog,
    @Inject(APPRAISER) private readonly appraiser: Appraiser,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}
  async execute({ query, department, minPosition }: RankStaff): Promise<AtPosition<StaffTable>> {
    const active = await readable(this.catalog, 'appraisal', minPosition);
    return { position: active.position, result: found(await this.appraiser.staffTable(active, query.period, department, query.policyVersion, this.clock.now())) };
  }
}
