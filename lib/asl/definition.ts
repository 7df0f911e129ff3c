import { isJsonObject, ownField } from './json-value';

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

/** A state found by `forEachState`, with where it sits in the definition. */
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

/**
 * The nested definitions of a Parallel (`Branches`) or Map (`ItemProcessor`/`Iterator`) state.
 * Anything there that is not a JSON object is left out (the schema check reports it).
 */
export function nestedDefinitions(state: AslState): AslDefinition[] {
  if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
    return (state.Branches as unknown[]).filter(isJsonObject) as AslDefinition[];
  }
  if (state.Type === 'Map') {
    const processor = ownField(state, 'ItemProcessor') ?? ownField(state, 'Iterator');
    return isJsonObject(processor) ? [processor as AslDefinition] : [];
  }
  return [];
}

/**
 * Every state of a definition, depth first, including the states inside Parallel branches
 * and Map item processors. Walks without recursion, so any nesting depth is fine; entries of
 * `States` that are not JSON objects are left out.
 */
export function listStates(definition: AslDefinition, enclosingStates: string[] = []): LocatedState[] {
  const found: LocatedState[] = [];
  walkDefinitions(definition, enclosingStates, {
    onState: (name, state, container, enclosing) => found.push(located({ name, state, container }, enclosing)),
  });
  return found;
}

/** A definition found by {@link listDefinitions}: the top level, a Parallel branch or a Map item processor. */
export interface LocatedDefinition {
  /** The definition. */
  readonly definition: AslDefinition;
  /** Names of the Parallel and Map states enclosing it, outermost first; empty for the top level. */
  readonly enclosingStates: string[];
}

/** The top-level definition and every nested one (Parallel branches, Map item processors), depth first, without recursion. */
export function listDefinitions(definition: AslDefinition, enclosingStates: string[] = []): LocatedDefinition[] {
  const found: LocatedDefinition[] = [];
  walkDefinitions(definition, enclosingStates, {
    onDefinition: (container, enclosing) => found.push(located({ definition: container }, enclosing)),
  });
  return found;
}

/**
 * The names enclosing a container, as a chain shared by every container below it: building
 * the arrays eagerly would cost time and memory quadratic in the nesting depth.
 */
interface EnclosingChain {
  readonly parent?: EnclosingChain;
  readonly name?: string;
  readonly base?: string[];
  names?: string[];
}

function namesOf(chain: EnclosingChain): string[] {
  if (!chain.names) {
    const reversed: string[] = [];
    let link: EnclosingChain | undefined = chain;
    for (; link && link.base === undefined; link = link.parent) reversed.push(link.name!);
    chain.names = [...(link?.base ?? []), ...reversed.reverse()];
  }
  return chain.names;
}

/** The fields plus `enclosingStates`, computed when first read. */
function located<T extends object>(fields: T, chain: EnclosingChain): T & { readonly enclosingStates: string[] } {
  return Object.defineProperty(fields, 'enclosingStates', { get: () => namesOf(chain), enumerable: true }) as T & { readonly enclosingStates: string[] };
}

interface WalkVisitor {
  onDefinition?(definition: AslDefinition, enclosing: EnclosingChain): void;
  onState?(name: string, state: AslState, container: AslDefinition, enclosing: EnclosingChain): void;
}

interface WalkFrame {
  readonly definition: AslDefinition;
  readonly enclosing: EnclosingChain;
  readonly states: Array<[string, AslState]>;
  index: number;
  visited: boolean;
}

/** Pre-order walk over containers and their states with an explicit stack; a container met twice (a cycle) is walked once. */
function walkDefinitions(root: AslDefinition, enclosingStates: string[], visitor: WalkVisitor): void {
  const seen = new WeakSet<object>();
  const frame = (definition: AslDefinition, enclosing: EnclosingChain): WalkFrame => ({ definition, enclosing, states: objectStates(definition), index: 0, visited: false });
  const stack: WalkFrame[] = [];
  if (isJsonObject(root)) {
    seen.add(root);
    stack.push(frame(root, { base: enclosingStates }));
  }
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (!top.visited) {
      top.visited = true;
      visitor.onDefinition?.(top.definition, top.enclosing);
    }
    if (top.index >= top.states.length) {
      stack.pop();
      continue;
    }
    const [name, state] = top.states[top.index++];
    visitor.onState?.(name, state, top.definition, top.enclosing);
    const nested = nestedDefinitions(state).filter((child) => !seen.has(child));
    const enclosing: EnclosingChain = { parent: top.enclosing, name };
    for (let i = nested.length - 1; i >= 0; i--) {
      seen.add(nested[i]);
      stack.push(frame(nested[i], enclosing));
    }
  }
}

/** The entries of a definition's `States` that are JSON objects; none when `States` is not an object. */
function objectStates(definition: AslDefinition): Array<[string, AslState]> {
  const states = ownField(definition, 'States');
  if (!isJsonObject(states)) return [];
  return Object.entries(states).filter((entry): entry is [string, AslState] => isJsonObject(entry[1]));
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

/** A state's `Retry` field; empty when absent or not an array. Entries that are not objects are left out. */
export function retriersOf(state: AslState): AslErrorHandler[] {
  return asArray(state.Retry);
}

/** A state's `Catch` field; empty when absent or not an array. Entries that are not objects are left out. */
export function catchersOf(state: AslState): AslErrorHandler[] {
  return asArray(state.Catch);
}

/** The JSON objects of an array field; empty when the field is not an array (entries that are not objects are left out). */
function asArray(value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value) ? (value as unknown[]).filter(isJsonObject) : [];
}
