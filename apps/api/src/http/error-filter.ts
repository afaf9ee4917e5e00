import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { AppendOutcomeUnknownError, ErasureInProgressError, EventStoreUnavailableError } from '@redress/event-store';
import { InvalidPolicyError, PolicyConflictError } from '@redress/platform';
import { DocumentStoreUnavailableError, InvalidCursorError } from '@redress/projections';

/**
 * Every error leaves the api as `{ statusCode, code, message }` with a stable
 * `code`. Fastify's own errors (413, 415, ...) reach here as HttpExceptions
 * with a bare message and get the code of their status.
 */
export interface ErrorBody {
  readonly statusCode: number;
  readonly code: string;
  readonly message: string;
  readonly [detail: string]: unknown;
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'TOO_MANY_REQUESTS',
  503: 'UNAVAILABLE',
};

export const toErrorBody = (error: unknown): ErrorBody => {
  if (error instanceof EventStoreUnavailableError) {
    return { statusCode: HttpStatus.SERVICE_UNAVAILABLE, code: 'STORE_UNAVAILABLE', message: error.message };
  }
  if (error instanceof AppendOutcomeUnknownError) {
    return { statusCode: HttpStatus.SERVICE_UNAVAILABLE, code: 'STORE_OUTCOME_UNKNOWN', message: error.message };
  }
  if (error instanceof ErasureInProgressError) {
    return { statusCode: HttpStatus.CONFLICT, code: 'COMPLAINANT_ERASURE_IN_PROGRESS', message: `${error.message}; nothing was written`, retryAfterSeconds: 5 };
  }
  if (error instanceof DocumentStoreUnavailableError) {
    return { statusCode: HttpStatus.SERVICE_UNAVAILABLE, code: 'READ_MODEL_UNAVAILABLE', message: `${error.message}; commands and GET /complaints/:id still work`, retryAfterSeconds: 5 };
  }
  if (error instanceof InvalidCursorError) return { statusCode: HttpStatus.BAD_REQUEST, code: 'INVALID_CURSOR', message: error.message };
  if (error instanceof InvalidPolicyError) return { statusCode: HttpStatus.UNPROCESSABLE_ENTITY, code: error.code, message: error.message, details: error.problems };
  if (error instanceof PolicyConflictError) return { statusCode: HttpStatus.CONFLICT, code: 'REVISION_CONFLICT', message: error.message, currentVersion: error.currentVersion };
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const body = typeof response === 'object' && response !== null ? (response as Record<string, unknown>) : {};
    const code = typeof body.code === 'string' ? body.code : (CODE_BY_STATUS[status] ?? `HTTP_${status}`);
    const message = typeof body.message === 'string' ? body.message : error.message;
    return { ...body, statusCode: status, code, message };
  }
  return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, code: 'INTERNAL', message: 'internal error; it has been logged' };
};

@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const body = toErrorBody(error);
    if (body.statusCode >= 500) this.logger.error({ err: error }, body.message);
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    // Unavailable is temporary by definition, and a rate limit says when it lifts: say when to come back.
    if (typeof body.retryAfterSeconds === 'number') void reply.header('retry-after', String(body.retryAfterSeconds));
    else if (body.statusCode === HttpStatus.SERVICE_UNAVAILABLE) void reply.header('retry-after', '1');
    void reply.status(body.statusCode).send(body);
  }
}
