import { randomBytes } from 'node:crypto';
import { MAX_INTERPRETER_TIMEOUT_SECONDS } from './state-rewrites';
import { TaskFailure } from './task-failure';

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
 * it never issued, `TaskTimedOut` for one that is no longer waiting (decided, failed, expired),
 * `InvalidOutput` for output that is not JSON.
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
  /** Virtual seconds since the task started, and since its last heartbeat. */
  elapsed: number;
  sinceHeartbeat: number;
  timeoutTimer?: NodeJS.Timeout;
  heartbeatTimer?: NodeJS.Timeout;
}

/**
 * Issues task tokens to callback tasks and settles them as the task-token API would, with time
 * that a test can advance instead of waiting. A task also times out, and misses heartbeats, in
 * real time.
 */
export class TaskTokenBroker {
  private readonly waiting = new Map<string, Waiter>();
  private readonly closed = new Set<string>();
  private readonly listeners: Array<(task: PendingTask) => void> = [];

  /** The tasks waiting now whose send is done, oldest first. */
  public get pendingTasks(): PendingTask[] {
    return [...this.waiting.values()].filter((waiter) => waiter.announced).map((waiter) => waiter.task);
  }

  /** A new token (opaque, like Step Functions'). */
  public newToken(): string {
    return randomBytes(96).toString('base64url');
  }

  /**
   * Registers a task that is about to send its token: the token is valid at once (the receiver
   * may answer before the send returns), and the promise settles when the token is. Tests see
   * the task waiting once {@link announce} is called.
   */
  public wait(task: PendingTask): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { task, resolve, reject, announced: false, elapsed: 0, sinceHeartbeat: 0 };
      if (task.timeoutSeconds !== undefined) waiter.timeoutTimer = realTimer(task.timeoutSeconds, () => this.expire(task.taskToken));
      this.waiting.set(task.taskToken, waiter);
      this.restartHeartbeat(waiter);
    });
  }

  /** Marks a task's send as done: it shows in pendingTasks and wakes those waiting for it. */
  public announce(taskToken: string): void {
    const waiter = this.waiting.get(taskToken);
    if (!waiter) return;
    waiter.announced = true;
    for (const listener of this.listeners.splice(0)) listener(waiter.task);
  }

  /** Forgets a token whose task failed before waiting (its send failed). */
  public cancel(taskToken: string): void {
    this.close(taskToken);
  }

  /**
   * Ends the waits of an execution that is over (aborted or timed out): their tokens close, and
   * their timers stop.
   */
  public abandon(executionArn: string): void {
    for (const waiter of [...this.waiting.values()].filter((w) => w.task.executionArn === executionArn)) {
      this.take(waiter.task.taskToken).reject(new Error('The execution ended.'));
    }
  }

  /** Ends every wait and stops every timer. */
  public dispose(): void {
    for (const taskToken of [...this.waiting.keys()]) this.take(taskToken).reject(new Error('The runner was disposed of.'));
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
  public sendTaskFailure(taskToken: string, error = '', cause = ''): void {
    this.take(taskToken).reject(new TaskFailure(error, cause));
  }

  /**
   * SendTaskHeartbeat: restarts the task's heartbeat clock.
   *
   * @throws TaskTokenError (`InvalidToken`, `TaskTimedOut`)
   */
  public sendTaskHeartbeat(taskToken: string): void {
    const waiter = this.find(taskToken);
    waiter.sinceHeartbeat = 0;
    this.restartHeartbeat(waiter);
  }

  /** Fails the task with `States.Timeout`, as when its TimeoutSeconds elapse. */
  public expire(taskToken: string): void {
    this.failWithTimeout(taskToken, 'States.Timeout');
  }

  /**
   * Moves the clock of the waiting tasks (of one execution, or all) forward: each task whose
   * TimeoutSeconds elapse fails with `States.Timeout`, each that misses a heartbeat with
   * `States.HeartbeatTimeout`.
   */
  public advanceTime(seconds: number, executionArn?: string): void {
    for (const waiter of [...this.waiting.values()]) {
      if (executionArn && waiter.task.executionArn !== executionArn) continue;
      waiter.elapsed += seconds;
      waiter.sinceHeartbeat += seconds;
      const { timeoutSeconds, heartbeatSeconds, taskToken } = waiter.task;
      if (timeoutSeconds !== undefined && waiter.elapsed >= timeoutSeconds) {
        this.expire(taskToken);
      } else if (heartbeatSeconds !== undefined && waiter.sinceHeartbeat >= heartbeatSeconds) {
        this.failWithTimeout(taskToken, 'States.HeartbeatTimeout');
      }
    }
  }

  /**
   * Fails a waiting task with a timeout (the dispatcher makes it one the interpreter treats as
   * such; handlers of `States.Timeout` also get the heartbeat's, see takeCallbackLimits).
   */
  private failWithTimeout(taskToken: string, name: 'States.Timeout' | 'States.HeartbeatTimeout'): void {
    if (this.waiting.has(taskToken)) this.take(taskToken).reject(new TaskFailure(name, `The task's ${name === 'States.Timeout' ? 'TimeoutSeconds' : 'HeartbeatSeconds'} elapsed.`));
  }

  private restartHeartbeat(waiter: Waiter): void {
    const { heartbeatSeconds, taskToken } = waiter.task;
    if (heartbeatSeconds === undefined) return;
    if (waiter.heartbeatTimer) clearTimeout(waiter.heartbeatTimer);
    waiter.heartbeatTimer = realTimer(heartbeatSeconds, () => this.failWithTimeout(taskToken, 'States.HeartbeatTimeout'));
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

  private close(taskToken: string): void {
    const waiter = this.waiting.get(taskToken);
    if (waiter?.timeoutTimer) clearTimeout(waiter.timeoutTimer);
    if (waiter?.heartbeatTimer) clearTimeout(waiter.heartbeatTimer);
    this.waiting.delete(taskToken);
    this.closed.add(taskToken);
  }
}

/** A timer that does not keep the process alive, capped at what Node's timers can hold. */
function realTimer(seconds: number, fire: () => void): NodeJS.Timeout {
  return setTimeout(fire, Math.min(seconds, MAX_INTERPRETER_TIMEOUT_SECONDS) * 1000).unref();
}
