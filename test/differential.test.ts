import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { AslDefinition, listStates } from '../lib/asl/definition';
import { LocalRunner, LocalStateMachine } from '../lib/testing';
import { OrderProcessingStack } from '../bin/order-processing-stack';
import {
  comparable,
  fail,
  identityOf,
  ISO_TIME,
  KnownDifference,
  Observation,
  ok,
  pathOf,
  runOnAwsLocalStepFunctions,
  runOnEngine,
  Scenario,
  TaskScript,
  valueAt,
  varyingContextFields,
  withoutFields,
} from './support/differential';

/**
 * Differential test: every JSONPath definition of the repository (the ASL fixtures and the
 * example app's state machines) runs on LocalRunner's engine and on aws-local-stepfunctions
 * 3.0.0, the engine's former interpreter, with the same deterministic in-process stubs for
 * every Task state (by state name; some fail, to exercise Retry and Catch). Both must end with
 * the same status, output (or error and cause), states entered (order-insensitive under
 * Parallel and Map), input of each state entered, and Task requests.
 *
 * Where aws-local-stepfunctions is known to be wrong, the setup fixes what it can (it gets the
 * engine's execution id and names as its context object; Wait states and retry intervals take
 * 0 ms in it, virtual time in the engine), and each remaining difference is declared in the
 * scenario as a KnownDifference with the AWS documentation page that decides it: the
 * assertion then requires the engine to give AWS's answer, and requires the difference to be
 * still there (so a declaration cannot go stale). The declared differences:
 *   - FAIL_CAUSE_PATH_INTRINSIC: a Fail state's CausePath `States.JsonToString($)` (state-fail.html);
 *   - timeoutNotRetried: States.TaskFailed does not match States.Timeout (concepts-error-handling.html);
 *   - expressTimeLimit: an EXPRESS execution times out after 5 minutes (choosing-workflow-type.html);
 *   - runtimeCause: the cause text of States.Runtime (as AWS recorded it in the aws-truth cases);
 *   - contextTimesInOutput: `$$.State.EnteredTime` / `$$.Execution.StartTime` in a state's
 *     output (input-output-contextobject.html).
 *
 * One difference applies everywhere, so it is handled by the comparison itself: aws-local-
 * stepfunctions has a single context object per run, so `$$.State.Name`, `$$.State.EnteredTime`,
 * `$$.State.RetryCount` (per state entered) and `$$.Execution.StartTime` (it sets its own wall
 * clock time, again in each branch) cannot be given to it. Task request fields taken from them
 * are left out of the comparison, and the engine's values are checked against the context
 * object page instead (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html):
 * the Task's own name, the retries of this entry so far, ISO 8601 timestamps.
 *
 * Not run on aws-local-stepfunctions (a test.skip says why): JSONata definitions (it ignores
 * `QueryLanguage`), and paths through callback (`.waitForTaskToken`) tasks (it has no task
 * tokens). A nested `.sync` execution is a Task like any other here: both run its stub (the
 * child state machine of the example app runs as a subject of its own).
 */

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const FIXTURES = path.join(__dirname, 'fixtures', 'asl');
const fn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

// ---------- known mistakes of aws-local-stepfunctions, each with the AWS page that decides it ----------

/** The Fail state the observation ended in, with its input. */
function failStateOf(observed: Observation, definition: AslDefinition) {
  const last = observed.entered[observed.entered.length - 1];
  const state = listStates(definition).find((located) => located.name === last?.state)?.state;
  return state?.Type === 'Fail' ? { state, input: last.input } : undefined;
}

/**
 * A Fail state's `CausePath` may be an intrinsic function (`States.JsonToString($)` here): AWS
 * evaluates it; aws-local-stepfunctions evaluates it as a JSONPath, finds nothing and fails
 * with States.Runtime. AWS's answer: the error from `Error` / `ErrorPath`, the cause the state
 * input as compact JSON.
 */
const FAIL_CAUSE_PATH_INTRINSIC: KnownDifference = {
  oracle: "reads a Fail state's intrinsic CausePath (States.JsonToString($)) as a JSONPath and fails with States.Runtime",
  aws: 'https://docs.aws.amazon.com/step-functions/latest/dg/state-fail.html (CausePath: a reference path or an intrinsic function such as States.JsonToString)',
  correct(observed, definition) {
    const { state, input } = failStateOf(observed, definition) ?? {};
    if (!state || state.CausePath !== 'States.JsonToString($)' || observed.error !== 'States.Runtime') return observed;
    const error = typeof state.ErrorPath === 'string' ? valueAt(input, state.ErrorPath) : state.Error;
    return { ...observed, error: error as string, cause: JSON.stringify(input) };
  },
};

