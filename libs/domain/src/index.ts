export * from './complaint';
export * from './rectification/rectification';
export * from './sla/sla';
