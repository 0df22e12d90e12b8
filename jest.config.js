/** Jest runs TypeScript through ts-jest in transpile-only mode; `npm run typecheck` does the type checking once. */
module.exports = {
  // Node, plus a flag telling the setup below whether the running test failed.
  testEnvironment: '<rootDir>/test/support/quiet-environment.js',
  // Handler log lines are held and printed only for a failed test, unless LOG_LEVEL is set.
  setupFilesAfterEnv: ['<rootDir>/test/support/quiet-logs.ts'],
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  testTimeout: 30000,
  // Tests spawn local services (dynalite, cognito-local, the local stack); keep the two cores for them.
  maxWorkers: 2,
};
