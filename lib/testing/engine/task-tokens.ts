import { ClockTimer, VirtualClock } from './clock';
import { StatesError, States } from './errors';

/** A callback (`.waitForTaskToken`) task waiting for SendTaskSuccess or SendTaskFailure. */
export interface PendingTask {
  /** The task token (what `$$.Task.Token` gave the task). */
  readonly taskToken: string;
  /** The Task state waiting. */
  readonly stateName: string;
  /** The execution it belongs to. */
  readonly executionArn: string;
  /** What the task sent: the Lambda payload, or the resolved parameters of another integration. */
  readonly input: any;
  /** Its `TimeoutSeconds`, if any. */
  readonly timeoutSeconds?: number;
  /** Its `HeartbeatSeconds`, if any. */
  readonly heartbeatSeconds?: number;
}

/**
 * An error of the task-token API, named as Step Functions names it: `InvalidToken` for a token
 * it never issued, `TaskTimedOut` for one that is no longer waiting (answered, failed, timed
 * out, execution ended), `InvalidOutput` for output that is not JSON.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html
 */
export class TaskTokenError extends Error {
  constructor(name: 'InvalidToken' | 'TaskTimedOut' | 'InvalidOutput', message: string) {
    super(message);
    this.name = name;
  }
}

interface Waiter {
  readonly task: PendingTask;
  readonly resolve: (output: unknown) => void;
  readonly reject: (error: Error) => void;
  /** Whether the task's send is done, so that tests see it waiting. */
  announced: boolean;
  heartbeat?: ClockTimer;
  releaseClock: () => void;
}

/**
 * Issues the task tokens of callback tasks and settles them as the task-token API does. A
 * waiting task holds the clock (time passes in real time while a test prepares its answer);
 * a missed heartbeat fails the task with `States.Timeout`, as Step Functions records it.
 */
export class TaskTokenBroker {
  private readonly waiting = new Map<string, Waiter>();
  private readonly closed = new Set<string>();
  private listeners: Array<(task: PendingTask) => void> = [];

  constructor(private readonly clock: VirtualClock) {}

  /** The tasks waiting now whose send is done, oldest first. */
  public get pendingTasks(): PendingTask[] {
    return [...this.waiting.values()].filter((waiter) => waiter.announced).map((waiter) => waiter.task);
  }

  /**
   * Registers a task about to send its token: the token is valid at once (the receiver may
   * answer before the send returns) and the promise settles when the token is. Tests see the
   * task once {@link announce} is called.
   */
  public wait(task: PendingTask): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { task, resolve, reject, announced: false, releaseClock: this.clock.hold('wait') };
      this.waiting.set(task.taskToken, waiter);
      this.restartHeartbeat(waiter);
    });
  }

  /** Marks a task's send as done: it shows in pendingTasks and wakes those waiting for it. */
  public announce(taskToken: string): void {
    const waiter = this.waiting.get(taskToken);
    if (!waiter) return;
    waiter.announced = true;
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener(waiter.task);
  }

  /** Closes a token whose task no longer waits (send failed, timed out, execution ended). */
  public close(taskToken: string): void {
    const waiter = this.waiting.get(taskToken);
    if (waiter) {
      waiter.heartbeat?.cancel();
      waiter.releaseClock();
      this.waiting.delete(taskToken);
    }
    this.closed.add(taskToken);
  }

  /** Ends every wait of an execution that is over: the tokens close. */
  public abandon(executionArn: string): void {
    for (const waiter of [...this.waiting.values()]) {
      if (waiter.task.executionArn === executionArn) this.take(waiter.task.taskToken).reject(new StatesError('States.Runtime', 'The execution ended.'));
    }
  }

  /** Ends every wait. */
  public dispose(): void {
    for (const taskToken of [...this.waiting.keys()]) this.take(taskToken).reject(new StatesError('States.Runtime', 'The runner was disposed of.'));
  }

  /** Resolves when a task matching `filter` waits (at once if one already does). */
  public waitForTask(filter: (task: PendingTask) => boolean = () => true): Promise<PendingTask> {
    const existing = this.pendingTasks.find(filter);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve) => {
      const listen = (task: PendingTask) => (filter(task) ? resolve(task) : this.listeners.push(listen));
      this.listeners.push(listen);
    });
  }

  /**
   * SendTaskSuccess: the task succeeds with `output`, a JSON string.
   *
   * @throws TaskTokenError (`InvalidToken`, `TaskTimedOut`, `InvalidOutput`)
   */
  public sendTaskSuccess(taskToken: string, output: string): void {
    this.find(taskToken);
    let parsed: unknown;
    try {
      parsed = JSON.parse(output);
    } catch {
      throw new TaskTokenError('InvalidOutput', 'The output is not valid JSON.');
    }
    this.take(taskToken).resolve(parsed);
  }

  /**
   * SendTaskFailure: the task fails with `error` and `cause`.
   *
   * @throws TaskTokenError (`InvalidToken`, `TaskTimedOut`)
   */
  public sendTaskFailure(taskToken: string, error?: string, cause?: string): void {
    const failure = new StatesError(error ?? '', cause ?? '', { error: error !== undefined && error !== null, cause: cause !== undefined && cause !== null });
    failure.fromTask = true;
    this.take(taskToken).reject(failure);
  }

  /**
   * SendTaskHeartbeat: restarts the task's heartbeat clock.
   *
   * @throws TaskTokenError (`InvalidToken`, `TaskTimedOut`)
   */
  public sendTaskHeartbeat(taskToken: string): void {
    this.restartHeartbeat(this.find(taskToken));
  }

  /** Fails the task with `States.Timeout`, as when its TimeoutSeconds elapse. No effect if it no longer waits. */
  public expire(taskToken: string): void {
    if (this.waiting.has(taskToken)) this.take(taskToken).reject(new StatesError(States.Timeout, '', { error: true, cause: false }));
  }

  private restartHeartbeat(waiter: Waiter): void {
    const { heartbeatSeconds, taskToken } = waiter.task;
    if (heartbeatSeconds === undefined) return;
    waiter.heartbeat?.cancel();
    waiter.heartbeat = this.clock.setTimer(heartbeatSeconds * 1000, () => this.expire(taskToken));
  }

  private take(taskToken: string): Waiter {
    const waiter = this.find(taskToken);
    this.close(taskToken);
    return waiter;
  }

  private find(taskToken: string): Waiter {
    const waiter = this.waiting.get(taskToken);
    if (waiter) return waiter;
    if (this.closed.has(taskToken)) throw new TaskTokenError('TaskTimedOut', 'Task Timed Out: the task no longer waits for this token.');
    throw new TaskTokenError('InvalidToken', 'Invalid Token: no task was given this token.');
  }
}
