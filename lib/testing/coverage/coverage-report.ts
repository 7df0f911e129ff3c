import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { listStates } from '../../asl/definition';
import { aslRetriers, aslTransitions, describeTransition, retrierKey, transitionKey } from '../../asl/transitions';
import { errorListText } from '../../diagram/labels';
import { WorkflowDiagram } from '../../diagram/workflow-diagram';
import { definitionKey, distributedProcessors, mergeCoverage, StateMachineCoverageData } from './coverage-data';

/** One coverage figure: how many of a kind of item were covered, of how many. */
export interface CoverageMeasure {
  /** How many items were covered. */
  readonly covered: number;
  /** How many items there are to cover. */
  readonly total: number;
  /** `covered / total` as a percentage, 0–100; 100 when there is nothing to cover. */
  readonly percent: number;
  /** The items never covered, as people read them (`OrderInvalid`, `A → B (Catch[0]: States.ALL)`). */
  readonly missing: readonly string[];
}

/** The measures a coverage report has, by the name a threshold uses. */
export type CoverageMeasureName = 'states' | 'transitions' | 'catches' | 'choiceBranches' | 'retries';

/** The measures in the order reports print them. */
export const COVERAGE_MEASURES: readonly CoverageMeasureName[] = ['states', 'transitions', 'catches', 'choiceBranches', 'retries'];

/**
 * Minimum percentages (0–100) a suite must reach on every state machine the report covers.
 * A measure left out is not checked.
 */
export interface CoverageThreshold {
  /** States entered at least once. @default - not checked */
  readonly states?: number;
  /** Transitions (`Next`, Choice rules, `Default`, `Catch`) taken at least once. @default - not checked */
  readonly transitions?: number;
  /** `Catch` clauses that caught at least once. @default - not checked */
  readonly catches?: number;
  /** Choice rules and `Default`s chosen at least once. @default - not checked */
  readonly choiceBranches?: number;
  /** `Retry` clauses that retried at least once. @default - not checked */
  readonly retries?: number;
}

/** Options of a {@link CoverageReport}. */
export interface CoverageReportOptions {
  /**
   * The state machines to report, each named by its title (a Workflow's construct path such as
   * `OrderProcessing/OrderWorkflow`), the end of it (`OrderWorkflow`) or its name.
   * @default - every state machine recorded
   */
  readonly stateMachines?: readonly string[];
}

/** The coverage of one state machine (a distributed Map's item executions folded in). */
export interface MachineCoverage {
  /** The construct path of a synthesized Workflow, else the state machine's name. */
  readonly title: string;
  /** How many executions were recorded. */
  readonly executions: number;
  /** States entered, of all states (those of Parallel branches and Map item processors included). */
  readonly states: CoverageMeasure;
  /** Transitions taken (`Next`, `Default`, Choice rules, catchers), of all transitions. */
  readonly transitions: CoverageMeasure;
  /** Catchers that caught an error, of all catchers. */
  readonly catches: CoverageMeasure;
  /** Choice rules and defaults taken, of all of them. */
  readonly choiceBranches: CoverageMeasure;
  /** Retriers that retried, of all retriers. */
  readonly retries: CoverageMeasure;
  /** The recordings it was computed from. */
  readonly data: StateMachineCoverageData;
}

const MEASURE_TITLES: Record<CoverageMeasureName, string> = {
  states: 'STATES', transitions: 'TRANSITIONS', catches: 'CATCHES', choiceBranches: 'CHOICE BRANCHES', retries: 'RETRIES',
};

/**
 * State machine coverage: for each state machine, the states entered, transitions taken,
 * catchers and Choice branches (with `Default`) taken and retriers fired, as counts and
 * percentages with what was missed; as text, Markdown, and diagrams with the uncovered states
 * and edges marked; checked against a threshold.
 */
export class CoverageReport {
  /** One entry per state machine, in the order first recorded. */
  public readonly machines: readonly MachineCoverage[];

