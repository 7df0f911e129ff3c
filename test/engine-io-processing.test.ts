import { InvalidDefinitionError, LocalRunner, TaskFailure } from '../lib/testing';
import type { AslDefinition } from '../lib/asl/definition';
import type { ExecutionResult, HistoryEvent, TaskHandler } from '../lib/testing';

/*
 * JSONPath input and output processing, reproduced from the worked examples of the AWS Step
 * Functions Developer Guide (https://docs.aws.amazon.com/step-functions/latest/dg/, "DG" below):
 * each describe names the page it follows. Inputs, definition fragments and expected outputs are
 * the pages' own; where a fragment is not runnable as printed (a lone state, a Lambda function
 * that does not exist here, a `Next` to a state the page does not show), the test adapts it
 * minimally and says how.
 *
 * Facts the pages leave implicit come from shared/reference/asl-engine-facts.md (§2, §6, §7, §10, §11).
 */

const DG = 'https://docs.aws.amazon.com/step-functions/latest/dg';
const LAMBDA = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

type Definition = Record<string, unknown>;

/** A definition written as a plain object, as the pages print them. */
const asl = (definition: Definition): AslDefinition => definition as unknown as AslDefinition;

/** A machine of one state (given `End: true`), as most page fragments are. */
function machineOf(name: string, state: Definition): Definition {
  return { StartAt: name, States: { [name]: { ...state, End: true } } };
}

async function run(definition: Definition, input: unknown, tasks: Record<string, TaskHandler> = {}, name?: string): Promise<ExecutionResult> {
  const runner = LocalRunner.fromDefinition(asl(definition), { tasks, name });
  try {
    return await runner.stateMachine().run(input, { name: 'executionName' });
  } finally {
    runner.dispose();
  }
}

function types(result: ExecutionResult): string[] {
  return result.events.map((event) => event.type);
}

function eventsOf(result: ExecutionResult, type: string): HistoryEvent[] {
  return result.events.filter((event) => event.type === type);
}

/** A task replacement that records each request it receives and answers with `answer(request)`. */
function recorder(answer: (request: any) => unknown = (request) => request): { handler: TaskHandler; requests: unknown[] } {
  const requests: unknown[] = [];
  return {
    requests,
    handler: (request) => {
      requests.push(request);
      return answer(request);
    },
  };
}

// ------------------------------------------------------------------------------------------

describe(`InputPath, Parameters and ResultSelector (${DG}/input-output-inputpath-params.html)`, () => {
  test('GIVEN the page\'s input WHEN InputPath is "$.dataset2" THEN the task receives only the dataset2 node', async () => {
    // GIVEN
    const input = { comment: 'Example for InputPath.', dataset1: { val1: 1, val2: 2, val3: 3 }, dataset2: { val1: 'a', val2: 'b', val3: 'c' } };
    const task = recorder();
    const definition = machineOf('Task', { Type: 'Task', Resource: LAMBDA('Echo'), InputPath: '$.dataset2' });
    // WHEN
    const result = await run(definition, input, { Task: task.handler });
    // THEN
    expect(task.requests).toEqual([{ val1: 'a', val2: 'b', val3: 'c' }]);
    expect(result.output).toEqual({ val1: 'a', val2: 'b', val3: 'c' });
    expect(result.path).toEqual(['Task']);
  });

  test('GIVEN { "a": [1, 2, 3, 4] } WHEN InputPath is the slice "$.a[0:2]" THEN the selection is [1, 2]', async () => {
    const result = await run(machineOf('Select', { Type: 'Pass', InputPath: '$.a[0:2]' }), { a: [1, 2, 3, 4] });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual([1, 2]);
  });

  test('GIVEN the page\'s product input WHEN Parameters selects with ".$" keys and keeps a static value THEN the task receives the page\'s JSON', async () => {
    // GIVEN
    const input = {
      comment: 'Example for Parameters.',
      product: { details: { color: 'blue', size: 'small', material: 'cotton' }, availability: 'in stock', sku: '2317', cost: '$23' },
    };
    const task = recorder();
    const definition = machineOf('Task', {
      Type: 'Task',
      Resource: LAMBDA('Echo'),
      Parameters: {
        comment: 'Selecting what I care about.',
        MyDetails: { 'size.$': '$.product.details.size', 'exists.$': '$.product.availability', StaticValue: 'foo' },
      },
    });
    // WHEN
    const result = await run(definition, input, { Task: task.handler });
    // THEN
    const expected = { comment: 'Selecting what I care about.', MyDetails: { size: 'small', exists: 'in stock', StaticValue: 'foo' } };
    expect(task.requests).toEqual([expected]);
    expect(result.output).toEqual(expected);
  });

  test('GIVEN InputPath and Parameters together WHEN the state runs THEN InputPath applies first and Parameters reads its selection', async () => {
    // The page: "Step Functions applies the InputPath field first, and then the Parameters field."
    const task = recorder();
    const definition = machineOf('Task', {
      Type: 'Task',
      Resource: LAMBDA('Echo'),
      InputPath: '$.product',
      Parameters: { 'size.$': '$.details.size', StaticValue: 'foo' },
    });

    await run(definition, { product: { details: { size: 'small' } } }, { Task: task.handler });

    expect(task.requests).toEqual([{ size: 'small', StaticValue: 'foo' }]);
  });

  test('GIVEN the page\'s EMR createCluster.sync result WHEN ResultSelector picks ClusterId and resourceType with ResultPath "$.EMROutput" THEN the page\'s output', async () => {
    // GIVEN the page's task, its "<some parameters>" replaced by a cluster name.
    const emrResult = {
      resourceType: 'elasticmapreduce',
      resource: 'createCluster.sync',
      output: {
        SdkHttpMetadata: {
          HttpHeaders: { 'Content-Length': '1112', 'Content-Type': 'application/x-amz-JSON-1.1', Date: 'Mon, 25 Nov 2019 19:41:29 GMT', 'x-amzn-RequestId': '1234-5678-9012' },
          HttpStatusCode: 200,
        },
        SdkResponseMetadata: { RequestId: '1234-5678-9012' },
        ClusterId: 'AKIAIOSFODNN7EXAMPLE',
      },
    };
    const definition = {
      StartAt: 'Create Cluster',
      States: {
        'Create Cluster': {
          Type: 'Task',
          Resource: 'arn:aws:states:::elasticmapreduce:createCluster.sync',
          Parameters: { Name: 'MyCluster' },
          ResultSelector: { 'ClusterId.$': '$.output.ClusterId', 'ResourceType.$': '$.resourceType' },
          ResultPath: '$.EMROutput',
          Next: 'Next Step',
        },
        'Next Step': { Type: 'Succeed' },
      },
    };
    // WHEN
    const result = await run(definition, { OtherDataFromInput: {} }, { 'Create Cluster': () => emrResult });
    // THEN
    expect(result.output).toEqual({ OtherDataFromInput: {}, EMROutput: { ClusterId: 'AKIAIOSFODNN7EXAMPLE', ResourceType: 'elasticmapreduce' } });
    expect(result.path).toEqual(['Create Cluster', 'Next Step']);
    // The task result itself is recorded whole: ResultSelector works on the state, not the call.
    expect(JSON.parse(eventsOf(result, 'TaskSucceeded')[0].taskSucceededEventDetails!.output!)).toEqual(emrResult);
  });

  test('GIVEN a Parallel whose branches return arrays WHEN ResultSelector is { "flattenArray.$": "$[*][*]" } THEN the array of arrays is flattened', async () => {
    // The page gives only the selector; the branches' arrays are ours.
    const definition = machineOf('Both', {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'First', States: { First: { Type: 'Pass', Result: [1, 2], End: true } } },
        { StartAt: 'Second', States: { Second: { Type: 'Pass', Result: [3], End: true } } },
      ],
      ResultSelector: { 'flattenArray.$': '$[*][*]' },
    });

    const result = await run(definition, {});

    expect(result.output).toEqual({ flattenArray: [1, 2, 3] });
  });
});

