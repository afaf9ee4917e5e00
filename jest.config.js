/** Type-checking is `npm run typecheck`'s job; jest only transpiles, which keeps it fast. */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleNameMapper: {
    '^@redress/(.*)$': '<rootDir>/libs/$1/src',
  },
  testTimeout: 60000,
};
