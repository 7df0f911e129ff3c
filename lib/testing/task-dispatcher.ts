import { AslState } from '../asl/definition';
import { fillContext } from './context-markers';
import { constantResultIntegration, failStateIntegration } from './emulated-states';
import { FunctionRegistry } from './function-registry';
import type { ExecutionScope, LocalStateMachine } from './local-state-machine';
import { LambdaHandler, LocalLambdaFunction } from './lambda-runtime';
import { PreparedDefinition } from './prepare-definition';
import { ProcessEnvironment } from './process-environment';
import { RetryCounter } from './retry-counter';
import { CallbackLimits } from './state-rewrites';
import { asInterpreterError } from './states-timeout';
import { TaskFailure } from './task-failure';
import { TaskTokenBroker } from './task-token-broker';

/** What a Task state's replacement receives besides its input. */
export interface TaskContext {
  /** The Task state's name. */
  readonly stateName: string;
  /** 0 on the first attempt, then the retries so far. */
  readonly retryCount: number;
}

/**
 * A test's replacement for a Task state. For a Lambda task it receives the event the function
 * would receive and returns what the function would return; for another integration it
 * receives the resolved `Parameters` and returns the service's response. A thrown error's
 * `name` is the ASL error (see {@link TaskFailure}).
 */
export type TaskHandler = (input: any, context: TaskContext) => unknown;

/** Runs one Task state locally, given its resolved parameters. */
export interface TaskIntegration {
  /** Whether this integration runs tasks with this `Resource`. */
  matches(resource: string): boolean;
  /** Why a task with this state of `machine` cannot run, or undefined when it can. */
  problem?(stateName: string, state: AslState, machine: LocalStateMachine): string | undefined;
  /** Runs the task and returns its raw result (before `ResultSelector`). */
  invoke(call: TaskCall): Promise<unknown>;
}

/** One attempt of a Task state, as a {@link TaskIntegration} sees it. */
export interface TaskCall {
  readonly stateName: string;
  readonly state: AslState;
  /** The effective input: `Parameters` evaluated, context fields filled in. */
  readonly input: any;
  readonly retryCount: number;
  /** The execution the task belongs to. */
  readonly scope: ExecutionScope;
  /** The task token, for a `.waitForTaskToken` task. */
  readonly taskToken?: string;
}

/** How the dispatcher finds the code for each task. */
export interface TaskDispatcherProps {
  readonly prepared: PreparedDefinition;
  readonly functions: FunctionRegistry;
  /** Replacement handlers, by function. */
  readonly functionOverrides: Map<LocalLambdaFunction, LambdaHandler>;
  /** Replacement handlers, by Task state name. */
  readonly taskOverrides: Record<string, TaskHandler>;
  /** Environment variables on top of each function's own. */
  readonly environment: Record<string, string>;
  /** Where the functions' environment variables are set. */
  readonly processEnvironment: ProcessEnvironment;
  /** Integrations besides Lambda (nested executions, events), tried in order. */
  readonly integrations: readonly TaskIntegration[];
  /** The execution the tasks belong to. */
  readonly scope: ExecutionScope;
  /** Issues and settles the task tokens of callback tasks. */
  readonly broker: TaskTokenBroker;
}

const NO_INTEGRATION = 'no local integration for this resource';

const LAMBDA_INVOKE = /^arn:[^:]+:states:::lambda:invoke(\.waitForTaskToken)?$/;

/**
 * Builds, for every Task state, the local handler aws-local-stepfunctions calls instead of AWS.
 *
 * @throws Error listing every Task that has neither a replacement, nor a Lambda function with
 * code in the assembly, nor a supported integration: without a handler the interpreter would
 * call AWS.
 */