// ------------------------------------------------------------------------------------------

describe(`ResultPath (${DG}/input-output-resultpath.html)`, () => {
  const input = { comment: 'This is a test', details: 'Default example', who: 'Step Functions' };
  const hello: TaskHandler = () => 'Hello, Step Functions!';

  function taskWith(resultPath?: string | null): Definition {
    const state: Definition = { Type: 'Task', Resource: LAMBDA('HelloFunction') };
    if (resultPath !== undefined) state.ResultPath = resultPath;
    return machineOf('HelloWorld', state);
  }

  test('GIVEN no ResultPath WHEN the task returns "Hello, Step Functions!" THEN the result replaces the whole input', async () => {
    const result = await run(taskWith(), input, { HelloWorld: hello });

    expect(result.output).toBe('Hello, Step Functions!');
  });

  test('GIVEN "ResultPath": "$" WHEN the task returns a result THEN it behaves as the default', async () => {
    const result = await run(taskWith('$'), input, { HelloWorld: hello });

    expect(result.output).toBe('Hello, Step Functions!');
  });

  test('GIVEN "ResultPath": null WHEN the task returns a result THEN the original input is the output', async () => {
    const result = await run(taskWith(null), input, { HelloWorld: hello });

    expect(result.output).toEqual(input);
  });

  test('GIVEN "ResultPath": "$.taskresult" WHEN the task returns a result THEN the output is the input with the result added', async () => {
    const result = await run(taskWith('$.taskresult'), input, { HelloWorld: hello });

    expect(result.output).toEqual({ ...input, taskresult: 'Hello, Step Functions!' });
  });

  test('GIVEN "ResultPath": "$.strings.lambdaresult" WHEN the task returns a result THEN it becomes a child of the strings node', async () => {
    const stringsInput = { comment: 'An input comment.', strings: { string1: 'foo', string2: 'bar', string3: 'baz' }, who: 'AWS Step Functions' };

    const result = await run(taskWith('$.strings.lambdaresult'), stringsInput, { HelloWorld: hello });

    expect(result.output).toEqual({
      comment: 'An input comment.',
      strings: { string1: 'foo', string2: 'bar', string3: 'baz', lambdaresult: 'Hello, Step Functions!' },
      who: 'AWS Step Functions',
    });
  });

  test('GIVEN "ResultPath": "$.comment", an existing node, WHEN the task returns a result THEN that node is replaced', async () => {
    const result = await run(taskWith('$.comment'), input, { HelloWorld: hello });

    expect(result.output).toEqual({ comment: 'Hello, Step Functions!', details: 'Default example', who: 'Step Functions' });
  });

  test('GIVEN a Catch with "ResultPath": "$.error" WHEN the task fails with "Error here" THEN the error output is added to the original input', async () => {
    // GIVEN the page's catcher; its "NextTask" is a Pass state here. The page abridges the
    // error output to its Error field: Step Functions always adds a Cause (a string).
    const definition = {
      StartAt: 'Task',
      States: {
        Task: { Type: 'Task', Resource: LAMBDA('Fails'), Catch: [{ ErrorEquals: ['States.ALL'], Next: 'NextTask', ResultPath: '$.error' }], End: true },
        NextTask: { Type: 'Pass', End: true },
      },
    };
    // WHEN
    const result = await run(definition, { foo: 'bar' }, { Task: () => { throw new TaskFailure('Error here', 'it broke'); } });
    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ foo: 'bar', error: { Error: 'Error here', Cause: 'it broke' } });
    expect(result.path).toEqual(['Task', 'NextTask']);
    expect(result.catches).toEqual([{ stateName: 'Task', error: 'Error here', cause: 'it broke', next: 'NextTask' }]);
  });
});

describe(`Catch with "ResultPath": "$.error-info" (${DG}/concepts-error-handling.html, and the ASL spec's Catch example)`, () => {
  // The pages' catchers: a java.lang.Exception goes to RecoveryState with the error output
  // injected at $.error-info; any other error goes to EndState with the error output alone.
  const definition = {
    StartAt: 'Work',
    States: {
      Work: {
        Type: 'Task',
        Resource: LAMBDA('Work'),
        Catch: [
          { ErrorEquals: ['java.lang.Exception'], ResultPath: '$.error-info', Next: 'RecoveryState' },
          { ErrorEquals: ['States.ALL'], Next: 'EndState' },
        ],
        End: true,
      },
      RecoveryState: { Type: 'Pass', End: true },
      EndState: { Type: 'Pass', End: true },
    },
  };

  test('GIVEN the first catcher matches WHEN the task throws java.lang.Exception THEN RecoveryState gets the original input with the error output at "error-info"', async () => {
    const result = await run(definition, { orderId: 'o-1' }, { Work: () => { throw new TaskFailure('java.lang.Exception', 'boom'); } });

    expect(result.path).toEqual(['Work', 'RecoveryState']);
    expect(result.output).toEqual({ orderId: 'o-1', 'error-info': { Error: 'java.lang.Exception', Cause: 'boom' } });
  });

  test('GIVEN another error WHEN the States.ALL catcher takes it THEN EndState gets only the error output', async () => {
    const result = await run(definition, { orderId: 'o-1' }, { Work: () => { throw new TaskFailure('Other', 'bang'); } });

    expect(result.path).toEqual(['Work', 'EndState']);
    expect(result.output).toEqual({ Error: 'Other', Cause: 'bang' });
  });
});

