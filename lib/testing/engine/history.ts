/**
 * The type of a history event, as Step Functions names it.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
 */
export type HistoryEventType =
  | 'ActivityFailed' | 'ActivityScheduled' | 'ActivityScheduleFailed' | 'ActivityStarted' | 'ActivitySucceeded' | 'ActivityTimedOut'
  | 'ChoiceStateEntered' | 'ChoiceStateExited'
  | 'ExecutionAborted' | 'ExecutionFailed' | 'ExecutionStarted' | 'ExecutionSucceeded' | 'ExecutionTimedOut' | 'ExecutionRedriven'
  | 'FailStateEntered'
  | 'LambdaFunctionFailed' | 'LambdaFunctionScheduled' | 'LambdaFunctionScheduleFailed' | 'LambdaFunctionStarted'
  | 'LambdaFunctionStartFailed' | 'LambdaFunctionSucceeded' | 'LambdaFunctionTimedOut'
  | 'MapIterationAborted' | 'MapIterationFailed' | 'MapIterationStarted' | 'MapIterationSucceeded'
  | 'MapStateAborted' | 'MapStateEntered' | 'MapStateExited' | 'MapStateFailed' | 'MapStateStarted' | 'MapStateSucceeded'
  | 'MapRunAborted' | 'MapRunFailed' | 'MapRunStarted' | 'MapRunSucceeded' | 'MapRunRedriven'
  | 'ParallelStateAborted' | 'ParallelStateEntered' | 'ParallelStateExited' | 'ParallelStateFailed' | 'ParallelStateStarted' | 'ParallelStateSucceeded'
  | 'PassStateEntered' | 'PassStateExited'
  | 'SucceedStateEntered' | 'SucceedStateExited'
  | 'TaskFailed' | 'TaskScheduled' | 'TaskStarted' | 'TaskStartFailed' | 'TaskStateAborted' | 'TaskStateEntered' | 'TaskStateExited'
  | 'TaskSubmitFailed' | 'TaskSubmitted' | 'TaskSucceeded' | 'TaskTimedOut'
  | 'WaitStateAborted' | 'WaitStateEntered' | 'WaitStateExited'
  | 'EvaluationFailed';

/** Whether a text field of an event was cut short (never, locally). */
export interface HistoryEventDataDetails {
  /** Whether the data was truncated (Step Functions truncates over 256 KiB). */
  readonly truncated: boolean;
}

/** An error and its cause, as failure events carry them. */
export interface HistoryErrorDetails {
  /** The error name. */
  readonly error?: string;
  /** The cause text. */
  readonly cause?: string;
}

/** `ExecutionStarted`. */
export interface ExecutionStartedEventDetails {
  /** The execution input, JSON text. */
  readonly input?: string;
  /** Whether the input was truncated. */
  readonly inputDetails?: HistoryEventDataDetails;
  /** The role the execution runs with. */
  readonly roleArn?: string;
  /** The alias started, if any. */
  readonly stateMachineAliasArn?: string;
  /** The version started, if any. */
  readonly stateMachineVersionArn?: string;
}

/** `ExecutionSucceeded`, `TaskSucceeded`-like output events. */
export interface HistoryOutputDetails {
  /** The output, JSON text. */
  readonly output?: string;
  /** Whether the output was truncated. */
  readonly outputDetails?: HistoryEventDataDetails;
}

/** `*StateEntered`. */
export interface StateEnteredEventDetails {
  /** The state's name. */
  readonly name: string;
  /** The state's input, JSON text. */
  readonly input?: string;
  /** Whether the input was truncated. */
  readonly inputDetails?: HistoryEventDataDetails;
}

/** `*StateExited`. */
export interface StateExitedEventDetails {
  /** The state's name. */
  readonly name: string;
  /** The state's output, JSON text. */
  readonly output?: string;
  /** Whether the output was truncated. */
  readonly outputDetails?: HistoryEventDataDetails;
  /** The variables the state assigned: name → JSON text of the value. */
  readonly assignedVariables?: Record<string, string>;
  /** Whether the assigned variables were truncated. */
  readonly assignedVariablesDetails?: HistoryEventDataDetails;
}