export function buildTaskHandlers(props: TaskDispatcherProps): Record<string, (input: unknown) => Promise<unknown>> {
  const retryCounter = new RetryCounter();
  const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  const problems: string[] = [];
  for (const [stateName, state] of props.prepared.tasks) {
    const limits = props.prepared.callbackLimits.get(stateName);
    const found = taskRunner(props, stateName, state);
    const takenAsSent = limits !== undefined && found === NO_INTEGRATION;
    if (typeof found === 'string' && !takenAsSent) {
      problems.push(`Task '${stateName}' (${String(state.Resource)}): ${found}`);
      continue;
    }
    const send = typeof found === 'string' ? async () => null : found;
    const run = limits ? waitForCallback(props, limits, send) : send;
    handlers[stateName] = async (input) => {
      const key = `${stateName}\u0000${JSON.stringify(input)}`;
      const attempt = retryCounter.begin(key, state);
      const taskToken = limits ? props.broker.newToken() : undefined;
      const filled = fillContext(input, { stateName, ...attempt, taskToken });
      try {
        const result = await run({ stateName, state, input: filled, retryCount: attempt.retryCount, scope: props.scope, taskToken });
        retryCounter.succeed(key);
        return result;
      } catch (error) {
        const failure = await asInterpreterError(error);
        retryCounter.fail(key, state, failure.name);
        throw failure;
      }
    };
  }
  if (problems.length > 0) {
    throw new Error(`These tasks have nothing to run locally:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
      "Pass a replacement in RunOptions.tasks (by state name) or RunOptions.functions (by function).");
  }
  return handlers;
}

/** The function that runs a task, or why there is none. */
function taskRunner(props: TaskDispatcherProps, stateName: string, state: AslState): ((call: TaskCall) => Promise<unknown>) | string {
  const resource = String(state.Resource);
  const override = props.taskOverrides[stateName];
  const lambda = lambdaTarget(props.functions, state);
  if (lambda) {
    const { fn, envelope } = lambda;
    const functionOverride = props.functionOverrides.get(fn);
    if (!override && !functionOverride && !fn.hasCode) {
      return `function ${fn.fn.constructPath ?? fn.fn.logicalId} has no code in the assembly`;
    }
    return async ({ input, retryCount }) => {
      const event = envelope ? input.Payload : input;
      const handler: LambdaHandler | undefined = override ? (e) => override(e, { stateName, retryCount }) : functionOverride;
      const payload = await fn.invoke(event, { processEnvironment: props.processEnvironment, environment: props.environment, handler });
      return envelope ? { ExecutedVersion: '$LATEST', Payload: payload, StatusCode: 200 } : payload;
    };
  }
  if (override) return async (call) => override(call.input, { stateName, retryCount: call.retryCount });
  const integration = [failStateIntegration, constantResultIntegration, ...props.integrations].find((i) => i.matches(resource));
  if (!integration) return NO_INTEGRATION;
  return integration.problem?.(stateName, state, props.scope.machine) ?? ((call) => integration.invoke(call));
}

/**
 * A `.waitForTaskToken` task: sends (invokes the Lambda function, or the test's replacement;
 * another service is taken as sent), then waits until the token is settled with the task-token
 * API, or times out. The result is the output SendTaskSuccess gave.
 */
function waitForCallback(props: TaskDispatcherProps, limits: CallbackLimits, send: (call: TaskCall) => Promise<unknown>) {
  return async (call: TaskCall): Promise<unknown> => {
    const taskToken = call.taskToken!;
    const executionArn = call.scope.executionArn;
    const sent = LAMBDA_INVOKE.test(String(call.state.Resource)) ? call.input.Payload : call.input;
    const settled = props.broker.wait({ taskToken, stateName: call.stateName, executionArn, input: sent, ...limits });
    try {
      await send(call);
    } catch (error) {
      props.broker.cancel(taskToken);
      throw error;
    }
    props.broker.announce(taskToken);
    return settled;
  };
}

/** The Lambda function a Task invokes, and whether its result is wrapped in the invoke envelope. */
function lambdaTarget(functions: FunctionRegistry, state: AslState): { fn: LocalLambdaFunction; envelope: boolean } | undefined {
  const resource = String(state.Resource);
  if (LAMBDA_INVOKE.test(resource)) {
    const name = (state.Parameters as Record<string, unknown> | undefined)?.FunctionName;
    const fn = typeof name === 'string' ? functions.resolve(name) : undefined;
    return fn ? { fn, envelope: true } : undefined;
  }
  const fn = functions.resolve(resource);
  return fn ? { fn, envelope: false } : undefined;
}
