import { randomUUID } from 'node:crypto';
import { Duration } from 'aws-cdk-lib';
import { ExecutionAbortedError, ExecutionTimeoutError, StateMachine } from 'aws-local-stepfunctions';
import { AslDefinition } from '../asl/definition';
import { buildExecutionResult, causeText, ExecutionEnd, ExecutionResult, HistoryEvent } from './execution-result';
import { FunctionRegistry, LocalEnvironment } from './function-registry';
import { LambdaHandler, LocalLambdaFunction } from './lambda-runtime';
import { ROOT_INPUT, ROOT_START_TIME } from './context-markers';
import { resolvePlaceholders } from './placeholders';
import { ProcessEnvironment } from './process-environment';
import type { PublishedEvent } from './put-events-integration';
import { PreparedDefinition, prepareDefinition } from './prepare-definition';
import { SynthesizedStateMachine } from '../assembly/stack-resources';
import { buildTaskHandlers, TaskHandler, TaskIntegration } from './task-dispatcher';
import { PendingTask, TaskTokenBroker } from './task-token-broker';

/** Options of one local execution. */
export interface RunOptions {
  /**
   * Replacement handlers for Lambda functions, keyed by the function's construct path
   * (`Stack/Path/Function`), its path below the stack (`Path/Function`) or its logical id.
   * Every invocation of the function, from any state, uses the replacement.
   * @default - each function runs its own code from the cloud assembly
   */
  readonly functions?: Record<string, LambdaHandler>;
  /**
   * Replacement handlers for Task states, keyed by state name (also inside Parallel branches
   * and Map item processors). Takes precedence over `functions`.
   * @default - none
   */
  readonly tasks?: Record<string, TaskHandler>;
  /**
   * Environment variables for every Lambda function (and replacements of Lambda tasks), on top
   * of each function's own.
   * @default - the functions' own environment only
   */
  readonly environment?: Record<string, string>;
  /**
   * The execution name (part of the execution ARN, `$$.Execution.Name`).
   * @default - a random UUID
   */
  readonly name?: string;
  /**
   * Wait the retry intervals and Wait states the definition specifies, in real time.
   * @default false - retries and Wait states take no time
   */
  readonly realDelays?: boolean;
}

/** An execution in progress. */
export interface LocalExecution {
  /** The execution ARN. */
  readonly executionArn: string;
  /** Settles when the execution ends (it never rejects: a failure is a FAILED result). */
  readonly result: Promise<ExecutionResult>;
  /** Stops the execution; its result becomes ABORTED. */
  abort(): void;
  /**
   * Resolves when a callback (`.waitForTaskToken`) task of this execution waits, optionally a
   * given state; settle it with the runner's `sendTaskSuccess` / `sendTaskFailure`.
   */
  waitForTaskToken(stateName?: string): Promise<PendingTask>;
  /**
   * Moves this execution's clock forward without waiting: callback tasks whose TimeoutSeconds
   * elapse fail with `States.Timeout` (or `States.HeartbeatTimeout` without heartbeats), and the
   * execution times out once its own TimeoutSeconds have elapsed.
   */
  advanceTime(duration: Duration): Promise<void>;
}

/** What the runner shares with each of its state machines. */
export interface LocalRunnerServices {
  /** The Lambda functions of the assembly. */
  readonly functions: FunctionRegistry;
  /** Region and account of the local ARNs. */
  readonly environment: LocalEnvironment;
  /** The integrations besides Lambda. */
  readonly integrations: readonly TaskIntegration[];
  /** Task tokens of callback tasks. */
  readonly broker: TaskTokenBroker;
  /** The environment variables of the handlers. */
  readonly processEnvironment: ProcessEnvironment;
  /** The names of the Task states of every state machine of the assembly. */
  readonly taskStateNames: ReadonlySet<string>;
}

/** One execution, as the integrations that run its tasks see it. */
export interface ExecutionScope {
  /** The state machine executing. */
  readonly machine: LocalStateMachine;
  /** The options of the run (they apply to child executions too). */
  readonly options: RunOptions;
  /** The execution ARN. */
  readonly executionArn: string;
  /** The execution's context object (`$$`): Execution, StateMachine. */
  readonly context: Record<string, unknown>;
  /** Child executions started by the run's tasks, filled in as they end. */
  readonly childExecutions: ExecutionResult[];
  /** Events the run's tasks published. */
  readonly publishedEvents: PublishedEvent[];
}

/**
 * One synthesized state machine, ready to run in-process with aws-local-stepfunctions against
 * the Lambda code of the cloud assembly.
 */
export class LocalStateMachine {
  private prepared?: PreparedDefinition;

  /** @internal */
  constructor(
    /** The state machine as synthesized. */
    public readonly synthesized: SynthesizedStateMachine,
    private readonly services: LocalRunnerServices,
  ) {}

  /** The state machine's name locally: its literal name, else its logical id. */
  public get name(): string {
    return this.synthesized.stateMachineName ?? this.synthesized.logicalId;
  }

  /** The state machine ARN locally. */
  public get stateMachineArn(): string {
    const { region, account } = this.services.environment;
    return `arn:aws:states:${region}:${account}:stateMachine:${this.name}`;
  }

  /** The flattened ASL (references as `${LogicalId.Attribute}`), e.g. for a snapshot. */
  public get definition(): AslDefinition {
    return this.synthesized.definition;
  }

  /**
   * Runs an execution to its end.
   *
   * @returns the result; rejects if the definition uses something the runner cannot execute faithfully, or a
   * Task has nothing to run.
   */
  public async run(input: unknown, options: RunOptions = {}): Promise<ExecutionResult> {
    return this.start(input, options).result;
  }

