import { AslDefinition, AslState, catchersOf, listStates, retriersOf } from '../asl/definition';
import { AslTransitionKind, transitionKey } from '../asl/transitions';
import { compileChoiceRule } from '../testing/engine/choice-rules';
import { errorEqualsMatches } from '../testing/engine/errors';
import type { HistoryEvent } from '../testing/engine/history';
import { compilePath, NOT_FOUND } from '../testing/engine/json-path';
import { selectPath } from '../testing/engine/paths';
import { randomSource } from '../testing/engine/random';
import type { ExecutionResult, ExecutionResultStatus } from '../testing/execution-result';
import { assignThreads } from '../testing/history-threads';
import { DEFAULT_RULE, matchedChoiceRulesOf } from '../testing/matched-choice-rules';

/** How a state entered during an execution ended. */
export type StepOutcome = 'succeeded' | 'caught' | 'failed' | 'aborted' | 'running';

/** A retry of a state, with the retrier that fired. */
export interface TraceRetry {
  /** The error retried ('' when the history does not say). */
  readonly error: string;
  /** The retrier's position in the state's `Retry`; undefined when none matches the error. */
  readonly retrier?: number;
}

/** One entry into a state. */
export interface TraceStep {
  /** 1 for the first state entered, in the order of the history. */
  readonly number: number;
  /** The state's name. */
  readonly stateName: string;
  /** The state type, from the event type (`TaskStateEntered` → `Task`). */
  readonly stateType: string;
  /** The `…StateEntered` event's time. */
  readonly enteredAt: Date;
  /** The `…StateExited` event's time; undefined when the state did not exit (it failed, or is running). */
  readonly exitedAt?: Date;
  /** The time of the last event inside this entry (its exit, failure or abort). */
  readonly lastEventAt: Date;
  /** The retries in this entry, in order. */
  readonly retries: readonly TraceRetry[];
  /** The last error recorded in this entry, handled or not. */
  readonly failure?: { readonly error: string; readonly cause: string };
  /** How the entry ended. */
  readonly outcome: StepOutcome;
}

/** A transition taken: the state left, the state entered, and the clause that led there. */
export interface TraceTransition {
  /** The state left. */
  readonly from: string;
  /** The state entered. */
  readonly to: string;
  /** The ASL clause that led there (`next`, `default`, `choice`, `catch`, ...). */
  readonly kind: AslTransitionKind;
  /** For `choice` and `catch`: the rule's or catcher's position. */
  readonly index?: number;
  /** The transition's key (see `transitionKey`). */
  readonly key: string;
  /** For `catch`: the error caught. */
  readonly error?: string;
  /** The step numbers it connects. */
  readonly fromStep: number;
  /** The step number of the entry into `to`. */
  readonly toStep: number;
}

/**
 * What one execution did, read from its history: the states entered in order with their times,
 * retries and errors, and the transitions taken with the ASL clause of each (the Choice rule
 * or `Default`, the catcher).
 */
export interface ExecutionTrace {
  /** How the execution ended (or `RUNNING`). */
  readonly status: ExecutionResultStatus;
  /** The error the execution failed with; undefined unless it failed. */
  readonly error?: string;
  /** The cause of that error. */
  readonly cause?: string;
  /** The `ExecutionStarted` event's time; undefined for an empty history. */
  readonly startedAt?: Date;
  /** The time of the event that ended the execution; undefined while it runs. */
  readonly endedAt?: Date;
  /** The entries into states, in history order. */
  readonly steps: readonly TraceStep[];
  /** The transitions taken, in history order. */
  readonly transitions: readonly TraceTransition[];
}

const FAILURE_EVENTS = new Set<string>([
  'TaskFailed', 'TaskTimedOut', 'TaskStartFailed', 'TaskSubmitFailed',
  'LambdaFunctionFailed', 'LambdaFunctionTimedOut', 'LambdaFunctionStartFailed', 'LambdaFunctionScheduleFailed',
  'ActivityFailed', 'ActivityTimedOut', 'ActivityScheduleFailed',
  'MapStateFailed', 'ParallelStateFailed', 'EvaluationFailed', 'FailStateEntered', 'MapIterationFailed',
]);

const ATTEMPT_EVENTS = new Set<string>(['TaskScheduled', 'LambdaFunctionScheduled', 'ActivityScheduled', 'MapStateStarted', 'ParallelStateStarted']);

const ABORT_EVENTS = new Set<string>(['TaskStateAborted', 'WaitStateAborted', 'MapStateAborted', 'ParallelStateAborted']);

interface MutableStep {
  number: number;
  stateName: string;
  stateType: string;
  enteredAt: Date;
  exitedAt?: Date;
  lastEventAt: Date;
  retries: TraceRetry[];
  failure?: { error: string; cause: string };
  aborted: boolean;
  attempts: number;
}

/**
 * Reads an execution's history (local or from `GetExecutionHistory`) against the definition
 * that ran. Events are followed by `previousEventId`, so interleaved Parallel branches and Map
 * iterations are attributed to the right state.
 */
