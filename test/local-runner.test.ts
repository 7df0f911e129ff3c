import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { RetryPolicy, Workflow } from '../lib';
import { LocalRunner, TaskFailure } from '../lib/testing';
import { codeFunction, inlineFunction, inlineStep, newStack } from './helpers';

/** A runner over one workflow built by `define` in a fresh stack, with the rules in `acknowledged` acknowledged. */
function runnerFor(define: (stack: Stack) => sfn.IChainable, timeout = Duration.minutes(5), acknowledged: string[] = []): LocalRunner {
  const stack = newStack();
  const workflow = new Workflow(stack, 'Workflow', { definition: define(stack), timeout });
  for (const id of acknowledged) Validations.of(workflow).acknowledge({ id, reason: 'the test needs this timeout' });
  return LocalRunner.fromStack(stack);
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

  test('runs a JSONata state machine built with aws-cdk-lib, with variables across states', async () => {
    // GIVEN a JSONata Pass that assigns, a JSONata Choice and a Pass that reads the variable
    const runner = runnerFor((stack) =>
      sfn.Pass.jsonata(stack, 'Total', { assign: { total: '{% $sum($states.input.lines.price) %}' }, outputs: { orderId: '{% $states.input.orderId %}' } }).next(
        sfn.Choice.jsonata(stack, 'Large?')
          .when(sfn.Condition.jsonata('{% $total >= 100 %}'), sfn.Pass.jsonata(stack, 'Review', { outputs: { orderId: '{% $states.input.orderId %}', review: true, total: '{% $total %}' } }))
          .otherwise(sfn.Pass.jsonata(stack, 'Accept', { outputs: { review: false } })),
      ),
    );
    // WHEN
    const result = await runner.stateMachine().run({ orderId: 'o-1', lines: [{ price: 60 }, { price: 45 }] });
    // THEN
    expect(result.path).toEqual(['Total', 'Large?', 'Review']);
    expect(result.output).toEqual({ orderId: 'o-1', review: true, total: 105 });
  });

  test('runs a distributed Map: each item is a child execution with its own history', async () => {
    const runner = runnerFor((stack) =>
      new sfn.DistributedMap(stack, 'Fanout', { itemsPath: '$.items' }).itemProcessor(new sfn.Pass(stack, 'Double', { parameters: { 'twice.$': 'States.MathAdd($.n, $.n)' } })),
    );
    const result = await runner.stateMachine().run({ items: [{ n: 1 }, { n: 2 }] });
    expect(result.output).toEqual([{ twice: 2 }, { twice: 4 }]);
    expect(result.path).toEqual(['Fanout']);
    expect(result.childExecutions.map((child) => child.path)).toEqual([['Double'], ['Double']]);
  });

  test('HeartbeatSeconds on a task that is not a callback is accepted and has no effect, as in AWS', async () => {
    const runner = runnerFor((stack) =>
      new tasks.LambdaInvoke(stack, 'Beat', { lambdaFunction: inlineFunction(stack, 'Fn'), heartbeatTimeout: sfn.Timeout.duration(Duration.seconds(5)), payloadResponseOnly: true }),
    );
    expect(await runner.stateMachine().run({})).toMatchObject({ status: 'SUCCEEDED', output: { ok: true, step: 'Fn' } });
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
  function callbackWorkflow(timeout: Duration, heartbeat?: Duration, workflowTimeout = Duration.days(60), acknowledged: string[] = []) {
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
    }, workflowTimeout, acknowledged);
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

  // Recorded in AWS (LocalStack's heartbeat snapshots): a missed heartbeat is TaskTimedOut with error States.Timeout.
  test('a missed heartbeat fails the task with States.Timeout; a heartbeat keeps it waiting', async () => {
    const runner = callbackWorkflow(Duration.hours(2), Duration.minutes(10));
    const execution = runner.stateMachine().start({ question: 'q' });
    const task = await execution.waitForTaskToken();
    await execution.advanceTime(Duration.minutes(9));
    runner.sendTaskHeartbeat(task.taskToken);
    await execution.advanceTime(Duration.minutes(9));
    expect(runner.pendingTasks).toHaveLength(1);
    await execution.advanceTime(Duration.minutes(1));
    const result = await execution.result;
    expect(result.path).toEqual(['AwaitAnswer', 'NoAnswer']);
    expect(result.output.timeout).toEqual({ Error: 'States.Timeout', Cause: null });
    expect(result.events.map((event) => event.type)).toContain('TaskTimedOut');
  });

  test('advancing time past the workflow timeout ends the execution TIMED_OUT', async () => {
    // GIVEN a callback allowed longer than the workflow (an error at synth, acknowledged here to run it)
    const runner = callbackWorkflow(Duration.days(30), undefined, Duration.days(7), ['Workflow-TaskTimeoutWithinExecution']);
    const execution = runner.stateMachine().start({ question: 'q' });
    await execution.waitForTaskToken();
    await execution.advanceTime(Duration.days(8));
    expect((await execution.result).status).toBe('TIMED_OUT');
  });

  test('a heartbeat missed in real time times the task out too', async () => {
    const runner = callbackWorkflow(Duration.hours(1), Duration.seconds(1));
    const result = await runner.stateMachine().run({ question: 'q' });
    expect(result.path).toEqual(['AwaitAnswer', 'NoAnswer']);
    expect(result.output.timeout.Error).toBe('States.Timeout');
  });

  test('the token is valid while the task sends it, and tests see the task once the send is done', async () => {
    const runner = callbackWorkflow(Duration.hours(1));
    const sent: string[] = [];
    const execution = runner.stateMachine().start({ question: 'q' }, {
      functions: { Notify: async (event) => { await new Promise((r) => setTimeout(r, 50)); sent.push(event.token); } },
    });
    const task = await execution.waitForTaskToken();
    expect(sent).toEqual([task.taskToken]);
    runner.sendTaskSuccess(task.taskToken, '{}');
    expect((await execution.result).status).toBe('SUCCEEDED');
  });

  test('waitForTaskToken rejects when the execution ends without waiting', async () => {
    const runner = callbackWorkflow(Duration.hours(1));
    const execution = runner.stateMachine().start({ question: 'q' }, { functions: { Notify: () => { throw new Error('SNS down'); } } });
    await expect(execution.waitForTaskToken('AwaitAnswer')).rejects.toThrow(/The execution ended \(FAILED\) before task 'AwaitAnswer' waited/);
  });

  test('a callback task of another service (SQS) is taken as sent, with the token in what it sent', async () => {
    const runner = runnerFor((stack) =>
      new tasks.SqsSendMessage(stack, 'AskWarehouse', {
        queue: new sqs.Queue(stack, 'Requests', { enforceSSL: true }),
        integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        messageBody: sfn.TaskInput.fromObject({ token: sfn.JsonPath.taskToken }),
        taskTimeout: sfn.Timeout.duration(Duration.hours(1)),
      }),
      Duration.hours(2),
    );
    const execution = runner.stateMachine().start({});
    const task = await execution.waitForTaskToken('AskWarehouse');
    expect(task.input.MessageBody).toEqual({ token: task.taskToken });
    runner.sendTaskSuccess(task.taskToken, '{"picked":true}');
    expect((await execution.result).output).toEqual({ picked: true });
  });

  test('dispose ends every wait', async () => {
    const runner = callbackWorkflow(Duration.hours(1));
    const execution = runner.stateMachine().start({ question: 'q' });
    await execution.waitForTaskToken();
    runner.dispose();
    expect(runner.pendingTasks).toEqual([]);
    expect((await execution.result).status).toBe('FAILED');
  });
});

