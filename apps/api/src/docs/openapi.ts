import { DispatchRectificationBody, ReceiveComplaintBody, SlaPolicy, toJsonSchema } from '@redress/contracts';
import { COMPLAINT_ACTIONS, READERS, RECEIVERS, type ComplaintAction } from '../complaints/complaint-actions';
import { DISPATCHERS, RECTIFICATION_ACTIONS, type RectificationAction } from '../rectifications/rectification-actions';

const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
const outcome = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/CommandOutcome' } } } });
const idParameter = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const roles = (allowed: readonly string[]) => `Roles: ${allowed.join(', ')}.`;
const COMMON_ERRORS = {
  400: error('VALIDATION_FAILED (with details[].path), INVALID_JSON, INVALID_COMPLAINT_ID, INVALID_IF_MATCH'),
  401: error('AUTHENTICATION_REQUIRED, TOKEN_INVALID, TOKEN_EXPIRED'),
  403: error('ROLE_FORBIDDEN, NOT_CASE_OWNER, NOT_CASE_DEPARTMENT, NOT_RECTIFICATION_DEPARTMENT'),
};

/** `POST /<resource>/{id}/<action>` for every row of a route table. */
const actionPaths = (resource: string, actions: Readonly<Record<string, ComplaintAction | RectificationAction>>) =>
  Object.fromEntries(
    Object.entries(actions).map(([path, action]) => [
      `/${resource}/{id}/${path}`,
      {
        post: {
          summary: `${action.summary}. ${roles(action.roles)}`,
          parameters: [idParameter, { name: 'If-Match', in: 'header', required: false, schema: { type: 'string' }, description: 'the revision decided on; a stale one gives 409' }],
          requestBody: { required: false, content: { 'application/json': { schema: toJsonSchema(action.body) } } },
          responses: {
            200: outcome('the events were appended'),
            ...COMMON_ERRORS,
            404: error('not found, UNKNOWN_ACTION'),
            409: error('REVISION_CONFLICT with currentRevision'),
            422: error('a domain rule, e.g. ROOT_CAUSE_REQUIRED, RESOLUTION_NEEDS_APPROVAL, NOT_ACCEPTED'),
          },
        },
      },
    ]),
  );

/** The OpenAPI document, built from the route tables and the request codecs: no schema is written twice. */
export const openApiDocument = () => ({
  openapi: '3.1.0',
  info: { title: 'Redress', version: '0.1.0', description: 'Event-sourced complaint handling. Every route but /health and /docs needs `Authorization: Bearer <token>`.' },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    schemas: {
      Error: {
        type: 'object',
        required: ['statusCode', 'code', 'message'],
        properties: { statusCode: { type: 'integer' }, code: { type: 'string' }, message: { type: 'string' }, details: { type: 'array' }, currentRevision: { type: ['integer', 'null'] } },
      },
      CommandOutcome: {
        type: 'object',
        required: ['id', 'revision', 'position'],
        properties: { id: { type: 'string', format: 'uuid' }, revision: { type: 'integer' }, position: { type: 'integer' } },
      },
    },
  },
  security: [{ bearer: [] }],
  paths: {
    '/health': { get: { summary: 'Liveness, stores and log position', security: [], responses: { 200: { description: 'ok' }, 503: { description: 'the event store cannot be read' } } } },
    '/complaints': {
      post: {
        summary: `Receive a complaint (接收与记录). ${roles(RECEIVERS)} The same Idempotency-Key (per user) or externalRef returns the existing case with 200.`,
        parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 } }],
        requestBody: { required: true, content: { 'application/json': { schema: toJsonSchema(ReceiveComplaintBody) } } },
        responses: { 201: outcome('created; Location names the case'), 200: outcome('a repeat: the existing case'), ...COMMON_ERRORS },
      },
    },
    ...actionPaths('complaints', COMPLAINT_ACTIONS),
    '/rectifications': {
      post: {
        summary: `Dispatch a rectification item (投诉整改五步法, step 1 问题分派) from existing complaints. ${roles(DISPATCHERS)}`,
        requestBody: { required: true, content: { 'application/json': { schema: toJsonSchema(DispatchRectificationBody) } } },
        responses: { 201: outcome('dispatched; each source complaint records RectificationLinked'), ...COMMON_ERRORS, 422: error('SOURCE_COMPLAINT_UNKNOWN, DUPLICATE_SOURCE_COMPLAINT, DEADLINE_IN_PAST') },
      },
    },
    ...actionPaths('rectifications', RECTIFICATION_ACTIONS),
    '/policies/sla': {
      get: { summary: `The SLA policy in force, with its version. ${roles(READERS)}`, responses: { 200: { description: '{version, definedAt, definedBy, policy}' } } },
      put: {
        summary: 'Define the next version (admin). Cases classified from now on get its deadlines; earlier ones keep theirs.',
        requestBody: { required: true, content: { 'application/json': { schema: toJsonSchema(SlaPolicy) } } },
        responses: { 200: { description: 'the new version' }, ...COMMON_ERRORS, 409: error('REVISION_CONFLICT'), 422: error('INVALID_SLA_POLICY with details') },
      },
    },
    '/policies/sla/versions': { get: { summary: 'Every version, oldest first', responses: { 200: { description: '{versions}' } } } },
    '/sla/at-risk': {
      get: {
        summary: 'Open complaint steps and rectifications due within the window, or past due',
        parameters: [{ name: 'within', in: 'query', schema: { type: 'string', default: 'PT24H' }, description: 'ISO-8601 duration: PT24H, P2D, P1DT12H' }],
        responses: { 200: { description: '{within, items: [{kind, id, step, deadline, breached}]}' }, 400: error('INVALID_WITHIN') },
      },
    },
    '/rectifications/{id}': { get: { summary: `The item: step 1..5, status, overdue, what each step recorded. ${roles(READERS)}`, parameters: [idParameter], responses: { 200: { description: 'the item' }, 404: error('RECTIFICATION_NOT_FOUND') } } },
    '/rectifications/{id}/history': { get: { summary: 'Every event of the item', parameters: [idParameter], responses: { 200: { description: '{events}' }, 404: error('RECTIFICATION_NOT_FOUND') } } },
    '/complaints/{id}': { get: { summary: `Current state folded from the stream. ${roles(READERS)}`, parameters: [idParameter], responses: { 200: { description: 'the case' }, 404: error('COMPLAINT_NOT_FOUND') } } },
    '/complaints/{id}/history': { get: { summary: 'Every event with actor, times, correlation, causation and hash', parameters: [idParameter], responses: { 200: { description: '{events}' }, 404: error('COMPLAINT_NOT_FOUND') } } },
    '/complaints/{id}/state': {
      get: {
        summary: 'The state as of a recording time or at a revision',
        parameters: [idParameter, { name: 'asOf', in: 'query', schema: { type: 'string', format: 'date-time' } }, { name: 'atRevision', in: 'query', schema: { type: 'integer', minimum: 0 } }],
        responses: { 200: { description: 'the case then' }, 400: error('STATE_POINT_REQUIRED, INVALID_AS_OF, INVALID_AT_REVISION'), 404: error('COMPLAINT_NOT_FOUND') },
      },
    },
    '/complaints/{id}/verify': { get: { summary: 'Hash-chain check of the case', parameters: [idParameter], responses: { 200: { description: '{ok, verifiedEvents, firstBreak?}' }, 404: error('COMPLAINT_NOT_FOUND') } } },
  },
});
