export * from './config';
export * from './logger';
export * from './event-store';
export * from './jwt';
export * from './jwt-secret';
export * from './clock';
export * from './document-store';
export * from './policies';