  /**
   * Starts an execution and returns at once, for executions that wait on callbacks.
   *
   * @throws Error if the definition uses something the runner cannot execute faithfully, or a
   * Task has nothing to run.
   */
  public start(input: unknown, options: RunOptions = {}): LocalExecution {
    const prepared = this.prepare();
    this.checkTaskOverrides(options.tasks ?? {});
    const { broker, processEnvironment, functions, integrations, environment } = this.services;
    const name = options.name ?? randomUUID();
    const executionArn = `arn:aws:states:${environment.region}:${environment.account}:execution:${this.name}:${name}`;
    const context = {
      Execution: {
        Id: executionArn,
        Name: name,
        RoleArn: `arn:aws:iam::${environment.account}:role/local-runner`,
        [ROOT_INPUT]: input,
        [ROOT_START_TIME]: new Date().toISOString(),
      },
      StateMachine: { Id: this.stateMachineArn, Name: this.name },
    };
    const scope: ExecutionScope = { machine: this, options, executionArn, context, childExecutions: [], publishedEvents: [] };
    const taskHandlers = buildTaskHandlers({
      prepared,
      functions,
      functionOverrides: this.functionOverrides(options.functions ?? {}),
      taskOverrides: options.tasks ?? {},
      environment: options.environment ?? {},
      processEnvironment,
      integrations,
      scope,
      broker,
    });
    const execution = prepared.interpreter.run(input as any, {
      overrides: {
        taskResourceLocalHandlers: taskHandlers as any,
        ...(options.realDelays ? {} : prepared.zeroDelays),
      },
      context,
    });
    processEnvironment.enter();
    const clock = { elapsedSeconds: 0, timedOut: false };
    const result = collect(execution, scope, input, clock).finally(() => {
      processEnvironment.leave();
      broker.abandon(executionArn);
    });
    return {
      executionArn,
      result,
      abort: execution.abort,
      waitForTaskToken: (stateName) => Promise.race([
        broker.waitForTask((task) => task.executionArn === executionArn && (!stateName || task.stateName === stateName)),
        result.then((ended) => Promise.reject(new Error(
          `The execution ended (${ended.status}) before ${stateName ? `task '${stateName}'` : 'a callback task'} waited for a task token.`,
        ))),
      ]),
      advanceTime: async (duration) => {
        clock.elapsedSeconds += duration.toSeconds();
        broker.advanceTime(duration.toSeconds(), executionArn);
        if (prepared.timeoutSeconds !== undefined && clock.elapsedSeconds >= prepared.timeoutSeconds) {
          clock.timedOut = true;
          execution.abort();
        }
      },
    };
  }

  private prepare(): PreparedDefinition {
    this.prepared ??= prepareDefinition(
      this.synthesized.definition,
      (text) => resolvePlaceholders(text, this.synthesized.stack, this.services.environment, this.services.functions),
      `state machine ${this.synthesized.constructPath ?? this.synthesized.logicalId}`,
    );
    return this.prepared;
  }

  /**
   * A replacement for a state that is not a Task would never run: a typo the test should hear
   * about. Replacements apply to nested executions too, so any state machine's Task counts.
   */
  private checkTaskOverrides(overrides: Record<string, TaskHandler>): void {
    const known = this.services.taskStateNames;
    const unknown = Object.keys(overrides).filter((name) => !known.has(name));
    if (unknown.length > 0) {
      throw new Error(
        `RunOptions.tasks names ${unknown.map((n) => `'${n}'`).join(', ')}, which ${unknown.length === 1 ? 'is' : 'are'} not a Task state. ` +
          `Task states: ${[...known].join(', ')}.`,
      );
    }
  }

  private functionOverrides(overrides: Record<string, LambdaHandler>): Map<LocalLambdaFunction, LambdaHandler> {
    return new Map(
      Object.entries(overrides).map(([key, handler]) => {
        const fn = this.services.functions.find(key);
        if (!fn) {
          const known = this.services.functions.all.map((f) => f.fn.constructPath ?? f.fn.logicalId).join(', ');
          throw new Error(`RunOptions.functions names '${key}', which matches no function. Known functions: ${known}.`);
        }
        return [fn, handler];
      }),
    );
  }
}

async function collect(
  execution: ReturnType<StateMachine['run']>,
  scope: ExecutionScope,
  input: unknown,
  clock: { timedOut: boolean },
): Promise<ExecutionResult> {
  const events: HistoryEvent[] = [];
  const logging = (async () => {
    for await (const event of execution.eventLogs) events.push(event as HistoryEvent);
  })();
  let end: ExecutionEnd;
  try {
    end = { status: 'SUCCEEDED', output: await execution.result };
  } catch (error) {
    end = clock.timedOut ? TIMED_OUT : endOf(error);
  }
  await logging;
  if (end.status === 'FAILED') {
    const failed = events.find((event) => event.type === 'ExecutionFailed');
    end = { status: 'FAILED', error: failed?.Error ?? end.error, cause: failed ? causeText(failed.Cause) : end.cause };
  }
  return buildExecutionResult(scope.executionArn, input, end, events, scope);
}

const TIMED_OUT: ExecutionEnd = { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution timed out.' };

function endOf(error: unknown): ExecutionEnd {
  if (error instanceof ExecutionTimeoutError) return TIMED_OUT;
  if (error instanceof ExecutionAbortedError) return { status: 'ABORTED' };
  const inner = (error as { cause?: Error }).cause ?? (error as Error);
  return { status: 'FAILED', error: inner.name, cause: causeText((inner as { cause?: unknown }).cause ?? inner.message) };
}
