import { randomUUID } from 'node:crypto';
import { AslState, listStates } from '../asl/definition';
import { StatesError } from './engine/errors';
import { EngineHost, TaskInvocation } from './engine/host';
import { isJsonataExpression } from './engine/jsonata';
import { jsonCopy } from './engine/json-value';
import type { ObjectStore } from './engine/object-store';
import type { ExecutionResult } from './execution-result';
import { FunctionRegistry } from './function-registry';
import { LambdaHandler, LocalLambdaFunction } from './lambda-runtime';
import type { LocalStateMachine, RunOptions } from './local-state-machine';
import { ProcessEnvironment } from './process-environment';
import { handlerKeys, httpInvokeResult, serviceErrorOf, suggestedHandlerKey } from './integrations/service-actions';
import type { PublishedMessage } from './integrations/sns-integration';
import type { SentMessage } from './integrations/sqs-integration';
import type { PublishedEvent } from './put-events-integration';

/** What a Task state's replacement receives besides its request. */
export interface TaskContext {
  /** The Task state's name. */
  readonly stateName: string;
  /** 0 on the first attempt, then the retries so far. */
  readonly retryCount: number;
  /** The Task's `Resource`. */
  readonly resource: string;
  /** The task token, for a `.waitForTaskToken` task. */
  readonly taskToken?: string;
}

/**
 * A test's replacement for a Task state's call: it receives the request the Task sends (its
 * `Parameters` / `Arguments` evaluated: for a bare Lambda function ARN the function's event,
 * for `lambda:invoke` `{ FunctionName, Payload }`, for DynamoDB `{ TableName, Key }`, ...) and
 * returns what the service would answer (for `lambda:invoke`, its response with `Payload`;
 * for a `.waitForTaskToken` task, the send's response: the task then waits for its token).
 * A thrown error's `name` is the ASL error (see {@link TaskFailure}). To replace a Lambda
 * function's code and keep the service's envelope, use `RunOptions.functions` instead.
 */
export type TaskHandler = (input: any, context: TaskContext) => unknown;

/** One execution, as the integrations that run its tasks see it. */
export interface ExecutionScope {
  /** The state machine executing. */
  readonly machine: LocalStateMachine;
  /** The options of the run (they apply to child executions too). */
  readonly options: RunOptions;
  /** The execution ARN. */
  readonly executionArn: string;
  /** Child executions started by the run's tasks, filled in as they end. */
  readonly childExecutions: ExecutionResult[];
  /** Events the run's tasks published. */
  readonly publishedEvents: PublishedEvent[];
  /** SQS messages the run's tasks sent. */
  readonly sentMessages: SentMessage[];
  /** SNS messages the run's tasks published. */
  readonly publishedMessages: PublishedMessage[];
}

/** One task attempt, as a {@link TaskIntegration} sees it. */
export interface TaskCall {
  /** The engine's invocation: state, resource, request, token, ... */
  readonly invocation: TaskInvocation;
  /** The execution it belongs to. */
  readonly scope: ExecutionScope;
}

/** Runs the tasks of one kind of `Resource` locally (nested executions, EventBridge events). */
export interface TaskIntegration {
  /** Whether this integration runs tasks with this `Resource`. */
  matches(resource: string): boolean;
  /** Why a Task with this state of `machine` cannot run, or undefined when it can. */
  problem?(stateName: string, state: AslState, machine: LocalStateMachine): string | undefined;
  /** Runs the task and returns the service's response. */
  invoke(call: TaskCall): Promise<unknown>;
}

/** What the runner shares with every execution's tasks. */
export interface TaskServices {
  readonly functions: FunctionRegistry;
  readonly integrations: readonly TaskIntegration[];
  readonly processEnvironment: ProcessEnvironment;
  readonly objectStore?: ObjectStore;
}

const LAMBDA_INVOKE = /^arn:[^:]+:states:::lambda:invoke(\.waitForTaskToken)?$/;
const BARE_LAMBDA = /^arn:[^:]+:lambda:/;

