export * from './policy';
export * from './period';
export * from './appraise';
export * from './appraiser';
export * from './file-name';
