import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AslDefinition } from '../lib/asl';
import { CoverageReport, LocalRunner, StateMachineCoverage, StateMachineCoverageReporter, TaskFailure } from '../lib/testing';
import { COVERAGE_FRAGMENTS_ENV } from '../lib/testing/coverage/jest-reporter';

/** A Choice (rule and Default), a Task with a Retry and a Catch, two ends. */
const ORDERS: AslDefinition = {
  StartAt: 'Big order?',
  States: {
    'Big order?': { Type: 'Choice', Choices: [{ Variable: '$.total', NumericGreaterThanEquals: 1000, Next: 'Review' }], Default: 'Charge' },
    Review: { Type: 'Pass', Next: 'Charge' },
    Charge: {
      Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', ResultPath: null, End: true,
      Retry: [{ ErrorEquals: ['Busy'], IntervalSeconds: 1 }],
      Catch: [{ ErrorEquals: ['Declined'], Next: 'Declined' }],
    },
    Declined: { Type: 'Fail', Error: 'Declined' },
  },
};

/** A charge that answers with these errors, in turn, then succeeds. */
function charge(...errors: string[]) {
  let call = 0;
  return () => {
    const error = errors[call++];
    if (error) throw new TaskFailure(error, 'no');
    return {};
  };
}

describe('StateMachineCoverage', () => {
  test('records states, transitions (Choice rule and Default, Catch), retriers; a report per state machine with what was missed', async () => {
    // GIVEN
    const coverage = new StateMachineCoverage();
    const machine = LocalRunner.fromDefinition(ORDERS, { name: 'Orders' }).stateMachine();
    // WHEN a small order, then a big one whose charge is retried once
    coverage.record(machine, await machine.run({ total: 10 }, { tasks: { Charge: charge() } }));
    coverage.record(machine, await machine.run({ total: 5000 }, { tasks: { Charge: charge('Busy') } }));
    const [orders] = coverage.report().machines;
    // THEN
    expect(orders.title).toBe('Orders');
    expect(orders.executions).toBe(2);
    expect(orders.states).toEqual({ covered: 3, total: 4, percent: 75, missing: ['Declined'] });
    expect(orders.transitions).toMatchObject({ covered: 3, total: 4, missing: ['Charge → Declined (Catch[0]: Declined)'] });
    expect(orders.catches).toEqual({ covered: 0, total: 1, percent: 0, missing: ['Charge → Declined (Catch[0]: Declined)'] });
    expect(orders.choiceBranches).toEqual({ covered: 2, total: 2, percent: 100, missing: [] });
    expect(orders.retries).toEqual({ covered: 1, total: 1, percent: 100, missing: [] });
    expect(orders.data.states).toEqual({ 'Big order?': 2, Review: 1, Charge: 2 });
  });

  test('a Choice whose rules share a target is credited with the rule that matched, also where only the engine can tell (JSONata, variables)', async () => {
    // GIVEN rules 0 and 1 and Default all lead to Ship; rule 1 reads a variable, which the
    // history does not record at the Choice (https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html)
    const routing = (queryLanguage: 'JSONata' | 'JSONPath'): AslDefinition => ({
      QueryLanguage: queryLanguage,
      StartAt: 'Remember',
      States: {
        Remember: { Type: 'Pass', Assign: queryLanguage === 'JSONata' ? { express: '{% $states.input.express %}' } : { 'express.$': '$.express' }, Next: 'Route' },
        Route: {
          Type: 'Choice',
          Choices: queryLanguage === 'JSONata'
            ? [{ Condition: '{% $states.input.priority = true %}', Next: 'Ship' }, { Condition: '{% $express = true %}', Next: 'Ship' }]
            : [{ Variable: '$.priority', BooleanEquals: true, Next: 'Ship' }, { Variable: '$express', BooleanEquals: true, Next: 'Ship' }],
          Default: 'Ship',
        },
        Ship: { Type: 'Succeed' },
      },
    });
    for (const language of ['JSONata', 'JSONPath'] as const) {
      const coverage = new StateMachineCoverage();
      const machine = LocalRunner.fromDefinition(routing(language), { name: `Routing${language}` }).stateMachine();
      // WHEN only an express order runs: rule 0 fails, rule 1 matches
      coverage.record(machine, await machine.run({ priority: false, express: true }));
      // THEN rule 1 is covered; rule 0 and Default are not
      const [report] = coverage.report().machines;
      expect(report.choiceBranches).toMatchObject({ covered: 1, total: 3, missing: ['Route → Ship (Choices[0])', 'Route → Ship (Default)'] });
    }
  });

  test('the same state machine from two runners adds up (keyed by its definition); another definition is another entry', async () => {
    const coverage = new StateMachineCoverage();
    const first = LocalRunner.fromDefinition(ORDERS, { name: 'Orders' }).stateMachine();
    const second = LocalRunner.fromDefinition(JSON.parse(JSON.stringify(ORDERS)), { name: 'OrdersAgain' }).stateMachine();
    const other = LocalRunner.fromDefinition({ StartAt: 'Only', States: { Only: { Type: 'Succeed' } } }, { name: 'Other' }).stateMachine();
    coverage.record(first, await first.run({ total: 10 }, { tasks: { Charge: charge() } }));
    coverage.record(second, await second.run({ total: 10 }, { tasks: { Charge: charge('Declined') } }));
    coverage.record(other, await other.run({}));
    expect(coverage.report().machines.map((m) => [m.title, m.executions, m.catches.percent])).toEqual([['Orders', 2, 100], ['Other', 1, 100]]);
  });

  test('the global collector records every local execution once enabled (the jest setup file enables it here), and nothing while disabled', async () => {
    // GIVEN
    const global = StateMachineCoverage.global;
    const machine = LocalRunner.fromDefinition({ StartAt: 'Global probe', States: { 'Global probe': { Type: 'Succeed' } } }, { name: 'GlobalProbe' }).stateMachine();
    const runs = () => global.stateMachines.find((data) => data.title === 'GlobalProbe')?.executions ?? 0;
    expect(global.isEnabled).toBe(true);
    // WHEN
    await machine.run({});
    global.disable();
    await machine.run({});
    global.enable();
    // THEN
    expect(runs()).toBe(1);
  });

  test('a distributed Map\'s item executions count for its item processor, folded into the parent\'s report', async () => {
    const definition: AslDefinition = {
      StartAt: 'Each order',
      States: {
        'Each order': {
          Type: 'Map', End: true, Label: 'Orders',
          ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Paid?', States: { 'Paid?': { Type: 'Choice', Choices: [{ Variable: '$.paid', BooleanEquals: true, Next: 'Ship' }], Default: 'Chase' }, Ship: { Type: 'Succeed' }, Chase: { Type: 'Succeed' } } },
        },
      },
    };
    const coverage = new StateMachineCoverage();
    const machine = LocalRunner.fromDefinition(definition, { name: 'Batch' }).stateMachine();
    coverage.record(machine, await machine.run([{ paid: true }, { paid: false }]));
    const report = coverage.report();
    expect(report.machines.map((m) => m.title)).toEqual(['Batch']);
    expect(report.machines[0].states).toMatchObject({ covered: 4, total: 4 });
    expect(report.machines[0].choiceBranches).toMatchObject({ covered: 2, total: 2 });
    expect(coverage.stateMachines.map((data) => [data.title, data.executions])).toEqual([['Batch', 1], ['Batch/Orders', 2]]);
  });

  test('record never throws: an execution it cannot read is skipped with a warning', () => {
    const coverage = new StateMachineCoverage();
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const broken = { executionArn: 'x', status: 'SUCCEEDED', childExecutions: [], get events(): never { throw new Error('no history'); } };
    expect(() => coverage.record({ name: 'Broken', definition: ORDERS, synthesized: undefined }, broken as never)).not.toThrow();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/skipped an execution of Broken: no history/));
    expect(coverage.stateMachines).toEqual([]);
    warn.mockRestore();
  });

  test('fragments written by workers add up; JSON that is not coverage is refused', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'fragments-'));
    const machine = LocalRunner.fromDefinition(ORDERS, { name: 'Orders' }).stateMachine();
    for (const total of [10, 5000]) {
      const worker = new StateMachineCoverage();
      worker.record(machine, await machine.run({ total }, { tasks: { Charge: charge() } }));
      worker.writeFragment(directory);
    }
    expect(new StateMachineCoverage().writeFragment(directory)).toBeUndefined();
    expect(readdirSync(directory)).toHaveLength(2);
    const [orders] = StateMachineCoverage.readFragments(directory).report().machines;
    expect([orders.executions, orders.choiceBranches.percent]).toEqual([2, 100]);
    expect(() => StateMachineCoverage.fromJSON({ version: 2 } as never)).toThrow(/Not state machine coverage JSON/);
  });
});