// ------------------------------------------------------------------------------------------

describe(`InputPath, ResultPath and OutputPath together (${DG}/input-output-example.html)`, () => {
  // The page's HelloWorld state machine; HelloFunction answers "Hello, <who>!" as the tutorial's does.
  const definition = {
    Comment: 'A Hello World example of the Amazon States Language using an AWS Lambda function',
    StartAt: 'HelloWorld',
    States: {
      HelloWorld: {
        Type: 'Task',
        Resource: 'arn:aws:lambda:us-east-1:123456789012:function:HelloFunction',
        InputPath: '$.lambda',
        ResultPath: '$.data.lambdaresult',
        OutputPath: '$.data',
        End: true,
      },
    },
  };
  const input = { comment: 'An input comment.', data: { val1: 23, val2: 17 }, extra: 'foo', lambda: { who: 'AWS Step Functions' } };

  test('GIVEN the page\'s input WHEN the state runs THEN the function receives only the lambda node and the output is the data node with the result', async () => {
    // GIVEN
    const hello = recorder((request) => `Hello, ${request.who}!`);
    // WHEN
    const result = await run(definition, input, { HelloWorld: hello.handler });
    // THEN
    expect(hello.requests).toEqual([{ who: 'AWS Step Functions' }]);
    expect(result.output).toEqual({ val1: 23, val2: 17, lambdaresult: 'Hello, AWS Step Functions!' });
    expect(result.path).toEqual(['HelloWorld']);
  });

  test('GIVEN the page\'s input WHEN the state runs THEN the history shows the raw input entering and the filtered output leaving', async () => {
    const result = await run(definition, input, { HelloWorld: () => 'Hello, AWS Step Functions!' });

    const entered = eventsOf(result, 'TaskStateEntered')[0];
    const exited = eventsOf(result, 'TaskStateExited')[0];
    expect(JSON.parse(entered.stateEnteredEventDetails!.input!)).toEqual(input);
    expect(JSON.parse(exited.stateExitedEventDetails!.output!)).toEqual({ val1: 23, val2: 17, lambdaresult: 'Hello, AWS Step Functions!' });
    expect(types(result)[0]).toBe('ExecutionStarted');
    expect(types(result).slice(-2)).toEqual(['TaskStateExited', 'ExecutionSucceeded']);
  });
});

describe(`OutputPath (${DG}/input-output-outputpath.html)`, () => {
  const input = { comment: 'An input comment.', data: { val1: 23, val2: 17 } };

  test('GIVEN no OutputPath WHEN the state runs THEN the whole node built from the input, the result and ResultPath is passed on ("$")', async () => {
    const definition = machineOf('HelloWorld', { Type: 'Task', Resource: LAMBDA('HelloFunction'), ResultPath: '$.data.lambdaresult' });

    const result = await run(definition, input, { HelloWorld: () => 'Hello!' });

    expect(result.output).toEqual({ comment: 'An input comment.', data: { val1: 23, val2: 17, lambdaresult: 'Hello!' } });
  });

  test('GIVEN "OutputPath": "$.data.val2" WHEN the state runs THEN only that portion is passed on', async () => {
    const definition = machineOf('Filter', { Type: 'Pass', OutputPath: '$.data.val2' });

    const result = await run(definition, input);

    expect(result.output).toBe(17);
  });
});

// ------------------------------------------------------------------------------------------