describe('LocalRunner where aws-local-stepfunctions differs from Step Functions', () => {
  test('a Choice rule IsPresent: false matches a missing field', async () => {
    const runner = runnerFor((stack) =>
      new sfn.Choice(stack, 'HasCoupon?')
        .when(sfn.Condition.isNotPresent('$.coupon'), new sfn.Pass(stack, 'FullPrice'))
        .otherwise(new sfn.Pass(stack, 'Discounted')),
    );
    expect((await runner.stateMachine().run({})).path).toEqual(['HasCoupon?', 'FullPrice']);
    expect((await runner.stateMachine().run({ coupon: 'X' })).path).toEqual(['HasCoupon?', 'Discounted']);
  });

  test('$$.Execution.Input inside a Parallel branch is the execution input, not the branch input', async () => {
    const runner = runnerFor((stack) =>
      new sfn.Parallel(stack, 'Both', { parameters: { 'part.$': '$.a' } }).branch(
        new sfn.Pass(stack, 'Read', { parameters: { 'root.$': '$$.Execution.Input', 'branch.$': '$' } }),
      ),
    );
    const result = await runner.stateMachine().run({ a: 1, b: 2 });
    expect(result.output).toEqual([{ root: { a: 1, b: 2 }, branch: { part: 1 } }]);
  });

  test.each([
    [false, sfn.Result.fromBoolean(false)],
    [0, sfn.Result.fromNumber(0)],
    ['', sfn.Result.fromString('')],
  ])('a Pass state whose Result is %p returns it', async (value, result) => {
    const runner = runnerFor((stack) => new sfn.Pass(stack, 'Constant', { result, resultPath: '$.value' }));
    expect((await runner.stateMachine().run({ kept: true })).output).toEqual({ kept: true, value });
  });

  test('a Fail state with an intrinsic CausePath fails with the formatted cause', async () => {
    const runner = runnerFor((stack) =>
      new sfn.Fail(stack, 'Refuse', { error: 'OrderRefused', causePath: sfn.JsonPath.format('Order {} refused', sfn.JsonPath.stringAt('$.orderId')) }),
    );
    expect(await runner.stateMachine().run({ orderId: 'ORD-7' })).toMatchObject({ status: 'FAILED', error: 'OrderRefused', cause: 'Order ORD-7 refused' });
  });

  test('$$.State.EnteredTime stays the same across the retries of one entry', async () => {
    const seen: string[] = [];
    const runner = runnerFor((stack) =>
      new tasks.LambdaInvoke(stack, 'Flaky', {
        lambdaFunction: inlineFunction(stack, 'FlakyFunction'),
        payload: sfn.TaskInput.fromObject({ 'entered': sfn.JsonPath.stringAt('$$.State.EnteredTime') }),
        retryOnServiceExceptions: false,
      }).addRetry({ errors: ['Busy'], maxAttempts: 2 }),
    );
    await runner.stateMachine().run({}, {
      functions: {
        FlakyFunction: (event) => {
          seen.push(event.entered);
          if (seen.length < 3) throw new TaskFailure('Busy');
          return {};
        },
      },
    });
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(1);
    expect(Date.parse(seen[0])).not.toBeNaN();
  });

  test('a replacement throwing States.Timeout is a timeout: States.TaskFailed does not catch it', async () => {
    const runner = runnerFor((stack) => {
      const step = inlineStep(stack, 'Call', { retryPolicy: RetryPolicy.none() });
      step.addCatch(new sfn.Pass(stack, 'Failed'), { errors: ['States.TaskFailed'] });
      step.addCatch(new sfn.Pass(stack, 'TimedOut'), { errors: ['States.Timeout'] });
      return step;
    });
    const result = await runner.stateMachine().run({}, { tasks: { Call: () => { throw new TaskFailure('States.Timeout', 'took too long'); } } });
    expect(result.path.slice(-1)).toEqual(['TimedOut']);
  });
});