/** `TaskScheduled`. */
export interface TaskScheduledEventDetails {
  /** The service, e.g. `lambda`, `sqs`, `states`. */
  readonly resourceType: string;
  /** The action, e.g. `invoke`, `sendMessage.waitForTaskToken`. */
  readonly resource: string;
  /** The region of the call. */
  readonly region: string;
  /** The request parameters, JSON text. */
  readonly parameters: string;
  /** TimeoutSeconds of the task, if set. */
  readonly timeoutInSeconds?: number;
  /** HeartbeatSeconds of the task, if set. */
  readonly heartbeatInSeconds?: number;
  /** The role the task assumes (`Credentials`), if any. */
  readonly taskCredentials?: { readonly roleArn?: string };
}

/** `TaskStarted` (and the resource part of the other task events). */
export interface TaskResourceDetails {
  /** The service. */
  readonly resourceType: string;
  /** The action. */
  readonly resource: string;
}

/** `TaskSucceeded`, `TaskSubmitted`. */
export interface TaskOutputDetails extends TaskResourceDetails, HistoryOutputDetails {}

/** `TaskFailed`, `TaskTimedOut`, `TaskStartFailed`, `TaskSubmitFailed`. */
export interface TaskErrorDetails extends TaskResourceDetails, HistoryErrorDetails {}

/** `LambdaFunctionScheduled`, `ActivityScheduled`. */
export interface ScheduledEventDetails {
  /** The function or activity ARN. */
  readonly resource: string;
  /** The input, JSON text. */
  readonly input?: string;
  /** Whether the input was truncated. */
  readonly inputDetails?: HistoryEventDataDetails;
  /** TimeoutSeconds, if set. */
  readonly timeoutInSeconds?: number;
  /** HeartbeatSeconds (activities), if set. */
  readonly heartbeatInSeconds?: number;
  /** The role assumed (`Credentials`), if any. */
  readonly taskCredentials?: { readonly roleArn?: string };
}

/** `MapStateStarted`. */
export interface MapStateStartedEventDetails {
  /** The number of items. */
  readonly length?: number;
}

/** `MapIteration*`. */
export interface MapIterationEventDetails {
  /** The Map state's name. */
  readonly name?: string;
  /** The item's index. */
  readonly index?: number;
}

/** `MapRunStarted`, `MapRunRedriven`. */
export interface MapRunEventDetails {
  /** The Map Run ARN. */
  readonly mapRunArn?: string;
  /** Redrives so far. */
  readonly redriveCount?: number;
}

/** `EvaluationFailed`: an expression or path could not be evaluated. */
export interface EvaluationFailedEventDetails extends HistoryErrorDetails {
  /** The field that failed, e.g. `Arguments`. */
  readonly location?: string;
  /** The state. */
  readonly state: string;
}

/**
 * One event of an execution's history, in the shape `GetExecutionHistory` returns (AWS SDK
 * v3): a `type`, an `id` counting from 1, the `previousEventId` it follows, and at most one
 * `…EventDetails` member. Local runs record the same events.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
 */
