import type { ObjectStore } from './object-store';

/** How a Task's `Resource` is called, read from its ARN suffix. */
export type IntegrationPattern = 'REQUEST_RESPONSE' | 'RUN_JOB' | 'WAIT_FOR_TASK_TOKEN';

/** The execution a task belongs to, as a host sees it. */
export interface TaskExecutionInfo {
  /** The execution ARN (`$$.Execution.Id`). */
  readonly executionArn: string;
  /** The execution name. */
  readonly executionName: string;
  /** The state machine ARN. */
  readonly stateMachineArn: string;
  /** Where the execution runs: the region of its ARN. */
  readonly region: string;
  /** The account of its ARN. */
  readonly account: string;
}

/**
 * One attempt of a Task state, handed to the host that runs it (a Lambda function, an
 * integration, a test's replacement).
 */
export interface TaskInvocation {
  /** The Task state's name. */
  readonly stateName: string;
  /** The `Resource`, placeholders resolved. */
  readonly resource: string;
  /** The integration pattern of the resource. */
  readonly pattern: IntegrationPattern;
  /**
   * The request: the effective input (`Parameters` / `Arguments` evaluated). For a bare
   * Lambda ARN, the event the function receives.
   */
  readonly input: unknown;
  /** 0 on the first attempt, then the retries so far. */
  readonly retryCount: number;
  /** The task token of a `.waitForTaskToken` task (also inside `input` where the definition put it). */
  readonly taskToken?: string;
  /** TimeoutSeconds of the attempt, if any. */
  readonly timeoutSeconds?: number;
  /** HeartbeatSeconds of the attempt, if any. */
  readonly heartbeatSeconds?: number;
  /** The role of the task's `Credentials`, if any. */
  readonly credentials?: unknown;
  /** The execution. */
  readonly execution: TaskExecutionInfo;
  /** The context object of the attempt (`$$`). */
  readonly context: Record<string, unknown>;
  /**
   * A `.sync` job was accepted (StartExecution returned): the engine records `TaskSubmitted`
   * with this response. Call at most once.
   */
  submitted(response: unknown): void;
  /**
   * The task runs no code of its own from now on (it waits for a child execution): time may
   * jump while it waits. Call at most once.
   */
  idle(): void;
}

/** What the engine needs from the runner that hosts it. */
export interface EngineHost {
  /**
   * Runs one task attempt and returns its raw result (before ResultSelector), or throws:
   * an error whose `name` is the ASL error (`StatesError`, `TaskFailure`, any Error). For a
   * `.waitForTaskToken` task this is the send: its result is recorded as `TaskSubmitted`,
   * and the engine then waits for the token.
   */
  invokeTask(invocation: TaskInvocation): Promise<unknown>;
  /** The local S3 that distributed Maps read items from and write results to. */
  readonly objectStore?: ObjectStore;
}
