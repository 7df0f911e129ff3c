/**
 * Jest runs the TypeScript sources through SWC (type checking is `tsc --noEmit` in `npm test`).
 *
 * Every test file records state machine coverage (the setup file); the reporter adds it up and
 * prints the example's. A full run fails below 100% of the example workflows' states and
 * transitions (a run narrowed to some tests is not checked). `npm run test:coverage` also writes
 * the report with its diagrams to coverage/state-machines/.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  testTimeout: 120000,
  setupFilesAfterEnv: ['<rootDir>/lib/testing/coverage/jest-setup.ts'],
  reporters: [
    'default',
    ['<rootDir>/test/support/state-machine-coverage-reporter.js', {
      stateMachines: ['OrderProcessing/OrderWorkflow', 'OrderProcessing/FraudCheckWorkflow'],
      threshold: { states: 100, transitions: 100 },
    }],
  ],
};