export interface HistoryEvent {
  /** When it happened (the runner's clock locally). */
  readonly timestamp: Date;
  /** The event type. */
  readonly type: HistoryEventType;
  /** 1 for the first event of the execution. */
  readonly id: number;
  /** The event this one follows (0 for none). */
  readonly previousEventId?: number;
  /** Details of an `ExecutionStarted` event. */
  readonly executionStartedEventDetails?: ExecutionStartedEventDetails;
  /** Details of an `ExecutionSucceeded` event. */
  readonly executionSucceededEventDetails?: HistoryOutputDetails;
  /** Details of an `ExecutionFailed` event. */
  readonly executionFailedEventDetails?: HistoryErrorDetails;
  /** Details of an `ExecutionAborted` event. */
  readonly executionAbortedEventDetails?: HistoryErrorDetails;
  /** Details of an `ExecutionTimedOut` event. */
  readonly executionTimedOutEventDetails?: HistoryErrorDetails;
  /** Details of an `ExecutionRedriven` event. */
  readonly executionRedrivenEventDetails?: { readonly redriveCount?: number };
  /** Details of a `…Entered` event (`TaskStateEntered`, `ChoiceStateEntered`, ...). */
  readonly stateEnteredEventDetails?: StateEnteredEventDetails;
  /** Details of a `…Exited` event (`TaskStateExited`, `ChoiceStateExited`, ...). */
  readonly stateExitedEventDetails?: StateExitedEventDetails;
  /** Details of a `TaskScheduled` event. */
  readonly taskScheduledEventDetails?: TaskScheduledEventDetails;
  /** Details of a `TaskStarted` event. */
  readonly taskStartedEventDetails?: TaskResourceDetails;
  /** Details of a `TaskSubmitted` event. */
  readonly taskSubmittedEventDetails?: TaskOutputDetails;
  /** Details of a `TaskSucceeded` event. */
  readonly taskSucceededEventDetails?: TaskOutputDetails;
  /** Details of a `TaskFailed` event. */
  readonly taskFailedEventDetails?: TaskErrorDetails;
  /** Details of a `TaskTimedOut` event. */
  readonly taskTimedOutEventDetails?: TaskErrorDetails;
  /** Details of a `TaskStartFailed` event. */
  readonly taskStartFailedEventDetails?: TaskErrorDetails;
  /** Details of a `TaskSubmitFailed` event. */
  readonly taskSubmitFailedEventDetails?: TaskErrorDetails;
  /** Details of a `LambdaFunctionScheduled` event. */
  readonly lambdaFunctionScheduledEventDetails?: ScheduledEventDetails;
  /** Details of a `LambdaFunctionSucceeded` event. */
  readonly lambdaFunctionSucceededEventDetails?: HistoryOutputDetails;
  /** Details of a `LambdaFunctionFailed` event. */
  readonly lambdaFunctionFailedEventDetails?: HistoryErrorDetails;
  /** Details of a `LambdaFunctionTimedOut` event. */
  readonly lambdaFunctionTimedOutEventDetails?: HistoryErrorDetails;
  /** Details of a `LambdaFunctionScheduleFailed` event. */
  readonly lambdaFunctionScheduleFailedEventDetails?: HistoryErrorDetails;
  /** Details of a `LambdaFunctionStartFailed` event. */
  readonly lambdaFunctionStartFailedEventDetails?: HistoryErrorDetails;
  /** Details of an `ActivityScheduled` event. */
  readonly activityScheduledEventDetails?: ScheduledEventDetails;
  /** Details of an `ActivityStarted` event. */
  readonly activityStartedEventDetails?: { readonly workerName?: string };
  /** Details of an `ActivitySucceeded` event. */
  readonly activitySucceededEventDetails?: HistoryOutputDetails;
  /** Details of an `ActivityFailed` event. */
  readonly activityFailedEventDetails?: HistoryErrorDetails;
  /** Details of an `ActivityTimedOut` event. */
  readonly activityTimedOutEventDetails?: HistoryErrorDetails;
  /** Details of an `ActivityScheduleFailed` event. */
  readonly activityScheduleFailedEventDetails?: HistoryErrorDetails;
  /** Details of a `MapStateStarted` event. */
  readonly mapStateStartedEventDetails?: MapStateStartedEventDetails;
  /** Details of a `MapIterationStarted` event. */
  readonly mapIterationStartedEventDetails?: MapIterationEventDetails;
  /** Details of a `MapIterationSucceeded` event. */
  readonly mapIterationSucceededEventDetails?: MapIterationEventDetails;
  /** Details of a `MapIterationFailed` event. */
  readonly mapIterationFailedEventDetails?: MapIterationEventDetails;
  /** Details of a `MapIterationAborted` event. */
  readonly mapIterationAbortedEventDetails?: MapIterationEventDetails;
  /** Details of a `MapRunStarted` event. */
  readonly mapRunStartedEventDetails?: MapRunEventDetails;
  /** Details of a `MapRunFailed` event. */
  readonly mapRunFailedEventDetails?: HistoryErrorDetails;
  /** Details of a `MapRunRedriven` event. */
  readonly mapRunRedrivenEventDetails?: MapRunEventDetails;
  /** Details of an `EvaluationFailed` event. */
  readonly evaluationFailedEventDetails?: EvaluationFailedEventDetails;
}

