import { Cancellation, ThreadCancelled } from './cancellation';
import { VirtualClock } from './clock';
import { ExecutionContext, isoTime } from './context-object';
import { asStatesError, StatesError, States } from './errors';
import { CompiledGraph, runGraph } from './graph';
import { HistoryRecorder } from './history';
import { EngineHost, TaskExecutionInfo } from './host';
import { RandomSource } from './random';
import { TaskTokenBroker } from './task-tokens';
import { Thread } from './thread';
import { VariableScope } from './variables';

/** How an execution ended, with Step Functions' status names. */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** The most events a Standard execution's history may hold. @see https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html */
export const MAX_HISTORY_EVENTS = 25_000;

/** The longest a Standard execution runs (one year) and an Express one (five minutes), in seconds. */
const MAX_DURATION_SECONDS = { STANDARD: 31_536_000, EXPRESS: 300 };

/** What the runner shares with every execution it runs. */
export interface EngineServices {
  readonly host: EngineHost;
  readonly clock: VirtualClock;
  readonly tokens: TaskTokenBroker;
}

/** One execution to start. */
export interface ExecutionRequest {
  readonly executionArn: string;
  readonly name: string;
  readonly input: unknown;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  readonly stateMachineType: 'STANDARD' | 'EXPRESS';
  readonly roleArn: string;
  readonly region: string;
  readonly account: string;
  /** TimeoutSeconds of the state machine, if any. */
  readonly timeoutSeconds?: number;
  readonly random: RandomSource;
  /** Take Wait states and retry intervals in real time. */
  readonly realDelays: boolean;
  /** The variables the execution starts with (a distributed Map's child starts with none). */
  readonly variables?: VariableScope;
}

/**
 * One execution of a compiled graph: its history, its context object, its end. Created
 * running; `done` settles when it has ended (it never rejects).
 */
export class ExecutionRun {
  public readonly history: HistoryRecorder;
  public readonly executionContext: ExecutionContext;
  public readonly stateMachineContext: { readonly Id: string; readonly Name: string };
  public readonly taskExecutionInfo: TaskExecutionInfo;
  public readonly cancellation = new Cancellation();
  /** Executions of a distributed Map's items, in the order they ended. */
  public readonly childRuns: ExecutionRun[] = [];
  public readonly done: Promise<void>;
  public readonly startTime: number;
  public status: ExecutionStatus = 'RUNNING';
  public output?: unknown;
  public error?: StatesError;
  public stopTime?: number;

  private endReason?: 'TIMED_OUT' | 'ABORTED';

  constructor(
    private readonly graph: CompiledGraph,
    public readonly request: ExecutionRequest,
    private readonly services: EngineServices,
  ) {
    this.history = new HistoryRecorder(() => services.clock.now());
    this.startTime = services.clock.now();
    this.executionContext = {
      Id: request.executionArn,
      Input: request.input,
      Name: request.name,
      RoleArn: request.roleArn,
      StartTime: isoTime(this.startTime),
      RedriveCount: 0,
    };
    this.stateMachineContext = { Id: request.stateMachineArn, Name: request.stateMachineName };
    this.taskExecutionInfo = {
      executionArn: request.executionArn,
      executionName: request.name,
      stateMachineArn: request.stateMachineArn,
      region: request.region,
      account: request.account,
    };
    this.done = this.execute();
  }

  public get executionArn(): string {
    return this.request.executionArn;
  }

  public get region(): string {
    return this.request.region;
  }

  public get random(): RandomSource {
    return this.request.random;
  }

  public get realDelays(): boolean {
    return this.request.realDelays;
  }

  public get clock(): VirtualClock {
    return this.services.clock;
  }

  public get tokens(): TaskTokenBroker {
    return this.services.tokens;
  }

  public get host(): EngineHost {
    return this.services.host;
  }

  /** StopExecution: the execution ends ABORTED (no effect once it has ended). */
  public abort(): void {
    if (this.status !== 'RUNNING' || this.endReason) return;
    this.endReason = 'ABORTED';
    this.cancellation.cancel();
  }

  /**
   * Fails the execution once its history holds more events than a Standard execution may.
   *
   * @throws StatesError `States.Runtime`.
   */
  public checkHistoryLimit(): void {
    if (this.request.stateMachineType === 'STANDARD' && this.history.length > MAX_HISTORY_EVENTS) {
      throw new StatesError(States.Runtime, `The execution history reached the limit of ${MAX_HISTORY_EVENTS} events.`);
    }
  }

  private async execute(): Promise<void> {
    this.history.add('ExecutionStarted', 0, { roleArn: this.request.roleArn }, { field: 'input', value: this.request.input });
    const thread: Thread = { run: this, variables: this.request.variables ?? VariableScope.root(), cancellation: this.cancellation, lastEventId: 0 };
    const timeout = this.services.clock.setTimer(this.timeoutSeconds() * 1000, () => {
      if (this.status !== 'RUNNING' || this.endReason) return;
      this.endReason = 'TIMED_OUT';
      this.cancellation.cancel();
    });
    try {
      const output = await runGraph(this.graph, this.request.input, thread);
      this.end('SUCCEEDED', thread.lastEventId, output);
    } catch (thrown) {
      if (thrown instanceof ThreadCancelled || this.endReason) this.end(this.endReason ?? 'ABORTED', thread.lastEventId);
      else this.end('FAILED', thread.lastEventId, undefined, asStatesError(thrown));
    } finally {
      timeout.cancel();
      this.cancellation.cancel();
      this.services.tokens.abandon(this.executionArn);
    }
  }

  private timeoutSeconds(): number {
    const limit = MAX_DURATION_SECONDS[this.request.stateMachineType];
    return Math.min(this.request.timeoutSeconds ?? limit, limit);
  }

  private end(status: Exclude<ExecutionStatus, 'RUNNING'>, lastEventId: number, output?: unknown, error?: StatesError): void {
    this.status = status;
    this.stopTime = this.services.clock.now();
    if (status === 'SUCCEEDED') {
      this.output = output;
      this.history.add('ExecutionSucceeded', lastEventId, {}, { field: 'output', value: output });
    } else if (status === 'FAILED') {
      this.error = error;
      const details: Record<string, unknown> = {};
      if (error!.given.error) details.error = error!.error;
      if (error!.given.cause) details.cause = error!.causeText;
      this.history.add('ExecutionFailed', lastEventId, details);
    } else if (status === 'TIMED_OUT') {
      this.error = new StatesError(States.Timeout, '', { error: true, cause: false });
      this.history.add('ExecutionTimedOut', lastEventId, { error: States.Timeout });
    } else {
      this.history.add('ExecutionAborted', lastEventId, {});
    }
  }
}
