import { AslState } from '../../../asl/definition';
import { ThreadCancelled } from '../cancellation';
import { asStatesError, StatesError, States } from '../errors';
import { HistoryEventType } from '../history';
import { IntegrationPattern } from '../host';
import { compileReferencePath, CompiledPath } from '../json-path';
import { compileJsonataField, JsonataField } from '../jsonata-fields';
import { applyFilterPath } from '../paths';
import { compilePayloadTemplate, Evaluator } from '../payload-template';
import { compileProcessing } from '../processing';
import { contextOf, scopeOf, StateRun } from '../thread';
import { CompileContext, nextOf } from './compile-context';
import { attemptWithRetries, compileErrorHandling } from './error-handling';
import { checkPayloadSize, CompiledState, enterState } from './state';

/** How history names a Task's resource. */
export interface TaskResource {
  /** `service`: an optimized or AWS SDK integration; `lambda`: a bare function ARN; `activity`. */
  readonly kind: 'service' | 'lambda' | 'activity';
  /** The `Resource` as written (placeholders resolved). */
  readonly arn: string;
  /** `lambda`, `sqs`, `aws-sdk:dynamodb`, `states`, ... (service tasks). */
  readonly resourceType: string;
  /** `invoke`, `sendMessage.waitForTaskToken`, `getItem`, ... (service tasks); the ARN otherwise. */
  readonly resource: string;
  readonly pattern: IntegrationPattern;
}

/**
 * Reads a Task's `Resource`: a service integration (`arn:aws:states:::sqs:sendMessage`,
 * `arn:aws:states:::aws-sdk:dynamodb:getItem`), a bare Lambda function ARN or an activity ARN.
 */
export function taskResourceOf(resource: string): TaskResource {
  const pattern: IntegrationPattern = resource.endsWith('.waitForTaskToken') ? 'WAIT_FOR_TASK_TOKEN' : /\.sync(:\d+)?$/.test(resource) ? 'RUN_JOB' : 'REQUEST_RESPONSE';
  if (/^arn:[^:]+:lambda:/.test(resource)) return { kind: 'lambda', arn: resource, resourceType: 'lambda', resource, pattern };
  if (/^arn:[^:]+:states:[^:]*:[^:]*:activity:/.test(resource)) return { kind: 'activity', arn: resource, resourceType: 'activity', resource, pattern };
  const parts = resource.split(':').slice(5);
  const sdk = parts[0] === 'aws-sdk';
  const resourceType = sdk ? `aws-sdk:${parts[1] ?? ''}` : (parts[0] ?? resource);
  return { kind: 'service', arn: resource, resourceType, resource: parts.slice(sdk ? 2 : 1).join(':'), pattern };
}

/** A number of seconds a task gets, as written: a constant, a path, or a JSONata expression. */
type SecondsField = (run: StateRun, selected: unknown) => number | undefined | Promise<number | undefined>;

/**
 * A Task state: runs its resource through the host (a Lambda function, an integration, a
 * test's replacement) with the effective input, under TimeoutSeconds, with task tokens for
 * `.waitForTaskToken`, and records the events Step Functions records for each attempt.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html
 */
export function compileTask(name: string, state: AslState, context: CompileContext): CompiledState {
  const processing = compileProcessing(state, context.language);
  const handling = compileErrorHandling(state, context.language);
  const resource = taskResourceOf(String(state.Resource));
  const timeout = secondsField(state, 'TimeoutSeconds', context.language);
  const heartbeat = secondsField(state, 'HeartbeatSeconds', context.language);
  const credentials = credentialsField(state, context.language);
  const next = nextOf(state);
  return {
    name,
    type: 'Task',
    run: async (input, thread) => {
      const run = enterState(thread, 'Task', name, input);
      return attemptWithRetries(run, 'Task', handling, processing, next, async () => {
        // `.sync` tasks have a token too (recorded in AWS), though nothing waits for it.
        if (resource.pattern !== 'REQUEST_RESPONSE') run.state = { ...run.state, taskToken: newTaskToken(run) };
        const taskInput = await processing.effectiveInput(run);
        const selected = processing.selectedInput(run);
        const limits = { timeoutSeconds: await timeout?.(run, selected), heartbeatSeconds: await heartbeat?.(run, selected) };
        const roleArn = credentials ? await credentials(run) : undefined;
        const result = await attemptTask(run, resource, taskInput, limits, roleArn);
        return processing.finish(run, selected, result, true);
      });
    },
  };
}