  constructor(recorded: readonly StateMachineCoverageData[], options: CoverageReportOptions = {}) {
    const folded = foldProcessors(recorded);
    const wanted = options.stateMachines;
    this.machines = folded.filter((data) => !wanted || wanted.some((id) => names(data, id))).map(measure);
  }

  /**
   * The threshold's failures: one line per state machine and measure below its minimum,
   * e.g. `OrderProcessing/OrderWorkflow: transitions 95.6% (43/45) < 100%`; empty when the
   * report meets it (or covers no state machine).
   */
  public thresholdFailures(threshold: CoverageThreshold): string[] {
    return this.machines.flatMap((machine) =>
      COVERAGE_MEASURES.flatMap((name) => {
        const minimum = threshold[name];
        const figure = machine[name];
        if (minimum === undefined || figure.percent >= minimum) return [];
        return [`${machine.title}: ${name} ${formatPercent(figure.percent)} (${figure.covered}/${figure.total}) < ${minimum}%`];
      }),
    );
  }

  /** A plain-text table (one row per state machine), then what each missed. */
  public toText(): string {
    const header = ['STATE MACHINE', 'RUNS', ...COVERAGE_MEASURES.map((name) => MEASURE_TITLES[name])];
    const rows = this.machines.map((machine) => [machine.title, String(machine.executions), ...COVERAGE_MEASURES.map((name) => figureText(machine[name]))]);
    const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
    const lines = [header, ...rows].map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd());
    for (const machine of this.machines) lines.push(...missingLines(machine).map((line) => `  ${machine.title}: ${line}`));
    return lines.join('\n');
  }

  /**
   * Markdown: the table, and per state machine what it missed and its coverage diagram (as an
   * image link to `<slug>.svg` when `diagrams` is true, as {@link CoverageReport.writeTo} writes them).
   */
  public toMarkdown(diagrams = false): string {
    const header = `| state machine | runs | ${COVERAGE_MEASURES.map((name) => MEASURE_TITLES[name].toLowerCase()).join(' | ')} |`;
    const rule = `|---|---:|${COVERAGE_MEASURES.map(() => '---:').join('|')}|`;
    const rows = this.machines.map((machine) => `| ${markdownCell(machine.title)} | ${machine.executions} | ${COVERAGE_MEASURES.map((name) => figureText(machine[name])).join(' | ')} |`);
    const sections = this.machines.flatMap((machine) => [
      '', `## ${markdownCell(machine.title)}`, '',
      ...(missingLines(machine).length > 0 ? missingLines(machine).map((line) => `- ${markdownCell(line)}`) : ['Everything covered.']),
      ...(diagrams ? ['', `![coverage of ${markdownCell(machine.title)}](${slugOf(machine.title)}.svg)`] : []),
    ]);
    return [`# State machine coverage`, '', header, rule, ...rows, ...sections, ''].join('\n');
  }

  /** The diagram of one state machine with its coverage drawn over it (uncovered states and edges in red). */
  public diagram(machine: MachineCoverage): WorkflowDiagram {
    const subtitle = `coverage: ${COVERAGE_MEASURES.map((name) => `${name} ${formatPercent(machine[name].percent)}`).join(' · ')} · ${machine.executions} executions`;
    return WorkflowDiagram.fromDefinition(machine.data.definition, { title: machine.title, sagaCompensations: machine.data.sagaCompensations })
      .withCoverage({ states: machine.data.states, transitions: machine.data.transitions }, subtitle);
  }

  /**
   * Writes the report to a directory (created if needed): `state-machine-coverage.md` (Markdown
   * with the diagrams linked), `state-machine-coverage.txt`, `state-machine-coverage.json` (the
   * figures and the recordings) and one `<slug>.svg` coverage diagram per state machine.
   *
   * @returns the files written
   */
  public async writeTo(directory: string): Promise<string[]> {
    mkdirSync(directory, { recursive: true });
    const files: Array<[string, string]> = [
      ['state-machine-coverage.md', this.toMarkdown(true)],
      ['state-machine-coverage.txt', `${this.toText()}\n`],
      ['state-machine-coverage.json', JSON.stringify({ version: 1, stateMachines: this.machines.map(({ data: _data, ...figures }) => figures), recordings: this.machines.map((machine) => machine.data) }, null, 2)],
    ];
    for (const machine of this.machines) files.push([`${slugOf(machine.title)}.svg`, await this.diagram(machine).toSvg()]);
    return files.map(([name, content]) => {
      const file = path.join(directory, name);
      writeFileSync(file, content);
      return file;
    });
  }
}

