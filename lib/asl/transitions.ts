import { AslDefinition, AslState, catchersOf, listStates, retriersOf } from './definition';

/**
 * How an ASL transition is written: a state's `Next`, a Choice's `Default`, the `Next` of one
 * of its `Choices` rules, or the `Next` of one of its `Catch` clauses.
 *
 * @see https://states-language.net/spec.html#transition
 */
export type AslTransitionKind = 'next' | 'default' | 'choice' | 'catch';

/** One transition a definition allows, with the clause that writes it. */
export interface AslTransition {
  /** The state the transition leaves. */
  readonly from: string;
  /** The state it enters. */
  readonly to: string;
  /** Which field writes it. */
  readonly kind: AslTransitionKind;
  /** For `choice` and `catch`: the position of the rule or catcher in `Choices` or `Catch` (0-based). */
  readonly index?: number;
  /** For `catch`: the catcher's `ErrorEquals`. */
  readonly errors?: readonly string[];
  /** For `choice`: the rule as written. */
  readonly rule?: Readonly<Record<string, unknown>>;
}

/** One retrier of a state. */
export interface AslRetrier {
  /** The state that retries. */
  readonly state: string;
  /** The retrier's position in the state's `Retry` (0-based). */
  readonly index: number;
  /** Its `ErrorEquals`. */
  readonly errors: readonly string[];
  /** Its `MaxAttempts` as written (ASL's default, 3, when absent). */
  readonly maxAttempts: number;
}

/**
 * Every transition a definition allows, states in definition order (Parallel branches and Map
 * item processors included), each state's in the order `Choices`, `Default`, `Next`, `Catch`.
 * A rule or catcher without a `Next` string is left out.
 */
export function aslTransitions(definition: AslDefinition): AslTransition[] {
  return listStates(definition).flatMap(({ name, state }) => stateTransitions(name, state));
}

/** The transitions one state allows, in the order `Choices`, `Default`, `Next`, `Catch`. */
export function stateTransitions(name: string, state: AslState): AslTransition[] {
  const found: AslTransition[] = [];
  asRecords(state.Choices).forEach((rule, index) => {
    if (typeof rule.Next === 'string') found.push({ from: name, to: rule.Next, kind: 'choice', index, rule });
  });
  if (typeof state.Default === 'string') found.push({ from: name, to: state.Default, kind: 'default' });
  if (typeof state.Next === 'string') found.push({ from: name, to: state.Next, kind: 'next' });
  catchersOf(state).forEach((catcher, index) => {
    if (typeof catcher.Next === 'string') found.push({ from: name, to: catcher.Next, kind: 'catch', index, errors: stringList(catcher.ErrorEquals) });
  });
  return found;
}

/** Every retrier of every state (Parallel branches and Map item processors included), in definition order. */
export function aslRetriers(definition: AslDefinition): AslRetrier[] {
  return listStates(definition).flatMap(({ name, state }) =>
    retriersOf(state).map((retrier, index) => ({
      state: name,
      index,
      errors: stringList(retrier.ErrorEquals),
      maxAttempts: typeof retrier.MaxAttempts === 'number' ? retrier.MaxAttempts : 3,
    })),
  );
}

/**
 * A key that names one transition unambiguously (two rules of one Choice may lead to the same
 * state): JSON of `[from, to, kind, index]`.
 */
export function transitionKey(transition: Pick<AslTransition, 'from' | 'to' | 'kind' | 'index'>): string {
  return JSON.stringify([transition.from, transition.to, transition.kind, transition.index ?? null]);
}

/** A key that names one retrier: JSON of `[state, index]`. */
export function retrierKey(retrier: Pick<AslRetrier, 'state' | 'index'>): string {
  return JSON.stringify([retrier.state, retrier.index]);
}

/**
 * A transition as people read it: `A → B`, with the clause when it is not a plain `Next`
 * (`A → B (Choices[0])`, `A → B (Default)`, `A → B (Catch[1]: States.ALL)`).
 */
export function describeTransition(transition: AslTransition): string {
  const arrow = `${transition.from} → ${transition.to}`;
  switch (transition.kind) {
    case 'choice':
      return `${arrow} (Choices[${transition.index}])`;
    case 'default':
      return `${arrow} (Default)`;
    case 'catch':
      return `${arrow} (Catch[${transition.index}]: ${(transition.errors ?? []).join(', ')})`;
    default:
      return arrow;
  }
}

function asRecords(value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value) ? value.filter((item): item is Record<string, unknown> => !!item && typeof item === 'object') : [];
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
