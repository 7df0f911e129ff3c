import { AslDefinition, AslState, listStates } from '../asl/definition';
import { HistoryEvent, HistoryEventType } from './engine/history';
import { assignThreads } from './history-threads';
import type { PublishedEvent } from './put-events-integration';
import type { PublishedMessage } from './integrations/sns-integration';
import type { SentMessage } from './integrations/sqs-integration';

/** How an execution ended, with Step Functions' status names. */
export type ExecutionResultStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'RUNNING';

/** A retry that happened during an execution. */
export interface RetryRecord {
  /** The state retried. */
  readonly stateName: string;
  /** The error that caused the retry ('' when the history does not say, as for a Fail state inside a Map). */
  readonly error: string;
  /** The cause of that error. */
  readonly cause: string;
  /** Which retry of this entry into the state it was: 1 for the first. */
  readonly attempt: number;
}

/** An error caught by a `Catch` during an execution. */
export interface CatchRecord {
  /** The state whose error was caught. */
  readonly stateName: string;
  /** The error caught ('' when the history does not say). */
  readonly error: string;
  /** The cause of that error. */
  readonly cause: string;
  /** The state the catcher went to. */
  readonly next: string;
}

/** What an {@link ExecutionResult} is built from. */
export interface ExecutionResultProps {
  /** The execution's ARN. */
  readonly executionArn: string;
  /** How the execution ended (or `RUNNING`). */
  readonly status: ExecutionResultStatus;
  /** The execution input. */
  readonly input: unknown;
  /**
   * The execution output.
   * @default - none: the execution did not succeed
   */
  readonly output?: unknown;
  /**
   * The error the execution failed with.
   * @default - none: the execution did not fail
   */
  readonly error?: string;
  /**
   * The cause of that error.
   * @default - none
   */
  readonly cause?: string;
  /** The history, or a function that gives it on first use. */
  readonly events: HistoryEvent[] | (() => HistoryEvent[]);
  /**
   * The executions of nested workflows it started, in start order.
   * @default - none
   */
  readonly childExecutions?: ExecutionResult[];
  /**
   * The events it published to EventBridge, in order.
   * @default - none
   */
  readonly publishedEvents?: PublishedEvent[];
  /**
   * The messages it sent to SQS queues (`sendMessage`), in order.
   * @default - none
   */
  readonly sentMessages?: SentMessage[];
  /**
   * The messages it published to SNS topics (`publish`), in order.
   * @default - none
   */
  readonly publishedMessages?: PublishedMessage[];
  /**
   * The definition that ran: the history does not record a Fail state's error, so a catch or
   * retry after one takes the error from the state's `Error` and `Cause` fields.
   * @default - such errors are ''
   */
  readonly definition?: AslDefinition;
}

/** Options of {@link ExecutionResult.fromHistory}. */
export interface FromHistoryOptions {
  /**
   * The execution ARN.
   * @default ''
   */
  readonly executionArn?: string;
  /**
   * The state machine's definition (see {@link ExecutionResultProps.definition}).
   * @default - errors of Fail states inside a Map or Parallel are ''
   */
  readonly definition?: AslDefinition;
}

/** A `GetExecutionHistory` response (or its `events`), as the AWS SDK or CLI gives it. */
export interface ExecutionHistoryJson {
  /** The events, oldest first (`timestamp` a Date, an ISO string or epoch seconds). */
  readonly events: ReadonlyArray<Record<string, unknown>>;
}

const FAILURE_EVENTS = new Set<HistoryEventType>([
  'TaskFailed', 'TaskTimedOut', 'TaskStartFailed', 'TaskSubmitFailed',
  'LambdaFunctionFailed', 'LambdaFunctionTimedOut', 'LambdaFunctionStartFailed', 'LambdaFunctionScheduleFailed',
  'ActivityFailed', 'ActivityTimedOut', 'ActivityScheduleFailed',
  'MapStateFailed', 'ParallelStateFailed', 'EvaluationFailed', 'FailStateEntered', 'MapIterationFailed',
]);

const ATTEMPT_EVENTS = new Set<HistoryEventType>(['TaskScheduled', 'LambdaFunctionScheduled', 'ActivityScheduled', 'MapStateStarted', 'ParallelStateStarted']);

/**
 * The outcome of an execution, local or in AWS, with what tests assert on derived from its
 * history: the states entered (`path`), retries, caught errors and billed transitions.
 * A local run builds it from the history it recorded; {@link ExecutionResult.fromHistory}
 * builds the same from a real execution's `GetExecutionHistory` response, so one set of
 * assertions serves both.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html
 */