describe('CoverageReport', () => {
  async function partialCoverage(): Promise<CoverageReport> {
    const coverage = new StateMachineCoverage();
    const machine = LocalRunner.fromDefinition(ORDERS, { name: 'Orders' }).stateMachine();
    coverage.record(machine, await machine.run({ total: 10 }, { tasks: { Charge: charge() } }));
    return coverage.report();
  }

  test('thresholdFailures lists each measure below its minimum, and nothing for a threshold met', async () => {
    const report = await partialCoverage();
    expect(report.thresholdFailures({ states: 100, transitions: 25, catches: 0, choiceBranches: 50 })).toEqual(['Orders: states 50% (2/4) < 100%']);
    expect(report.thresholdFailures({ transitions: 100, retries: 1 })).toEqual(['Orders: transitions 25% (1/4) < 100%', 'Orders: retries 0% (0/1) < 1%']);
    expect(report.thresholdFailures({ states: 50 })).toEqual([]);
    expect(report.thresholdFailures({})).toEqual([]);
  });

  test('the text and Markdown tables give the figures and what was missed', async () => {
    const report = await partialCoverage();
    expect(report.toText().split('\n')).toEqual([
      'STATE MACHINE  RUNS  STATES   TRANSITIONS  CATCHES  CHOICE BRANCHES  RETRIES',
      'Orders         1     2/4 50%  1/4 25%      0/1 0%   1/2 50%          0/1 0%',
      '  Orders: never entered: Review, Declined',
      '  Orders: never taken: Big order? → Review (Choices[0])',
      '  Orders: never taken: Review → Charge',
      '  Orders: never taken: Charge → Declined (Catch[0]: Declined)',
      '  Orders: never retried: Charge Retry[0]: Busy',
    ]);
    const markdown = report.toMarkdown(true);
    expect(markdown).toContain('| Orders | 1 | 2/4 50% | 1/4 25% | 0/1 0% | 1/2 50% | 0/1 0% |');
    expect(markdown).toContain('- never taken: Big order? → Review (Choices\\[0\\])');
    expect(markdown).toContain('![coverage of Orders](Orders.svg)');
  });

  test('the coverage diagram marks what was covered and what was not', async () => {
    const report = await partialCoverage();
    const diagram = report.diagram(report.machines[0]);
    const overlay = diagram.overlay!;
    const id = (state: string) => diagram.model.stateElements.get(state)!;
    expect(overlay.subtitle).toBe('coverage: states 50% · transitions 25% · catches 0% · choiceBranches 50% · retries 0% · 1 executions');
    expect(overlay.elements.get(id('Charge'))).toEqual({ status: 'covered', badge: '×1' });
    expect(overlay.elements.get(id('Review'))).toEqual({ status: 'uncovered', notes: ['never entered'] });
    const catchEdge = diagram.model.edges.find((edge) => edge.kind === 'catch')!;
    expect(overlay.edges.get(catchEdge.id)).toEqual({ status: 'uncovered', note: 'never taken' });
    expect(diagram.toMermaid()).toContain(`style ${id('Review')} stroke:#d32f2f,stroke-width:3px,fill:#fff0f0,stroke-dasharray:4 3`);
  });

  test('writeTo writes Markdown, text, JSON and an SVG coverage diagram per state machine', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'coverage-report-'));
    const files = await (await partialCoverage()).writeTo(directory);
    expect(files.map((file) => path.basename(file))).toEqual(['state-machine-coverage.md', 'state-machine-coverage.txt', 'state-machine-coverage.json', 'Orders.svg']);
    expect(readFileSync(path.join(directory, 'Orders.svg'), 'utf8')).toContain('never entered');
    expect(JSON.parse(readFileSync(path.join(directory, 'state-machine-coverage.json'), 'utf8')).stateMachines[0].states.percent).toBe(50);
  });

  test('stateMachines picks state machines by title or its last part', async () => {
    const coverage = new StateMachineCoverage();
    coverage.add({ ...(await partialCoverage()).machines[0].data, title: 'Shop/Orders' });
    expect(coverage.report({ stateMachines: ['Orders'] }).machines).toHaveLength(1);
    expect(coverage.report({ stateMachines: ['Shop/Orders'] }).machines).toHaveLength(1);
    expect(coverage.report({ stateMachines: ['Shop'] }).machines).toHaveLength(0);
  });
});