/** The details member of an event type (`TaskStateEntered` → `stateEnteredEventDetails`). */
export function detailsMemberOf(type: HistoryEventType): keyof HistoryEvent {
  if (type.endsWith('StateEntered')) return 'stateEnteredEventDetails';
  if (type.endsWith('StateExited')) return 'stateExitedEventDetails';
  return `${type[0].toLowerCase()}${type.slice(1)}EventDetails` as keyof HistoryEvent;
}

/** One event as the engine records it: values kept as they are, turned into JSON text on demand. */
interface EventRecord {
  readonly type: HistoryEventType;
  readonly timestamp: number;
  readonly previousEventId: number;
  readonly details?: Record<string, unknown>;
  /** A JSON value that becomes a text field of the details (`input`, `output`, `parameters`). */
  readonly data?: { readonly field: 'input' | 'output' | 'parameters'; readonly value: unknown };
}

/**
 * The history of one execution as it is recorded: cheap to add to (a value is kept, not
 * serialized), turned into {@link HistoryEvent}s when first read.
 */
export class HistoryRecorder {
  private readonly records: EventRecord[] = [];
  private readonly choiceRules = new Map<number, number>();
  private materialized?: HistoryEvent[];

  constructor(private readonly now: () => number) {}

  /** The number of events so far. */
  public get length(): number {
    return this.records.length;
  }

  /**
   * Adds an event and returns its id.
   *
   * @param previousEventId the event it follows (0 for none)
   * @param details the event's details, without the data field
   * @param data a JSON value for the details' `input`, `output` or `parameters` text
   */
  public add(
    type: HistoryEventType,
    previousEventId: number,
    details?: Record<string, unknown>,
    data?: { field: 'input' | 'output' | 'parameters'; value: unknown },
  ): number {
    this.records.push({ type, timestamp: this.now(), previousEventId, details, data });
    this.materialized = undefined;
    return this.records.length;
  }

  /** The `previousEventId` of an event already recorded. */
  public previousOf(eventId: number): number {
    return this.records[eventId - 1]?.previousEventId ?? 0;
  }

  /**
   * Notes which rule of a Choice state matched: AWS's history names only the next state, which
   * several rules (or a rule and `Default`) may share. Kept beside the events, not in them.
   *
   * @param exitedEventId the Choice's `ChoiceStateExited` event
   * @param ruleIndex the index in `Choices`, or -1 for `Default`
   */
  public recordChoiceRule(exitedEventId: number, ruleIndex: number): void {
    this.choiceRules.set(exitedEventId, ruleIndex);
  }

  /** The rule each Choice took, by the id of its `ChoiceStateExited` event (-1: `Default`). */
  public matchedChoiceRules(): ReadonlyMap<number, number> {
    return this.choiceRules;
  }

  /** The events, in the shape `GetExecutionHistory` returns. */
  public events(): HistoryEvent[] {
    this.materialized ??= this.records.map(materialize);
    return this.materialized;
  }
}

function materialize(record: EventRecord, index: number): HistoryEvent {
  const event: Record<string, unknown> = {
    timestamp: new Date(record.timestamp),
    type: record.type,
    id: index + 1,
    previousEventId: record.previousEventId,
  };
  if (record.details || record.data) {
    const details: Record<string, unknown> = { ...record.details };
    if (details.assignedVariables !== undefined) {
      const assigned = details.assignedVariables as Record<string, unknown>;
      details.assignedVariables = Object.fromEntries(Object.entries(assigned).map(([name, value]) => [name, JSON.stringify(value) ?? 'null']));
      details.assignedVariablesDetails = { truncated: false };
    }
    if (record.data) {
      details[record.data.field] = JSON.stringify(record.data.value) ?? 'null';
      if (record.data.field !== 'parameters') details[`${record.data.field}Details`] = { truncated: false };
    }
    event[detailsMemberOf(record.type)] = details;
  }
  return event as unknown as HistoryEvent;
}
