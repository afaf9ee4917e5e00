export * from './command';
export * from './decide';
export * from './decider';
export * from './errors';
export * from './evolve';
export * from './policy';
export * from './state';
