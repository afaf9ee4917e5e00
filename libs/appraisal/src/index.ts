export * from './policy';
export * from './appraise';