/**
 * Runs the Task states of one execution: a test's replacement (by state name or `Resource`)
 * first, then the Lambda function's own code from the cloud assembly (or its replacement in
 * `RunOptions.functions`), then an integration (nested executions, EventBridge). A callback
 * task with none of these is taken as sent: the test answers its token.
 */
export class LocalTaskHost implements EngineHost {
  public readonly objectStore?: ObjectStore;
  private readonly functionOverrides: Map<LocalLambdaFunction, LambdaHandler>;

  constructor(
    private readonly services: TaskServices,
    private readonly scope: ExecutionScope,
  ) {
    this.objectStore = services.objectStore;
    this.functionOverrides = functionOverridesOf(services.functions, scope.options.functions ?? {});
  }

  public async invokeTask(invocation: TaskInvocation): Promise<unknown> {
    const replacement = replacementFor(this.scope.options.tasks ?? {}, invocation.stateName, invocation.resource);
    if (replacement) {
      const context: TaskContext = { stateName: invocation.stateName, retryCount: invocation.retryCount, resource: invocation.resource, taskToken: invocation.taskToken };
      let answer: unknown;
      try {
        answer = await call(() => replacement(asJson(invocation.input), context));
      } catch (error) {
        throw serviceErrorOf(invocation.resource, error);
      }
      return httpInvokeResult(invocation.resource, asJson(answer));
    }
    const lambda = this.lambdaTarget(invocation);
    if (lambda) return this.invokeLambda(lambda, invocation);
    if (LAMBDA_INVOKE.test(invocation.resource) || BARE_LAMBDA.test(invocation.resource)) throw functionNotFound(invocation);
    const integration = this.services.integrations.find((candidate) => candidate.matches(invocation.resource));
    if (integration) return integration.invoke({ invocation, scope: this.scope });
    if (invocation.pattern === 'WAIT_FOR_TASK_TOKEN') return {};
    throw new Error(`Task '${invocation.stateName}' (${invocation.resource}) has nothing to run locally: pass a replacement in RunOptions.tasks.`);
  }

  private lambdaTarget(invocation: TaskInvocation): { fn: LocalLambdaFunction; envelope: boolean } | undefined {
    if (LAMBDA_INVOKE.test(invocation.resource)) {
      const name = (invocation.input as { FunctionName?: unknown } | null)?.FunctionName;
      const fn = typeof name === 'string' ? this.services.functions.resolve(name) : undefined;
      return fn ? { fn, envelope: true } : undefined;
    }
    const fn = BARE_LAMBDA.test(invocation.resource) ? this.services.functions.resolve(invocation.resource) : undefined;
    return fn ? { fn, envelope: false } : undefined;
  }

  private async invokeLambda({ fn, envelope }: { fn: LocalLambdaFunction; envelope: boolean }, invocation: TaskInvocation): Promise<unknown> {
    const event = envelope ? (invocation.input as { Payload?: unknown }).Payload : invocation.input;
    const payload = await fn.invoke(event, {
      processEnvironment: this.services.processEnvironment,
      environment: this.scope.options.environment ?? {},
      handler: this.functionOverrides.get(fn),
    });
    return envelope ? invokeResponse(payload) : payload;
  }
}

/**
 * Why Task states of a state machine have nothing to run locally, one line per state; empty
 * when every Task can run. Lambda tasks whose function is chosen at run time pass (they fail
 * then if the function is unknown).
 */
export function tasksWithoutHandler(machine: LocalStateMachine, options: RunOptions, services: TaskServices): string[] {
  const problems: string[] = [];
  const overrides = functionOverridesOf(services.functions, options.functions ?? {});
  for (const { name, state } of listStates(machine.resolvedDefinition)) {
    if (state.Type !== 'Task') continue;
    const resource = String(state.Resource);
    if (replacementFor(options.tasks ?? {}, name, resource)) continue;
    const problem = lambdaProblem(state, resource, services.functions, overrides) ?? otherProblem(name, state, resource, machine, services.integrations);
    if (problem) problems.push(`Task '${name}' (${resource}): ${problem}`);
  }
  return problems;
}

