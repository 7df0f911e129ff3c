import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Saga, SagaStep, StepDefaults, Workflow, WorkflowMonitoring, WorkflowMonitoringProps } from '../lib';

/** How a saga of `steps` steps is built: with the library, or by hand with aws-cdk-lib. */
type SagaBuilder = (stack: Stack, fn: lambda.IFunction, steps: number) => void;

/** The library's Saga of `steps` LambdaSteps, every other one with a compensation, in a Workflow with its default alarms, dashboard and stuck check. */
export const librarySaga: SagaBuilder = (stack, fn, steps) => buildLibrarySaga(stack, fn, steps, {});

/** The same, its monitoring off: no alarms, dashboard or stuck-execution check, which the hand-built chain lacks. */
export const librarySagaUnmonitored: SagaBuilder = (stack, fn, steps) =>
  buildLibrarySaga(stack, fn, steps, { dashboard: false, stuckExecutionCheck: false, disabledAlarms: ALL_ALARMS });

const ALL_ALARMS = [
  WorkflowMonitoring.EXECUTIONS_FAILED, WorkflowMonitoring.EXECUTIONS_TIMED_OUT, WorkflowMonitoring.EXECUTIONS_ABORTED,
  WorkflowMonitoring.EXECUTIONS_THROTTLED, WorkflowMonitoring.EXECUTION_DURATION, WorkflowMonitoring.STUCK_EXECUTIONS,
  WorkflowMonitoring.FUNCTION_ERRORS, WorkflowMonitoring.FUNCTION_TIMEOUTS,
];

function buildLibrarySaga(stack: Stack, fn: lambda.IFunction, steps: number, monitoring: WorkflowMonitoringProps): void {
  const defaults = new StepDefaults({ timeout: Duration.seconds(15) });
  const sagaSteps: SagaStep[] = Array.from({ length: steps }, (_, i) => ({
    action: defaults.lambdaStep(stack, `Do${i}`, { lambdaFunction: fn, resultPath: `$.do${i}` }),
    compensation: i % 2 === 0 ? defaults.lambdaStep(stack, `Undo${i}`, { lambdaFunction: fn, resultPath: `$.undo${i}` }) : undefined,
  }));
  new Workflow(stack, 'Saga', { definition: new Saga(stack, 'Steps', { steps: sagaSteps }), timeout: Duration.hours(1), monitoring });
}

/**
 * The same saga wired by hand, as aws-cdk-lib's documentation and the public samples do: each
 * action catches into the compensations of the steps before it, in reverse order, ending in a
 * Fail state; the same timeouts and transient retries, and the same production settings as a
 * Workflow (logs at level ALL in a log group, X-Ray tracing), so the comparison is of the saga
 * and the checks, not of features the hand-built one would lack.
 */