interface TaskLimits {
  readonly timeoutSeconds?: number;
  readonly heartbeatSeconds?: number;
}

/** A task token: opaque and long, like Step Functions' (from the execution's random source, so seeded runs repeat). */
function newTaskToken(run: StateRun): string {
  return run.thread.run.random.bytes(96).toString('base64url');
}

/** Why an attempt ended without a result: the task timed out (its own timer or a missed heartbeat). */
class TaskTimedOut extends Error {}

/** One attempt: the events, the host's call, the timeout, the task token. */
async function attemptTask(run: StateRun, resource: TaskResource, input: unknown, limits: TaskLimits, roleArn: unknown): Promise<unknown> {
  const { thread } = run;
  thread.cancellation.throwIfCancelled();
  const execution = thread.run;
  const events = eventsFor(resource);
  recordScheduled(run, resource, input, limits, roleArn);
  record(run, events.started, resource.kind === 'service' ? { resourceType: resource.resourceType, resource: resource.resource } : resource.kind === 'activity' ? { workerName: 'local-runner' } : undefined);
  const taskToken = resource.pattern === 'WAIT_FOR_TASK_TOKEN' ? run.state.taskToken : undefined;
  const timeoutTimer = limits.timeoutSeconds !== undefined ? execution.clock.sleep(limits.timeoutSeconds * 1000) : undefined;
  const timedOut = timeoutTimer?.promise.then(() => Promise.reject(new TaskTimedOut()));
  timedOut?.catch(() => undefined);
  const release = execution.clock.hold('work');
  const waitForToken = taskToken
    ? execution.tokens.wait({ taskToken, stateName: run.state.name, executionArn: execution.executionArn, input: sentPayload(resource, input), ...limits })
    : undefined;
  waitForToken?.catch(() => undefined);
  try {
    const call = execution.host.invokeTask({
      stateName: run.state.name,
      resource: resource.arn,
      pattern: resource.pattern,
      input,
      retryCount: run.state.retryCount ?? 0,
      taskToken,
      timeoutSeconds: limits.timeoutSeconds,
      heartbeatSeconds: limits.heartbeatSeconds,
      credentials: roleArn,
      execution: execution.taskExecutionInfo,
      context: contextOf(run),
      submitted: (response) => record(run, 'TaskSubmitted', { resourceType: resource.resourceType, resource: resource.resource }, response),
      idle: release,
    }).finally(release);
    // Once the attempt stops waiting (cancelled, timed out), nothing observes the call: keep its failure from going unhandled.
    call.catch(() => undefined);
    const raced = (promise: Promise<unknown>) => thread.cancellation.race(timedOut ? Promise.race([promise, timedOut]) : promise);
    let result = await raced(call);
    if (taskToken) {
      record(run, 'TaskSubmitted', { resourceType: resource.resourceType, resource: resource.resource }, result ?? {});
      execution.tokens.announce(taskToken);
      release();
      result = await raced(waitForToken!);
    }
    checkPayloadSize(result, resource.kind === 'service' ? resource.resourceType : resource.resource);
    record(run, events.succeeded, resource.kind === 'service' ? { resourceType: resource.resourceType, resource: resource.resource } : {}, result);
    return result;
  } catch (thrown) {
    if (thrown instanceof ThreadCancelled) throw thrown;
    const failure = thrown instanceof TaskTimedOut ? timeoutError() : asStatesError(thrown);
    failure.fromTask = true;
    recordFailure(run, resource, failure.error === States.Timeout ? events.timedOut : events.failed, failure);
    throw failure;
  } finally {
    release();
    timeoutTimer?.timer?.cancel();
    if (taskToken) execution.tokens.close(taskToken);
  }
}

function timeoutError(): StatesError {
  return new StatesError(States.Timeout, '', { error: true, cause: false });
}

/** What a callback task's waiter reports as sent: a Lambda invocation's payload, else the request. */
function sentPayload(resource: TaskResource, input: unknown): unknown {
  const request = input as { Payload?: unknown } | null;
  return resource.resourceType === 'lambda' && request && typeof request === 'object' && 'Payload' in request ? request.Payload : input;
}

