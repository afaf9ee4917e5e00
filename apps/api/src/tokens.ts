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