export class ExecutionResult {
  /**
   * The result of an execution recorded by Step Functions: pass the `GetExecutionHistory`
   * response (all pages' events, oldest first; `includeExecutionData` on for inputs and
   * outputs).
   *
   * @throws Error if the JSON has no events, or no `ExecutionStarted` event.
   */
  public static fromHistory(history: ExecutionHistoryJson | ReadonlyArray<Record<string, unknown>>, options: FromHistoryOptions = {}): ExecutionResult {
    const raw = Array.isArray(history) ? history : (history as ExecutionHistoryJson).events;
    if (!Array.isArray(raw) || raw.length === 0) throw new Error('The history has no events: pass the GetExecutionHistory response (its "events").');
    // Sorted by id: `--reverse-order` output reads the same.
    const events = raw.map(normalizeEvent).sort((a, b) => a.id - b.id);
    const started = events.find((event) => event.type === 'ExecutionStarted');
    if (!started) throw new Error('The history has no ExecutionStarted event: pass every page of GetExecutionHistory, oldest first.');
    const end = events.find((event) => /^Execution(Succeeded|Failed|TimedOut|Aborted)$/.test(event.type));
    const failure = end?.executionFailedEventDetails ?? end?.executionTimedOutEventDetails ?? end?.executionAbortedEventDetails;
    return new ExecutionResult({
      executionArn: options.executionArn ?? '',
      definition: options.definition,
      status: statusOf(end?.type),
      input: parseJson(started.executionStartedEventDetails?.input),
      output: parseJson(end?.executionSucceededEventDetails?.output),
      error: failure?.error,
      cause: failure?.cause,
      events,
    });
  }

  /** The execution ARN (what `$$.Execution.Id` gave the tasks). */
  public readonly executionArn: string;
  /** SUCCEEDED, FAILED, TIMED_OUT or ABORTED (RUNNING for a history that has not ended). */
  public readonly status: ExecutionResultStatus;
  /** The execution input. */
  public readonly input: unknown;
  /** The output, for a succeeded execution. */
  public readonly output?: any;
  /** The error name, for a failed (or timed-out) execution. */
  public readonly error?: string;
  /** The cause, for a failed execution. */
  public readonly cause?: string;
  /** Executions of child state machines its tasks started (nested workflows, distributed Map items), in the order they ended. */
  public readonly childExecutions: ExecutionResult[];
  /** Events its `events:putEvents` tasks published, in order. */
  public readonly publishedEvents: PublishedEvent[];
  /** Messages its `sqs:sendMessage` tasks sent, in order. */
  public readonly sentMessages: SentMessage[];
  /** Messages its `sns:publish` tasks published, in order. */
  public readonly publishedMessages: PublishedMessage[];

  private readonly eventSource: HistoryEvent[] | (() => HistoryEvent[]);
  private readonly definition?: AslDefinition;
  private derived?: { path: string[]; retries: RetryRecord[]; catches: CatchRecord[]; lastStateInput: unknown };

  constructor(props: ExecutionResultProps) {
    this.executionArn = props.executionArn;
    this.status = props.status;
    this.input = props.input;
    this.output = props.output;
    this.error = props.error;
    this.cause = props.cause;
    this.childExecutions = props.childExecutions ?? [];
    this.publishedEvents = props.publishedEvents ?? [];
    this.sentMessages = props.sentMessages ?? [];
    this.publishedMessages = props.publishedMessages ?? [];
    this.eventSource = props.events;
    this.definition = props.definition;
  }

  /** The history, in the shape `GetExecutionHistory` returns. */
  public get events(): HistoryEvent[] {
    return typeof this.eventSource === 'function' ? this.eventSource() : this.eventSource;
  }

  /** The names of the states entered, in order (branch and iteration states included, retries not repeated). */
  public get path(): string[] {
    return this.derive().path;
  }

  /** The retries, in order. */
  public get retries(): RetryRecord[] {
    return this.derive().retries;
  }

  /** The caught errors, in order. */
  public get catches(): CatchRecord[] {
    return this.derive().catches;
  }

  /**
   * State transitions billed by a Standard workflow: states entered plus retries.
   * @see https://aws.amazon.com/step-functions/pricing/
   */
  public get transitions(): number {
    return this.path.length + this.retries.length;
  }

  /** The input of the last state entered: for a failed execution, what the failing state saw. */
  public get lastStateInput(): any {
    return this.derive().lastStateInput;
  }