describe('LocalRunner Lambda runtime', () => {
  test("each invocation sees only its own function's variables, references resolved, and Lambda's own; the process gets its variables back", async () => {
    const before = { ...process.env };
    const runner = runnerFor((stack) => {
      const second = codeFunction(stack, 'Second', 'exports.handler = async (e) => ({ ...e, secondSees: process.env.ONLY_FIRST ?? null, name: process.env.AWS_LAMBDA_FUNCTION_NAME });');
      const first = codeFunction(stack, 'First', 'exports.handler = async () => ({ firstSees: process.env.ONLY_FIRST, next: process.env.NEXT_FUNCTION });', {
        environment: { ONLY_FIRST: 'yes', NEXT_FUNCTION: second.functionName },
      });
      return new tasks.LambdaInvoke(stack, 'CallFirst', { lambdaFunction: first, payloadResponseOnly: true })
        .next(new tasks.LambdaInvoke(stack, 'CallSecond', { lambdaFunction: second, payloadResponseOnly: true }));
    });
    const result = await runner.stateMachine().run({});
    expect(result.output).toEqual({
      firstSees: 'yes',
      next: expect.stringMatching(/^TestStack-Second[0-9A-F]{8}$/),
      secondSees: null,
      name: result.output.next,
    });
    expect(process.env).toEqual(before);
  });

  test("a handler that outlives the function's Timeout fails with Sandbox.Timedout", async () => {
    const runner = runnerFor((stack) =>
      new tasks.LambdaInvoke(stack, 'Slow', {
        lambdaFunction: codeFunction(stack, 'SlowFn', 'exports.handler = () => new Promise((r) => setTimeout(r, 3000));', { timeout: Duration.seconds(1) }),
        retryOnServiceExceptions: false,
      }),
    );
    const result = await runner.stateMachine().run({});
    expect(result).toMatchObject({ status: 'FAILED', error: 'Sandbox.Timedout' });
    expect(JSON.parse(result.cause!).errorMessage).toBe('Task timed out after 1.00 seconds');
  });

  test('a handler that is not exported fails with Runtime.HandlerNotFound, as in Lambda', async () => {
    const runner = runnerFor((stack) =>
      new tasks.LambdaInvoke(stack, 'Call', { lambdaFunction: codeFunction(stack, 'Fn', 'exports.main = async () => ({});'), retryOnServiceExceptions: false }),
    );
    expect(await runner.stateMachine().run({})).toMatchObject({ status: 'FAILED', error: 'Runtime.HandlerNotFound' });
  });

  test('a replacement for a state that is not a Task is refused, listing the Task states', async () => {
    const runner = runnerFor((stack) => inlineStep(stack, 'Charge'));
    await expect(runner.stateMachine().run({}, { tasks: { Chrage: () => ({}) } })).rejects.toThrow(
      /RunOptions.tasks names 'Chrage', which is not a Task state or Resource\. Task states: Charge\./,
    );
  });
});

