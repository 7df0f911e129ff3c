import { ExecutionError, ExecutionTimeoutError, StateMachine } from 'aws-local-stepfunctions';
import { AslDefinition, AslState, listStates } from '../../lib/asl/definition';
import { LocalStateMachine, TaskFailure } from '../../lib/testing';

/**
 * Helpers of test/differential.test.ts: one scenario (an input and what each Task state's
 * stub answers) runs on LocalRunner's engine and on aws-local-stepfunctions 3.0.0 (the
 * engine's former interpreter, here a second opinion) with the same deterministic in-process
 * stubs; the two observations are then compared.
 */

/** What a Task stub does on one call: answer (a value, or a function of the request), or fail. */
export type Outcome = { readonly answer: unknown } | { readonly fail: string; readonly cause: string };

/** The answer `value` (a function receives the request, deterministically). */
export function ok(value: unknown): Outcome {
  return { answer: value };
}

/** Fails the task with the ASL error `error` (a {@link TaskFailure}, which both interpreters understand). */
export function fail(error: string, cause = `${error} (stub)`): Outcome {
  return { fail: error, cause };
}

/** What a Task state's stub does on its calls, in order: the last outcome repeats. */
export type TaskScript = Outcome | readonly Outcome[];

/** One Task call a stub received. */
export interface TaskCall {
  readonly state: string;
  readonly request: unknown;
}

/** What one interpreter did with a scenario. */
export interface Observation {
  readonly status: string;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  /** The states entered, in order (a retry does not enter again), with their input. */
  readonly entered: StateEntered[];
  /** Every Task call, in order, with its request (`Parameters` applied). */
  readonly calls: TaskCall[];
}

/** A state entered, with its input. */
export interface StateEntered {
  readonly state: string;
  readonly input: unknown;
}

/**
 * A known mistake of aws-local-stepfunctions in one scenario: `correct` turns its observation
 * into the answer of AWS, as the documentation page `aws` says; the engine must give that.
 */
export interface KnownDifference {
  /** What aws-local-stepfunctions does. */
  readonly oracle: string;
  /** The AWS documentation page that decides it. */
  readonly aws: string;
  /** The observation as AWS would make it. */
  correct(observed: Observation, definition: AslDefinition): Observation;
}

/** One run of a definition on both interpreters. */
export interface Scenario {
  readonly name: string;
  readonly input: unknown;
  /** Stubs of this scenario, over the definition's defaults (by Task state name). */
  readonly tasks?: Readonly<Record<string, TaskScript>>;
  /** Known mistakes of aws-local-stepfunctions that this scenario shows, each with its AWS page. */
  readonly differences?: readonly KnownDifference[];
  /** Checks of the engine's observation where aws-local-stepfunctions has no answer to compare with (AWS's rule in a comment). */
  readonly alsoExpect?: (engine: Observation) => void;
}

/** Step Functions' timestamps in the context object: ISO 8601, UTC. */
export const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/;

/** The identity of the execution, given to both interpreters (aws-local-stepfunctions through its context object). */
export interface ExecutionIdentity {
  readonly executionArn: string;
  readonly executionName: string;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
}

/** The identity LocalRunner gives an execution named `executionName` of `machine`. */
export function identityOf(machine: LocalStateMachine, executionName: string): ExecutionIdentity {
  return {
    executionArn: `${machine.stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`,
    executionName,
    stateMachineArn: machine.stateMachineArn,
    stateMachineName: machine.name,
  };
}

/** The Task states of a definition (branches and item processors included), by name. */
export function taskStatesOf(definition: AslDefinition): Map<string, AslState> {
  return new Map(listStates(definition).filter(({ state }) => state.Type === 'Task').map(({ name, state }) => [name, state]));
}

/** Whether the definition has a Parallel or a Map state (the order of concurrent states is not defined). */
export function hasConcurrency(definition: AslDefinition): boolean {
  return listStates(definition).some(({ state }) => state.Type === 'Parallel' || state.Type === 'Map');
}

