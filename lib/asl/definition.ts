/**
 * An Amazon States Language state, as parsed JSON. Fields keep their ASL names
 * (`Type`, `Next`, `Retry`, `Catch`, ...).
 *
 * @see https://states-language.net/spec.html#state-fields
 */
export interface AslState {
  /** The state type: Task, Pass, Choice, Wait, Succeed, Fail, Parallel or Map. */
  readonly Type: string;
  /** Any other ASL field of the state. */
  readonly [field: string]: unknown;
}

/**
 * An Amazon States Language state machine (or a Parallel branch, or a Map item processor).
 *
 * @see https://states-language.net/spec.html#toplevelfields
 */
export interface AslDefinition {
  /** The name of the first state. */
  readonly StartAt: string;
  /** The states, by name. */
  readonly States: Record<string, AslState>;
  /** Maximum execution time in seconds. @default - no limit (a Standard execution ends after one year) */
  readonly TimeoutSeconds?: number;
  /** `JSONPath` or `JSONata`. @default JSONPath */
  readonly QueryLanguage?: string;
  /** Free text. */
  readonly Comment?: string;
  /** Any other top-level field. */
  readonly [field: string]: unknown;
}

/** A state found by {@link forEachState}, with where it sits in the definition. */
export interface LocatedState {
  /** The state's name (unique across the whole state machine in valid ASL). */
  readonly name: string;
  /** The state itself. */
  readonly state: AslState;
  /** The definition (top level, branch or item processor) that holds the state. */
  readonly container: AslDefinition;
  /**
   * Names of the Parallel and Map states enclosing this state, outermost first;
   * empty for a top-level state.
   */
  readonly enclosingStates: string[];
}

/** The nested definitions of a Parallel (`Branches`) or Map (`ItemProcessor`/`Iterator`) state. */
export function nestedDefinitions(state: AslState): AslDefinition[] {
  if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
    return state.Branches as AslDefinition[];
  }
  if (state.Type === 'Map') {
    const processor = (state.ItemProcessor ?? state.Iterator) as AslDefinition | undefined;
    return processor ? [processor] : [];
  }
  return [];
}

/**
 * Every state of a definition, depth first, including the states inside Parallel branches
 * and Map item processors.
 */
export function listStates(definition: AslDefinition, enclosingStates: string[] = []): LocatedState[] {
  const found: LocatedState[] = [];
  for (const [name, state] of Object.entries(definition.States ?? {})) {
    found.push({ name, state, container: definition, enclosingStates });
    for (const nested of nestedDefinitions(state)) {
      found.push(...listStates(nested, [...enclosingStates, name]));
    }
  }
  return found;
}

/** A definition found by {@link listDefinitions}: the top level, a Parallel branch or a Map item processor. */
export interface LocatedDefinition {
  /** The definition. */
  readonly definition: AslDefinition;
  /** Names of the Parallel and Map states enclosing it, outermost first; empty for the top level. */
  readonly enclosingStates: string[];
}

/** The top-level definition and every nested one (Parallel branches, Map item processors), depth first. */
export function listDefinitions(definition: AslDefinition, enclosingStates: string[] = []): LocatedDefinition[] {
  return [
    { definition, enclosingStates },
    ...Object.entries(definition.States ?? {}).flatMap(([name, state]) =>
      nestedDefinitions(state).flatMap((nested) => listDefinitions(nested, [...enclosingStates, name])),
    ),
  ];
}

/** The states a state can transition to: `Next`, `Default`, Choice rules and Catch targets. */
export function transitionsOf(state: AslState): string[] {
  const targets: string[] = [];
  if (typeof state.Next === 'string') targets.push(state.Next);
  if (typeof state.Default === 'string') targets.push(state.Default);
  for (const rule of asArray(state.Choices)) {
    if (typeof rule.Next === 'string') targets.push(rule.Next);
  }
  for (const catcher of asArray(state.Catch)) {
    if (typeof catcher.Next === 'string') targets.push(catcher.Next);
  }
  return targets;
}

/** A Task state's integration pattern, read from its `Resource` ARN suffix. */
export function integrationPatternOf(state: AslState): 'REQUEST_RESPONSE' | 'RUN_JOB' | 'WAIT_FOR_TASK_TOKEN' {
  const resource = typeof state.Resource === 'string' ? state.Resource : '';
  if (resource.endsWith('.waitForTaskToken')) return 'WAIT_FOR_TASK_TOKEN';
  if (/\.sync(:\d+)?$/.test(resource)) return 'RUN_JOB';
  return 'REQUEST_RESPONSE';
}

/** A Task state that waits for a task token (`.waitForTaskToken`). */
export function isCallbackTask(state: AslState): boolean {
  return state.Type === 'Task' && integrationPatternOf(state) === 'WAIT_FOR_TASK_TOKEN';
}

/** A Map state that runs its items as child executions (distributed mode, or reading/writing S3). */
export function isDistributedMap(state: AslState): boolean {
  const processor = (state.ItemProcessor ?? {}) as { ProcessorConfig?: { Mode?: string } };
  return state.Type === 'Map' && (processor.ProcessorConfig?.Mode === 'DISTRIBUTED' || state.ItemReader !== undefined || state.ResultWriter !== undefined);
}

/**
 * The largest `MaxDelaySeconds` ASL accepts (exclusive upper bound is 31,622,401).
 *
 * @see https://states-language.net/spec.html#retrying-after-error
 */
export const MAX_RETRY_DELAY_SECONDS = 31_622_400;

/** `MaxAttempts` of a retrier that does not set it. @see https://states-language.net/spec.html#retrying-after-error */
export const DEFAULT_MAX_ATTEMPTS = 3;

/** One retrier or catcher as written: its fields unchecked. */
export interface AslErrorHandler {
  /** The error names it matches. */
  readonly ErrorEquals?: string[];
  /** Any other field (`MaxAttempts`, `Next`, `ResultPath`, ...). */
  readonly [field: string]: unknown;
}

/** A state's `Retry` field; empty when absent or not an array. */
export function retriersOf(state: AslState): AslErrorHandler[] {
  return asArray(state.Retry);
}

/** A state's `Catch` field; empty when absent or not an array. */
export function catchersOf(state: AslState): AslErrorHandler[] {
  return asArray(state.Catch);
}

function asArray(value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value) ? (value as Array<Record<string, unknown>>) : [];
}