describe('LocalRunner: a failing branch stops the others', () => {
  test('a Task inside a Map of another branch is not started after a sibling branch failed', async () => {
    // GIVEN a Parallel whose first branch maps over a Task and whose second branch fails at once
    const definition = {
      StartAt: 'P',
      States: {
        P: {
          Type: 'Parallel',
          End: true,
          Branches: [
            { StartAt: 'M', States: { M: { Type: 'Map', End: true, ItemProcessor: { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'f' }, End: true } } } } } },
            { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'BranchBad' } } },
          ],
        },
      },
    };
    const calls: unknown[] = [];
    const runner = LocalRunner.fromDefinition(definition, { tasks: { T: (request) => { calls.push(request); throw new TaskFailure('Boom'); } } });
    // WHEN
    const result = await runner.stateMachine().run([1]);
    // THEN the Parallel fails with the branch's own error, and the Task never ran
    expect(result).toMatchObject({ status: 'FAILED', error: 'BranchBad' });
    expect(calls).toEqual([]);
    const types = result.events.map((event) => event.type);
    expect(types).not.toContain('TaskScheduled');
    expect(types.slice(-3)).toEqual(['MapStateAborted', 'ParallelStateFailed', 'ExecutionFailed']);
  });
});

describe('LocalRunner definitions Step Functions refuses', () => {
  test('a definition Step Functions refuses fails at start with the diagnostic, and later runs still put the environment back', async () => {
    const stack = newStack();
    new sfn.StateMachine(stack, 'Broken', {
      definitionBody: sfn.DefinitionBody.fromString(JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' } } })),
    });
    new Workflow(stack, 'Fine', {
      definition: new tasks.LambdaInvoke(stack, 'Read', {
        lambdaFunction: codeFunction(stack, 'Reader', 'exports.handler = async () => process.env.ONLY_HERE;', { environment: { ONLY_HERE: 'set' } }),
        payloadResponseOnly: true,
      }),
      timeout: Duration.minutes(1),
    });
    const runner = LocalRunner.fromStack(stack);
    expect(() => runner.stateMachine('Broken').start({})).toThrow(/MISSING_TRANSITION_TARGET at \/States\/A\/Next/);
    expect((await runner.stateMachine('Fine').run({})).output).toBe('set');
    expect(process.env.ONLY_HERE).toBeUndefined();
  });

  test("a path Step Functions accepts but the old interpreter refused ($.[0]) runs", async () => {
    const runner = runnerFor((stack) => new sfn.Pass(stack, 'First', { parameters: { 'a.$': '$.[0]' } }));
    expect((await runner.stateMachine().run(['x', 'y'])).output).toEqual({ a: 'x' });
  });
});
