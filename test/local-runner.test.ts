import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Workflow } from '../lib';
import { LocalRunner, TaskFailure } from '../lib/testing';
import { inlineFunction, inlineStep, newStack } from './helpers';

/** A runner over one workflow built by `define` in a fresh stack. */
function runnerFor(define: (stack: Stack) => sfn.IChainable, timeout = Duration.minutes(5)): LocalRunner {
  const stack = newStack();
  new Workflow(stack, 'Workflow', { definition: define(stack), timeout });
  return LocalRunner.fromStack(stack);
}

function codeFunction(stack: Stack, id: string, code: string, props: Partial<lambda.FunctionProps> = {}): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline(code),
    ...props,
  });
}

describe('LocalRunner', () => {
  test("runs each Lambda task on the function's own code, with its environment", async () => {
    // GIVEN
    const runner = runnerFor((stack) =>
      new tasks.LambdaInvoke(stack, 'Greet', {
        lambdaFunction: codeFunction(stack, 'Greeter', 'exports.handler = async (e) => ({ greeting: process.env.GREETING + ", " + e.name });', {
          environment: { GREETING: 'Hello' },
        }),
        payloadResponseOnly: false,
        resultSelector: { 'text.$': '$.Payload.greeting', 'status.$': '$.StatusCode' },
      }),
    );
    // WHEN
    const result = await runner.stateMachine().run({ name: 'Ada' });
    // THEN
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { text: 'Hello, Ada', status: 200 }, path: ['Greet'], transitions: 1 });
    expect(process.env.GREETING).toBeUndefined();
  });

  test("a handler's error name is the ASL error and its cause is the Lambda error JSON", async () => {
    const runner = runnerFor((stack) =>
      new tasks.LambdaInvoke(stack, 'Charge', {
        lambdaFunction: codeFunction(stack, 'Fn', 'exports.handler = async () => { const e = new Error("card declined"); e.name = "PaymentDeclined"; throw e; };'),
        retryOnServiceExceptions: false,
      }),
    );
    const result = await runner.stateMachine().run({});
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('PaymentDeclined');
    expect(JSON.parse(result.cause!)).toMatchObject({ errorType: 'PaymentDeclined', errorMessage: 'card declined', trace: expect.any(Array) });
  });

  test('functions can be replaced by construct path, path below the stack or logical id', async () => {
    const runner = runnerFor((stack) => inlineStep(stack, 'Step'));
    const machine = runner.stateMachine('Workflow');
    for (const key of ['TestStack/StepFunction', 'StepFunction']) {
      const result = await machine.run({}, { functions: { [key]: async (event) => ({ replaced: key, retryCount: event.retryCount }) } });
      expect(result.output).toEqual({ replaced: key, retryCount: 0 });
    }
    await expect(machine.run({}, { functions: { NoSuchFunction: () => 1 } })).rejects.toThrow(
      /RunOptions.functions names 'NoSuchFunction', which matches no function. Known functions: TestStack\/StepFunction/,
    );
  });

  test('$$.State.RetryCount counts the retries of the current entry into a state', async () => {
    // GIVEN a step retried on a custom error twice
    const runner = runnerFor((stack) => inlineStep(stack, 'Flaky', { retryPolicy: undefined }).addRetry({ errors: ['Busy'], maxAttempts: 5 }));
    const seen: number[] = [];
    // WHEN
    const result = await runner.stateMachine().run({}, {
      functions: {
        FlakyFunction: (event) => {
          seen.push(event.retryCount);
          if (event.retryCount < 2) throw new TaskFailure('Busy', 'try again');
          return 'done';
        },
      },
    });
    // THEN
    expect(seen).toEqual([0, 1, 2]);
    expect(result.output).toBe('done');
    expect(result.retries.map((r) => r.attempt)).toEqual([1, 2]);
    expect(result.transitions).toBe(3);
  });

  test('retries and Wait states take no time unless realDelays is set', async () => {
    const runner = runnerFor((stack) => new sfn.Wait(stack, 'Pause', { time: sfn.WaitTime.duration(Duration.seconds(1)) }));
    const quick = Date.now();
    await runner.stateMachine().run({});
    expect(Date.now() - quick).toBeLessThan(900);
    const real = Date.now();
    await runner.stateMachine().run({}, { realDelays: true });
    expect(Date.now() - real).toBeGreaterThanOrEqual(990);
  });

  test('a task that outlives its TimeoutSeconds fails with States.Timeout, which a catcher can route', async () => {
    const runner = runnerFor((stack) => {
      const slow = inlineStep(stack, 'Slow', { timeout: Duration.seconds(1) });
      slow.addCatch(new sfn.Pass(stack, 'TimedOut'), { errors: ['States.Timeout'] });
      return slow;
    });
    const result = await runner.stateMachine().run({}, {
      functions: { SlowFunction: () => new Promise((resolve) => setTimeout(() => resolve('late'), 1500)) },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.catches).toEqual([expect.objectContaining({ stateName: 'Slow', error: 'States.Timeout', next: 'TimedOut' })]);
  });

  test('Map iterations, $$.Map.Item and $$.State.Name outside tasks', async () => {
    const runner = runnerFor((stack) =>
      new sfn.Map(stack, 'EachItem', { itemsPath: '$.items', itemSelector: { 'value.$': '$$.Map.Item.Value', 'state.$': '$$.State.Name' } })
        .itemProcessor(inlineStep(stack, 'Handle')),
    );
    const result = await runner.stateMachine().run({ items: ['a', 'b', 'c'] }, { functions: { HandleFunction: (event) => event.input } });
    expect(result.output).toEqual([
      { value: 'a', state: 'EachItem' },
      { value: 'b', state: 'EachItem' },
      { value: 'c', state: 'EachItem' },
    ]);
    expect(result.path.filter((state) => state === 'Handle')).toHaveLength(3);
  });

  test('an execution that outlives the workflow timeout ends TIMED_OUT', async () => {
    const runner = runnerFor((stack) => inlineStep(stack, 'Slow', { timeout: Duration.seconds(5) }), Duration.seconds(1));
    const result = await runner.stateMachine().run({}, {
      functions: { SlowFunction: () => new Promise((resolve) => setTimeout(resolve, 1500)) },
    });
    expect(result.status).toBe('TIMED_OUT');
    expect(result.error).toBe('States.Timeout');
  });

  test('reads a cloud assembly directory written by synth', async () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'assembly-'));
    const app = new App({ outdir });
    const stack = new Stack(app, 'Shop');
    new Workflow(stack, 'Orders', { definition: inlineStep(stack, 'Step'), timeout: Duration.minutes(1) });
    app.synth();
    const result = await LocalRunner.fromCloudAssembly(outdir).stateMachine('Shop/Orders').run({});
    expect(result.output).toEqual({ ok: true, step: 'StepFunction' });
    expect(() => LocalRunner.fromCloudAssembly(path.join(outdir, 'nope'))).toThrow(/is not a cloud assembly.*Run 'cdk synth' first/);
  });

  test('fails to find a state machine with a list of the ones it has', () => {
    const runner = runnerFor((stack) => new sfn.Pass(stack, 'P'));
    expect(() => runner.stateMachine('Orders')).toThrow(/No state machine matches 'Orders'\. State machines found: TestStack\/Workflow\/StateMachine/);
  });

  test('refuses a Task with nothing to run locally, naming it, unless the test replaces it', async () => {
    // GIVEN a DynamoDB task: no local integration
    const runner = runnerFor((stack) =>
      new tasks.DynamoGetItem(stack, 'LoadCustomer', {
        table: new dynamodb.Table(stack, 'Customers', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } }),
        key: { id: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.id')) },
      }),
    );
    // THEN
    await expect(runner.stateMachine().run({ id: 'c-1' })).rejects.toThrow(
      /Task 'LoadCustomer' \(arn:aws:states:::dynamodb:getItem\): no local integration for this resource[\s\S]*RunOptions.tasks/,
    );
    const result = await runner.stateMachine().run({ id: 'c-1' }, { tasks: { LoadCustomer: (input) => ({ Item: { id: { S: input.Key.id.S } } }) } });
    expect(result.output).toEqual({ Item: { id: { S: 'c-1' } } });
  });

  test.each([
    ['JSONata', (stack: Stack) => sfn.Pass.jsonata(stack, 'P', { outputs: { a: 1 } }), /state 'P' uses JSONata/],
    ['Assign', (stack: Stack) => new sfn.Pass(stack, 'P', { assign: { seen: true } }), /state 'P' has Assign/],
    [
      'a distributed Map',
      (stack: Stack) => new sfn.DistributedMap(stack, 'Fanout', { itemsPath: '$.items' }).itemProcessor(new sfn.Pass(stack, 'P')),
      /state 'Fanout' is a distributed Map/,
    ],
    [
      'HeartbeatSeconds on a task that is not a callback',
      (stack: Stack) => new tasks.LambdaInvoke(stack, 'Beat', { lambdaFunction: inlineFunction(stack, 'Fn'), heartbeatTimeout: sfn.Timeout.duration(Duration.seconds(5)) }),
      /state 'Beat' sets HeartbeatSeconds on a task that is not a callback/,
    ],
  ])('refuses a definition with %s, which the interpreter would silently get wrong', async (_, define, message) => {
    const runner = runnerFor(define);
    await expect(runner.stateMachine().run({})).rejects.toThrow(message);
  });

  test('ResultPath "$" replaces the input, as in Step Functions', async () => {
    const runner = runnerFor((stack) => new sfn.Pass(stack, 'P', { result: sfn.Result.fromObject({ replaced: true }), resultPath: '$' }));
    expect((await runner.stateMachine().run({ original: true })).output).toEqual({ replaced: true });
  });

  test('abort ends the execution as ABORTED', async () => {
    const runner = runnerFor((stack) => inlineStep(stack, 'Slow'));
    const execution = runner.stateMachine().start({}, { functions: { SlowFunction: () => new Promise((resolve) => setTimeout(resolve, 100)) } });
    execution.abort();
    expect((await execution.result).status).toBe('ABORTED');
  });
});

