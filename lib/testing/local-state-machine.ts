import { Duration } from 'aws-cdk-lib';
import { AslDefinition } from '../asl/definition';
import { SynthesizedStateMachine } from '../assembly/stack-resources';
import { VirtualClock } from './engine/clock';
import { ExecutionRun } from './engine/execution';
import { jsonBytesAtMost, jsonCopy } from './engine/json-value';
import { randomSource } from './engine/random';
import { MAX_PAYLOAD_BYTES } from './engine/states/state';
import { CompiledStateMachine } from './engine/state-machine';
import { PendingTask, TaskTokenBroker } from './engine/task-tokens';
import { recordExecution } from './coverage/state-machine-coverage';
import { ExecutionResult } from './execution-result';
import type { LocalEnvironment } from './function-registry';
import { LambdaHandler } from './lambda-runtime';
import { recordMatchedChoiceRules } from './matched-choice-rules';
import { ExecutionScope, LocalTaskHost, TaskHandler, TaskServices, tasksWithoutHandler } from './task-host';

/** Options of one local execution. */
export interface RunOptions {
  /**
   * Replacement handlers for Lambda functions, keyed by the function's construct path
   * (`Stack/Path/Function`), its path below the stack (`Path/Function`) or its logical id.
   * Every invocation of the function, from any state, uses the replacement, which receives
   * the function's event and returns its result (the runner adds `lambda:invoke`'s envelope).
   * @default - each function runs its own code from the cloud assembly
   */
  readonly functions?: Record<string, LambdaHandler>;
  /**
   * Replacements for Task states' calls, keyed by state name (also inside Parallel branches
   * and Map item processors), by `Resource`, or by service action (`'http:invoke'`,
   * `'aws-sdk:ssm:getParameter'`, `'sqs:sendMessage'` for every pattern of it): each receives
   * the request and returns the service's response (see {@link TaskHandler}). A state name
   * wins over a `Resource`, which wins over a service action. Takes precedence over
   * `functions` and the local integrations (DynamoDB, SQS, SNS, EventBridge, S3).
   * @default - none
   */
  readonly tasks?: Record<string, TaskHandler>;
  /**
   * Environment variables for every Lambda function, on top of each function's own.
   * @default - the functions' own environment only
   */
  readonly environment?: Record<string, string>;
  /**
   * The execution name (part of the execution ARN, `$$.Execution.Name`).
   * @default - a random UUID
   */
  readonly name?: string;
  /**
   * Take the time the definition asks for in real time: Wait states and retry intervals.
   * @default false - they take no real time: the runner's clock jumps when nothing else runs
   */
  readonly realDelays?: boolean;
  /**
   * Seed of the execution's randomness (retry jitter, task tokens, UUIDs, `$random()`,
   * `States.MathRandom`): the same seed gives the same run.
   * @default - random
   */
  readonly seed?: string;
}

/** An execution in progress. */
export interface LocalExecution {
  /** The execution ARN. */
  readonly executionArn: string;
  /** Settles when the execution ends (it never rejects: a failure is a FAILED result). */
  readonly result: Promise<ExecutionResult>;
  /** StopExecution: the execution ends ABORTED. */
  abort(): void;
  /**
   * Resolves when a callback (`.waitForTaskToken`) task of this execution waits, optionally a
   * given state; settle it with the runner's `sendTaskSuccess` / `sendTaskFailure`.
   *
   * @throws Error (rejects) when the execution ends first.
   */
  waitForTaskToken(stateName?: string): Promise<PendingTask>;
  /**
   * Moves the runner's clock forward without waiting (every execution of the runner shares
   * it): timers that fall due fire in order, so callback tasks whose TimeoutSeconds or
   * HeartbeatSeconds elapse fail with `States.Timeout`, and executions time out.
   */
  advanceTime(duration: Duration): Promise<void>;
}