/**
 * `States.TaskFailed` in a retrier matches every task error but `States.Timeout`; aws-local-
 * stepfunctions exempts only the timeouts of its own timer, so it retries a timeout a task
 * reports. AWS's answer: one call, no retry.
 */
function timeoutNotRetried(stateName: string): KnownDifference {
  return {
    oracle: `retries the States.Timeout of '${stateName}' with its States.TaskFailed retrier`,
    aws: 'https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html (States.TaskFailed matches any known error except States.Timeout)',
    correct(observed) {
      const first = observed.calls.findIndex((call) => call.state === stateName);
      return { ...observed, calls: observed.calls.filter((call, i) => call.state !== stateName || i === first) };
    },
  };
}

/**
 * A Choice rule on a path that the input does not have fails the execution with States.Runtime
 * in both; the cause is aws-local-stepfunctions' own text. AWS's (as recorded in the aws-truth
 * cases, e.g. test_invalid_jsonpath[ST.INVALID_JSONPATH_IN_INPUTPATH]) names the state and path.
 */
function runtimeCause(stateName: string, referencePath: string): KnownDifference {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^An error occurred while executing the state '${escape(stateName)}' \\(entered at the event id #\\d+\\)\\. Invalid path '${escape(referencePath)}'`);
  return {
    oracle: 'writes its own cause for States.Runtime',
    aws: 'https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html (States.Runtime); the cause text as AWS recorded it in the aws-truth cases',
    correct: (observed) => ({ ...observed, cause: expect.stringMatching(pattern) }),
  };
}

/**
 * An EXPRESS execution ends after 5 minutes (TIMED_OUT, States.Timeout); aws-local-stepfunctions
 * knows no EXPRESS type (and here its retry intervals take 0 ms). AWS's answer: the attempts the
 * state's first retrier makes within 5 minutes, then the timeout.
 */
function expressTimeLimit(stateName: string): KnownDifference {
  return {
    oracle: 'has no EXPRESS type, so no 5-minute limit: it retries until MaxAttempts',
    aws: 'https://docs.aws.amazon.com/step-functions/latest/dg/choosing-workflow-type.html (Express workflows: maximum duration 5 minutes)',
    correct(observed, definition) {
      const retrier = (listStates(definition).find((located) => located.name === stateName)?.state.Retry as any[])[0];
      const limitSeconds = 300;
      let attempts = 1;
      for (let at = 0, retry = 0; retry < (retrier.MaxAttempts ?? 3); retry++) {
        at += (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** retry;
        if (at >= limitSeconds) break;
        attempts++;
      }
      let seen = 0;
      const calls = observed.calls.filter((call) => call.state !== stateName || ++seen <= attempts);
      return { ...observed, status: 'TIMED_OUT', error: 'States.Timeout', cause: undefined, output: undefined, calls };
    },
  };
}

/**
 * `$$.State.EnteredTime` and `$$.Execution.StartTime` in a state's output: aws-local-stepfunctions
 * has no per-state context and sets its own start time. AWS's answer: ISO 8601 timestamps
 * (their values are checked by the scenario's `alsoExpect`).
 */
function contextTimesInOutput(...referencePaths: string[]): KnownDifference {
  return {
    oracle: `gives no $$.State.EnteredTime (and its own $$.Execution.StartTime) at ${referencePaths.join(', ')}`,
    aws: 'https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html',
    correct(observed) {
      const output = JSON.parse(JSON.stringify(observed.output));
      for (const referencePath of referencePaths) {
        const keys = referencePath.slice(2).split('.');
        const parent = keys.slice(0, -1).reduce((value, key) => value[key], output);
        parent[keys[keys.length - 1]] = expect.stringMatching(ISO_TIME);
      }
      return { ...observed, output };
    },
  };
}

/**
 * From `$.decision.receivedAt` (the execution's start) to `$.decision.approvedAt` (when the Pass
 * state was entered): `waitedMs` (the Wait states' time), plus less than a second of running.
 */
function expectApprovalDelay(engine: Observation, waitedMs: number): void {
  const { receivedAt, approvedAt } = (engine.output as { decision: { receivedAt: string; approvedAt: string } }).decision;
  const delay = Date.parse(approvedAt) - Date.parse(receivedAt);
  expect(delay).toBeGreaterThanOrEqual(waitedMs);
  expect(delay).toBeLessThan(waitedMs + 1_000);
}

// ---------- the definitions and their scenarios ----------

interface Subject {
  /** The state machine, on LocalRunner. */
  readonly machine: () => LocalStateMachine;
  /** The id of a state machine of the example app (see {@link exampleMachine}). */
  readonly exampleId?: string;
  /** Each Task state's stub, unless a scenario says otherwise. */
  readonly tasks: Readonly<Record<string, TaskScript>>;
  readonly scenarios: readonly Scenario[];
  /** Paths not run, each with why. */
  readonly skipped?: readonly string[];
}

function fixture(file: string, definitionSubstitutions: Record<string, string> = {}, stateMachineType: 'STANDARD' | 'EXPRESS' = 'STANDARD'): () => LocalStateMachine {
  let machine: LocalStateMachine | undefined;
  return () => {
    machine ??= LocalRunner.fromDefinition(readFileSync(path.join(FIXTURES, file), 'utf8'), {
      name: path.basename(file, '.asl.json'),
      region: REGION,
      account: ACCOUNT,
      stateMachineType,
      definitionSubstitutions,
    }).stateMachine();
    return machine;
  };
}

const lambdaResponse = (payload: unknown) => ({ ExecutedVersion: '$LATEST', StatusCode: 200, Payload: payload });

const SUBJECTS: Record<string, Subject> = {
  'express-lambda-retry.asl.json': {
    machine: fixture('express-lambda-retry.asl.json', { GenerateRefernceNumberArn: fn('GenerateReferenceNumber') }, 'EXPRESS'),
    tasks: { GenerateRefernceNumber: ok({ referenceNumber: 'REF-0001' }) },
    scenarios: [
      { name: 'the reference number lands at $.ticketId', input: { message: 'Where is my order?', customer: 'c-1' } },
      {
        name: 'States.TaskFailed retries any task error: succeeds on the third attempt',
        input: { message: 'hello' },
        tasks: { GenerateRefernceNumber: [fail('ReferenceServiceBusy'), fail('Lambda.ServiceException'), ok({ referenceNumber: 'REF-0002' })] },
      },
      {
        name: 'failing on: the EXPRESS execution times out after 5 minutes while retrying (20 s, 200 s, then 2,000 s would pass it)',
        input: { message: 'hello' },
        tasks: { GenerateRefernceNumber: fail('ReferenceServiceBusy', 'try later') },
        differences: [expressTimeLimit('GenerateRefernceNumber')],
      },
      {
        name: 'a task timeout is not retried by States.TaskFailed',
        input: { message: 'hello' },
        tasks: { GenerateRefernceNumber: fail('States.Timeout', 'Task timed out') },
        differences: [timeoutNotRetried('GenerateRefernceNumber')],
      },
    ],
  },

  'idempotent-workflow.asl.json': {
    machine: fixture('idempotent-workflow.asl.json'),
    tasks: {
      'Create idempotency settings (key and ttl)': ok({ idempotencyKey: 'order-42', ttl: '1767225600' }),
      'Create and lock idempotency record': ok({}),
      'Get idempotency record from DynamoDB': ok({ Item: { executionstatus: { S: 'SUCCEEDED' }, executionresult: { S: '{"step1":{"result":"earlier"},"total":3}' } } }),
      '(which can fail occasionally)': ok({ statusCode: 200, body: 'lucky' }),
      'Save execution results': ok({ SdkHttpMetadata: { HttpStatusCode: 200 } }),
      'Save failure': ok({ SdkHttpMetadata: { HttpStatusCode: 200 } }),
    },
    scenarios: [
      { name: 'first execution: lock, run the workflow (Parallel, ResultSelector $.[0]), save its results', input: { orderId: 'o-42', amount: 12.5 } },
      { name: 'an idempotency key JMESPath in the payload is extracted first', input: { orderId: 'o-42', idempotencyKeyJmespath: 'orderId' } },
      {
        name: 'a previous execution SUCCEEDED: its results are returned (States.StringToJson)',
        input: { orderId: 'o-42' },
        tasks: { 'Create and lock idempotency record': fail('DynamoDb.TransactionCanceledException', 'ConditionalCheckFailed') },
      },
      {
        name: 'a previous execution FAILED: lock again and run',
        input: { orderId: 'o-42' },
        tasks: {
          'Create and lock idempotency record': [fail('DynamoDb.TransactionCanceledException', 'ConditionalCheckFailed'), ok({})],
          'Get idempotency record from DynamoDB': ok({ Item: { executionstatus: { S: 'FAILED' } } }),
        },
      },
      {
        name: 'another execution is IN_PROGRESS: wait and poll until it SUCCEEDED',
        input: { orderId: 'o-42' },
        tasks: {
          'Create and lock idempotency record': fail('DynamoDb.TransactionCanceledException', 'ConditionalCheckFailed'),
          'Get idempotency record from DynamoDB': [
            ok({ Item: { executionstatus: { S: 'IN_PROGRESS' } } }),
            ok({ Item: { executionstatus: { S: 'IN_PROGRESS' } } }),
            ok({ Item: { executionstatus: { S: 'SUCCEEDED' }, executionresult: { S: '[1,2,3]' } } }),
          ],
        },
      },
      {
        name: 'an unknown status ends in the Fail state UndefinedExecutionState',
        input: { orderId: 'o-42' },
        tasks: {
          'Create and lock idempotency record': fail('DynamoDb.TransactionCanceledException', 'ConditionalCheckFailed'),
          'Get idempotency record from DynamoDB': ok({ Item: { executionstatus: { S: 'PAUSED' } } }),
        },
      },
      {
        name: 'the workflow fails: Catch saves the failure, then ChildWorkflowException',
        input: { orderId: 'o-42' },
        tasks: { '(which can fail occasionally)': fail('RandomFailure', 'bad luck') },
      },
      {
        name: 'the workflow task is retried on Lambda service errors inside the branch',
        input: { orderId: 'o-42' },
        tasks: { '(which can fail occasionally)': [fail('Lambda.ServiceException'), fail('Lambda.SdkClientException'), ok({ statusCode: 200, body: 'third time' })] },
      },
      {
        name: 'a lock error other than TransactionCanceledException is not caught',
        input: { orderId: 'o-42' },
        tasks: { 'Create and lock idempotency record': fail('DynamoDb.ResourceNotFoundException', 'no table') },
      },
    ],
  },

  'map-itemprocessor-states-format.asl.json': {
    machine: fixture('map-itemprocessor-states-format.asl.json', { FunctionNameGitHub: fn('GitHubViews'), table: 'RepoViews' }),
    tasks: {
      'Call out to GitHub': ok((request: any) => lambdaResponse({ repoName: request.Payload.repoName, timestamp: '2024-05-01T00:00:00Z', count: 1234 })),
      'DynamoDB PutItem': ok({ SdkHttpMetadata: { HttpStatusCode: 200 } }),
    },
    scenarios: [
      { name: 'each repository\'s views are written (ItemProcessor, States.Format)', input: {} },
      {
        name: 'GitHub calls are retried on Lambda service errors',
        input: { ignored: true },
        tasks: { 'Call out to GitHub': [fail('Lambda.ServiceException'), fail('Lambda.AWSLambdaException'), ok(lambdaResponse({ repoName: 'r', timestamp: 't', count: 7 }))] },
      },
      { name: 'a GitHub error fails the Map and the execution', input: {}, tasks: { 'Call out to GitHub': fail('GitHubApiError', 'rate limited') } },
      { name: 'a PutItem error fails the execution', input: {}, tasks: { 'DynamoDB PutItem': fail('DynamoDB.ConditionalCheckFailedException', 'exists') } },
    ],
  },

  'map-iterator-sqs-to-dynamodb.asl.json': {
    machine: fixture('map-iterator-sqs-to-dynamodb.asl.json', {
      DDBTableName: 'Messages',
      DeleteFromSQSFunctionName: fn('DeleteFromSqs'),
      ReadFromSQSFunctionName: fn('ReadFromSqs'),
      SNSTopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:Messages`,
    }),
    tasks: {
      'Read messages from SQS queue': ok(
        lambdaResponse([
          { MessageId: 'm-1', ReceiptHandle: 'rh-1', Body: 'hello' },
          { MessageId: 'm-2', ReceiptHandle: 'rh-2', Body: 'world' },
          { MessageId: 'm-3', ReceiptHandle: 'rh-3', Body: '!' },
        ]),
      ),
      'Write message to DynamoDB': ok({ ConsumedCapacity: { TableName: 'Messages', CapacityUnits: 1 } }),
      'Remove message from SQS queue': ok(lambdaResponse(null)),
      'Publish message to SNS topic': ok((request: any) => ({ MessageId: `sns-${request.Message}` })),
    },
    scenarios: [
      { name: 'each message is written, removed and published (Iterator, $$.Map.Item.Index and Value)', input: {} },
      { name: '"No messages" skips the Map', input: {}, tasks: { 'Read messages from SQS queue': ok(lambdaResponse('No messages')) } },
      { name: 'an empty batch runs no iteration', input: {}, tasks: { 'Read messages from SQS queue': ok(lambdaResponse([])) } },
      {
        name: 'a DynamoDB error fails the iteration, the Map and the execution',
        input: {},
        tasks: {
          'Read messages from SQS queue': ok(lambdaResponse([{ MessageId: 'm-9', ReceiptHandle: 'rh-9', Body: 'boom' }])),
          'Write message to DynamoDB': fail('DynamoDB.ProvisionedThroughputExceededException', 'slow down'),
        },
      },
    ],
  },

  'nested-workflow-child.asl.json': {
    machine: fixture('nested-workflow-child.asl.json', { NestingPatternCallbackLambdaFunction: fn('NestingPatternCallback') }),
    tasks: { Callback: ok(lambdaResponse({ sent: true })) },
    scenarios: [
      { name: 'NeedCallback: the Lambda gets $$.Execution.Input.TaskToken, then Wait and Pass with a string Result', input: { NeedCallback: true, TaskToken: 'token-1' } },
      { name: 'no callback needed: Wait, Choice Default, Wait, Pass', input: { NeedCallback: false } },
      { name: 'NeedCallback missing: the Choice fails with States.Runtime', input: {}, differences: [runtimeCause('Need callback?', '$.NeedCallback')] },
    ],
  },

  'nested-workflow-parent.asl.json': {
    machine: fixture('nested-workflow-parent.asl.json', { NestingPatternAnotherStateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:NestedChild` }),
    tasks: {
      'Start new workflow and continue': ok({ ExecutionArn: `arn:aws:states:${REGION}:${ACCOUNT}:execution:NestedChild:c-1`, StartDate: '2024-05-01T00:00:00.000Z' }),
      'Start new workflow and wait for completion': ok({ Output: { done: true }, Status: 'SUCCEEDED' }),
      'Start new workflow and wait for callback': ok({}),
    },
    scenarios: [
      {
        name: 'the fire-and-forget StartExecution fails: no Catch, the execution fails',
        input: { run: 1 },
        tasks: { 'Start new workflow and continue': fail('StepFunctions.ExecutionLimitExceededException', 'too many executions') },
      },
    ],
    skipped: ['every path through "Start in parallel": its branch "Start new workflow and wait for callback" waits for a task token (.waitForTaskToken), which aws-local-stepfunctions has not'],
  },

  'order-payment.asl.json': {
    machine: fixture('order-payment.asl.json'),
    tasks: {
      'Charge card': ok(lambdaResponse({ chargeId: 'ch-1' })),
      'Request shipping': ok({ MessageId: 'sqs-1' }),
    },
    scenarios: [
      { name: 'a declined card is caught: Payment declined', input: { orderId: 'o-1', total: 25 }, tasks: { 'Charge card': fail('PaymentDeclined', 'do not honour') } },
      {
        name: 'throttled four times: the retrier gives up after 3 retries and the execution fails',
        input: { orderId: 'o-2', total: 25 },
        tasks: { 'Charge card': fail('Lambda.TooManyRequestsException', 'Rate exceeded') },
      },
      { name: 'an error no retrier or catcher names fails the execution at once', input: { orderId: 'o-3', total: 25 }, tasks: { 'Charge card': fail('Lambda.Unknown', 'boom') } },
    ],
    skipped: ['a charged order: "Request shipping" waits for a task token (sqs:sendMessage.waitForTaskToken), which aws-local-stepfunctions has not'],
  },

  'order-review.asl.json': {
    machine: fixture('order-review.asl.json'),
    tasks: {},
    scenarios: [
      { name: 'a blocked customer is rejected', input: { customer: { id: 'c-1', blocked: true }, order: { total: 2500 } } },
      {
        name: 'an order over 1,000 waits one day for the fraud window, then is approved',
        input: { customer: { id: 'c-2', blocked: false }, order: { total: 2500 } },
        differences: [contextTimesInOutput('$.decision.receivedAt', '$.decision.approvedAt')],
        // $$.State.EnteredTime of the Pass state: one day (the Wait's Seconds) after the execution started
        alsoExpect: (engine) => expectApprovalDelay(engine, 86_400_000),
      },
      {
        name: 'a small order is approved at once',
        input: { customer: { id: 'c-3', blocked: false }, order: { total: 999.99 } },
        differences: [contextTimesInOutput('$.decision.receivedAt', '$.decision.approvedAt')],
        alsoExpect: (engine) => expectApprovalDelay(engine, 0),
      },
      {
        name: 'neither customer.blocked nor order.total present (IsPresent false): approved by Default',
        input: { customer: { id: 'c-4' } },
        differences: [contextTimesInOutput('$.decision.receivedAt', '$.decision.approvedAt')],
        alsoExpect: (engine) => expectApprovalDelay(engine, 0),
      },
    ],
  },

  'parallel-explicit-failure.asl.json': {
    machine: fixture('parallel-explicit-failure.asl.json', { getSuccessFunctionArn: fn('GetSuccess'), getQuickFailFunctionArn: fn('QuickFail') }),
    tasks: { 'success state': ok({ ok: true, from: 'success' }), 'quick fail': ok({ ok: true, from: 'quick' }) },
    scenarios: [
      { name: 'both branches succeed: no $[n].error, Choice Default, Succeed', input: { orderId: 'o-1' } },
      {
        name: 'quick fail is caught in its branch: the Choice goes to Fail with ErrorPath and CausePath',
        input: { orderId: 'o-2' },
        tasks: { 'quick fail': fail('QuickFailError', 'failed fast') },
      },
      { name: 'success state fails (no Catch): the Parallel and the execution fail', input: { orderId: 'o-3' }, tasks: { 'success state': fail('SuccessFunctionError', 'not so successful') } },
    ],
  },

  'retry-jitter-max-delay.asl.json': {
    machine: fixture('retry-jitter-max-delay.asl.json'),
    tasks: { LambdaTask: ok(lambdaResponse({ done: true })) },
    scenarios: [
      { name: 'succeeds on the first attempt (FunctionName.$, RetryAttempt from $$.State.RetryCount)', input: { FunctionName: 'fn-1' } },
      { name: 'MaxAttempts 0: the first failure fails the execution', input: { FunctionName: 'fn-1' }, tasks: { LambdaTask: fail('Lambda.ServiceException', 'service down') } },
    ],
  },
};

/** Fixtures not run at all, each with why. */
const SKIPPED_FIXTURES: Record<string, string> = {
  'jsonata-common-fallback.asl.json': 'JSONata (QueryLanguage JSONata), which aws-local-stepfunctions ignores',
  'human-in-the-loop-sns-callback.asl.json': 'its first state "Notify Approver" waits for a task token (sns:publish.waitForTaskToken), which aws-local-stepfunctions has not',
};

// ---------- the example app ----------

let exampleApp: { runner: LocalRunner; outdir: string } | undefined;

/** The example app, synthesized once in a fresh App (every Task runs on a stub: its Lambda code is not needed). */
function exampleMachine(id: string): () => LocalStateMachine {
  return () => {
    if (!exampleApp) {
      const outdir = mkdtempSync(path.join(tmpdir(), 'differential-cdk-'));
      // no bundling and no CloudFormation template validation: neither changes the state machines
      const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
      new OrderProcessingStack(app, 'OrderProcessing');
      app.synth();
      exampleApp = { runner: LocalRunner.fromCloudAssembly(outdir), outdir };
    }
    return exampleApp.runner.stateMachine(id);
  };
}

afterAll(() => {
  if (exampleApp) rmSync(exampleApp.outdir, { recursive: true, force: true });
});

const ORDER = {
  orderId: 'ORD-1001',
  customer: { id: 'CUST-0042', email: 'ada@example.com' },
  items: [{ sku: 'BOOK-DDIA', quantity: 1, unitPriceCents: 4599 }],
  currency: 'EUR',
};
const PUT_EVENTS = ok({ Entries: [{ EventId: 'event-1' }], FailedEntryCount: 0 });
const fraudCheck = (score: number, reasons: string[], reviewRequired: boolean) =>
  ok({ ExecutionArn: `arn:aws:states:${REGION}:${ACCOUNT}:execution:FraudCheck:child-1`, Status: 'SUCCEEDED', Output: { score, reasons, reviewRequired } });

SUBJECTS['example app: OrderProcessing/FraudCheckWorkflow (EXPRESS)'] = {
  machine: exampleMachine('FraudCheckWorkflow'),
  exampleId: 'FraudCheckWorkflow',
  tasks: { ScoreRisk: ok({ score: 12, reasons: [] }) },
  scenarios: [
    { name: 'a low score clears the order', input: ORDER },
    { name: 'a score of exactly 50 is flagged (NumericGreaterThanEquals)', input: ORDER, tasks: { ScoreRisk: ok({ score: 50, reasons: ['new-customer'] }) } },
    { name: 'a high score is flagged', input: ORDER, tasks: { ScoreRisk: ok({ score: 87.5, reasons: ['new-customer', 'address-mismatch'] }) } },
    {
      name: 'throttled three times, then scored: retried with MaxAttempts 3',
      input: ORDER,
      tasks: { ScoreRisk: [fail('Lambda.TooManyRequestsException'), fail('Lambda.TooManyRequestsException'), fail('Lambda.ServiceException'), ok({ score: 3, reasons: [] })] },
    },
    { name: 'throttled four times: the retrier gives up', input: ORDER, tasks: { ScoreRisk: fail('Lambda.TooManyRequestsException', 'Rate exceeded') } },
    { name: 'a handler error is not retried and fails the execution', input: ORDER, tasks: { ScoreRisk: fail('ScoringModelUnavailable', 'model not loaded') } },
  ],
};

SUBJECTS['example app: OrderProcessing/OrderWorkflow'] = {
  machine: exampleMachine('OrderWorkflow'),
  exampleId: 'OrderWorkflow',
  tasks: {
    ValidateOrder: ok({ totalCents: 4599, currency: 'EUR', lineCount: 1 }),
    CheckFraudRisk: fraudCheck(12, [], false),
    ReserveInventory: ok({ reservationId: 'res-1' }),
    'ReviewOrder: wait for decision': ok({}),
    ChargePayment: ok({ chargeId: 'ch-1', amountCents: 4599 }),
    SendConfirmation: ok({ messageId: 'msg-1' }),
    UpdateAnalytics: ok({ recorded: true }),
    CreateShipment: ok({ trackingNumber: '1Z999AA10123456784' }),
    RefundPayment: ok({ refundId: 'rf-1' }),
    ReleaseInventory: ok({ released: true }),
    PublishOrderCompleted: PUT_EVENTS,
    PublishOrderCompensated: PUT_EVENTS,
    PublishCompensationFailed: PUT_EVENTS,
    PublishNeedsReconciliation: PUT_EVENTS,
    PublishOrderInvalid: PUT_EVENTS,
    // The Orders table's DynamoDB tasks (aws-local-stepfunctions has no DynamoDB): PutItem/UpdateItem answer {} without ReturnValues.
    RecordOrderPlaced: ok({}),
    RecordOrderReserved: ok({}),
    RecordOrderCharged: ok({}),
    RecordOrderShipped: ok({}),
    RecordOrderCompensated: ok({}),
  },
  scenarios: [
    { name: 'an order that needs no review is fulfilled', input: ORDER },
    {
      name: 'an invalid order: ValidationError is caught, OrderFailed published, OrderInvalid fails (ErrorPath, intrinsic CausePath)',
      input: ORDER,
      tasks: { ValidateOrder: fail('ValidationError', 'no items') },
      differences: [FAIL_CAUSE_PATH_INTRINSIC],
    },
    {
      name: 'ValidateOrder throttled twice: retried, then fulfilled',
      input: ORDER,
      tasks: { ValidateOrder: [fail('Lambda.TooManyRequestsException'), fail('Lambda.ServiceException'), ok({ totalCents: 4599, currency: 'EUR', lineCount: 1 })] },
    },
    { name: 'the nested fraud check fails: no Catch on CheckFraudRisk', input: ORDER, tasks: { CheckFraudRisk: fail('States.TaskFailed', '{"status":"FAILED"}') } },
    {
      name: 'OrderCompleted cannot be published: retried 3 times, caught, the order still completes',
      input: ORDER,
      tasks: { PublishOrderCompleted: fail('EventBridge.FailedEntry', 'bus throttled') },
    },
  ],
  skipped: [
    'a flagged order: "ReviewOrder: wait for decision" waits for a task token (lambda:invoke.waitForTaskToken), which aws-local-stepfunctions has not',
    'a failed or timed-out saga step (out of stock, declined, bounced, shipment and refund failing, timeouts): the saga names the failed step in variables ' +
      '(Catch Assign, "$name" in Parameters), which aws-local-stepfunctions has not; order-workflow.test.ts asserts these paths, and aws-truth holds AWS runs of Catch Assign',
  ],
};

// ---------- the tests ----------

describe('differential: LocalRunner engine vs aws-local-stepfunctions 3.0.0', () => {
  test('covers every ASL fixture: run, or skipped with a reason', () => {
    const files = readdirSync(FIXTURES).filter((file) => file.endsWith('.asl.json')).sort();
    expect(files.length).toBeGreaterThan(0);
    expect([...Object.keys(SUBJECTS).filter((name) => name.endsWith('.asl.json')), ...Object.keys(SKIPPED_FIXTURES)].sort()).toEqual(files);
  });

  for (const [file, reason] of Object.entries(SKIPPED_FIXTURES)) {
    test.skip(`${file}: not run, ${reason}`, () => undefined);
  }

  test('covers every state machine of the example app', () => {
    exampleMachine('OrderWorkflow')();
    const subjects = Object.values(SUBJECTS).filter((subject) => subject.exampleId !== undefined).map((subject) => subject.machine());
    expect(subjects.length).toBeGreaterThan(0);
    expect(new Set(subjects).size).toBe(subjects.length);
    expect(exampleApp!.runner.stateMachines.filter((machine) => !subjects.includes(machine)).map((machine) => machine.name)).toEqual([]);
  });

  describe.each(Object.entries(SUBJECTS))('%s', (_name, subject) => {
    test('the stubs cover exactly its Task states, and the definition is JSONPath', () => {
      const definition = subject.machine().resolvedDefinition;
      const tasks = listStates(definition).filter(({ state }) => state.Type === 'Task').map(({ name }) => name);
      expect(Object.keys(subject.tasks).sort()).toEqual(tasks.sort());
      for (const scenario of subject.scenarios) for (const state of Object.keys(scenario.tasks ?? {})) expect(tasks).toContain(state);
      expect(JSON.stringify(definition)).not.toMatch(/"QueryLanguage":\s*"JSONata"/);
    });

    for (const reason of subject.skipped ?? []) test.skip(`not run: ${reason}`, () => undefined);

    test.each(subject.scenarios.map((scenario) => [scenario.name, scenario] as const))('%s', async (_scenario, scenario) => {
      const machine = subject.machine();
      const definition = machine.resolvedDefinition;
      const scripts = { ...subject.tasks, ...scenario.tasks };
      const identity = identityOf(machine, `differential-${scenario.name.replace(/[^A-Za-z0-9-_]+/g, '-').slice(0, 60)}`);

      const engine = await runOnEngine(machine, scripts, scenario.input, identity);
      const oracle = await runOnAwsLocalStepFunctions(definition, scripts, scenario.input, identity);

      // the identity given to aws-local-stepfunctions is the engine's
      expect(engine.executionArn).toBe(identity.executionArn);
      // the known mistakes of aws-local-stepfunctions, corrected to AWS's answer (each must still be there)
      let expected: Observation = oracle;
      for (const difference of scenario.differences ?? []) {
        const corrected = difference.correct(expected, definition);
        const declared = `aws-local-stepfunctions ${difference.oracle}; AWS: ${difference.aws}`;
        expect({ stillDiffers: !equals(corrected, expected), declared }).toEqual({ stillDiffers: true, declared });
        expected = corrected;
      }

      expect(comparable(engine, definition)).toEqual(comparable(expected, definition));

      // the context fields aws-local-stepfunctions cannot give: the engine gives AWS's values
      const varying = varyingContextFields(definition);
      engine.calls.forEach((call, i) => {
        const fields = varying.filter((field) => field.state === call.state);
        const { removed } = withoutFields(call.request, fields.map((field) => field.at));
        const retries = engine.calls.slice(0, i).filter((earlier) => earlier.state === call.state).length;
        fields.forEach((field, k) => {
          const value = removed[k];
          if (field.source === '$$.State.Name') expect(value).toBe(call.state);
          else if (field.source === '$$.State.RetryCount') {
            // each Task with RetryCount here is entered once per execution: its calls are its attempts
            expect(pathOf(engine).filter((name) => name === call.state)).toHaveLength(1);
            expect(value).toBe(retries);
          } else expect(value).toMatch(ISO_TIME);
        });
      });

      scenario.alsoExpect?.(engine);
    });
  });
});

function equals(a: unknown, b: unknown): boolean {
  try {
    expect(a).toEqual(b);
    return true;
  } catch {
    return false;
  }
}
