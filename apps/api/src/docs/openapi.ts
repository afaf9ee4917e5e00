import { PERIOD_FORMS } from '@redress/appraisal';
import { DispatchRectificationBody, EraseComplainantBody, ReceiveComplaintBody, SlaPolicy, WeightingPolicy, toJsonSchema } from '@redress/contracts';
import { ERASERS } from '../complainants/complainants.controller';
import { COMPLAINT_ACTIONS, READERS, RECEIVERS, type ComplaintAction } from '../complaints/complaint-actions';
import { DISPATCHERS, RECTIFICATION_ACTIONS, type RectificationAction } from '../rectifications/rectification-actions';
import { PERIODS } from '@redress/domain';
import { DIMENSIONS, METRICS } from '@redress/projections';
import { FEED_READERS } from '../events/events.controller';
import { CHANGES_PARAMETERS, FEED_PARAMETERS } from '../events/feed-query';
import { SubscriptionBody } from '../webhooks/webhooks.controller';
import { CASE_SEARCH_PARAMETERS } from '../read-models/case-search';
import { ANALYSTS } from '../read-models/analysts';
import { ANALYTICS_PARAMETERS } from '../read-models/analytics-query';
import { TRACKING_PARAMETERS } from '../read-models/tracking-query';

const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
const outcome = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/CommandOutcome' } } } });
const idParameter = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const roles = (allowed: readonly string[]) => `Roles: ${allowed.join(', ')}.`;
const queryParameters = (names: readonly string[]) => names.map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } }));
const minPosition = { name: 'X-Min-Position', in: 'header', required: false, schema: { type: 'integer' }, description: 'wait (up to 5 s) until the read model has applied this log position: read-your-writes' };
const POLICY_IF_MATCH = {
  name: 'If-Match',
  in: 'header',
  required: false,
  schema: { type: 'string' },
  description: 'the version the change was based on (the ETag of GET): a version defined since gives 409 REVISION_CONFLICT, so one admin cannot undo another unawares',
};
const READ_ERRORS = {
  400: error('INVALID_QUERY (unknown parameter or value), INVALID_CURSOR, INVALID_MIN_POSITION'),
  422: error('POSITION_AHEAD (X-Min-Position past the end of the log)'),
  503: error('PROJECTION_BEHIND (X-Min-Position not reached in time), PROJECTION_NOT_READY; with Retry-After'),
};
/** What any request with a JSON body may be refused for. */
const COMMON_ERRORS = {
  400: error('VALIDATION_FAILED (with details[].path), INVALID_JSON, JSON_TOO_DEEP, INVALID_COMPLAINT_ID, INVALID_IF_MATCH'),
  401: error('AUTHENTICATION_REQUIRED, TOKEN_INVALID, TOKEN_EXPIRED'),
  403: error('ROLE_FORBIDDEN, NOT_CASE_OWNER, NOT_CASE_DEPARTMENT, NOT_RECTIFICATION_DEPARTMENT'),
  413: error('PAYLOAD_TOO_LARGE (a body over 1 MiB)'),
  415: error('UNSUPPORTED_MEDIA_TYPE (a body of a type the api does not read, such as a form or XML)'),
};

