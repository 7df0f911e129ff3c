/** Jest runs the TypeScript sources through SWC (type checking is `tsc --noEmit` in `npm test`). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  testTimeout: 120000,
};
