import { AslDefinition, AslState, integrationPatternOf, listStates } from '../asl/definition';

/** Marks a value the task dispatcher fills in from the state's context (`$$.State.*`, `$$.Task.Token`). */
export const CONTEXT_MARKER = '__localRunnerContext';

/** The `Resource` of the Task that stands in for a Fail state with intrinsic paths. */
export const FAIL_STATE_RESOURCE = 'arn:aws:states:::local-runner:fail';

/** The longest timeout the interpreter's timers can hold, in seconds (Node's limit, about 24.8 days). */
export const MAX_INTERPRETER_TIMEOUT_SECONDS = 2_147_483;

/** The timeouts of a callback task, which the runner enforces itself (in real and in test time). */
export interface CallbackLimits {
  readonly timeoutSeconds?: number;
  readonly heartbeatSeconds?: number;
}

/** A definition ready for aws-local-stepfunctions, with what the runner needs to know about it. */
export interface PreparedDefinition {
  /** The adapted ASL (placeholders resolved, unsupported spots rewritten). */
  readonly definition: AslDefinition;
  /** Every Task state by name, adapted, including those inside branches. */
  readonly tasks: Map<string, AslState>;
  /** Names of states that have a `Retry` field. */
  readonly retryingStates: string[];
  /** Names of Wait states. */
  readonly waitStates: string[];
  /** The timeouts of each `.waitForTaskToken` task, by state name. */
  readonly callbackLimits: Map<string, CallbackLimits>;
  /** The execution timeout in seconds, as defined (the interpreter gets at most its timer limit). */
  readonly timeoutSeconds?: number;
}

/** Context paths a Task's `Parameters` may read that aws-local-stepfunctions does not provide. */
const TASK_CONTEXT_PATHS = ['$$.State.Name', '$$.State.EnteredTime', '$$.State.RetryCount', '$$.Task.Token'];

/**
 * Adapts a flattened definition for in-process execution:
 * - resolves `${...}` placeholders with `resolve` (unknown ones stay as they are);
 * - refuses, with one error listing every spot, what aws-local-stepfunctions would silently
 *   get wrong: JSONata, `Assign` variables, distributed Map, task `Credentials`, heartbeats of
 *   tasks that are not callbacks, `$$.State`/`$$.Task` in intrinsics or outside Task parameters;
 * - rewrites what it can emulate: `ResultPath: "$"`, context fields in Task parameters,
 *   `ErrorPath`/`CausePath` intrinsics of Fail states.
 *
 * @throws Error naming each unsupported state and field.
 */