interface TaskEvents {
  readonly scheduled: HistoryEventType;
  readonly started: HistoryEventType;
  readonly succeeded: HistoryEventType;
  readonly failed: HistoryEventType;
  readonly timedOut: HistoryEventType;
}

function eventsFor(resource: TaskResource): TaskEvents {
  if (resource.kind === 'lambda') {
    return { scheduled: 'LambdaFunctionScheduled', started: 'LambdaFunctionStarted', succeeded: 'LambdaFunctionSucceeded', failed: 'LambdaFunctionFailed', timedOut: 'LambdaFunctionTimedOut' };
  }
  if (resource.kind === 'activity') {
    return { scheduled: 'ActivityScheduled', started: 'ActivityStarted', succeeded: 'ActivitySucceeded', failed: 'ActivityFailed', timedOut: 'ActivityTimedOut' };
  }
  return { scheduled: 'TaskScheduled', started: 'TaskStarted', succeeded: 'TaskSucceeded', failed: 'TaskFailed', timedOut: 'TaskTimedOut' };
}

function recordScheduled(run: StateRun, resource: TaskResource, input: unknown, limits: TaskLimits, roleArn: unknown): void {
  const details: Record<string, unknown> =
    resource.kind === 'service' ? { resourceType: resource.resourceType, resource: resource.resource, region: run.thread.run.region } : { resource: resource.resource };
  if (limits.timeoutSeconds !== undefined) details.timeoutInSeconds = limits.timeoutSeconds;
  if (limits.heartbeatSeconds !== undefined && resource.kind !== 'lambda') details.heartbeatInSeconds = limits.heartbeatSeconds;
  if (roleArn !== undefined) details.taskCredentials = { roleArn };
  const field = resource.kind === 'service' ? 'parameters' : 'input';
  record(run, eventsFor(resource).scheduled, details, input, field);
}

function recordFailure(run: StateRun, resource: TaskResource, type: HistoryEventType, failure: StatesError): void {
  const details: Record<string, unknown> = resource.kind === 'service' ? { resourceType: resource.resourceType, resource: resource.resource } : {};
  if (failure.given.error) details.error = failure.error;
  if (failure.given.cause) details.cause = failure.causeText;
  record(run, type, details);
}

function record(run: StateRun, type: HistoryEventType, details?: Record<string, unknown>, value?: unknown, field: 'input' | 'output' | 'parameters' = 'output'): void {
  const { thread } = run;
  const data = value === undefined ? undefined : { field, value };
  thread.lastEventId = thread.run.history.add(type, thread.lastEventId, details, data);
}

function secondsField(state: AslState, field: 'TimeoutSeconds' | 'HeartbeatSeconds', language: string): SecondsField | undefined {
  const value = state[field];
  const pathText = state[`${field}Path`];
  if (typeof value === 'number') return () => value;
  if (language === 'JSONata' && value !== undefined) {
    const expression: JsonataField = compileJsonataField(value, field);
    return async (run) => positiveInteger(await expression.evaluate({ input: run.input }, run), field, States.QueryEvaluationError);
  }
  if (typeof pathText !== 'string') return undefined;
  const path: CompiledPath = compileReferencePath(pathText, true);
  return (run, selected) => positiveInteger(applyFilterPath(path, scopeOf(run, selected)), `${field}Path`, States.Runtime);
}

function positiveInteger(value: unknown, field: string, error: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  throw new StatesError(error, `The field '${field}' must be a positive integer, not ${JSON.stringify(value)}.`);
}

function credentialsField(state: AslState, language: string): ((run: StateRun) => unknown) | undefined {
  const credentials = state.Credentials as Record<string, unknown> | undefined;
  if (credentials === undefined) return undefined;
  if (language === 'JSONata') {
    const compiled = compileJsonataField(credentials, 'Credentials');
    return async (run) => ((await compiled.evaluate({ input: run.input }, run)) as Record<string, unknown>)?.RoleArn;
  }
  const template: Evaluator = compilePayloadTemplate(credentials, 'Credentials');
  return (run) => (template(scopeOf(run, run.input)) as Record<string, unknown>).RoleArn;
}
