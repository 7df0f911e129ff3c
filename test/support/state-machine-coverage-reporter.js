// The library's jest reporter, from its TypeScript source: jest loads reporters with Node's own
// require, which does not read TypeScript, so tsx registers for that first. A consumer points
// jest at 'cdk-sfn-workflows/testing/coverage-reporter' (compiled) instead.
require('tsx/cjs');
module.exports = require('../../lib/testing/coverage/jest-reporter').StateMachineCoverageReporter;