/** What the runner shares with each of its state machines. */
export interface LocalRunnerServices extends TaskServices {
  /** Region and account of the local ARNs. */
  readonly environment: LocalEnvironment;
  /** The clock of every execution. */
  readonly clock: VirtualClock;
  /** Task tokens of callback tasks. */
  readonly tokens: TaskTokenBroker;
  /** The names and `Resource`s of the Task states of every state machine of the runner. */
  readonly taskKeys: ReadonlySet<string>;
  /** Task replacements every execution gets (below its own). */
  readonly defaultTasks: Record<string, TaskHandler>;
}

/** Where a state machine comes from: the cloud assembly, or a definition given directly. */
export interface LocalStateMachineSource {
  /** The state machine's name. */
  readonly name: string;
  /** STANDARD or EXPRESS. */
  readonly stateMachineType: 'STANDARD' | 'EXPRESS';
  /** The definition as written (references as `${LogicalId.Attribute}` placeholders). */
  readonly definition: AslDefinition;
  /** The definition the runner executes: placeholders resolved to local values. */
  readonly resolvedDefinition: AslDefinition;
  /** The role ARN executions report. */
  readonly roleArn: string;
  /** The state machine as synthesized, when it comes from a cloud assembly. */
  readonly synthesized?: SynthesizedStateMachine;
}

/**
 * One state machine, ready to run in-process on the runner's ASL engine against the Lambda
 * code of the cloud assembly (or the tasks a test gives).
 */
export class LocalStateMachine {
  private compiled?: CompiledStateMachine;
  private lastProblems?: { readonly key: string; readonly problems: string[] };

  /** @internal */
  constructor(
    private readonly source: LocalStateMachineSource,
    private readonly services: LocalRunnerServices,
  ) {}

  /** The state machine's name locally: its literal name, else its logical id. */
  public get name(): string {
    return this.source.name;
  }

  /** The state machine as synthesized (undefined for a definition given to `LocalRunner.fromDefinition`). */
  public get synthesized(): SynthesizedStateMachine | undefined {
    return this.source.synthesized;
  }

  /** The state machine ARN locally. */
  public get stateMachineArn(): string {
    const { region, account } = this.services.environment;
    return `arn:aws:states:${region}:${account}:stateMachine:${this.name}`;
  }

  /** The flattened ASL (references as `${LogicalId.Attribute}`), e.g. for a snapshot. */
  public get definition(): AslDefinition {
    return this.source.definition;
  }

  /** The ASL the runner executes (references resolved to local ARNs and names). */
  public get resolvedDefinition(): AslDefinition {
    return this.source.resolvedDefinition;
  }

  /**
   * Runs an execution to its end.
   *
   * @returns the result; rejects as {@link LocalStateMachine.start} throws.
   */
  public async run(input: unknown, options: RunOptions = {}): Promise<ExecutionResult> {
    return this.start(input, options).result;
  }

