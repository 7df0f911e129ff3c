/**
 * A jest setup file (`setupFilesAfterEnv`) that records state machine coverage in every test
 * file and, after each file, hands the recordings to `StateMachineCoverageReporter` (through the
 * directory the reporter names in `CDK_SFN_WORKFLOWS_COVERAGE_FRAGMENTS`).
 *
 * ```js
 * // jest.config.js
 * setupFilesAfterEnv: ['cdk-sfn-workflows/testing/coverage-setup'],
 * reporters: ['default', ['cdk-sfn-workflows/testing/coverage-reporter', { outputDirectory: 'coverage/state-machines' }]],
 * ```
 *
 * @see https://jestjs.io/docs/configuration#setupfilesafterenv-array
 */
import { COVERAGE_FRAGMENTS_ENV } from './jest-reporter';
import { StateMachineCoverage } from './state-machine-coverage';

StateMachineCoverage.global.enable();

/** jest's `afterAll`, a global in setup files (typed here so that the library needs no jest types). */
const afterAllTests = (globalThis as { afterAll?: (hook: () => void) => void }).afterAll;

afterAllTests?.(() => {
  const directory = process.env[COVERAGE_FRAGMENTS_ENV];
  if (directory) StateMachineCoverage.global.writeFragment(directory);
});