/** Stubs for every Task state, fresh for one run, recording their calls. */
function stubsFor(definition: AslDefinition, scripts: Readonly<Record<string, TaskScript>>) {
  const calls: TaskCall[] = [];
  const handlers: Record<string, (request: any) => Promise<any>> = {};
  for (const state of taskStatesOf(definition).keys()) {
    const script = scripts[state];
    if (script === undefined) throw new Error(`No stub for Task state '${state}': aws-local-stepfunctions would call AWS Lambda.`);
    const outcomes: readonly Outcome[] = Array.isArray(script) ? script : [script as Outcome];
    let count = 0;
    handlers[state] = async (request: unknown) => {
      calls.push({ state, request: copy(request) });
      const outcome = outcomes[Math.min(count++, outcomes.length - 1)];
      if ('fail' in outcome) throw new TaskFailure(outcome.fail, outcome.cause);
      return copy(typeof outcome.answer === 'function' ? outcome.answer(copy(request)) : outcome.answer);
    };
  }
  return { handlers, calls };
}

/** Runs the scenario on LocalRunner's engine. */
export async function runOnEngine(machine: LocalStateMachine, scripts: Readonly<Record<string, TaskScript>>, input: unknown, identity: ExecutionIdentity): Promise<Observation & { executionArn: string }> {
  const { handlers, calls } = stubsFor(machine.resolvedDefinition, scripts);
  const result = await machine.run(copy(input), { tasks: handlers, name: identity.executionName, seed: 'differential' });
  const entered = result.events
    .filter((event) => event.type.endsWith('StateEntered'))
    .map((event) => ({ state: event.stateEnteredEventDetails?.name ?? '', input: JSON.parse(event.stateEnteredEventDetails?.input ?? 'null') }));
  // the history and the result's path agree
  expect(entered.map((event) => event.state)).toEqual(result.path);
  return { executionArn: result.executionArn, status: result.status, output: result.output, error: result.error, cause: result.cause, entered, calls };
}

const awsLocalMachines = new WeakMap<AslDefinition, StateMachine>();

/** One aws-local-stepfunctions StateMachine per definition (constructing one validates the definition, which takes a while). */
function awsLocalMachineOf(definition: AslDefinition): StateMachine {
  let machine = awsLocalMachines.get(definition);
  if (!machine) {
    machine = new StateMachine(definition as any, { validationOptions: { checkPaths: false } });
    awsLocalMachines.set(definition, machine);
  }
  return machine;
}

/**
 * What aws-local-stepfunctions puts in `$$.State`: it has no per-state context object (only
 * the one a run is given), so these stand for "not tracked".
 */
export const UNTRACKED_STATE_CONTEXT = { Name: '(untracked)', EnteredTime: '(untracked)', RetryCount: -1 };

/**
 * Runs the scenario on aws-local-stepfunctions: every Task state on its stub, retry intervals
 * and Wait states at 0 ms, and the context object of the engine's execution (its id and
 * names; `$$.Execution.Input` and `StartTime` it sets itself).
 */
export async function runOnAwsLocalStepFunctions(definition: AslDefinition, scripts: Readonly<Record<string, TaskScript>>, input: unknown, identity: ExecutionIdentity): Promise<Observation> {
  const { handlers, calls } = stubsFor(definition, scripts);
  const states = listStates(definition);
  const zeroFor = (predicate: (state: AslState) => boolean) => Object.fromEntries(states.filter(({ state }) => predicate(state)).map(({ name }) => [name, 0]));
  const machine = awsLocalMachineOf(definition);
  const execution = machine.run(copy(input) as any, {
    overrides: {
      taskResourceLocalHandlers: handlers,
      retryIntervalOverrides: zeroFor((state) => Array.isArray(state.Retry)),
      waitTimeOverrides: zeroFor((state) => state.Type === 'Wait'),
    },
    context: {
      Execution: { Id: identity.executionArn, Name: identity.executionName, RedriveCount: 0 },
      StateMachine: { Id: identity.stateMachineArn, Name: identity.stateMachineName },
      State: { ...UNTRACKED_STATE_CONTEXT },
    },
  });
  const entered: StateEntered[] = [];
  const drained = (async () => {
    for await (const event of execution.eventLogs) if (event.type === 'StateEntered') entered.push({ state: event.state.name, input: copy(event.state.input) });
  })();
  let ended: Pick<Observation, 'status' | 'output' | 'error' | 'cause'>;
  try {
    ended = { status: 'SUCCEEDED', output: await execution.result };
  } catch (error) {
    if (error instanceof ExecutionError) {
      const cause = error.cause as Error;
      ended = { status: 'FAILED', error: cause.name, cause: cause.message };
    } else if (error instanceof ExecutionTimeoutError) {
      ended = { status: 'TIMED_OUT' };
    } else {
      throw error;
    }
  }
  await drained;
  return { ...ended, entered, calls };
}