function lambdaProblem(state: AslState, resource: string, functions: FunctionRegistry, overrides: Map<LocalLambdaFunction, LambdaHandler>): string | undefined {
  let name: unknown;
  if (LAMBDA_INVOKE.test(resource)) {
    const request = (state.Parameters ?? state.Arguments) as Record<string, unknown> | undefined;
    name = request?.FunctionName;
    if (request?.['FunctionName.$'] !== undefined || isJsonataExpression(name)) return undefined;
  } else if (BARE_LAMBDA.test(resource)) {
    name = resource;
  } else {
    return undefined;
  }
  const fn = typeof name === 'string' ? functions.resolve(name) : undefined;
  if (!fn) return `function ${String(name)} is not in the cloud assembly`;
  if (!fn.hasCode && !overrides.has(fn)) return `function ${fn.fn.constructPath ?? fn.fn.logicalId} has no code in the assembly`;
  return undefined;
}

function otherProblem(name: string, state: AslState, resource: string, machine: LocalStateMachine, integrations: readonly TaskIntegration[]): string | undefined {
  if (LAMBDA_INVOKE.test(resource) || BARE_LAMBDA.test(resource)) return undefined;
  const integration = integrations.find((candidate) => candidate.matches(resource));
  if (integration) return integration.problem?.(name, state, machine);
  if (resource.endsWith('.waitForTaskToken')) return undefined;
  return `no local integration answers it: register a handler in RunOptions.tasks or LocalRunnerOptions.tasks under '${suggestedHandlerKey(resource)}' (every such Task) or '${name}' (this state)`;
}

/** A test's replacement for a Task: by state name, then by `Resource` or its service action (see `handlerKeys`). */
function replacementFor(tasks: Record<string, TaskHandler>, stateName: string, resource: string): TaskHandler | undefined {
  return tasks[stateName] ?? handlerKeys(resource).map((key) => tasks[key]).find((handler) => handler !== undefined);
}

function functionOverridesOf(functions: FunctionRegistry, overrides: Record<string, LambdaHandler>): Map<LocalLambdaFunction, LambdaHandler> {
  return new Map(
    Object.entries(overrides).map(([key, handler]) => {
      const fn = functions.find(key);
      if (!fn) {
        const known = functions.all.map((f) => f.fn.constructPath ?? f.fn.logicalId).join(', ') || 'none';
        throw new Error(`RunOptions.functions names '${key}', which matches no function. Known functions: ${known}.`);
      }
      return [fn, handler];
    }),
  );
}

/**
 * The response of Lambda's Invoke as Step Functions' `lambda:invoke` returns it.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
 */
function invokeResponse(payload: unknown): Record<string, unknown> {
  const requestId = randomUUID();
  const headers = { 'Content-Type': 'application/json', 'X-Amz-Executed-Version': '$LATEST', 'x-amzn-RequestId': requestId };
  return {
    ExecutedVersion: '$LATEST',
    Payload: payload,
    SdkHttpMetadata: { AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])), HttpHeaders: headers, HttpStatusCode: 200 },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: 200,
  };
}

function functionNotFound(invocation: TaskInvocation): StatesError {
  const name = LAMBDA_INVOKE.test(invocation.resource) ? String((invocation.input as { FunctionName?: unknown } | null)?.FunctionName) : invocation.resource;
  const error = new StatesError(
    'Lambda.ResourceNotFoundException',
    `Function not found: ${name} (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: ${randomUUID()}; Proxy: null)`,
  );
  error.fromTask = true;
  return error;
}

/** Calls a handler, turning a synchronous throw into a rejection. */
async function call(handler: () => unknown): Promise<unknown> {
  return handler();
}

/** A value as JSON would carry it between Step Functions and a service (undefined becomes null). */
function asJson(value: unknown): unknown {
  return value === undefined ? null : jsonCopy(value);
}
