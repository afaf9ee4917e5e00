export * from './document-store';
export { SqliteDocumentStore } from './sqlite/sqlite-document-store';
export { MongoDocumentStore } from './mongodb/mongo-document-store';