/** A field of a Task request that a `Parameters` template takes from `$$.State.*` or `$$.Execution.StartTime`. */
export interface ContextField {
  readonly state: string;
  /** Where in the request. */
  readonly at: ReadonlyArray<string | number>;
  /** The context path, e.g. `$$.State.RetryCount`. */
  readonly source: string;
}

/** Context paths whose value differs per state entered or per run, and that aws-local-stepfunctions does not give. */
const VARYING_CONTEXT = /^\$\$\.(State\.(Name|EnteredTime|RetryCount)|Execution\.StartTime)$/;

/** The request fields of each Task state taken from varying context paths (see {@link VARYING_CONTEXT}). */
export function varyingContextFields(definition: AslDefinition): ContextField[] {
  const fields: ContextField[] = [];
  const walk = (state: string, template: unknown, at: Array<string | number>) => {
    if (Array.isArray(template)) template.forEach((item, i) => walk(state, item, [...at, i]));
    else if (template !== null && typeof template === 'object') {
      for (const [key, value] of Object.entries(template)) {
        if (key.endsWith('.$') && typeof value === 'string' && VARYING_CONTEXT.test(value)) fields.push({ state, at: [...at, key.slice(0, -2)], source: value });
        else walk(state, value, [...at, key]);
      }
    }
  };
  for (const [name, state] of taskStatesOf(definition)) walk(name, state.Parameters, []);
  return fields;
}

/** The request without the fields at `fields` (they must be there), and the values removed. */
export function withoutFields(request: unknown, at: ReadonlyArray<ReadonlyArray<string | number>>): { request: unknown; removed: unknown[] } {
  const result = copy(request);
  const removed = at.map((where) => {
    let parent: any = result;
    for (const key of where.slice(0, -1)) parent = parent?.[key];
    const last = where[where.length - 1];
    if (parent === null || typeof parent !== 'object' || !(last in parent)) throw new Error(`The request has no ${where.join('.')}: ${JSON.stringify(request)}`);
    const value = parent[last];
    delete parent[last];
    return value;
  });
  return { request: result, removed };
}

/** The names of the states entered, in order. */
export function pathOf(observed: Observation): string[] {
  return observed.entered.map((event) => event.state);
}

/**
 * What the comparison looks at: status, output or error and cause, the path (sorted when
 * Parallel or Map states make the order of states undefined), the inputs each state was
 * entered with, and each Task state's requests without their varying context fields (both
 * sorted per state for the same reason).
 */
export function comparable(observed: Observation, definition: AslDefinition): Record<string, unknown> {
  const concurrent = hasConcurrency(definition);
  const varying = varyingContextFields(definition);
  const requests: Record<string, string[]> = {};
  for (const call of observed.calls) {
    const at = varying.filter((field) => field.state === call.state).map((field) => field.at);
    (requests[call.state] ??= []).push(JSON.stringify(sortKeys(withoutFields(call.request, at).request)));
  }
  const inputs: Record<string, string[]> = {};
  for (const event of observed.entered) (inputs[event.state] ??= []).push(JSON.stringify(sortKeys(event.input)));
  if (concurrent) for (const list of [...Object.values(requests), ...Object.values(inputs)]) list.sort();
  const path = pathOf(observed);
  return {
    status: observed.status,
    ...(observed.status === 'SUCCEEDED' ? { output: observed.output } : { error: observed.error, cause: observed.cause }),
    path: concurrent ? path.sort() : path,
    inputs,
    requests,
  };
}

/** The value at a JSONPath reference path of the plain form `$.a.b[0]` (what the definitions here use). */
export function valueAt(value: unknown, referencePath: string): unknown {
  if (!/^\$((\.[A-Za-z_][\w-]*)|(\[\d+\]))*$/.test(referencePath)) throw new Error(`Not a plain reference path: ${referencePath}`);
  let current: any = value;
  for (const [, name, index] of referencePath.slice(1).matchAll(/\.([A-Za-z_][\w-]*)|\[(\d+)\]/g)) current = current?.[name ?? Number(index)];
  return current;
}

/** Object keys sorted, recursively (JSON objects are unordered). */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as any)[key])]));
  return value;
}

function copy<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}