/**
 * A distributed Map's item executions are recorded for its item processor; the parent's
 * coverage adds them in (state and transition names are unique across a state machine), and
 * the processor is not listed on its own.
 */
function foldProcessors(recorded: readonly StateMachineCoverageData[]): StateMachineCoverageData[] {
  const byKey = new Map(recorded.map((data) => [data.key, data]));
  const folded = new Set<string>();
  const result = recorded.map((data) => {
    let merged = data;
    for (const { processor } of distributedProcessors(data.definition)) {
      const child = byKey.get(definitionKey(processor));
      if (!child) continue;
      folded.add(child.key);
      merged = mergeCoverage(merged, { ...child, executions: 0 });
    }
    return merged;
  });
  return result.filter((data) => !folded.has(data.key));
}

function names(data: StateMachineCoverageData, id: string): boolean {
  return data.title === id || data.title.endsWith(`/${id}`);
}

function measure(data: StateMachineCoverageData): MachineCoverage {
  const transitions = aslTransitions(data.definition);
  const retriers = aslRetriers(data.definition);
  const states = listStates(data.definition).map(({ name }) => name);
  const measureOf = <T>(items: T[], key: (item: T) => string, counts: Readonly<Record<string, number>>, describe: (item: T) => string): CoverageMeasure => {
    const missing = items.filter((item) => !(counts[key(item)] > 0));
    const covered = items.length - missing.length;
    return { covered, total: items.length, percent: items.length === 0 ? 100 : (100 * covered) / items.length, missing: missing.map(describe) };
  };
  const transitionMeasure = (kinds: string[]) =>
    measureOf(transitions.filter((t) => kinds.includes(t.kind)), transitionKey, data.transitions, describeTransition);
  return {
    title: data.title,
    executions: data.executions,
    states: measureOf(states, (name) => name, data.states, (name) => name),
    transitions: transitionMeasure(['next', 'default', 'choice', 'catch']),
    catches: transitionMeasure(['catch']),
    choiceBranches: transitionMeasure(['choice', 'default']),
    retries: measureOf(retriers, retrierKey, data.retriers, (r) => `${r.state} Retry[${r.index}]: ${errorListText(r.errors)}`),
    data,
  };
}

function missingLines(machine: MachineCoverage): string[] {
  const lines: string[] = [];
  if (machine.states.missing.length > 0) lines.push(`never entered: ${machine.states.missing.join(', ')}`);
  for (const transition of machine.transitions.missing) lines.push(`never taken: ${transition}`);
  for (const retrier of machine.retries.missing) lines.push(`never retried: ${retrier}`);
  return lines;
}

function figureText(figure: CoverageMeasure): string {
  return figure.total === 0 ? '–' : `${figure.covered}/${figure.total} ${formatPercent(figure.percent)}`;
}

/** A percentage with one decimal, without a trailing `.0`: `100%`, `95.6%`. */
export function formatPercent(percent: number): string {
  const text = (Math.floor(percent * 10) / 10).toFixed(1).replace(/\.0$/, '');
  return `${text}%`;
}

function markdownCell(text: string): string {
  return text.replace(/[|\\`*_[\]<>]/g, (character) => `\\${character}`);
}

/** A file name for a state machine: its title with every run of other characters than letters, digits, `.`, `-` and `_` as `-`. */
export function slugOf(title: string): string {
  return title.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'state-machine';
}