  private derive() {
    this.derived ??= deriveFromHistory(this.events, failStatesOf(this.definition));
    return this.derived;
  }
}

/** The Fail states of a definition by name, including those in branches and item processors. */
function failStatesOf(definition: AslDefinition | undefined): Map<string, AslState> {
  return new Map(definition ? listStates(definition).filter(({ state }) => state.Type === 'Fail').map(({ name, state }) => [name, state]) : []);
}

function deriveFromHistory(events: HistoryEvent[], failStates: Map<string, AslState>) {
  const byId = new Map(events.map((event) => [event.id, event]));
  const places = assignThreads(events);
  const path: string[] = [];
  const retries: RetryRecord[] = [];
  const catches: CatchRecord[] = [];
  const attempts = new Map<HistoryEvent, number>();
  let lastStateInput: unknown;
  for (const event of events) {
    const previous = event.previousEventId ? byId.get(event.previousEventId) : undefined;
    const open = places.get(event)?.open;
    if (event.type.endsWith('StateEntered')) {
      path.push(event.stateEnteredEventDetails?.name ?? '');
      lastStateInput = parseJson(event.stateEnteredEventDetails?.input);
      if (previous && previous.type.endsWith('StateExited') && previous.previousEventId) {
        const failure = byId.get(previous.previousEventId);
        if (failure && FAILURE_EVENTS.has(failure.type)) {
          catches.push({ stateName: previous.stateExitedEventDetails?.name ?? '', ...errorOf(failure, byId, failStates), next: event.stateEnteredEventDetails?.name ?? '' });
        }
      }
    } else if (ATTEMPT_EVENTS.has(event.type) && open) {
      const attempt = attempts.get(open.entered) ?? 0;
      attempts.set(open.entered, attempt + 1);
      if (attempt > 0) retries.push({ stateName: open.name, ...errorOf(previous, byId, failStates), attempt });
    }
  }
  return { path, retries, catches, lastStateInput };
}

/** The error and cause of a failure event (looking inside a Map or Parallel for the failing event). */
function errorOf(event: HistoryEvent | undefined, byId: Map<number, HistoryEvent>, failStates: Map<string, AslState>): { error: string; cause: string } {
  for (let current = event, hops = 0; current && hops < 10_000; current = byId.get(current.previousEventId ?? 0), hops++) {
    const details = failureDetails(current);
    if (details) return { error: details.error ?? '', cause: details.cause ?? '' };
    if (current.type === 'FailStateEntered') {
      const fail = failStates.get(current.stateEnteredEventDetails?.name ?? '');
      return { error: typeof fail?.Error === 'string' ? fail.Error : '', cause: typeof fail?.Cause === 'string' ? fail.Cause : '' };
    }
    if (!FAILURE_EVENTS.has(current.type) && current.type !== 'TaskStateAborted') break;
  }
  return { error: '', cause: '' };
}

function failureDetails(event: HistoryEvent): { error?: string; cause?: string } | undefined {
  return (
    event.taskFailedEventDetails ?? event.taskTimedOutEventDetails ?? event.taskStartFailedEventDetails ?? event.taskSubmitFailedEventDetails ??
    event.lambdaFunctionFailedEventDetails ?? event.lambdaFunctionTimedOutEventDetails ?? event.lambdaFunctionStartFailedEventDetails ??
    event.lambdaFunctionScheduleFailedEventDetails ?? event.activityFailedEventDetails ?? event.activityTimedOutEventDetails ??
    event.activityScheduleFailedEventDetails ?? event.evaluationFailedEventDetails
  );
}

function statusOf(type: string | undefined): ExecutionResultStatus {
  switch (type) {
    case 'ExecutionSucceeded':
      return 'SUCCEEDED';
    case 'ExecutionFailed':
      return 'FAILED';
    case 'ExecutionTimedOut':
      return 'TIMED_OUT';
    case 'ExecutionAborted':
      return 'ABORTED';
    default:
      return 'RUNNING';
  }
}

/** An event of a JSON history with its timestamp as a Date (the CLI writes ISO text or epoch seconds). */
function normalizeEvent(raw: Record<string, unknown>): HistoryEvent {
  const timestamp = raw.timestamp;
  const date = timestamp instanceof Date ? timestamp : typeof timestamp === 'number' ? new Date(timestamp * 1000) : new Date(String(timestamp));
  return { ...raw, timestamp: date, id: Number(raw.id), previousEventId: Number(raw.previousEventId ?? 0) } as HistoryEvent;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