  /**
   * Starts an execution and returns at once, for executions that wait on callbacks.
   *
   * @throws InvalidDefinitionError if Step Functions would refuse the definition (each
   * problem with its code and location); Error if a Task has nothing to run locally (naming
   * it and how to supply a handler) or a replacement names no Task.
   */
  public start(input: unknown, options: RunOptions = {}): LocalExecution {
    const compiled = this.compile();
    const merged: RunOptions = { ...options, tasks: { ...this.services.defaultTasks, ...options.tasks } };
    this.checkTaskReplacements(options.tasks ?? {});
    const problems = this.problemsOf(merged);
    if (problems.length > 0) {
      throw new Error(
        `These tasks have nothing to run locally:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
          'Pass a replacement in RunOptions.tasks (by state name or Resource) or RunOptions.functions (by function).',
      );
    }
    const executionInput = startInput(input);
    const random = randomSource(options.seed);
    const name = options.name ?? random.uuid();
    const { region, account } = this.services.environment;
    const executionArn = `arn:aws:states:${region}:${account}:execution:${this.name}:${name}`;
    const scope: ExecutionScope = { machine: this, options: merged, executionArn, childExecutions: [], publishedEvents: [], sentMessages: [], publishedMessages: [] };
    const { clock, tokens, processEnvironment } = this.services;
    const run = compiled.start(
      { executionArn, name, input: executionInput, stateMachineArn: this.stateMachineArn, stateMachineName: this.name, roleArn: this.source.roleArn, region, account, random, realDelays: options.realDelays ?? false },
      { host: new LocalTaskHost(this.services, scope), clock, tokens },
    );
    processEnvironment.enter();
    const result = run.done.then(() => {
      processEnvironment.leave();
      return recordExecution(this, resultOf(run, scope, this.source.resolvedDefinition));
    });
    return {
      executionArn,
      result,
      abort: () => run.abort(),
      waitForTaskToken: (stateName) =>
        Promise.race([
          tokens.waitForTask((task) => task.executionArn === executionArn && (!stateName || task.stateName === stateName)),
          result.then((ended) => Promise.reject(new Error(`The execution ended (${ended.status}) before ${stateName ? `task '${stateName}'` : 'a callback task'} waited for a task token.`))),
        ]),
      advanceTime: (duration) => clock.advance(duration.toMilliseconds()),
    };
  }

  /** The Tasks with nothing to run for these replacements (cached for the last set of keys: tests repeat them). */
  private problemsOf(options: RunOptions): string[] {
    const key = `${Object.keys(options.tasks ?? {}).join('\u0000')}\u0001${Object.keys(options.functions ?? {}).join('\u0000')}`;
    if (this.lastProblems?.key !== key) this.lastProblems = { key, problems: tasksWithoutHandler(this, options, this.services) };
    return this.lastProblems.problems;
  }

  private compile(): CompiledStateMachine {
    this.compiled ??= CompiledStateMachine.compile(this.source.resolvedDefinition, this.source.stateMachineType);
    return this.compiled;
  }

  /**
   * A replacement for a state that is not a Task would never run: a typo the test should hear
   * about. Replacements apply to nested executions too, so any state machine's Task counts.
   */
  private checkTaskReplacements(replacements: Record<string, TaskHandler>): void {
    const known = this.services.taskKeys;
    const unknown = Object.keys(replacements).filter((key) => !known.has(key));
    if (unknown.length > 0) {
      throw new Error(
        `RunOptions.tasks names ${unknown.map((n) => `'${n}'`).join(', ')}, which ${unknown.length === 1 ? 'is' : 'are'} not a Task state or Resource. ` +
          `Task states: ${[...known].filter((key) => !key.startsWith('arn:') && !/^[a-z0-9-]+:/.test(key)).join(', ')}.`,
      );
    }
  }
}

/**
 * The execution input as StartExecution takes it: JSON (a copy, so that changing the test's
 * object later changes nothing), at most 256 KiB.
 *
 * @throws Error `InvalidExecutionInput` for a larger input.
 */
function startInput(input: unknown): unknown {
  const copy = input === undefined ? {} : jsonCopy(input);
  if (jsonBytesAtMost(copy, MAX_PAYLOAD_BYTES) > MAX_PAYLOAD_BYTES && Buffer.byteLength(JSON.stringify(copy)) > MAX_PAYLOAD_BYTES) {
    const error = new Error(`The execution input is larger than ${MAX_PAYLOAD_BYTES} bytes, which StartExecution refuses.`);
    error.name = 'InvalidExecutionInput';
    throw error;
  }
  return copy;
}

/** The result of an engine run, with what the runner's integrations recorded. */
function resultOf(run: ExecutionRun, scope: ExecutionScope | undefined, definition: AslDefinition): ExecutionResult {
  const error = run.error;
  const result = new ExecutionResult({
    executionArn: run.executionArn,
    status: run.status,
    input: run.request.input,
    output: run.output,
    error: error?.given.error ? error.error : undefined,
    cause: error?.given.cause ? error.causeText : undefined,
    events: () => run.history.events(),
    definition,
    childExecutions: [...(scope?.childExecutions ?? []), ...run.childRuns.map((child) => resultOf(child, undefined, definition))],
    publishedEvents: scope?.publishedEvents ?? [],
    sentMessages: scope?.sentMessages ?? [],
    publishedMessages: scope?.publishedMessages ?? [],
  });
  return recordMatchedChoiceRules(result, run.history.matchedChoiceRules());
}