export function traceExecution(result: ExecutionResult, definition: AslDefinition): ExecutionTrace {
  return new TraceReader(result.events, definition).read(result);
}

class TraceReader {
  private readonly byId: Map<number, HistoryEvent>;
  private readonly states: Map<string, AslState>;
  private readonly steps: MutableStep[] = [];
  private readonly stepsByEntered = new Map<HistoryEvent, MutableStep>();
  private readonly transitions: TraceTransition[] = [];
  private matchedRules?: ReadonlyMap<number, number>;

  constructor(
    private readonly events: HistoryEvent[],
    definition: AslDefinition,
  ) {
    this.byId = new Map(events.map((event) => [event.id, event]));
    this.states = new Map(listStates(definition).map(({ name, state }) => [name, state]));
  }

  public read(result: ExecutionResult): ExecutionTrace {
    this.matchedRules = matchedChoiceRulesOf(result);
    const places = assignThreads(this.events);
    for (const event of this.events) {
      const open = places.get(event)?.open;
      const step = open ? this.stepsByEntered.get(open.entered) : undefined;
      if (step) step.lastEventAt = event.timestamp;
      if (event.type.endsWith('StateEntered')) this.enter(event, places);
      else if (step) this.within(step, event);
    }
    const started = this.events.find((event) => event.type === 'ExecutionStarted');
    const ended = [...this.events].reverse().find((event) => /^Execution(Succeeded|Failed|TimedOut|Aborted)$/.test(event.type));
    return {
      status: result.status,
      error: result.error,
      cause: result.cause,
      startedAt: started?.timestamp,
      endedAt: ended?.timestamp,
      steps: this.steps.map((step) => this.finish(step, result)),
      transitions: this.transitions,
    };
  }

  private previousOf(event: HistoryEvent): HistoryEvent | undefined {
    return event.previousEventId ? this.byId.get(event.previousEventId) : undefined;
  }

  /** A state entered: a new step, and the transition from the state exited just before, if any. */
  private enter(event: HistoryEvent, places: ReturnType<typeof assignThreads>): void {
    const name = event.stateEnteredEventDetails?.name ?? '';
    const step: MutableStep = {
      number: this.steps.length + 1, stateName: name, stateType: event.type.slice(0, -'StateEntered'.length),
      enteredAt: event.timestamp, lastEventAt: event.timestamp, retries: [], aborted: false, attempts: 0,
    };
    this.steps.push(step);
    this.stepsByEntered.set(event, step);
    if (event.type === 'FailStateEntered') step.failure = this.failStateError(name);
    const previous = this.previousOf(event);
    if (!previous?.type.endsWith('StateExited')) return;
    const exitedState = places.get(previous)?.open?.entered;
    const from = exitedState ? this.stepsByEntered.get(exitedState) : undefined;
    if (from) this.addTransition(from, step, previous, event);
  }

  private addTransition(from: MutableStep, to: MutableStep, exited: HistoryEvent, entered: HistoryEvent): void {
    const failure = this.previousOf(exited);
    const caught = failure && FAILURE_EVENTS.has(failure.type) ? this.errorOf(failure) : undefined;
    const state = this.states.get(from.stateName) ?? { Type: from.stateType };
    const clause = caught
      ? catchClause(state, to.stateName, caught.error)
      : normalClause(state, to.stateName, entered.stateEnteredEventDetails?.input, this.matchedRules?.get(exited.id));
    this.transitions.push({
      from: from.stateName, to: to.stateName, ...clause, error: caught?.error,
      key: transitionKey({ from: from.stateName, to: to.stateName, ...clause }),
      fromStep: from.number, toStep: to.number,
    });
  }

  /** An event inside an entered state: an attempt (a retry after the first), a failure, an exit or an abort. */
  private within(step: MutableStep, event: HistoryEvent): void {
    if (ATTEMPT_EVENTS.has(event.type)) {
      if (step.attempts++ > 0) {
        const error = this.errorOf(this.previousOf(event))?.error ?? '';
        const retrier = retriersOf(this.states.get(step.stateName) ?? { Type: step.stateType }).findIndex((r) => errorEqualsMatches(r.ErrorEquals ?? [], error));
        step.retries.push({ error, retrier: retrier >= 0 ? retrier : undefined });
      }
    } else if (FAILURE_EVENTS.has(event.type)) {
      step.failure = this.errorOf(event) ?? step.failure;
    } else if (event.type.endsWith('StateExited')) {
      step.exitedAt = event.timestamp;
    } else if (ABORT_EVENTS.has(event.type)) {
      step.aborted = true;
    }
  }

  /** The error of a failure event, looking back through the events that led to it (a Map or Parallel fails after its branch). */
  private errorOf(event: HistoryEvent | undefined): { error: string; cause: string } | undefined {
    for (let current = event, hops = 0; current && hops < 10_000; current = this.previousOf(current), hops++) {
      const details = errorDetails(current);
      if (details) return details;
      if (current.type === 'FailStateEntered') return this.failStateError(current.stateEnteredEventDetails?.name ?? '');
      if (!FAILURE_EVENTS.has(current.type) && !ABORT_EVENTS.has(current.type)) break;
    }
    return undefined;
  }