describe(`The Context object (${DG}/input-output-contextobject.html)`, () => {
  test('GIVEN the page\'s "Order Flight Ticket Queue" task WHEN it runs THEN "Execution.$": "$$.Execution.Id" sends the execution ARN in the message', async () => {
    // GIVEN the page's state; its "NEXT_STATE" is a Succeed state here.
    const definition = {
      StartAt: 'Order Flight Ticket Queue',
      States: {
        'Order Flight Ticket Queue': {
          Type: 'Task',
          Resource: 'arn:aws:states:::sqs:sendMessage',
          Parameters: {
            QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/flight-purchase',
            MessageBody: { From: 'YVR', To: 'SEA', 'Execution.$': '$$.Execution.Id' },
          },
          Next: 'NEXT_STATE',
        },
        NEXT_STATE: { Type: 'Succeed' },
      },
    };
    const sqs = recorder(() => ({ MessageId: 'm-1' }));
    // WHEN
    const result = await run(definition, {}, { 'Order Flight Ticket Queue': sqs.handler });
    // THEN
    expect(sqs.requests).toEqual([
      {
        QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/flight-purchase',
        MessageBody: { From: 'YVR', To: 'SEA', Execution: result.executionArn },
      },
    ]);
    expect(result.executionArn).toBe('arn:aws:states:us-east-1:123456789012:execution:StateMachine:executionName');
    expect(result.output).toEqual({ MessageId: 'm-1' });
  });

  test('GIVEN the page\'s running-execution example (machine stateMachineName, execution executionName, state "Test" on its fourth attempt) WHEN "$$" is read THEN the fields match', async () => {
    // GIVEN a Task named "Test" that fails three times and is retried: its fourth attempt sees
    // RetryCount 3, as in the page's example.
    const definition = machineOf('Test', {
      Type: 'Task',
      Resource: LAMBDA('Test'),
      Parameters: { 'context.$': '$$' },
      Retry: [{ ErrorEquals: ['Transient'], IntervalSeconds: 1, MaxAttempts: 3 }],
    });
    const test = recorder((request) => {
      if (test.requests.length <= 3) throw new TaskFailure('Transient', 'try again');
      return request.context;
    });
    // WHEN
    const result = await run(definition, { key: 'value' }, { Test: test.handler }, 'stateMachineName');
    // THEN
    const context = result.output;
    expect(context.Execution).toMatchObject({
      Id: 'arn:aws:states:us-east-1:123456789012:execution:stateMachineName:executionName',
      Input: { key: 'value' },
      Name: 'executionName',
    });
    expect(context.Execution.RoleArn).toMatch(/^arn:aws:iam::123456789012:role/);
    expect(context.State).toMatchObject({ Name: 'Test', RetryCount: 3 });
    expect(context.StateMachine).toEqual({ Id: 'arn:aws:states:us-east-1:123456789012:stateMachine:stateMachineName', Name: 'stateMachineName' });
    expect(result.retries.map((retry) => retry.attempt)).toEqual([1, 2, 3]);
  });

  test('GIVEN a running execution WHEN StartTime and EnteredTime are read THEN they are ISO 8601 UTC timestamps with 0, 3, 6 or 9 fractional digits', async () => {
    // The page: "output can be zero, three, six or nine digits as necessary".
    const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3}|\.\d{6}|\.\d{9})?Z$/;
    const definition = machineOf('Times', { Type: 'Pass', Parameters: { 'start.$': '$$.Execution.StartTime', 'entered.$': '$$.State.EnteredTime' } });

    const result = await run(definition, {});

    expect(result.output.start).toMatch(iso);
    expect(result.output.entered).toMatch(iso);
    expect(Date.parse(result.output.entered)).toBeGreaterThanOrEqual(Date.parse(result.output.start));
  });

  test('GIVEN the fields the page lists (InputPath, OutputPath, ResultSelector, Choice Variable) WHEN they read "$$" THEN they select from the Context object', async () => {
    const definition = {
      StartAt: 'FromContext',
      States: {
        FromContext: {
          Type: 'Task',
          Resource: LAMBDA('Echo'),
          InputPath: '$$.Execution.Input',
          ResultSelector: { 'echo.$': '$', 'state.$': '$$.State.Name' },
          Next: 'Route',
        },
        Route: {
          Type: 'Choice',
          Choices: [{ Variable: '$$.Execution.Name', StringEquals: 'executionName', Next: 'Named' }],
          Default: 'Unnamed',
        },
        Named: { Type: 'Pass', OutputPath: '$$.State.Name', End: true },
        Unnamed: { Type: 'Fail', Error: 'Unnamed' },
      },
    };
    const echo = recorder();

    const result = await run(definition, { original: true }, { FromContext: echo.handler });

    expect(echo.requests).toEqual([{ original: true }]);
    expect(JSON.parse(eventsOf(result, 'TaskStateExited')[0].stateExitedEventDetails!.output!)).toEqual({ echo: { original: true }, state: 'FromContext' });
    expect(result.path).toEqual(['FromContext', 'Route', 'Named']);
    expect(result.output).toBe('Named');
  });

  test('GIVEN the page\'s JSONPath Map example with ItemSelector WHEN run on bob, meg and joe THEN each output holds ContextIndex, ContextValue and ContextSource "STATE_DATA"', async () => {
    // GIVEN
    const definition = {
      StartAt: 'ExampleMapState',
      States: {
        ExampleMapState: {
          Type: 'Map',
          ItemSelector: { 'ContextIndex.$': '$$.Map.Item.Index', 'ContextValue.$': '$$.Map.Item.Value', 'ContextSource.$': '$$.Map.Item.Source' },
          ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'TestPass', States: { TestPass: { Type: 'Pass', End: true } } },
          End: true,
        },
      },
    };
    // WHEN
    const result = await run(definition, [{ who: 'bob' }, { who: 'meg' }, { who: 'joe' }]);
    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual([
      { ContextIndex: 0, ContextValue: { who: 'bob' }, ContextSource: 'STATE_DATA' },
      { ContextIndex: 1, ContextValue: { who: 'meg' }, ContextSource: 'STATE_DATA' },
      { ContextIndex: 2, ContextValue: { who: 'joe' }, ContextSource: 'STATE_DATA' },
    ]);
  });

  test('GIVEN the page\'s JSONata Map example WHEN run on bob, meg and joe THEN each output holds ContextIndex, ContextValue and ContextSource "STATE_DATA"', async () => {
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'ExampleMapState',
      States: {
        ExampleMapState: {
          Type: 'Map',
          ItemSelector: {
            ContextIndex: '{% $states.context.Map.Item.Index %}',
            ContextValue: '{% $states.context.Map.Item.Value %}',
            ContextSource: '{% $states.context.Map.Item.Source %}',
          },
          ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'TestPass', States: { TestPass: { Type: 'Pass', End: true } } },
          End: true,
        },
      },
    };

    const result = await run(definition, [{ who: 'bob' }, { who: 'meg' }, { who: 'joe' }]);

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual([
      { ContextIndex: 0, ContextValue: { who: 'bob' }, ContextSource: 'STATE_DATA' },
      { ContextIndex: 1, ContextValue: { who: 'meg' }, ContextSource: 'STATE_DATA' },
      { ContextIndex: 2, ContextValue: { who: 'joe' }, ContextSource: 'STATE_DATA' },
    ]);
  });

  test('GIVEN the 2019 version of the page\'s Map example (legacy Parameters and Iterator) WHEN run THEN Index and Value are inserted', async () => {
    // The archived page (github.com/awsdocs/aws-step-functions-developer-guide, input-output-contextobject.md).
    const definition = {
      StartAt: 'ExampleMapState',
      States: {
        ExampleMapState: {
          Type: 'Map',
          Parameters: { 'ContextIndex.$': '$$.Map.Item.Index', 'ContextValue.$': '$$.Map.Item.Value' },
          Iterator: { StartAt: 'TestPass', States: { TestPass: { Type: 'Pass', End: true } } },
          End: true,
        },
      },
    };

    const result = await run(definition, [{ who: 'bob' }, { who: 'meg' }, { who: 'joe' }]);

    expect(result.output).toEqual([
      { ContextValue: { who: 'bob' }, ContextIndex: 0 },
      { ContextValue: { who: 'meg' }, ContextIndex: 1 },
      { ContextValue: { who: 'joe' }, ContextIndex: 2 },
    ]);
    expect(result.path).toEqual(['ExampleMapState', 'TestPass', 'TestPass', 'TestPass']);
  });
});

