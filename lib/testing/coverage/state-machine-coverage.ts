import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { AslDefinition } from '../../asl/definition';
import { traceExecution } from '../../diagram/execution-trace';
import type { ExecutionResult } from '../execution-result';
import type { LocalStateMachine } from '../local-state-machine';
import { addTrace, definitionKey, distributedProcessors, emptyCoverage, mergeCoverage, StateMachineCoverageData } from './coverage-data';
import { CoverageReport, CoverageReportOptions } from './coverage-report';

/**
 * Environment variable that turns recording on in every process that reads it (any value but
 * `''`, `0` or `false`). The jest setup file turns it on without it.
 */
export const COVERAGE_ENV = 'CDK_SFN_WORKFLOWS_COVERAGE';

/** The JSON form of a collector's recordings, as {@link StateMachineCoverage.toJSON} writes it. */
export interface StateMachineCoverageJson {
  /** The format's version: 1. */
  readonly version: 1;
  /** The recordings, one per state machine definition. */
  readonly stateMachines: readonly StateMachineCoverageData[];
}

/** A state machine as the collector needs it: what `LocalStateMachine` gives. */
export type RecordedMachine = Pick<LocalStateMachine, 'name' | 'definition' | 'synthesized'>;

/**
 * Records which states, transitions, Choice branches, catchers and retriers the local
 * executions took, per state machine, keyed by the machine's definition (the same machine run
 * from `LocalRunner.fromStack` in one test and `fromCloudAssembly` in another adds up). A
 * distributed Map's item executions count for their item processor, which the parent's report
 * folds in; a nested workflow's executions count for the child machine.
 *
 * `StateMachineCoverage.global` is the collector `LocalStateMachine` reports every execution
 * to when it ends. Recording reads each execution's whole history, so it is off until
 * {@link StateMachineCoverage.enable} (the jest setup file `cdk-sfn-workflows/testing/coverage-setup` calls it) or
 * the environment variable `CDK_SFN_WORKFLOWS_COVERAGE` turns it on.
 *
 * ```ts
 * StateMachineCoverage.global.enable();
 * // ... run executions ...
 * const report = StateMachineCoverage.global.report();
 * console.log(report.toText());
 * expect(report.thresholdFailures({ states: 100, transitions: 100 })).toEqual([]);
 * ```
 */
export class StateMachineCoverage {
  /** The process's collector (one per jest test file: jest gives each file its own modules). */
  public static get global(): StateMachineCoverage {
    globalCollector ??= new StateMachineCoverage(isOn(process.env[COVERAGE_ENV]));
    return globalCollector;
  }

  /**
   * A collector from recordings written by {@link StateMachineCoverage.toJSON} (or several, added up).
   *
   * @throws Error if a document is not such JSON.
   */
  public static fromJSON(...documents: StateMachineCoverageJson[]): StateMachineCoverage {
    const collector = new StateMachineCoverage(false);
    for (const document of documents) {
      if (document?.version !== 1 || !Array.isArray(document.stateMachines)) throw new Error('Not state machine coverage JSON (expected { version: 1, stateMachines: [...] }).');
      for (const data of document.stateMachines) collector.add(data);
    }
    return collector;
  }

  /**
   * The recordings of every `*.json` file in a directory (as {@link StateMachineCoverage.writeFragment} writes them), added up.
   *
   * @throws Error if a file there is not coverage JSON.
   */
  public static readFragments(directory: string): StateMachineCoverage {
    const files = readdirSync(directory).filter((file) => file.endsWith('.json')).sort();
    return StateMachineCoverage.fromJSON(...files.map((file) => JSON.parse(readFileSync(path.join(directory, file), 'utf8')) as StateMachineCoverageJson));
  }

  private readonly recorded = new Map<string, StateMachineCoverageData>();

  /** @param enabled whether {@link StateMachineCoverage.record} records (a collector made directly is usually fed by `add` or `fromJSON`). */
  constructor(private enabled = true) {}

  /** Whether executions are recorded. */
  public get isEnabled(): boolean {
    return this.enabled;
  }

  /** Records every execution from now on. */
  public enable(): this {
    this.enabled = true;
    return this;
  }

  /** Stops recording (what was recorded stays). */
  public disable(): this {
    this.enabled = false;
    return this;
  }

  /** Forgets everything recorded. */
  public reset(): this {
    this.recorded.clear();
    return this;
  }

  /**
   * Records one ended execution of a state machine, and its distributed Map item executions
   * for their item processors. Does nothing while recording is off. Never throws: a history it
   * cannot read is skipped with a warning, so that coverage never fails a test.
   */
  public record(machine: RecordedMachine, result: ExecutionResult): void {
    if (!this.enabled) return;
    try {
      const title = (machine.synthesized?.constructPath ?? machine.name).replace(/\/StateMachine$/, '');
      this.recordTrace(machine.definition, title, result, machine.synthesized?.sagaCompensations);
      for (const { processor, label } of distributedProcessors(machine.definition)) {
        const marker = `:execution:${machine.name}/${label}:`;
        for (const child of result.childExecutions.filter((execution) => execution.executionArn.includes(marker))) {
          this.recordTrace(processor, `${title}/${label}`, child);
        }
      }
    } catch (error) {
      process.emitWarning(`State machine coverage skipped an execution of ${machine.name}: ${(error as Error).message}`);
    }
  }

  /** Adds recordings (from another collector, a jest worker). */
  public add(data: StateMachineCoverageData): this {
    const existing = this.recorded.get(data.key);
    this.recorded.set(data.key, existing ? mergeCoverage(existing, data) : data);
    return this;
  }

  /** What was recorded, one entry per state machine, in the order first recorded. */
  public get stateMachines(): StateMachineCoverageData[] {
    return [...this.recorded.values()];
  }

  /** The recordings as JSON (see {@link StateMachineCoverage.fromJSON}). */
  public toJSON(): StateMachineCoverageJson {
    return { version: 1, stateMachines: this.stateMachines };
  }

  /**
   * Writes the recordings to a new file in a directory (created if needed), for a reporter to
   * add up: one file per call, named so that parallel workers never collide.
   *
   * @returns the file written, or undefined when nothing was recorded
   */
  public writeFragment(directory: string): string | undefined {
    if (this.recorded.size === 0) return undefined;
    mkdirSync(directory, { recursive: true });
    const file = path.join(directory, `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 10)}.json`);
    writeFileSync(file, JSON.stringify(this.toJSON()));
    return file;
  }

  /** The coverage report of what was recorded. */
  public report(options: CoverageReportOptions = {}): CoverageReport {
    return new CoverageReport(this.stateMachines, options);
  }

  private recordTrace(definition: AslDefinition, title: string, result: ExecutionResult, sagaCompensations?: Readonly<Record<string, string>>): void {
    const key = definitionKey(definition);
    const data = this.recorded.get(key) ?? emptyCoverage(definition, title, sagaCompensations);
    this.recorded.set(key, addTrace(data, traceExecution(result, definition)));
  }
}

let globalCollector: StateMachineCoverage | undefined;

function isOn(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/**
 * Reports an ended execution to the global collector and hands the result on: the one call
 * `LocalStateMachine` makes where executions end.
 *
 * @internal
 */
export function recordExecution(machine: RecordedMachine, result: ExecutionResult): ExecutionResult {
  StateMachineCoverage.global.record(machine, result);
  return result;
}
