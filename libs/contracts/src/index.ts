export * from './codecs';
export * from './metadata';
export * from './complaint/vocabulary';
export * from './complaint/commands';
export * from './complaint/events';
export * from './json-schema';
export * from './rectification/contracts';
export * from './sla/contracts';
