export * from './complaint';
export * from './rectification/rectification';