  private failStateError(name: string): { error: string; cause: string } {
    const state = this.states.get(name);
    return { error: typeof state?.Error === 'string' ? state.Error : '', cause: typeof state?.Cause === 'string' ? state.Cause : '' };
  }

  private finish(step: MutableStep, result: ExecutionResult): TraceStep {
    const status = result.status;
    const leaving = this.transitions.find((transition) => transition.fromStep === step.number);
    // A Fail state with ErrorPath: the history has its error only where the execution ends with it.
    if (step.stateType === 'Fail' && !step.failure?.error && step.number === this.steps.length && result.error) {
      step.failure = { error: result.error, cause: result.cause ?? '' };
    }
    let outcome: StepOutcome;
    if (step.stateType === 'Fail') outcome = 'failed';
    else if (step.exitedAt) outcome = leaving?.kind === 'catch' ? 'caught' : 'succeeded';
    else if (step.failure) outcome = 'failed';
    else if (step.aborted) outcome = 'aborted';
    else outcome = status === 'RUNNING' ? 'running' : 'aborted';
    return {
      number: step.number, stateName: step.stateName, stateType: step.stateType, enteredAt: step.enteredAt, exitedAt: step.exitedAt,
      lastEventAt: step.lastEventAt, retries: step.retries, failure: step.failure, outcome,
    };
  }
}

/** The `error` and `cause` of any `…EventDetails` that has them. */
function errorDetails(event: HistoryEvent): { error: string; cause: string } | undefined {
  for (const [member, details] of Object.entries(event)) {
    if (!member.endsWith('EventDetails') || member.startsWith('execution') || !details || typeof details !== 'object') continue;
    const { error, cause } = details as { error?: unknown; cause?: unknown };
    if (typeof error === 'string') return { error, cause: typeof cause === 'string' ? cause : '' };
  }
  return undefined;
}

/** The catcher that led to `to`: the first whose `ErrorEquals` matches the error, else the first that leads there. */
function catchClause(state: AslState, to: string, error: string): { kind: AslTransitionKind; index?: number } {
  const catchers = catchersOf(state).map((catcher, index) => ({ catcher, index })).filter(({ catcher }) => catcher.Next === to);
  const matching = catchers.find(({ catcher }) => errorEqualsMatches(catcher.ErrorEquals ?? [], error)) ?? catchers[0];
  return { kind: 'catch', index: matching?.index };
}

/**
 * The clause of a transition that was no catch: `Next`, or for a Choice the rule (or
 * `Default`) leading to `to`: the one the local engine recorded, else, when several lead there,
 * the first JSONPath rule that matches the state's input (as the history recorded it).
 *
 * @param recorded the rule index the engine recorded (-1: `Default`); none for an AWS history
 */
function normalClause(state: AslState, to: string, inputText: string | undefined, recorded?: number): { kind: AslTransitionKind; index?: number } {
  if (state.Type !== 'Choice') return { kind: 'next' };
  const rules = Array.isArray(state.Choices) ? (state.Choices as Array<Record<string, unknown>>) : [];
  if (recorded === DEFAULT_RULE && state.Default === to) return { kind: 'default' };
  if (recorded !== undefined && rules[recorded]?.Next === to) return { kind: 'choice', index: recorded };
  const candidates = rules.map((rule, index) => ({ rule, index })).filter(({ rule }) => rule.Next === to);
  const byDefault = state.Default === to;
  if (candidates.length === 0) return { kind: 'default' };
  if (candidates.length === 1 && !byDefault) return { kind: 'choice', index: candidates[0].index };
  const first = firstMatchingRule(state, rules, inputText);
  if (first !== undefined && first >= 0 && rules[first].Next === to) return { kind: 'choice', index: first };
  if (first === DEFAULT_RULE && byDefault) return { kind: 'default' };
  return { kind: 'choice', index: candidates[0].index };
}

/**
 * The index of the first JSONPath rule matching the input, {@link DEFAULT_RULE} when none does, or
 * undefined when the rules cannot be evaluated here (JSONata, variables, no input recorded).
 */
function firstMatchingRule(state: AslState, rules: Array<Record<string, unknown>>, inputText: string | undefined): number | undefined {
  if (inputText === undefined || rules.some((rule) => rule.Condition !== undefined)) return undefined;
  try {
    const input = effectiveInput(state, JSON.parse(inputText));
    const scope = { input, context: () => ({}), variable: () => NOT_FOUND, random: randomSource('trace') };
    return rules.findIndex((rule, i) => compileChoiceRule(rule, `Choices[${i}]`)(scope));
  } catch {
    return undefined;
  }
}

function effectiveInput(state: AslState, input: unknown): unknown {
  if (state.InputPath === null) return {};
  if (typeof state.InputPath !== 'string' || state.InputPath === '$') return input;
  const selected = selectPath(compilePath(state.InputPath), { input, context: () => ({}), variable: () => NOT_FOUND, random: randomSource('trace') });
  return selected === NOT_FOUND ? input : selected;
}
