/** Injection tokens for the ports and settings the api is built on. */
export const CONFIG = Symbol('Config');
export const EVENT_STORE = Symbol('EventStore');
export const JWT_SECRET = Symbol('JwtSecret');
export const CLOCK = Symbol('Clock');
export const LOGGER = Symbol('Logger');
/** How often the SLA scheduler looks for due deadlines; 0 = only when told (tests). */
export const SLA_TICK_MS = Symbol('SlaTickMs');
export const DOCUMENT_STORE = Symbol('DocumentStore');
export const PROJECTION_CATALOG = Symbol('ProjectionCatalog');
/** The versioned policies (VersionedPolicies): SLA and complaint weighting. */
export const SLA_POLICIES = Symbol('SlaPolicies');
export const WEIGHTING_POLICIES = Symbol('WeightingPolicies');
/** The appraisal read side (one per process: it holds the trails in memory). */
export const APPRAISER = Symbol('Appraiser');
/** Webhook retries, pause threshold and timeout (DeliveryPolicy). */
export const WEBHOOK_POLICY = Symbol('WebhookPolicy');
/** Whether this process runs the background work (projections, SLA ticks, webhook delivery), each under its lease. */
export const RUNS_BACKGROUND_WORK = Symbol('RunsBackgroundWork');
/** This process's name among lease holders. */
export const LEASE_HOLDER = Symbol('LeaseHolder');
