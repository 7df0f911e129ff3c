import { createHash } from 'node:crypto';
import { maskContentHashes } from '../../asl/content-hashes';
import { AslDefinition, isDistributedMap, listStates } from '../../asl/definition';
import { retrierKey } from '../../asl/transitions';
import { ExecutionTrace } from '../../diagram/execution-trace';

/**
 * What the executions of one state machine covered: how often each state was entered, each
 * transition taken and each retrier fired. Plain JSON, so that jest workers can hand it to the
 * reporter and runs of the same machine can be added up.
 */
export interface StateMachineCoverageData {
  /** The state machine's identity: a SHA-256 of its definition (keys sorted), so the same machine from different runners merges. */
  readonly key: string;
  /** How the report names it: the construct path of a synthesized Workflow, else the state machine's name. */
  readonly title: string;
  /** The definition as written (references as `${LogicalId.Attribute}` placeholders). */
  readonly definition: AslDefinition;
  /** Saga compensations (compensation → action) from the state machine's metadata; empty when none. */
  readonly sagaCompensations: Readonly<Record<string, string>>;
  /** Executions recorded. */
  readonly executions: number;
  /** Entries by state name. */
  readonly states: Readonly<Record<string, number>>;
  /** Times taken by transition key (see `transitionKey`). */
  readonly transitions: Readonly<Record<string, number>>;
  /** Times fired by retrier key (see `retrierKey`). */
  readonly retriers: Readonly<Record<string, number>>;
}

/**
 * The identity of a definition: a SHA-256 of its JSON with object keys sorted and content hashes
 * masked (two syntheses that bundle the same handler differently make the same state machine).
 */
export function definitionKey(definition: AslDefinition): string {
  return createHash('sha256').update(maskContentHashes(canonicalJson(definition))).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Empty coverage of a state machine. */
export function emptyCoverage(definition: AslDefinition, title: string, sagaCompensations: Readonly<Record<string, string>> = {}): StateMachineCoverageData {
  return { key: definitionKey(definition), title, definition, sagaCompensations, executions: 0, states: {}, transitions: {}, retriers: {} };
}

/** The coverage with one more execution's trace added. */
export function addTrace(data: StateMachineCoverageData, trace: ExecutionTrace): StateMachineCoverageData {
  const states = { ...data.states };
  const transitions = { ...data.transitions };
  const retriers = { ...data.retriers };
  for (const step of trace.steps) {
    states[step.stateName] = (states[step.stateName] ?? 0) + 1;
    for (const retry of step.retries) {
      if (retry.retrier === undefined) continue;
      const key = retrierKey({ state: step.stateName, index: retry.retrier });
      retriers[key] = (retriers[key] ?? 0) + 1;
    }
  }
  for (const transition of trace.transitions) transitions[transition.key] = (transitions[transition.key] ?? 0) + 1;
  return { ...data, executions: data.executions + 1, states, transitions, retriers };
}

/** Two coverages of the same state machine added up (the title and compensations of the first that has them). */
export function mergeCoverage(a: StateMachineCoverageData, b: StateMachineCoverageData): StateMachineCoverageData {
  return {
    ...a,
    sagaCompensations: Object.keys(a.sagaCompensations).length > 0 ? a.sagaCompensations : b.sagaCompensations,
    executions: a.executions + b.executions,
    states: addCounts(a.states, b.states),
    transitions: addCounts(a.transitions, b.transitions),
    retriers: addCounts(a.retriers, b.retriers),
  };
}

function addCounts(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> {
  const sum: Record<string, number> = { ...a };
  for (const [key, count] of Object.entries(b)) sum[key] = (sum[key] ?? 0) + count;
  return sum;
}

/** The item processors of a definition's distributed Maps, with the label their executions are named by. */
export function distributedProcessors(definition: AslDefinition): Array<{ state: string; label: string; processor: AslDefinition }> {
  return listStates(definition)
    .filter(({ state }) => isDistributedMap(state) && state.ItemProcessor !== undefined)
    .map(({ name, state }) => ({ state: name, label: typeof state.Label === 'string' ? state.Label : name, processor: state.ItemProcessor as AslDefinition }));
}
