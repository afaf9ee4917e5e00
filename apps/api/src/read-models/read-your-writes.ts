import { BadRequestException, HttpException, HttpStatus } from '@nestjs/common';
import type { ActiveGeneration, ProjectionCatalog } from '@redress/projections';

/** How long a query with X-Min-Position waits for the projection before answering 503. */
const MIN_POSITION_WAIT_MS = 5000;

/** X-Min-Position: the `position` a command returned; absent means "whatever the read model has now". */
export const parseMinPosition = (header: string | undefined): number | undefined => {
  if (header === undefined) return undefined;
  if (!/^\s*\d{1,15}\s*$/.test(header)) throw new BadRequestException({ code: 'INVALID_MIN_POSITION', message: 'X-Min-Position must be a log position (the position a command returned)' });
  return Number(header);
};

/**
 * The projection's active generation, once it has applied `minPosition`
 * (read-your-writes). 503 with Retry-After while it has never been built, or
 * when it has not reached the position within the wait; 422 for a position
 * past the end of the log, which no wait would reach.
 */
export const readable = async (catalog: ProjectionCatalog, projection: string, minPosition: number | undefined): Promise<ActiveGeneration> => {
  const now = await catalog.reached(projection, minPosition ?? 0, 0);
  if (now) return now;
  if (minPosition !== undefined) {
    const head = await catalog.headPosition();
    if (minPosition > head) {
      throw new HttpException({ code: 'POSITION_AHEAD', message: `X-Min-Position ${minPosition} is past the end of the log (${head}): not a position a command of this log returned` }, HttpStatus.UNPROCESSABLE_ENTITY);
    }
  }
  const active = minPosition === undefined ? undefined : await catalog.reached(projection, minPosition, MIN_POSITION_WAIT_MS);
  if (active) return active;
  const current = await catalog.active(projection);
  throw new HttpException(
    current
      ? { code: 'PROJECTION_BEHIND', message: `the ${projection} read model is at position ${current.position}, not yet at ${minPosition}; try again shortly`, position: current.position }
      : { code: 'PROJECTION_NOT_READY', message: `the ${projection} read model is being built; try again shortly` },
    HttpStatus.SERVICE_UNAVAILABLE,
  );
};
