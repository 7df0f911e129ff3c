import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CoverageReport, CoverageThreshold } from './coverage-report';
import { StateMachineCoverage } from './state-machine-coverage';

/** Environment variable through which the reporter tells the setup file (in every worker) where to leave recordings. */
export const COVERAGE_FRAGMENTS_ENV = 'CDK_SFN_WORKFLOWS_COVERAGE_FRAGMENTS';

/** Environment variable naming the directory to write the report to, when the options name none. */
export const COVERAGE_DIR_ENV = 'CDK_SFN_WORKFLOWS_COVERAGE_DIR';

/** Options of {@link StateMachineCoverageReporter}, as given in jest's `reporters` entry. */
export interface CoverageReporterOptions {
  /**
   * Where to write the report (Markdown, text, JSON and an SVG coverage diagram per state machine).
   * @default - the directory in `CDK_SFN_WORKFLOWS_COVERAGE_DIR`; with neither, no files
   */
  readonly outputDirectory?: string;
  /**
   * The state machines to report and check (titles such as `OrderProcessing/OrderWorkflow`, or their last part).
   * @default - every state machine the suite ran
   */
  readonly stateMachines?: string[];
  /**
   * Minimum percentages; below one, the run fails (jest exits 1) with the figures that missed.
   * @default - no threshold
   */
  readonly threshold?: CoverageThreshold;
  /**
   * Whether the threshold is also checked when the run was narrowed to some tests (a path
   * pattern, `-t`, `--onlyChanged`, ...): such a run usually misses paths on purpose.
   * @default false
   */
  readonly checkFilteredRuns?: boolean;
  /**
   * Print nothing (a threshold failure still fails the run).
   * @default false - print the table, where the report went, and threshold failures
   */
  readonly silent?: boolean;
}

/**
 * What the reporter reads from jest's global configuration: the root, and the options that
 * narrow a run (the threshold is not checked on a narrowed run).
 */
export interface JestGlobalConfig {
  /** The project root, against which a relative report directory resolves. */
  readonly rootDir?: string;
  /** `-t` / `--testNamePattern`. */
  readonly testNamePattern?: string;
  /** `-o` / `--onlyChanged`. */
  readonly onlyChanged?: boolean;
  /** `--onlyFailures`. */
  readonly onlyFailures?: boolean;
  /** `--findRelatedTests`. */
  readonly findRelatedTests?: boolean;
  /** `--lastCommit`. */
  readonly lastCommit?: boolean;
  /** `--changedSince`. */
  readonly changedSince?: string;
  /** Test path patterns given as plain arguments. */
  readonly nonFlagArgs?: string[];
  /** Test path patterns (`--testPathPatterns`), in jest 30's shape or as a list. */
  readonly testPathPatterns?: { isSet?: () => boolean; patterns?: string[] } | string[];
}

/**
 * A jest reporter that adds up the state machine coverage every test file recorded (with the
 * setup file `cdk-sfn-workflows/testing/coverage-setup`), prints a table per state machine,
 * writes the report on request and fails the run below a threshold.
 *
 * ```js
 * reporters: ['default', ['cdk-sfn-workflows/testing/coverage-reporter', {
 *   outputDirectory: 'coverage/state-machines',
 *   stateMachines: ['OrderProcessing/OrderWorkflow'],
 *   threshold: { states: 100, transitions: 100 },
 * }]],
 * ```
 *
 * @see https://jestjs.io/docs/configuration#custom-reporters
 */
export class StateMachineCoverageReporter {
  private readonly fragments: string;
  private failure?: Error;

  constructor(
    private readonly globalConfig: JestGlobalConfig = {},
    private readonly options: CoverageReporterOptions = {},
  ) {
    // Workers start after the reporters, and inherit this environment.
    this.fragments = mkdtempSync(path.join(tmpdir(), 'sfn-coverage-'));
    process.env[COVERAGE_FRAGMENTS_ENV] = this.fragments;
  }

  /** Adds up the recordings, prints and writes the report, checks the threshold. */
  public async onRunComplete(): Promise<void> {
    try {
      const report = StateMachineCoverage.readFragments(this.fragments).report({ stateMachines: this.options.stateMachines });
      if (!this.options.silent && report.machines.length > 0) process.stderr.write(`\nState machine coverage\n${report.toText()}\n`);
      await this.write(report);
      this.check(report);
    } finally {
      rmSync(this.fragments, { recursive: true, force: true });
    }
  }

  /** The threshold failure, for jest to fail the run with. */
  public getLastError(): Error | undefined {
    return this.failure;
  }

  private async write(report: CoverageReport): Promise<void> {
    const directory = this.options.outputDirectory ?? process.env[COVERAGE_DIR_ENV];
    if (!directory) return;
    const target = path.resolve(this.globalConfig.rootDir ?? process.cwd(), directory);
    await report.writeTo(target);
    if (!this.options.silent) process.stderr.write(`State machine coverage report: ${path.join(target, 'state-machine-coverage.md')}\n`);
  }

  private check(report: CoverageReport): void {
    if (!this.options.threshold) return;
    if (isFiltered(this.globalConfig) && !this.options.checkFilteredRuns) {
      if (!this.options.silent) process.stderr.write('State machine coverage threshold not checked: the run was narrowed to some tests.\n');
      return;
    }
    const failures = report.thresholdFailures(this.options.threshold);
    if (failures.length === 0) return;
    const message = `State machine coverage below the threshold:\n${failures.map((failure) => `  ${failure}`).join('\n')}`;
    if (!this.options.silent) process.stderr.write(`${message}\n`);
    this.failure = new Error(message);
  }
}

/** Whether jest was told to run only some tests. */
function isFiltered(config: JestGlobalConfig): boolean {
  const patterns = config.testPathPatterns;
  const pathFiltered = Array.isArray(patterns) ? patterns.length > 0 : (patterns?.isSet?.() ?? (patterns?.patterns?.length ?? 0) > 0);
  return pathFiltered || !!config.testNamePattern || !!config.onlyChanged || !!config.onlyFailures || !!config.findRelatedTests ||
    !!config.lastCommit || !!config.changedSince || (config.nonFlagArgs?.length ?? 0) > 0;
}

export default StateMachineCoverageReporter;
