export * from './event-store';
export * from './errors';
export * from './hash-chain';
export { checkExpectedRevision } from './expected-revision';
export { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store';
export { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store';
export { verifyLog, type VerifyOptions } from './verify';
export { uuidv5, uuidv7 } from './ids';