describe('LocalRunner callbacks (.waitForTaskToken)', () => {
  /** A Lambda callback task (notify someone, wait for their answer) with the given timeouts. */
  function callbackWorkflow(timeout: Duration, heartbeat?: Duration, workflowTimeout = Duration.days(60)) {
    return runnerFor((stack) => {
      const wait = new tasks.LambdaInvoke(stack, 'AwaitAnswer', {
        lambdaFunction: codeFunction(stack, 'Notify', 'exports.handler = async () => ({ sent: true });'),
        integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        payload: sfn.TaskInput.fromObject({ token: sfn.JsonPath.taskToken, question: sfn.JsonPath.stringAt('$.question') }),
        taskTimeout: sfn.Timeout.duration(timeout),
        heartbeatTimeout: heartbeat ? sfn.Timeout.duration(heartbeat) : undefined,
        resultPath: '$.answer',
      });
      wait.addCatch(new sfn.Pass(stack, 'NoAnswer'), { errors: ['States.Timeout'], resultPath: '$.timeout' });
      return wait;
    }, workflowTimeout);
  }

  test('the task waits until SendTaskSuccess, whose output becomes its result', async () => {
    // GIVEN
    const runner = callbackWorkflow(Duration.days(30));
    const execution = runner.stateMachine().start({ question: 'ship it?' });
    // WHEN
    const task = await execution.waitForTaskToken('AwaitAnswer');
    expect(task.input).toEqual({ token: task.taskToken, question: 'ship it?' });
    runner.sendTaskSuccess(task.taskToken, JSON.stringify({ yes: true }));
    // THEN
    const result = await execution.result;
    expect(result.output).toEqual({ question: 'ship it?', answer: { yes: true } });
    expect(() => runner.sendTaskSuccess(task.taskToken, '{}')).toThrow(expect.objectContaining({ name: 'TaskTimedOut' }));
    expect(() => runner.sendTaskSuccess('never-issued', '{}')).toThrow(expect.objectContaining({ name: 'InvalidToken' }));
  });

  test('SendTaskFailure fails the task with the given error and cause', async () => {
    const runner = callbackWorkflow(Duration.hours(1));
    const execution = runner.stateMachine().start({ question: 'q' });
    const task = await execution.waitForTaskToken();
    runner.sendTaskFailure(task.taskToken, 'Refused', 'not today');
    expect(await execution.result).toMatchObject({ status: 'FAILED', error: 'Refused', cause: 'not today' });
  });

  test('advancing time past TimeoutSeconds times the task out with States.Timeout, without waiting', async () => {
    const runner = callbackWorkflow(Duration.days(30));
    const execution = runner.stateMachine().start({ question: 'q' });
    await execution.waitForTaskToken();
    await execution.advanceTime(Duration.days(29));
    expect(runner.pendingTasks).toHaveLength(1);
    await execution.advanceTime(Duration.days(1));
    const result = await execution.result;
    expect(result.path).toEqual(['AwaitAnswer', 'NoAnswer']);
    expect(result.output.timeout.Error).toBe('States.Timeout');
  });

  test('a missed heartbeat fails the task with States.HeartbeatTimeout; a heartbeat keeps it waiting', async () => {
    const runner = callbackWorkflow(Duration.hours(2), Duration.minutes(10));
    const execution = runner.stateMachine().start({ question: 'q' });
    const task = await execution.waitForTaskToken();
    await execution.advanceTime(Duration.minutes(9));
    runner.sendTaskHeartbeat(task.taskToken);
    await execution.advanceTime(Duration.minutes(9));
    expect(runner.pendingTasks).toHaveLength(1);
    await execution.advanceTime(Duration.minutes(1));
    expect(await execution.result).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
  });

  test('advancing time past the workflow timeout ends the execution TIMED_OUT', async () => {
    const runner = callbackWorkflow(Duration.days(30), undefined, Duration.days(7));
    const execution = runner.stateMachine().start({ question: 'q' });
    await execution.waitForTaskToken();
    await execution.advanceTime(Duration.days(8));
    expect((await execution.result).status).toBe('TIMED_OUT');
  });
});