/** `POST /<resource>/{id}/<action>` for every row of a route table. */
const actionPaths = (resource: string, actions: Readonly<Record<string, ComplaintAction | RectificationAction>>) =>
  Object.fromEntries(
    Object.entries(actions).map(([path, action]) => [
      `/${resource}/{id}/${path}`,
      {
        post: {
          summary: `${action.summary}. ${roles(action.roles)}`,
          parameters: [idParameter, { name: 'If-Match', in: 'header', required: false, schema: { type: 'string' }, description: 'the revision decided on, bare (3) or as the ETag ("3"); a stale one gives 409; a weak tag (W/"3") or * gives 400 INVALID_IF_MATCH' }],
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
  info: { title: 'Redress', version: '0.1.0', description: 'Event-sourced complaint handling. Every route but /health, /docs, /events/catalogue and the web console at / needs `Authorization: Bearer <token>`.' },
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
    '/cases': {
      get: {
        summary: `Case search over the case view (read model). List filters take comma-separated values, "(none)" for a missing one; q searches subject, content and closing summary; sort=-receivedAt (default), receivedAt, lastEventAt, closedAt, firstResponseSeconds, resolutionSeconds, revision; limit 1..200; {items, nextCursor}. Keyset pages: a row whose sort field changes between pages can repeat or be missed, so list everything by receivedAt, which never changes. ${roles(READERS)}`,
        parameters: [...queryParameters(CASE_SEARCH_PARAMETERS), minPosition],
        responses: { 200: { description: '{items, nextCursor?}; X-Projection-Position header' }, ...READ_ERRORS },
      },
    },
    '/cases/{id}': {
      get: { summary: `The projected case view: state, deadlines, timeline, linked rectifications. ${roles(READERS)}`, parameters: [idParameter, minPosition], responses: { 200: { description: 'the case view' }, 404: error('CASE_NOT_FOUND'), ...READ_ERRORS } },
    },
    '/analytics/complaints': {
      get: {
        summary: `Complaint analysis (投诉分析) over cases received in [from, to): groupBy up to 4 of ${DIMENSIONS.join(', ')}; period ${PERIODS.join(' | ')} (in UTC, or in the zone utcOffset=%2B08:00 names: + written %2B in a URL); metrics any of ${METRICS.join(', ')} (times in seconds, rates 0..1); dimension filters by name. Rows (and totals) carry drillDown {count, href, figures} to /cases: the cell's cases, and in figures those behind each figure asked for that counts cases (open, closed, rejected, withdrawn, substantiated, breached, reopened, escalated); with groupBy=handler each row carries its team's figures. ${roles(ANALYSTS)}`,
        parameters: [...queryParameters(ANALYTICS_PARAMETERS), minPosition],
        responses: { 200: { description: '{rows, totals}' }, ...READ_ERRORS },
      },
    },
    '/projections': { get: { summary: `Each projection's position, lag (events, seconds), generation and state. ${roles(ANALYSTS)}`, responses: { 200: { description: '{projections}' } } } },
    '/events': {
      get: {
        summary: `The global log in order (${roles(FEED_READERS)}): JSON {events, nextPosition, headPosition}; with Accept: text/event-stream (SSE: id = position, resume with Last-Event-ID) or application/x-ndjson, catch-up from the position, then live, with heartbeats. Data is upcast to each type's current version unless raw=true.`,
        parameters: [...queryParameters(FEED_PARAMETERS), { name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'string' } }],
        responses: { 200: { description: 'a page, or a stream' }, 400: error('INVALID_QUERY') },
      },
    },
    '/events/changes': {
      get: {
        summary: `The same log as change notices {id, streamName, revision, position, type, recordedAt}, without data or metadata (${roles(READERS)}): JSON pages or a live stream as for /events, so a console knows what to fetch again from the read models.`,
        parameters: [...queryParameters(CHANGES_PARAMETERS), { name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'string' } }],
        responses: { 200: { description: 'a page, or a stream' }, 400: error('INVALID_QUERY') },
      },
    },
    '/events/catalogue': { get: { summary: 'Every event type: version, older versions, JSON Schema, description, example (public)', security: [], responses: { 200: { description: '{types}' } } } },
    '/subscriptions': {
      get: { summary: 'Webhook subscriptions (admin), without their secrets', responses: { 200: { description: '{items}' } } },
      post: {
        summary: 'Subscribe a webhook (admin): {url, secret (≥ 16 chars), types?, from?}. Deliveries are POSTs in log order, at least once, signed X-Redress-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>, with X-Redress-Event-Id for deduplication.',
        requestBody: { required: true, content: { 'application/json': { schema: toJsonSchema(SubscriptionBody) } } },
        responses: { 201: { description: 'the subscription' }, ...COMMON_ERRORS, 422: error('INVALID_WEBHOOK_URL, WEBHOOK_TARGET_NOT_ALLOWED (a host WEBHOOK_ALLOWED_HOSTS leaves out), WEAK_SECRET, UNKNOWN_EVENT_TYPE, POSITION_AHEAD') },
      },
    },
    '/subscriptions/{id}': {
      get: { summary: 'A subscription with its position, lag, failures and last error (admin)', parameters: [idParameter], responses: { 200: { description: 'the subscription' }, 404: error('SUBSCRIPTION_NOT_FOUND') } },
      delete: { summary: 'Stop and remove a subscription (admin)', parameters: [idParameter], responses: { 204: { description: 'deleted' }, 404: error('SUBSCRIPTION_NOT_FOUND') } },
    },
    '/subscriptions/{id}/resume': { post: { summary: 'Resume a paused subscription from its checkpoint (admin)', parameters: [idParameter], responses: { 200: { description: 'the subscription' }, 404: error('SUBSCRIPTION_NOT_FOUND') } } },
    '/health': { get: { summary: 'Liveness, stores and log position', security: [], responses: { 200: { description: 'ok' }, 503: { description: 'the event store cannot be read' } } } },
    '/complaints': {
      post: {
        summary: `Receive a complaint (接收与记录). ${roles(RECEIVERS)} The same Idempotency-Key (per user) or externalRef returns the existing case with 200.`,
        parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 } }],
        requestBody: { required: true, content: { 'application/json': { schema: toJsonSchema(ReceiveComplaintBody) } } },
        responses: {
          201: outcome('created; Location names the case'),
          200: outcome('a repeat: the existing case'),
          ...COMMON_ERRORS,
          400: error('VALIDATION_FAILED (with details[].path), INVALID_JSON, JSON_TOO_DEEP, INVALID_IDEMPOTENCY_KEY'),
          409: error('COMPLAINANT_ERASURE_IN_PROGRESS: the complainant is being erased; nothing written, try again (Retry-After)'),
          422: error('RECEIVED_IN_FUTURE (a receivedAt later than now), IDEMPOTENCY_KEY_REUSED'),
          429: error('RATE_LIMITED: past INTAKE_RATE_LIMIT for this user; with retryAfterSeconds and Retry-After'),
        },
      },
    },
    ...actionPaths('complaints', COMPLAINT_ACTIONS),
    '/rectifications': {
      get: {
        summary: `The tracking table (投诉问题整改跟踪表), one row per item in the columns of DOMAIN.md section 2; Accept: text/csv gives every matching row as UTF-8 CSV with a BOM; a row's feedback and resolved are the feedback that stands (null while the department owes it, also after review returned it). Filters: step 1..5 (the step an item is in: 2 after dispatch or a return, 3 accepted, 4 with feedback, 5 approved or confirmed), overdue true|false (as of now), dispatchedFrom/To; sort dispatchedAt | deadline | updatedAt (keyset pages: a row updated between pages can repeat or be missed under updatedAt or deadline, which a return may move, so list everything by dispatchedAt). ${roles(READERS)}`,
        parameters: [...queryParameters(TRACKING_PARAMETERS), minPosition],
        responses: {
          200: { description: '{items, nextCursor?} or text/csv' },
          ...READ_ERRORS,
          503: error('PROJECTION_BEHIND (X-Min-Position not reached in time), PROJECTION_NOT_READY (never built, or rebuilt while the CSV export read it: ask again); with Retry-After'),
        },
      },
      post: {
        summary: `Dispatch a rectification item (投诉整改五步法, step 1 问题分派) from existing complaints. ${roles(DISPATCHERS)}`,
        requestBody: { required: true, content: { 'application/json': { schema: toJsonSchema(DispatchRectificationBody) } } },
        responses: {
          201: outcome('dispatched; each source complaint records RectificationLinked, and position is past every link'),
          ...COMMON_ERRORS,
          400: error('VALIDATION_FAILED (with details[].path), INVALID_JSON, JSON_TOO_DEEP, INVALID_IDEMPOTENCY_KEY'),
          422: error('SOURCE_COMPLAINT_UNKNOWN, DUPLICATE_SOURCE_COMPLAINT, DEADLINE_IN_PAST, IDEMPOTENCY_KEY_REUSED (the key with another body)'),
        },
      },
    },
    ...actionPaths('rectifications', RECTIFICATION_ACTIONS),
    '/policies/sla': {
      get: { summary: `The SLA policy in force, with its version (also as the ETag). ${roles(READERS)}`, responses: { 200: { description: '{version, definedAt, definedBy, policy}' } } },
      put: {
        summary: 'Define the next version (admin). Cases received or reopened from now on get its deadlines; a classification keeps the version its case was received under.',
        parameters: [POLICY_IF_MATCH],
        requestBody: { required: true, content: { 'application/json': { schema: toJsonSchema(SlaPolicy) } } },
        responses: { 200: { description: 'the new version' }, ...COMMON_ERRORS, 409: error('REVISION_CONFLICT with currentVersion'), 422: error('INVALID_SLA_POLICY with details') },
      },
    },
    '/policies/sla/versions': { get: { summary: 'Every version, oldest first', responses: { 200: { description: '{versions}' } } } },
    '/policies/weighting': {
      get: { summary: `The complaint-weighting policy for appraisal (DOMAIN.md section 5), latest version (also as the ETag). ${roles(READERS)}`, responses: { 200: { description: '{version, definedAt, definedBy, policy}' } } },
      put: {
        summary: 'Define the next version (analysis, admin), effective from a later day (effectiveFrom): periods that have begun keep the version they were appraised under.',
        parameters: [POLICY_IF_MATCH],
        requestBody: { required: true, content: { 'application/json': { schema: toJsonSchema(WeightingPolicy) } } },
        responses: { 200: { description: 'the new version' }, ...COMMON_ERRORS, 409: error('REVISION_CONFLICT with currentVersion'), 422: error('INVALID_WEIGHTING_POLICY with details') },
      },
    },
    '/policies/weighting/versions': { get: { summary: 'Every version, oldest first', responses: { 200: { description: '{versions}' } } } },
    '/appraisal/staff': {
      get: {
        summary: `The staff ranking table for a period (${PERIOD_FORMS}): composite score, workload, timeliness, quality and weighted complaints per person; ranked when they handled at least the policy's minimum. utcOffset=+08:00: the zone the period's days are counted in (UTC by default). department: the staff who handled any of its cases. policyVersion: a what-if under another version. Accept: text/csv gives a spreadsheet. ${roles(ANALYSTS)}`,
        parameters: [...queryParameters(['period', 'utcOffset', 'policyVersion', 'department']), minPosition],
        responses: { 200: { description: '{period, asOf, final, policy, department, rows: [{rank, subject, ranked, figures, composite, href}]} or text/csv' }, 404: error('POLICY_VERSION_NOT_FOUND'), ...READ_ERRORS },
      },
    },
    '/appraisal/staff/{userId}': {
      get: {
        summary: `A person's appraisal as handler for a period, as of its end: figures, composite (each component's value, weight and contribution), the policy version, and a breakdown down to the cases and events behind every figure. ${roles(ANALYSTS)} Anyone may read their own.`,
        parameters: [{ name: 'userId', in: 'path', required: true, schema: { type: 'string' } }, ...queryParameters(['period', 'utcOffset', 'policyVersion']), minPosition],
        responses: { 200: { description: '{kind, subject, period, asOf, final, policy, figures, composite, ranked, breakdown}' }, 404: error('STAFF_NOT_FOUND, POLICY_VERSION_NOT_FOUND'), ...READ_ERRORS },
      },
    },
    '/appraisal/departments/{department}': {
      get: {
        summary: `A department's appraisal for a period, as for a person; complaints count against the department a finding names, else the case's department. ${roles(ANALYSTS)} Department staff may read their own department's.`,
        parameters: [{ name: 'department', in: 'path', required: true, schema: { type: 'string' } }, ...queryParameters(['period', 'utcOffset', 'policyVersion']), minPosition],
        responses: { 200: { description: 'as for a person' }, 404: error('DEPARTMENT_NOT_FOUND, POLICY_VERSION_NOT_FOUND'), ...READ_ERRORS },
      },
    },
    '/sla/at-risk': {
      get: {
        summary: 'Open complaint steps and rectifications due within the window, or past due; from the read models, as of the log head (waits up to 5 s, then 503)',
        parameters: [{ name: 'within', in: 'query', schema: { type: 'string', default: 'PT24H' }, description: 'ISO-8601 duration of weeks, days, hours and minutes: PT24H, P2D, P1DT12H, P1W' }],
        responses: { 200: { description: '{within, items: [{kind, id, step, deadline, breached}]}; X-Projection-Position header' }, 400: error('INVALID_WITHIN, INVALID_QUERY (unknown parameter)'), 503: error('PROJECTION_BEHIND') },
      },
    },
    '/rectifications/{id}': { get: { summary: `The item: step 1..5 (the last completed; the tracking table's step is the one it is in), status, overdue, what each step recorded. ${roles(READERS)}`, parameters: [idParameter], responses: { 200: { description: 'the item' }, 404: error('RECTIFICATION_NOT_FOUND') } } },
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
    '/complainants/{id}/erase': {
      post: {
        summary: `Right to erasure: deletes the complainant's data keys and records why, with {reason}. Their name, contact details, subject and content read as "[erased]" from then on, in every case, history, feed, read model and rebuild; every hash chain still verifies; analytics are unchanged. Repeating it is harmless. ${roles(ERASERS)}`,
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', maxLength: 100 }, description: 'the complainantId of their complaints' }],
        requestBody: { required: true, content: { 'application/json': { schema: toJsonSchema(EraseComplainantBody) } } },
        responses: {
          200: { description: '{complainantId, complaints, keysErased, position}' },
          ...COMMON_ERRORS,
          404: error('COMPLAINANT_NOT_FOUND'),
          503: error('PROJECTION_BEHIND (the case view must hold the whole log first), STORE_UNAVAILABLE; with Retry-After'),
        },
      },
    },
    '/complaints/{id}/verify': { get: { summary: 'Hash-chain check of the case, and of its sealed personal data', parameters: [idParameter], responses: { 200: { description: '{ok, verifiedEvents, firstBreak?, firstUnreadable?}' }, 404: error('COMPLAINT_NOT_FOUND') } } },
  },
});
