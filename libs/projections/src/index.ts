export * from './document-store';
export { inTotalOrder } from './cursor';
export { SqliteDocumentStore } from './sqlite/sqlite-document-store';
export { MongoDocumentStore } from './mongodb/mongo-document-store';
export * from './engine/projection';
export * from './engine/registry';
export { ProjectionRunner, type RunnerOptions, type RunnerLog } from './engine/runner';
export { rebuildProjection, rebuildProjections, RebuildStoppedError, RebuildSupersededError, type RebuildOptions, type RebuildReport } from './engine/rebuild';
export { ScanCache } from './engine/scan-cache';
export { Lease, LEASES, DEFAULT_LEASE_TTL_MS, processHolder, type LeaseOptions, type LeaseRecord } from './engine/lease';
export { ProjectionCatalog, LAG_COUNT_LIMIT, type ActiveGeneration, type ProjectionState, type ProjectionStatus } from './engine/catalog';
export * from './read-models/cases';
export * from './read-models/rectifications';
export * from './read-models/analytics';
export * from './read-models/list-values';
export * from './read-models/appraisal-trails';

import { casesProjection } from './read-models/cases';
import { rectificationsProjection } from './read-models/rectifications';
import { appraisalTrailsProjection } from './read-models/appraisal-trails';
import type { AnyProjection } from './engine/projection';

/** Every projection the engine runs. */
export const PROJECTIONS: readonly AnyProjection[] = [casesProjection, rectificationsProjection, appraisalTrailsProjection];