describe('StateMachineCoverageReporter (jest)', () => {
  const FIXTURE = path.join(__dirname, 'fixtures', 'coverage-project');

  /** Runs jest on the fixture project (one test file, one small state machine) in a subprocess. */
  function runFixture(env: Record<string, string>): { status: number | null; output: string } {
    const childEnv = { ...process.env, ...env };
    delete childEnv.JEST_WORKER_ID;
    delete childEnv[COVERAGE_FRAGMENTS_ENV];
    const run = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), '--config', path.join(FIXTURE, 'jest.config.js'), '--ci'], { env: childEnv, encoding: 'utf8', timeout: 120_000 });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  }

  test('fails a suite that misses a Choice branch when a threshold asks for every transition', () => {
    // WHEN the suite runs only small orders
    const { status, output } = runFixture({ FIXTURE_THRESHOLD: JSON.stringify({ transitions: 100 }) });
    // THEN
    expect(output).toContain('Orders: never taken: Big order? → Review (Choices[0])');
    expect(output).toContain('State machine coverage below the threshold:\n  Orders: transitions 33.3% (1/3) < 100%');
    expect(status).toBe(1);
  });

  test('passes the same suite once it takes both branches, and writes the report on request', () => {
    const output = mkdtempSync(path.join(tmpdir(), 'fixture-report-'));
    const run = runFixture({ FIXTURE_THRESHOLD: JSON.stringify({ transitions: 100, states: 100 }), FIXTURE_BOTH_BRANCHES: '1', FIXTURE_OUTPUT: output });
    expect(run.output).toMatch(/Orders\s+2\s+3\/3 100%\s+3\/3 100%/);
    expect(run.status).toBe(0);
    expect(readdirSync(output).sort()).toEqual(['Orders.svg', 'state-machine-coverage.json', 'state-machine-coverage.md', 'state-machine-coverage.txt']);
  });

  test('a run narrowed to some tests is not held to the threshold, unless asked', async () => {
    // GIVEN recordings below the threshold, as the setup file leaves them
    const below = async (globalConfig: object, checkFilteredRuns?: boolean) => {
      const reporter = new StateMachineCoverageReporter(globalConfig, { threshold: { states: 100 }, silent: true, checkFilteredRuns });
      const coverage = new StateMachineCoverage();
      coverage.add((await partial()).machines[0].data);
      coverage.writeFragment(process.env[COVERAGE_FRAGMENTS_ENV]!);
      await reporter.onRunComplete();
      return reporter.getLastError();
    };
    const saved = process.env[COVERAGE_FRAGMENTS_ENV];
    try {
      expect(await below({ testPathPatterns: { isSet: () => true } })).toBeUndefined();
      expect(await below({ testNamePattern: 'orders' })).toBeUndefined();
      expect((await below({ testPathPatterns: { isSet: () => false } }))?.message).toMatch(/Orders: states 75% \(3\/4\) < 100%/);
      expect((await below({ testNamePattern: 'orders' }, true))?.message).toMatch(/below the threshold/);
    } finally {
      process.env[COVERAGE_FRAGMENTS_ENV] = saved;
    }
  });

  async function partial(): Promise<CoverageReport> {
    const coverage = new StateMachineCoverage();
    const machine = LocalRunner.fromDefinition(ORDERS, { name: 'Orders' }).stateMachine();
    coverage.record(machine, await machine.run({ total: 5000 }, { tasks: { Charge: charge() } }));
    return coverage.report();
  }
});
