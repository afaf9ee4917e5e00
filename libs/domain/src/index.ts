export * from './complaint';
export * from './rectification/rectification';
export * from './sla/sla';
export * from './streams';
export * from './calendar';
export * from './import/historic-complaint';