// ------------------------------------------------------------------------------------------

describe(`Pass state (${DG}/state-pass.html)`, () => {
  test('GIVEN the page\'s "No-op" state WHEN the input is { "georefOf": "Home" } THEN Result is placed at $.coords', async () => {
    // GIVEN
    const definition = machineOf('No-op', { Type: 'Pass', Result: { 'x-datum': 0.381018, 'y-datum': 622.2269926397355 }, ResultPath: '$.coords' });
    // WHEN
    const result = await run(definition, { georefOf: 'Home' });
    // THEN
    expect(result.output).toEqual({ georefOf: 'Home', coords: { 'x-datum': 0.381018, 'y-datum': 622.2269926397355 } });
    expect(result.path).toEqual(['No-op']);
    expect(types(result)).toEqual(['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
  });

  test('GIVEN a Pass without Result WHEN it runs THEN it passes its input to its output', async () => {
    const result = await run(machineOf('Nothing', { Type: 'Pass' }), { georefOf: 'Home' });

    expect(result.output).toEqual({ georefOf: 'Home' });
  });

  test('GIVEN Result holding a ".$" key WHEN the Pass runs THEN Result is static: the path is not evaluated', async () => {
    const definition = machineOf('Static', { Type: 'Pass', Result: { 'place.$': '$.georefOf' } });

    const result = await run(definition, { georefOf: 'Home' });

    expect(result.output).toEqual({ 'place.$': '$.georefOf' });
  });

  test('GIVEN Parameters WHEN the Pass runs THEN the key-value pairs it builds are the output', async () => {
    const definition = machineOf('Build', { Type: 'Pass', Parameters: { 'place.$': '$.georefOf', kind: 'static' } });

    const result = await run(definition, { georefOf: 'Home', other: 1 });

    expect(result.output).toEqual({ place: 'Home', kind: 'static' });
  });
});

describe(`Wait state (${DG}/state-wait.html)`, () => {
  function waitedMs(result: ExecutionResult): number {
    const entered = eventsOf(result, 'WaitStateEntered')[0].timestamp.getTime();
    const exited = eventsOf(result, 'WaitStateExited')[0].timestamp.getTime();
    return exited - entered;
  }

  test('GIVEN the page\'s "wait_ten_seconds" state WHEN it runs THEN it waits 10 seconds and passes its input on', async () => {
    // GIVEN the page's state; its "NextState" is a Succeed state here.
    const definition = {
      StartAt: 'wait_ten_seconds',
      States: { wait_ten_seconds: { Type: 'Wait', Seconds: 10, Next: 'NextState' }, NextState: { Type: 'Succeed' } },
    };
    // WHEN
    const result = await run(definition, { a: 1 });
    // THEN
    expect(waitedMs(result)).toBeGreaterThanOrEqual(10_000);
    expect(waitedMs(result)).toBeLessThan(11_000);
    expect(result.output).toEqual({ a: 1 });
    expect(result.path).toEqual(['wait_ten_seconds', 'NextState']);
    expect(types(result)).toEqual(['ExecutionStarted', 'WaitStateEntered', 'WaitStateExited', 'SucceedStateEntered', 'SucceedStateExited', 'ExecutionSucceeded']);
  });

  test('GIVEN the page\'s "wait_until" with "TimestampPath": "$.expirydate" WHEN the expiry date is an hour ahead THEN the state waits until then', async () => {
    // The page's expirydate (2024-03-14T01:59:00Z) is in the past, where the wait ends at
    // once: this one is an hour after the run starts, written as the page writes it.
    const expiry = new Date(Math.ceil(Date.now() / 1000) * 1000 + 3_600_000).toISOString().replace('.000Z', 'Z');
    const definition = {
      StartAt: 'wait_until',
      States: { wait_until: { Type: 'Wait', TimestampPath: '$.expirydate', Next: 'NextState' }, NextState: { Type: 'Succeed' } },
    };

    const result = await run(definition, { expirydate: expiry });

    expect(eventsOf(result, 'WaitStateExited')[0].timestamp.getTime()).toBeGreaterThanOrEqual(Date.parse(expiry));
    expect(waitedMs(result)).toBeLessThan(3_700_000);
    expect(result.output).toEqual({ expirydate: expiry });
  });
});

// ------------------------------------------------------------------------------------------

describe(`Choice state (${DG}/state-choice.html)`, () => {
  // The page's "ChoiceStateX" example (the archived page prints the whole fragment). Its tasks
  // go to "NextState", which the page does not show: a Succeed state here.
  const definition = {
    StartAt: 'ChoiceStateX',
    States: {
      ChoiceStateX: {
        Type: 'Choice',
        Choices: [
          { Not: { Variable: '$.type', StringEquals: 'Private' }, Next: 'Public' },
          { Variable: '$.value', NumericEquals: 0, Next: 'ValueIsZero' },
          {
            And: [
              { Variable: '$.value', NumericGreaterThanEquals: 20 },
              { Variable: '$.value', NumericLessThan: 30 },
            ],
            Next: 'ValueInTwenties',
          },
        ],
        Default: 'DefaultState',
      },
      Public: { Type: 'Task', Resource: LAMBDA('Foo'), Next: 'NextState' },
      ValueIsZero: { Type: 'Task', Resource: LAMBDA('Zero'), Next: 'NextState' },
      ValueInTwenties: { Type: 'Task', Resource: LAMBDA('Bar'), Next: 'NextState' },
      DefaultState: { Type: 'Fail', Cause: 'No Matches!' },
      NextState: { Type: 'Succeed' },
    },
  };
  const tasks = { Public: () => 'public', ValueIsZero: () => 'zero', ValueInTwenties: () => 'twenties' };

  test('GIVEN the page\'s input { "type": "Private", "value": 22 } WHEN the Choice runs THEN it goes to ValueInTwenties', async () => {
    const result = await run(definition, { type: 'Private', value: 22 }, tasks);

    expect(result.path).toEqual(['ChoiceStateX', 'ValueInTwenties', 'NextState']);
    expect(result.output).toBe('twenties');
    expect(types(result).slice(0, 3)).toEqual(['ExecutionStarted', 'ChoiceStateEntered', 'ChoiceStateExited']);
  });

  test.each([
    [{ type: 'Public', value: 22 }, 'Public'],
    [{ type: 'Private', value: 0 }, 'ValueIsZero'],
    [{ type: 'Private', value: 29.5 }, 'ValueInTwenties'],
  ])('GIVEN %j WHEN the Choice runs THEN the first matching rule, in order, goes to %s', async (input, expected) => {
    const result = await run(definition, input, tasks);

    expect(result.path).toEqual(['ChoiceStateX', expected, 'NextState']);
  });

  test('GIVEN no rule matches WHEN the Choice runs THEN the Default state runs (here a Fail with Cause "No Matches!")', async () => {
    const result = await run(definition, { type: 'Private', value: 30 }, tasks);

    expect(result.status).toBe('FAILED');
    expect(result.cause).toBe('No Matches!');
    expect(result.path).toEqual(['ChoiceStateX', 'DefaultState']);
  });

  test('GIVEN an input without $.type WHEN the Choice runs THEN the execution fails (the page\'s note)', async () => {
    const result = await run(definition, { value: 22 }, tasks);

    expect(result.status).toBe('FAILED');
    expect(result.path).toEqual(['ChoiceStateX']);
  });

  test('GIVEN no rule matches and no Default WHEN the Choice runs THEN the execution fails with States.NoChoiceMatched', async () => {
    const noDefault = machineOf('Choose', { Type: 'Choice', Choices: [{ Variable: '$.foo', NumericEquals: 1, Next: 'FirstMatchState' }] });
    delete (noDefault.States as Record<string, Definition>).Choose.End;
    (noDefault.States as Record<string, Definition>).FirstMatchState = { Type: 'Succeed' };

    const result = await run(noDefault, { foo: 2 });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.NoChoiceMatched');
  });

  // The page's JSONPath rule examples, each given a Next, tried against inputs that match and
  // inputs that do not.
  test.each([
    ['NumericEquals 1', true, { Variable: '$.foo', NumericEquals: 1 }, { foo: 1 }],
    ['NumericEquals 1 on the string "1" (no numeric match of a string)', false, { Variable: '$.foo', NumericEquals: 1 }, { foo: '1' }],
    ['StringEquals "MyString"', true, { Variable: '$.foo', StringEquals: 'MyString' }, { foo: 'MyString' }],
    ['StringEquals "MyString" on "mystring"', false, { Variable: '$.foo', StringEquals: 'MyString' }, { foo: 'mystring' }],
    ['StringGreaterThan "MyStringABC" on "MyStringABD"', true, { Variable: '$.foo', StringGreaterThan: 'MyStringABC' }, { foo: 'MyStringABD' }],
    ['StringGreaterThan "MyStringABC" on "MyStringAB"', false, { Variable: '$.foo', StringGreaterThan: 'MyStringABC' }, { foo: 'MyStringAB' }],
    ['IsNull on null', true, { Variable: '$.possiblyNullValue', IsNull: true }, { possiblyNullValue: null }],
    ['IsNull on 0', false, { Variable: '$.possiblyNullValue', IsNull: true }, { possiblyNullValue: 0 }],
    ['StringMatches "log-*.txt" on "log-2024.txt"', true, { Variable: '$.foo', StringMatches: 'log-*.txt' }, { foo: 'log-2024.txt' }],
    ['StringMatches "log-*.txt" on "log-2024.csv"', false, { Variable: '$.foo', StringMatches: 'log-*.txt' }, { foo: 'log-2024.csv' }],
    ['TimestampEquals "2001-01-01T12:00:00Z"', true, { Variable: '$.foo', TimestampEquals: '2001-01-01T12:00:00Z' }, { foo: '2001-01-01T12:00:00Z' }],
    ['TimestampEquals "2001-01-01T12:00:00Z" on a later time', false, { Variable: '$.foo', TimestampEquals: '2001-01-01T12:00:00Z' }, { foo: '2001-01-01T12:00:01Z' }],
    ['StringEquals on a timestamp (timestamps are strings)', true, { Variable: '$.foo', StringEquals: '2001-01-01T12:00:00Z' }, { foo: '2001-01-01T12:00:00Z' }],
    ['StringEqualsPath "$.bar"', true, { Variable: '$.foo', StringEqualsPath: '$.bar' }, { foo: 'x', bar: 'x' }],
    ['StringEqualsPath "$.bar" when they differ', false, { Variable: '$.foo', StringEqualsPath: '$.bar' }, { foo: 'x', bar: 'y' }],
    ['IsPresent guarding StringEquals when the key is absent', false, { And: [{ Variable: '$.keyThatMightNotExist', IsPresent: true }, { Variable: '$.keyThatMightNotExist', StringEquals: 'foo' }] }, {}],
    ['IsPresent guarding StringEquals when the key is "foo"', true, { And: [{ Variable: '$.keyThatMightNotExist', IsPresent: true }, { Variable: '$.keyThatMightNotExist', StringEquals: 'foo' }] }, { keyThatMightNotExist: 'foo' }],
  ])('GIVEN the rule %s WHEN tried THEN it matches: %s', async (_label, matches, rule, input) => {
    // GIVEN
    const choice = {
      StartAt: 'Choose',
      States: {
        Choose: { Type: 'Choice', Choices: [{ ...rule, Next: 'FirstMatchState' }], Default: 'NoMatch' },
        FirstMatchState: { Type: 'Pass', Result: 'matched', End: true },
        NoMatch: { Type: 'Pass', Result: 'no match', End: true },
      },
    };
    // WHEN
    const result = await run(choice, input);
    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(result.path).toEqual(['Choose', matches ? 'FirstMatchState' : 'NoMatch']);
  });
});

// ------------------------------------------------------------------------------------------

describe(`Map state, inline (${DG}/state-map.html, ${DG}/state-map-inline.html)`, () => {
  const shipped = [
    { prod: 'R31', 'dest-code': 9511, quantity: 1344 },
    { prod: 'S39', 'dest-code': 9511, quantity: 40 },
    { prod: 'R31', 'dest-code': 9833, quantity: 12 },
    { prod: 'R40', 'dest-code': 9860, quantity: 887 },
    { prod: 'R40', 'dest-code': 9511, quantity: 1220 },
  ];
  const input = { 'ship-date': '2016-03-14T01:59:00Z', detail: { 'delivery-partner': 'UQS', shipped } };

  test('GIVEN the page\'s "Validate All" example WHEN it runs THEN each item goes to ship-val and the outputs replace detail.shipped', async () => {
    // GIVEN the page's state. Its lambda:invoke Parameters name only the function: "Payload.$"
    // is added so ship-val receives the item, as the page says it does.
    const definition = {
      StartAt: 'Validate All',
      States: {
        'Validate All': {
          Type: 'Map',
          InputPath: '$.detail',
          ItemProcessor: {
            ProcessorConfig: { Mode: 'INLINE' },
            StartAt: 'Validate',
            States: {
              Validate: {
                Type: 'Task',
                Resource: 'arn:aws:states:::lambda:invoke',
                OutputPath: '$.Payload',
                Parameters: { FunctionName: 'arn:aws:lambda:us-east-2:123456789012:function:ship-val:$LATEST', 'Payload.$': '$' },
                End: true,
              },
            },
          },
          End: true,
          ResultPath: '$.detail.shipped',
          ItemsPath: '$.shipped',
        },
      },
    };
    const shipVal = recorder((request) => ({ StatusCode: 200, Payload: { prod: request.Payload.prod, valid: true } }));
    // WHEN
    const result = await run(definition, input, { Validate: shipVal.handler });
    // THEN
    expect((shipVal.requests as any[]).map((request) => request.Payload)).toEqual(expect.arrayContaining(shipped));
    expect(shipVal.requests).toHaveLength(5);
    expect(result.output).toEqual({
      'ship-date': '2016-03-14T01:59:00Z',
      detail: { 'delivery-partner': 'UQS', shipped: shipped.map((item) => ({ prod: item.prod, valid: true })) },
    });
  });

  test('GIVEN the page\'s example with ItemSelector WHEN it runs THEN each iteration gets { parcel, courier } and ResultPath keeps the input\'s shape', async () => {
    // GIVEN the page's state, ship-val a bare function ARN as printed.
    const definition = {
      StartAt: 'Validate-All',
      States: {
        'Validate-All': {
          Type: 'Map',
          InputPath: '$.detail',
          ItemsPath: '$.shipped',
          MaxConcurrency: 0,
          ResultPath: '$.detail.shipped',
          ItemSelector: { 'parcel.$': '$$.Map.Item.Value', 'courier.$': '$.delivery-partner' },
          ItemProcessor: { StartAt: 'Validate', States: { Validate: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:ship-val', End: true } } },
          End: true,
        },
      },
    };
    const shipVal = recorder((request) => `${request.parcel.prod}/${request.courier}`);
    // WHEN
    const result = await run(definition, input, { Validate: shipVal.handler });
    // THEN the page's example iteration input is among those sent
    expect(shipVal.requests).toContainEqual({ parcel: { prod: 'R31', 'dest-code': 9511, quantity: 1344 }, courier: 'UQS' });
    expect(shipVal.requests).toHaveLength(5);
    expect(result.output).toEqual({ ...input, detail: { ...input.detail, shipped: ['R31/UQS', 'S39/UQS', 'R31/UQS', 'R40/UQS', 'R40/UQS'] } });
    expect(result.path).toEqual(['Validate-All', 'Validate', 'Validate', 'Validate', 'Validate', 'Validate']);
    const mapEvents = types(result).filter((type) => type.startsWith('Map'));
    expect(mapEvents[0]).toBe('MapStateEntered');
    expect(mapEvents[1]).toBe('MapStateStarted');
    expect(mapEvents.filter((type) => type === 'MapIterationStarted')).toHaveLength(5);
    expect(mapEvents.filter((type) => type === 'MapIterationSucceeded')).toHaveLength(5);
    expect(mapEvents.slice(-2)).toEqual(['MapStateSucceeded', 'MapStateExited']);
    expect(eventsOf(result, 'MapStateStarted')[0].mapStateStartedEventDetails).toEqual({ length: 5 });
  });

  test('GIVEN iterations that finish in reverse order WHEN the Map ends THEN its result is in item order', async () => {
    // The page: "the output of the Map state is a JSON array, where each item is the output of an iteration".
    const definition = machineOf('Map', {
      Type: 'Map',
      ItemProcessor: { StartAt: 'Slow', States: { Slow: { Type: 'Task', Resource: LAMBDA('Slow'), End: true } } },
    });
    const slow: TaskHandler = async (item: number) => {
      await new Promise((resolve) => setTimeout(resolve, (4 - item) * 15));
      return item * 10;
    };

    const result = await run(definition, [1, 2, 3], { Slow: slow });

    expect(result.output).toEqual([10, 20, 30]);
  });

  test('GIVEN MaxConcurrency 1 WHEN the Map runs THEN iterations run one after the other in input order', async () => {
    const definition = machineOf('Map', {
      Type: 'Map',
      MaxConcurrency: 1,
      ItemProcessor: { StartAt: 'Step', States: { Step: { Type: 'Task', Resource: LAMBDA('Step'), End: true } } },
    });
    const seen: string[] = [];
    const step: TaskHandler = async (item: string) => {
      seen.push(`start ${item}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push(`end ${item}`);
      return item;
    };

    const result = await run(definition, ['a', 'b', 'c'], { Step: step });

    expect(seen).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(result.output).toEqual(['a', 'b', 'c']);
  });
});

describe(`Parallel state (${DG}/state-parallel.html)`, () => {
  test('GIVEN the page\'s "FunWithMath" with input [3, 2] WHEN Add and Subtract run THEN the output is [5, 1], in Branches order', async () => {
    // GIVEN the page's definition, its swf task ARNs replaced by Lambda function ARNs; Add
    // answers last, so the order comes from Branches, not from finishing.
    const definition = {
      Comment: 'Parallel Example.',
      StartAt: 'FunWithMath',
      States: {
        FunWithMath: {
          Type: 'Parallel',
          End: true,
          Branches: [
            { StartAt: 'Add', States: { Add: { Type: 'Task', Resource: LAMBDA('Add'), End: true } } },
            { StartAt: 'Subtract', States: { Subtract: { Type: 'Task', Resource: LAMBDA('Subtract'), End: true } } },
          ],
        },
      },
    };
    const add = recorder(async ([a, b]) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return a + b;
    });
    const subtract = recorder(([a, b]) => a - b);
    // WHEN
    const result = await run(definition, [3, 2], { Add: add.handler, Subtract: subtract.handler });
    // THEN
    expect(add.requests).toEqual([[3, 2]]);
    expect(subtract.requests).toEqual([[3, 2]]);
    expect(result.output).toEqual([5, 1]);
    expect(result.path[0]).toBe('FunWithMath');
    expect([...result.path].sort()).toEqual(['Add', 'FunWithMath', 'Subtract']);
    const parallelEvents = types(result).filter((type) => type.startsWith('Parallel'));
    expect(parallelEvents).toEqual(['ParallelStateEntered', 'ParallelStateStarted', 'ParallelStateSucceeded', 'ParallelStateExited']);
  });

  test('GIVEN the page\'s "LookupCustomerInfo" WHEN it runs THEN both branches get a copy of the input (after InputPath) and ResultPath places the array', async () => {
    const definition = {
      StartAt: 'LookupCustomerInfo',
      States: {
        LookupCustomerInfo: {
          Type: 'Parallel',
          InputPath: '$.customer',
          ResultPath: '$.found',
          End: true,
          Branches: [
            { StartAt: 'LookupAddress', States: { LookupAddress: { Type: 'Task', Resource: LAMBDA('AddressFinder'), End: true } } },
            { StartAt: 'LookupPhone', States: { LookupPhone: { Type: 'Task', Resource: LAMBDA('PhoneFinder'), End: true } } },
          ],
        },
      },
    };
    const address = recorder(() => ({ address: '1 Main St' }));
    const phone = recorder(() => ({ phone: '555-0100' }));

    const result = await run(definition, { customer: { id: 'c-1' }, order: 'o-1' }, { LookupAddress: address.handler, LookupPhone: phone.handler });

    expect(address.requests).toEqual([{ id: 'c-1' }]);
    expect(phone.requests).toEqual([{ id: 'c-1' }]);
    expect(result.output).toEqual({ customer: { id: 'c-1' }, order: 'o-1', found: [{ address: '1 Main St' }, { phone: '555-0100' }] });
  });

  test('GIVEN a branch that reaches a Fail state WHEN the Parallel runs THEN the whole Parallel fails and the execution stops with an error', async () => {
    // The page's "Error Handling": a branch failing fails the Parallel; unhandled, the execution.
    const definition = machineOf('Both', {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'Broken', States: { Broken: { Type: 'Fail', Error: 'BranchError', Cause: 'broken branch' } } },
        { StartAt: 'Slow', States: { Slow: { Type: 'Wait', Seconds: 60, Next: 'After' }, After: { Type: 'Pass', End: true } } },
      ],
    });

    const result = await run(definition, {});

    expect(result.status).toBe('FAILED');
    // The facts file's CONFLICT: States.BranchFailed (spec) or the branch's own error.
    expect(['States.BranchFailed', 'BranchError']).toContain(result.error);
    expect(types(result)).toContain('ParallelStateFailed');
    expect(result.path).not.toContain('After');
  });
});

// ------------------------------------------------------------------------------------------

describe(`JSONPath paths (${DG}/amazon-states-language-paths.html)`, () => {
  const input = { foo: 123, bar: ['a', 'b', 'c'], car: { cdr: true }, jar: [{ a: 1 }, { a: 5 }, { a: 2 }, { a: 7 }, { a: 3 }] };

  test('GIVEN the page\'s input WHEN $.foo, $.bar and $.car.cdr are used as reference paths (ItemsPath, Choice Variable, SecondsPath) THEN they select 123, ["a","b","c"] and true', async () => {
    // GIVEN the page's reference paths, each in a field that takes one.
    const definition = {
      StartAt: 'EachBar',
      States: {
        EachBar: {
          Type: 'Map',
          ItemsPath: '$.bar',
          ItemProcessor: { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } },
          ResultPath: '$.items',
          Next: 'IsCdr',
        },
        IsCdr: { Type: 'Choice', Choices: [{ Variable: '$.car.cdr', BooleanEquals: true, Next: 'WaitFoo' }], Default: 'NotCdr' },
        WaitFoo: { Type: 'Wait', SecondsPath: '$.foo', End: true },
        NotCdr: { Type: 'Fail', Error: 'NotCdr' },
      },
    };
    // WHEN
    const result = await run(definition, input);
    // THEN
    expect(result.output.items).toEqual(['a', 'b', 'c']);
    expect(result.path).toEqual(['EachBar', 'Item', 'Item', 'Item', 'IsCdr', 'WaitFoo']);
    const waited = eventsOf(result, 'WaitStateExited')[0].timestamp.getTime() - eventsOf(result, 'WaitStateEntered')[0].timestamp.getTime();
    expect(waited).toBeGreaterThanOrEqual(123_000);
    expect(waited).toBeLessThan(124_000);
  });

  test('GIVEN the jar array WHEN "$.jar[?(@.a >= 5)]" selects THEN the result is [{"a": 5}, {"a": 7}]', async () => {
    const definition = machineOf('Filter', { Type: 'Pass', InputPath: '$.jar[?(@.a >= 5)]' });

    const result = await run(definition, input);

    expect(result.output).toEqual([{ a: 5 }, { a: 7 }]);
  });

  test('GIVEN a field name with a space WHEN it is selected with bracket notation ($.abc.[\'def ghi\']) THEN its value is read', async () => {
    const definition = machineOf('Bracket', { Type: 'Pass', InputPath: "$.abc.['def ghi']" });

    const result = await run(definition, { abc: { 'def ghi': 'found' } });

    expect(result.output).toBe('found');
  });

  test.each([['$.jar[?(@.a >= 5)]'], ['$.bar[0,1]'], ['$.bar[0:2]'], ['$..cdr']])(
    'GIVEN ResultPath %s (a filter, union, slice or deep scan) WHEN the execution starts THEN the definition is refused: ResultPath takes a reference path',
    async (resultPath) => {
      const definition = machineOf('Place', { Type: 'Pass', ResultPath: resultPath });
      const runner = LocalRunner.fromDefinition(asl(definition));

      await expect(runner.stateMachine().run(input)).rejects.toThrow(InvalidDefinitionError);
      runner.dispose();
    },
  );
});