export const handBuiltSaga: SagaBuilder = (stack, fn, steps) => {
  const invoke = (id: string, resultPath: string) => {
    const task = new tasks.LambdaInvoke(stack, id, { lambdaFunction: fn, payloadResponseOnly: true, resultPath, taskTimeout: sfn.Timeout.duration(Duration.seconds(15)), retryOnServiceExceptions: false });
    return task.addRetry({ errors: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'], maxAttempts: 3, jitterStrategy: sfn.JitterType.FULL, maxDelay: Duration.seconds(10) });
  };
  const failed = new sfn.Fail(stack, 'SagaFailed', { error: 'SagaFailed' });
  let undoChain: sfn.IChainable = failed;
  let chain: sfn.Chain | undefined;
  for (let i = 0; i < steps; i++) {
    const action = invoke(`Do${i}`, `$.do${i}`);
    action.addCatch(undoChain, { resultPath: '$.error' });
    chain = chain ? chain.next(action) : sfn.Chain.start(action);
    if (i % 2 === 0) {
      const undo = invoke(`Undo${i}`, `$.undo${i}`);
      undo.next(undoChain);
      undoChain = undo;
    }
  }
  new sfn.StateMachine(stack, 'Saga', {
    definitionBody: sfn.DefinitionBody.fromChainable(chain!),
    timeout: Duration.hours(1),
    tracingEnabled: true,
    logs: { destination: new logs.LogGroup(stack, 'SagaLogs', { retention: logs.RetentionDays.THREE_MONTHS }), level: sfn.LogLevel.ALL },
  });
};

/** The library's default ambiguous errors and transient-retry errors, spelled out as a hand-built chain would. */
const AMBIGUOUS_ERRORS = [...Saga.DEFAULT_AMBIGUOUS_ERRORS];
const TRANSIENT_ERRORS = ['Lambda.ClientExecutionTimeoutException', 'Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];

/**
 * The same saga with the same behaviour wired by hand in aws-cdk-lib: what the library's Saga
 * emits (each action's ambiguous and plain catches assigning the failed step, the correlation
 * envelope, one failure record and one compensate Choice, compensations that catch into the
 * record, the check that ends in CompensationFailed, NeedsReconciliation or the plain failure),
 * with the same production settings, and no monitoring. The baseline for the library's own
 * machinery, apart from what its semantics cost.
 */
export const handBuiltEquivalentSaga: SagaBuilder = (stack, fn, steps) => {
  const errorPath = '$.sagaError';
  const wholeState = sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$'));
  const fail = (id: string, stateName: string, error?: string) => new sfn.Fail(stack, id, { stateName, ...(error ? { error } : { errorPath: `${errorPath}.Error` }), causePath: wholeState });
  const invoke = (id: string, resultPath: string) => {
    const task = new tasks.LambdaInvoke(stack, id, {
      lambdaFunction: fn, payloadResponseOnly: true, resultPath, taskTimeout: sfn.Timeout.duration(Duration.seconds(15)), retryOnServiceExceptions: false,
      payload: sfn.TaskInput.fromObject({ input: sfn.JsonPath.entirePayload, correlationId: sfn.JsonPath.executionId, stateName: sfn.JsonPath.stateName, retryCount: sfn.JsonPath.stringAt('$$.State.RetryCount') }),
    });
    return task.addRetry({ errors: TRANSIENT_ERRORS, interval: Duration.seconds(1), backoffRate: 2, maxAttempts: 3, jitterStrategy: sfn.JitterType.FULL, maxDelay: Duration.seconds(10) });
  };
  const check = new sfn.Choice(stack, 'Check', { stateName: 'Steps compensation check' });
  const compensated = Array.from({ length: steps }, (_, i) => i % 2 === 0);
  const undos: Array<sfn.TaskStateBase | undefined> = compensated.map((has, i) => (has ? invoke(`Undo${i}`, `$.undo${i}`) : undefined));
  let entry: sfn.IChainable = check;
  const entries: sfn.IChainable[] = [];
  undos.forEach((undo, i) => {
    entries.push(entry);
    if (!undo) return;
    undo.next(entry);
    undo.addCatch(entry, { resultPath: `${errorPath}.compensationErrors.Undo${i}` });
    entry = undo;
  });
  check
    .when(sfn.Condition.or(...undos.flatMap((undo, i) => (undo ? [sfn.Condition.isPresent(`${errorPath}.compensationErrors.Undo${i}`)] : []))), fail('CompensationFailed', 'Steps CompensationFailed', 'CompensationFailed'))
    .when(sfn.Condition.booleanEquals(`${errorPath}.needsReconciliation`, true), fail('NeedsReconciliation', 'Steps NeedsReconciliation', 'NeedsReconciliation'))
    .otherwise(fail('Failed', 'Steps failed'));
  const route = new sfn.Choice(stack, 'Compensate', { stateName: 'Steps compensate' });
  const failedStep = `${errorPath}.failedStep`;
  for (let i = steps - 1; i >= 0; i--) {
    const undo = undos[i];
    if (!undo) continue;
    const later = entries.map((target, k) => (k > i && target === undo ? [sfn.Condition.stringEquals(failedStep, `Do${k}`)] : [])).flat();
    const own = sfn.Condition.and(sfn.Condition.stringEquals(failedStep, `Do${i}`), sfn.Condition.booleanEquals(`${errorPath}.ambiguous`, true));
    route.when(later.length > 0 ? sfn.Condition.or(own, ...later) : own, undo);
  }
  route.otherwise(entries[0]);
  const record = new sfn.Pass(stack, 'FailureRecord', {
    stateName: 'Steps failure record',
    resultPath: errorPath,
    parameters: {
      'failedStep.$': '$StepsFailedStep', 'Error.$': `${errorPath}.Error`, 'Cause.$': `${errorPath}.Cause`,
      'ambiguous.$': '$StepsAmbiguous', 'needsReconciliation.$': '$StepsNeedsReconciliation', compensationErrors: {},
    },
  }).next(route);
  let chain: sfn.Chain | undefined;
  for (let i = 0; i < steps; i++) {
    const action = invoke(`Do${i}`, `$.do${i}`);
    const assign = (ambiguous: boolean) => ({ StepsFailedStep: `Do${i}`, StepsAmbiguous: ambiguous, StepsNeedsReconciliation: ambiguous && !compensated[i] });
    action.addCatch(record, { errors: AMBIGUOUS_ERRORS, resultPath: errorPath, assign: assign(true) });
    action.addCatch(record, { resultPath: errorPath, assign: assign(false) });
    chain = chain ? chain.next(action) : sfn.Chain.start(action);
  }
  new sfn.StateMachine(stack, 'Saga', {
    definitionBody: sfn.DefinitionBody.fromChainable(chain!),
    timeout: Duration.hours(1),
    tracingEnabled: true,
    logs: { destination: new logs.LogGroup(stack, 'SagaLogs', { retention: logs.RetentionDays.THREE_MONTHS }), level: sfn.LogLevel.ALL },
  });
};

/** An app holding one stack ('Bench') with one function and the saga `build` makes of it. */
export function benchApp(build: SagaBuilder, steps: number, outdir?: string): App {
  const app = new App({ outdir });
  const stack = new Stack(app, 'Bench');
  const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async (e) => e;') });
  build(stack, fn, steps);
  return app;
}

/**
 * CPU milliseconds (user + system, all of the process's threads) to build and synthesize one app
 * holding a saga of `steps` steps. CPU time rather than wall time: on a shared machine the wall
 * clock counts other processes' turns.
 */
export function synthMs(build: SagaBuilder, steps: number): number {
  const outdir = mkdtempSync(path.join(tmpdir(), 'bench-synth-'));
  try {
    const started = process.cpuUsage();
    benchApp(build, steps, outdir).synth();
    const used = process.cpuUsage(started);
    return (used.user + used.system) / 1000;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Median synth CPU times (ms) of the library's saga (with and without monitoring), the hand-built one with the same behaviour, and the bare hand-built chain, measured in alternating rounds. */
export function compareSagaSynth(steps: number, rounds: number): { library: number; unmonitored: number; equivalent: number; handBuilt: number } {
  const builders = [librarySaga, librarySagaUnmonitored, handBuiltEquivalentSaga, handBuiltSaga];
  builders.forEach((build) => synthMs(build, Math.min(steps, 5)));
  const times = builders.map((): number[] => []);
  for (let round = 0; round < rounds; round++) builders.forEach((build, index) => times[index].push(synthMs(build, steps)));
  const [library, unmonitored, equivalent, handBuilt] = times.map((values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]);
  return { library, unmonitored, equivalent, handBuilt };
}

/**
 * Prints the synth CPU time of the library's saga against the hand-built chain at 10, 100 and
 * 300 steps, and their ratios; and against a hand-built chain that emits the same definition
 * (the library's machinery apart from what its semantics cost). All run aws-cdk-lib's built-in
 * CloudFormation validation, as a user's app does.
 *
 * @param label the section's label, e.g. `(h)`
 */
export function printSagaSynth(label: string, rounds: number = 5): void {
  console.log(`${label} synth of a saga (every other step compensated; 15 s timeouts, transient retries, logs, tracing): the library's Saga in a Workflow vs the hand-built aws-cdk-lib chain, and vs a hand-built chain emitting the same definition as the library (ambiguous-failure catches, envelope, failure record); CPU time, median of ${rounds} alternating rounds`);
  for (const steps of [10, 100, 300]) {
    const { library, unmonitored, equivalent, handBuilt } = compareSagaSynth(steps, rounds);
    console.log(`    ${String(steps).padStart(3)} steps  library ${library.toFixed(0)} ms (monitoring off: ${unmonitored.toFixed(0)} ms)  hand-built ${handBuilt.toFixed(0)} ms  hand-built, same definition ${equivalent.toFixed(0)} ms`);
    console.log(`synth of a ${steps}-step saga, library vs hand-built: ${(library / handBuilt).toFixed(2)}×; monitoring off: ${(unmonitored / handBuilt).toFixed(2)}×; monitoring off vs hand-built with the same definition: ${(unmonitored / equivalent).toFixed(2)}×`);
  }
  console.log('');
}

if (require.main === module) printSagaSynth('(h)');