export function prepareDefinition(
  flattened: AslDefinition,
  resolve: (placeholder: string) => string | undefined,
  label: string,
): PreparedDefinition {
  const text = JSON.stringify(flattened).replace(/\$\{([^}"\\]+)\}/g, (match, ref: string) => resolve(ref) ?? match);
  const definition = JSON.parse(text) as AslDefinition;
  const problems = unsupportedFeatures(definition);
  if (problems.length > 0) {
    throw new Error(
      `The local runner cannot execute ${label} faithfully:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'Test these parts with Step Functions TestState in AWS, or change the definition.',
    );
  }
  const tasks = new Map<string, AslState>();
  const retryingStates: string[] = [];
  const waitStates: string[] = [];
  const callbackLimits = new Map<string, CallbackLimits>();
  for (const { name, container } of listStates(definition)) {
    const state = adaptState(container, name);
    if (state.Type === 'Task') tasks.set(name, state);
    if (state.Type === 'Task' && integrationPatternOf(state) === 'WAIT_FOR_TASK_TOKEN') callbackLimits.set(name, takeCallbackLimits(state));
    if (Array.isArray(state.Retry)) retryingStates.push(name);
    if (state.Type === 'Wait') waitStates.push(name);
  }
  const timeoutSeconds = definition.TimeoutSeconds;
  clampTimeout(definition as Record<string, unknown>);
  return { definition, tasks, retryingStates, waitStates, callbackLimits, timeoutSeconds };
}

/**
 * Moves a callback task's timeouts to the runner, which enforces them in real and in test time;
 * the interpreter gets its longest timer so that its own 60-second default does not apply.
 */
function takeCallbackLimits(state: AslState): CallbackLimits {
  const mutable = state as Record<string, unknown>;
  const limits = { timeoutSeconds: state.TimeoutSeconds as number | undefined, heartbeatSeconds: state.HeartbeatSeconds as number | undefined };
  delete mutable.HeartbeatSeconds;
  mutable.TimeoutSeconds = MAX_INTERPRETER_TIMEOUT_SECONDS;
  return limits;
}

/** Node's timers overflow past about 24.8 days (and then fire at once): cap what the interpreter gets. */
function clampTimeout(holder: Record<string, unknown>): void {
  if (typeof holder.TimeoutSeconds === 'number' && holder.TimeoutSeconds > MAX_INTERPRETER_TIMEOUT_SECONDS) {
    holder.TimeoutSeconds = MAX_INTERPRETER_TIMEOUT_SECONDS;
  }
}

/** Rewrites one state in place (see prepareDefinition) and returns it. */
function adaptState(container: AslDefinition, name: string): AslState {
  const states = container.States as Record<string, Record<string, unknown>>;
  if (states[name].Type === 'Fail') replaceIntrinsicFail(container, name, states[name]);
  const state = states[name];
  if (state.ResultPath === '$') delete state.ResultPath;
  for (const catcher of (state.Catch as Array<Record<string, unknown>> | undefined) ?? []) {
    if (catcher.ResultPath === '$') delete catcher.ResultPath;
  }
  if (state.Type === 'Task') {
    if (state.Parameters !== undefined) state.Parameters = markContextFields(state.Parameters);
    if (integrationPatternOf(state as AslState) !== 'WAIT_FOR_TASK_TOKEN') clampTimeout(state);
  } else {
    for (const field of ['Parameters', 'ItemSelector']) {
      if (state[field] !== undefined) state[field] = inlineStaticContext(state[field], name);
    }
  }
  return state as AslState;
}

function unsupportedFeatures(definition: AslDefinition): string[] {
  const problems: string[] = [];
  if (definition.QueryLanguage === 'JSONata') problems.push('the state machine uses JSONata (QueryLanguage)');
  for (const { name, state } of listStates(definition)) {
    const where = `state '${name}'`;
    if (state.QueryLanguage === 'JSONata') problems.push(`${where} uses JSONata (QueryLanguage)`);
    for (const field of ['Arguments', 'Output', 'Assign']) {
      if (state[field] !== undefined) problems.push(`${where} has ${field} (JSONata or variables)`);
    }
    if (state.Type === 'Map' && isDistributedMap(state)) problems.push(`${where} is a distributed Map`);
    if (state.Type === 'Task' && state.Credentials !== undefined) problems.push(`${where} assumes other Credentials`);
    if (state.Type === 'Task' && integrationPatternOf(state) !== 'WAIT_FOR_TASK_TOKEN') {
      if (state.HeartbeatSeconds !== undefined || state.HeartbeatSecondsPath !== undefined) {
        problems.push(`${where} sets HeartbeatSeconds on a task that is not a callback`);
      }
    }
    if (state.Type === 'Task' && integrationPatternOf(state) === 'WAIT_FOR_TASK_TOKEN') {
      if (state.TimeoutSecondsPath !== undefined || state.HeartbeatSecondsPath !== undefined) {
        problems.push(`${where} is a callback with TimeoutSecondsPath or HeartbeatSecondsPath`);
      }
    }
    problems.push(...contextProblems(state, where));
  }
  return problems;
}

function isDistributedMap(state: AslState): boolean {
  const processor = (state.ItemProcessor ?? {}) as { ProcessorConfig?: { Mode?: string } };
  return processor.ProcessorConfig?.Mode === 'DISTRIBUTED' || state.ItemReader !== undefined || state.ResultWriter !== undefined;
}

/** `$$.State.*`/`$$.Task.*` inside intrinsic functions, or dynamic ones outside Task parameters. */
function contextProblems(state: AslState, where: string): string[] {
  const problems: string[] = [];
  visitPathValues(state, (key, value, field) => {
    const readsStateContext = /\$\$\.(State|Task)\b/.test(value);
    if (!readsStateContext) return;
    if (!value.startsWith('$')) {
      problems.push(`${where} reads ${value.match(/\$\$\.[A-Za-z.]+/)?.[0]} inside an intrinsic function (${key})`);
    } else if (state.Type !== 'Task' && !['$$.State.Name', '$$.State.RetryCount'].includes(value)) {
      problems.push(`${where} reads ${value} in ${field}; only Task parameters get it locally`);
    } else if (state.Type === 'Task' && field !== 'Parameters') {
      problems.push(`${where} reads ${value} in ${field}; only Task parameters get it locally`);
    } else if (state.Type === 'Task' && !TASK_CONTEXT_PATHS.includes(value)) {
      problems.push(`${where} reads ${value}; the local runner provides ${TASK_CONTEXT_PATHS.join(', ')}`);
    }
  });
  return problems;
}

/** Calls `visit` for every `"key.$": "path"` pair in the payload-template fields of a state. */
function visitPathValues(state: AslState, visit: (key: string, value: string, field: string) => void): void {
  const walk = (node: unknown, field: string): void => {
    if (Array.isArray(node)) node.forEach((item) => walk(item, field));
    if (!node || typeof node !== 'object' || Array.isArray(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key.endsWith('.$') && typeof value === 'string') visit(key, value, field);
      else walk(value, field);
    }
  };
  for (const field of ['Parameters', 'ItemSelector', 'ResultSelector']) walk(state[field], field);
}

/** Replaces `"key.$": "$$.State.Name"` (and the other Task context paths) by a marker object. */
function markContextFields(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(markContextFields);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) =>
      key.endsWith('.$') && typeof value === 'string' && TASK_CONTEXT_PATHS.includes(value)
        ? [key.slice(0, -2), { [CONTEXT_MARKER]: value }]
        : [key, markContextFields(value)],
    ),
  );
}

/** Outside a Task, `$$.State.Name` is a constant and `$$.State.RetryCount` is 0. */
function inlineStaticContext(node: unknown, stateName: string): unknown {
  if (Array.isArray(node)) return node.map((item) => inlineStaticContext(item, stateName));
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => {
      if (key.endsWith('.$') && value === '$$.State.Name') return [key.slice(0, -2), stateName];
      if (key.endsWith('.$') && value === '$$.State.RetryCount') return [key.slice(0, -2), 0];
      return [key, inlineStaticContext(value, stateName)];
    }),
  );
}

/**
 * aws-local-stepfunctions reads a Fail state's `ErrorPath`/`CausePath` as plain JSONPath, and
 * its intrinsic functions drop backslashes (so `States.JsonToString` yields broken JSON). A
 * Fail state whose paths hold an intrinsic becomes a Task of the same name that the runner's
 * own evaluator fails with the right error and cause.
 */
function replaceIntrinsicFail(container: AslDefinition, name: string, state: Record<string, unknown>): void {
  const isIntrinsic = (value: unknown) => typeof value === 'string' && !value.startsWith('$');
  if (!isIntrinsic(state.ErrorPath) && !isIntrinsic(state.CausePath)) return;
  const fail = Object.fromEntries(['Error', 'ErrorPath', 'Cause', 'CausePath'].filter((f) => state[f] !== undefined).map((f) => [f, state[f]]));
  (container.States as Record<string, unknown>)[name] = {
    Type: 'Task',
    Resource: FAIL_STATE_RESOURCE,
    Parameters: { 'input.$': '$', fail },
    End: true,
  };
}
