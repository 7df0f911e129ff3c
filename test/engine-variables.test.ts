import { InvalidDefinitionError, LocalRunner, TaskFailure } from '../lib/testing';
import type { AslDefinition } from '../lib/asl/definition';
import type { ExecutionResult, HistoryEvent, TaskHandler } from '../lib/testing';

/*
 * Workflow variables (`Assign`), reproduced from the Developer Guide page "Passing data between
 * states with variables" (https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html,
 * "the page" below), with the Choice page's JSONata conditions and the ASL specification's
 * catcher example (https://states-language.net/spec.html#errors). Facts the pages leave
 * implicit come from shared/reference/asl-engine-facts.md §4-5.
 */

const PAGE = 'https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html';
const CHOICE_PAGE = 'https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html';
const LAMBDA = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

type Definition = Record<string, unknown>;

/** A definition written as a plain object, as the pages print them. */
const asl = (definition: Definition): AslDefinition => definition as unknown as AslDefinition;

async function run(definition: Definition, input: unknown = {}, tasks: Record<string, TaskHandler> = {}): Promise<ExecutionResult> {
  const runner = LocalRunner.fromDefinition(asl(definition), { tasks });
  try {
    return await runner.stateMachine().run(input);
  } finally {
    runner.dispose();
  }
}

/** How starting the definition ends: refused (InvalidDefinitionError), or the execution's status. */
async function outcome(definition: Definition, input: unknown = {}): Promise<string> {
  const runner = LocalRunner.fromDefinition(asl(definition));
  try {
    return (await runner.stateMachine().run(input)).status;
  } catch (error) {
    if (error instanceof InvalidDefinitionError) return 'REFUSED';
    throw error;
  } finally {
    runner.dispose();
  }
}

/** A JSONata machine of states run in the order given, the last one ending it. */
function jsonata(...states: Array<[string, Definition]>): Definition {
  return sequence('JSONata', states);
}

/** A JSONPath machine of states run in the order given, the last one ending it. */
function jsonPath(...states: Array<[string, Definition]>): Definition {
  return sequence('JSONPath', states);
}

function sequence(language: 'JSONata' | 'JSONPath', states: Array<[string, Definition]>): Definition {
  const entries = states.map(([name, state], i) => {
    const linked = { ...state };
    if (linked.Type !== 'Choice' && linked.Type !== 'Succeed' && linked.Type !== 'Fail' && linked.Next === undefined && linked.End === undefined) {
      if (i === states.length - 1) linked.End = true;
      else linked.Next = states[i + 1][0];
    }
    return [name, linked];
  });
  return { QueryLanguage: language, StartAt: states[0][0], States: Object.fromEntries(entries) };
}

function exitedEvents(result: ExecutionResult): HistoryEvent[] {
  return result.events.filter((event) => event.type.endsWith('StateExited'));
}

/** The variables each state assigned, from the history: state name → (variable → JSON text). */
function assignedByState(result: ExecutionResult): Record<string, Record<string, string>> {
  const assigned: Record<string, Record<string, string>> = {};
  for (const event of exitedEvents(result)) {
    const details = event.stateExitedEventDetails!;
    if (details.assignedVariables) assigned[details.name] = details.assignedVariables;
  }
  return assigned;
}

// ------------------------------------------------------------------------------------------

describe(`Assign (${PAGE}: "States that support variables", "Assign field in ASL")`, () => {
  test('GIVEN the page\'s "Store inputs" Pass WHEN it runs THEN desiredPrice and maximumWait are assigned for the next state, the output unchanged', async () => {
    // GIVEN the page's state; its next state "Get Current Price" reads the variables here.
    const definition = jsonata(
      ['Store inputs', {
        Type: 'Pass',
        Next: 'Get Current Price',
        Comment: 'Store the input desired price into a variable: $desiredPrice',
        Assign: { desiredPrice: '{% $states.input.desired_price %}', maximumWait: '{% $states.input.max_days %}' },
      }],
      ['Get Current Price', { Type: 'Pass', Output: { price: '{% $desiredPrice %}', days: '{% $maximumWait %}', input: '{% $states.input %}' } }],
    );
    // WHEN
    const result = await run(definition, { desired_price: 100, max_days: 3 });
    // THEN
    expect(result.output).toEqual({ price: 100, days: 3, input: { desired_price: 100, max_days: 3 } });
    expect(result.path).toEqual(['Store inputs', 'Get Current Price']);
    expect(assignedByState(result)).toEqual({ 'Store inputs': { desiredPrice: '100', maximumWait: '3' } });
  });

  test('GIVEN the page\'s literal Assign (productName, count, available) WHEN a JSONPath state reads "$productName" THEN the values come back', async () => {
    const definition = jsonPath(
      ['Set', { Type: 'Pass', Assign: { productName: 'product1', count: 42, available: true } }],
      ['Read', { Type: 'Pass', Parameters: { 'name.$': '$productName', 'count.$': '$count', 'available.$': '$available', literal: '$productName' } }],
    );

    const result = await run(definition);

    expect(result.output).toEqual({ name: 'product1', count: 42, available: true, literal: '$productName' });
    expect(assignedByState(result)).toEqual({ Set: { productName: '"product1"', count: '42', available: 'true' } });
  });

  test('GIVEN an Assign in each state type the page lists (Pass, Task, Map, Parallel, Choice, Wait) WHEN they run THEN each variable is set', async () => {
    const definition = jsonata(
      ['P', { Type: 'Pass', Assign: { fromPass: 'pass' } }],
      ['T', { Type: 'Task', Resource: LAMBDA('T'), Assign: { fromTask: '{% $states.result %}' } }],
      ['M', { Type: 'Map', Items: [1, 2], ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } }, Assign: { fromMap: '{% $states.result %}' } }],
      ['B', { Type: 'Parallel', Branches: [{ StartAt: 'X', States: { X: { Type: 'Pass', Output: 'x', End: true } } }], Assign: { fromParallel: '{% $states.result %}' } }],
      ['C', { Type: 'Choice', Choices: [{ Condition: '{% true %}', Next: 'W' }], Assign: { fromChoice: 'choice' } }],
      ['W', { Type: 'Wait', Seconds: 1, Assign: { fromWait: 'wait' } }],
      ['Read', {
        Type: 'Pass',
        Output: { pass: '{% $fromPass %}', task: '{% $fromTask %}', map: '{% $fromMap %}', parallel: '{% $fromParallel %}', choice: '{% $fromChoice %}', wait: '{% $fromWait %}' },
      }],
    );

    const result = await run(definition, {}, { T: () => 'task' });

    expect(result.output).toEqual({ pass: 'pass', task: 'task', map: [1, 2], parallel: ['x'], choice: 'choice', wait: 'wait' });
    expect(Object.keys(assignedByState(result))).toEqual(['P', 'T', 'M', 'B', 'C', 'W']);
  });

  test('GIVEN the page\'s Task assigning product from $states.input and currentPrice from $states.result WHEN it runs THEN both are set and the output is the result', async () => {
    // GIVEN the page's Task ("..." filled in: a lambda:invoke whose response carries Payload.current_price).
    const definition = jsonata(
      ['Check Price', {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Arguments: { FunctionName: LAMBDA('price'), Payload: '{% $states.input.order %}' },
        Assign: { product: '{% $states.input.order.product %}', currentPrice: '{% $states.result.Payload.current_price %}' },
      }],
      ['Use', { Type: 'Pass', Output: { product: '{% $product %}', currentPrice: '{% $currentPrice %}', taskOutput: '{% $states.input %}' } }],
    );
    // WHEN
    const result = await run(definition, { order: { product: 'widget' } }, { 'Check Price': () => ({ StatusCode: 200, Payload: { current_price: 9.99 } }) });
    // THEN
    expect(result.output).toEqual({ product: 'widget', currentPrice: 9.99, taskOutput: { StatusCode: 200, Payload: { current_price: 9.99 } } });
  });
});

// ------------------------------------------------------------------------------------------

describe(`Evaluation order in an Assign field (${PAGE})`, () => {
  const seed = (values: Record<string, unknown>): [string, Definition] => ['Seed', { Type: 'Pass', Assign: values }];
  const read: [string, Definition] = ['Read', { Type: 'Pass', Output: { x: '{% $x %}', nextX: '{% $nextX %}' } }];

  test('GIVEN the page\'s starting values $x=3, $a=6 WHEN Assign is { "x": "{% $a %}", "nextX": "{% $x %}" } THEN the ending values are $x=6, $nextX=3', async () => {
    const definition = jsonata(seed({ x: 3, a: 6 }), ['Assign', { Type: 'Pass', Assign: { x: '{% $a %}', nextX: '{% $x %}' } }], read);

    const result = await run(definition);

    expect(result.output).toEqual({ x: 6, nextX: 3 });
    expect(assignedByState(result).Assign).toEqual({ x: '6', nextX: '3' });
  });

  test('GIVEN the same Assign with its fields in the other order WHEN it runs THEN the result is the same: the order does not matter', async () => {
    const definition = jsonata(seed({ x: 3, a: 6 }), ['Assign', { Type: 'Pass', Assign: { nextX: '{% $x %}', x: '{% $a %}' } }], read);

    const result = await run(definition);

    expect(result.output).toEqual({ x: 6, nextX: 3 });
  });

  test.each([
    ['x first', { x: '{% $y %}', y: '{% $x %}' }],
    ['y first', { y: '{% $x %}', x: '{% $y %}' }],
  ])('GIVEN $x=3 and $y=6 WHEN one Assign swaps them (%s) THEN $x=6 and $y=3', async (_order, swap) => {
    const definition = jsonata(
      seed({ x: 3, y: 6 }),
      ['Swap', { Type: 'Pass', Assign: swap }],
      ['Read', { Type: 'Pass', Output: '{% [$x, $y] %}' }],
    );

    const result = await run(definition);

    expect(result.output).toEqual([6, 3]);
  });

  test('GIVEN a state that assigns $x WHEN its own Output reads $x THEN it sees the value from state entry: new values start with the next state', async () => {
    const definition = jsonata(
      seed({ x: 3 }),
      ['Assign', { Type: 'Pass', Assign: { x: '{% $x + 1 %}' }, Output: { during: '{% $x %}' } }],
      ['After', { Type: 'Pass', Output: { during: '{% $states.input.during %}', after: '{% $x %}' } }],
    );

    const result = await run(definition);

    expect(result.output).toEqual({ during: 3, after: 4 });
  });

  test('GIVEN $x never assigned WHEN the page\'s Assign reads it THEN the state fails (the page: "$x would be undefined")', async () => {
    const definition = jsonata(seed({ a: 6 }), ['Assign', { Type: 'Pass', Assign: { x: '{% $a %}', nextX: '{% $x %}' } }], read);

    const result = await run(definition);

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.QueryEvaluationError');
    expect(result.path).toEqual(['Seed', 'Assign']);
  });
});

// ------------------------------------------------------------------------------------------

describe(`Reserved variable $states and variable names (${PAGE})`, () => {
  test('GIVEN a Task with Arguments WHEN Output reads $states.input and $states.result THEN input is the original state input and result the raw task result', async () => {
    const definition = jsonata(['Call', {
      Type: 'Task',
      Resource: LAMBDA('Call'),
      Arguments: { only: '{% $states.input.a %}' },
      Output: { input: '{% $states.input %}', result: '{% $states.result %}', execution: '{% $states.context.Execution.Input %}' },
    }]);

    const result = await run(definition, { a: 1, b: 2 }, { Call: (request) => ({ got: request }) });

    expect(result.output).toEqual({ input: { a: 1, b: 2 }, result: { got: { only: 1 } }, execution: { a: 1, b: 2 } });
  });

  test('GIVEN a Catch WHEN its Assign and Output read $states.errorOutput THEN they get the Error Output', async () => {
    const definition = jsonata(
      ['Call', {
        Type: 'Task',
        Resource: LAMBDA('Call'),
        Catch: [{ ErrorEquals: ['States.ALL'], Assign: { caught: '{% $states.errorOutput.Error %}' }, Output: '{% $states.errorOutput %}', Next: 'Handled' }],
      }],
      ['Handled', { Type: 'Pass', Output: { caught: '{% $caught %}', input: '{% $states.input %}' } }],
    );

    const result = await run(definition, {}, { Call: () => { throw new TaskFailure('Oops', 'it failed'); } });

    expect(result.output).toEqual({ caught: 'Oops', input: { Error: 'Oops', Cause: 'it failed' } });
    expect(result.path).toEqual(['Call', 'Handled']);
  });

  test('GIVEN an Assign to "states" WHEN the execution starts THEN the definition is refused: the name is reserved', async () => {
    const definition = jsonata(['Bad', { Type: 'Pass', Assign: { states: 1 } }]);

    expect(await outcome(definition)).toBe('REFUSED');
  });

  test.each([['$states.result', 'a Pass state (no result)'], ['$states.errorOutput', 'a Task\'s own Output (not a Catch)']])(
    'GIVEN %s read in %s WHEN the execution starts THEN the definition is refused (the page: caught at creation)',
    async (field, where) => {
      const state = where.startsWith('a Pass')
        ? { Type: 'Pass', Output: `{% ${field} %}` }
        : { Type: 'Task', Resource: LAMBDA('T'), Output: `{% ${field} %}` };
      const runner = LocalRunner.fromDefinition(asl(jsonata(['S', state])), { tasks: state.Type === 'Task' ? { S: () => ({}) } : {} });
      try {
        await expect(runner.stateMachine().run({})).rejects.toThrow(InvalidDefinitionError);
      } finally {
        runner.dispose();
      }
    },
  );

  test.each([['x.y'], ['x[2]']])('GIVEN "Assign": { "%s": 42 } WHEN the execution starts THEN the definition is refused: only whole variables are assigned', async (name) => {
    const definition = jsonata(['Bad', { Type: 'Pass', Assign: { [name]: 42 } }]);

    expect(await outcome(definition)).toBe('REFUSED');
  });

  test('GIVEN variable names of 80 and 81 characters WHEN each is assigned THEN 80 is accepted and 81 refused (maximum length 80)', async () => {
    const eighty = 'v'.repeat(80);
    const accepted = jsonata(['Long', { Type: 'Pass', Assign: { [eighty]: 1 } }], ['Read', { Type: 'Pass', Output: `{% $${eighty} %}` }]);
    const refused = jsonata(['Long', { Type: 'Pass', Assign: { [`${eighty}v`]: 1 } }]);

    const result = await run(accepted);

    expect(result.output).toBe(1);
    expect(await outcome(refused)).toBe('REFUSED');
  });

  test.each([['café'], ['_private'], ['x2'], ['Ωmega']])('GIVEN the Unicode identifier %s WHEN assigned and read in JSONata THEN it works', async (name) => {
    const definition = jsonata(['Set', { Type: 'Pass', Assign: { [name]: 'ok' } }], ['Read', { Type: 'Pass', Output: { value: `{% $${name} %}` } }]);

    const result = await run(definition);

    expect(result.output).toEqual({ value: 'ok' });
  });

  test.each([['café'], ['_private'], ['x2']])('GIVEN the Unicode identifier %s WHEN a JSONPath state reads it as "$<name>" THEN it works', async (name) => {
    // The page: variable names are Unicode identifiers, referenced in JSONPath as "$name".
    const definition = jsonPath(['Set', { Type: 'Pass', Assign: { [name]: 'ok' } }], ['Read', { Type: 'Pass', Parameters: { 'value.$': `$${name}` } }]);

    const result = await run(definition);

    expect(result.output).toEqual({ value: 'ok' });
  });

  test.each([['1st', 'starts with a digit (not ID_Start)'], ['my-var', 'has a hyphen (not ID_Continue)'], ['two words', 'has a space']])(
    'GIVEN the variable name "%s", which %s, WHEN the execution starts THEN the definition is refused (Unicode identifiers only)',
    async (name) => {
      const definition = jsonata(['Bad', { Type: 'Pass', Assign: { [name]: 1 } }]);

      expect(await outcome(definition)).toBe('REFUSED');
    },
  );
});

// ------------------------------------------------------------------------------------------

describe(`Variable scope (${PAGE}: "Variable scope")`, () => {
  test('GIVEN a variable assigned at the top level WHEN Parallel branches read it THEN each branch sees it (outer scopes are readable)', async () => {
    const definition = jsonata(
      ['Greet', { Type: 'Pass', Assign: { greeting: 'Hello' } }],
      ['Both', {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'A', States: { A: { Type: 'Pass', Output: "{% $greeting & ' from A' %}", End: true } } },
          { StartAt: 'B', States: { B: { Type: 'Pass', Output: "{% $greeting & ' from B' %}", End: true } } },
        ],
      }],
    );

    const result = await run(definition);

    expect(result.output).toEqual(['Hello from A', 'Hello from B']);
  });

  test('GIVEN branch A assigns a variable WHEN branch B reads it after A has done so THEN B does not see it (no access to concurrent branches)', async () => {
    const definition = jsonata(['Both', {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'SetA', States: { SetA: { Type: 'Pass', Assign: { fromA: 'a' }, Next: 'ReadA' }, ReadA: { Type: 'Pass', Output: '{% $fromA %}', End: true } } },
        { StartAt: 'Later', States: { Later: { Type: 'Wait', Seconds: 5, Next: 'ReadB' }, ReadB: { Type: 'Pass', Output: '{% $exists($fromA) %}', End: true } } },
      ],
    }]);

    const result = await run(definition);

    expect(result.output).toEqual(['a', false]);
  });

  test('GIVEN each Map iteration assigns $item WHEN the iterations interleave THEN each reads its own value and returns it through Output', async () => {
    // Iteration i waits 3 - i seconds between assigning and reading, so every iteration has
    // assigned before any reads.
    const definition = jsonata(['Each', {
      Type: 'Map',
      Items: '{% $states.input %}',
      ItemProcessor: {
        StartAt: 'Keep',
        States: {
          Keep: { Type: 'Pass', Assign: { item: '{% $states.input %}' }, Next: 'Stagger' },
          Stagger: { Type: 'Wait', Seconds: '{% 3 - $item %}', Next: 'Give' },
          Give: { Type: 'Pass', Output: '{% $item * 10 %}', End: true },
        },
      },
    }]);

    const result = await run(definition, [0, 1, 2]);

    expect(result.output).toEqual([0, 10, 20]);
  });

  test('GIVEN variables assigned inside a Map and a Parallel WHEN the next top-level state reads them THEN they are out of scope', async () => {
    const definition = jsonata(
      ['Each', { Type: 'Map', Items: [1], ItemProcessor: { StartAt: 'In', States: { In: { Type: 'Pass', Assign: { inMap: 1 }, End: true } } } }],
      ['Both', { Type: 'Parallel', Branches: [{ StartAt: 'InB', States: { InB: { Type: 'Pass', Assign: { inBranch: 1 }, End: true } } }] }],
      ['After', { Type: 'Pass', Output: '{% [$exists($inMap), $exists($inBranch)] %}' }],
    );

    const result = await run(definition);

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual([false, false]);
  });

  test('GIVEN the top level assigns myVariable WHEN a Map iteration assigns myVariable too THEN Step Functions does not accept it (no reuse of an outer name)', async () => {
    // The page: "if the top-level scope assigns a value to a variable called myVariable, then
    // no other scope (inside a Map, Parallel) can assign to myVariable as well." It does not
    // say whether creation or the execution fails: either is accepted here.
    const definition = jsonata(
      ['Outer', { Type: 'Pass', Assign: { myVariable: 'outer' } }],
      ['Each', { Type: 'Map', Items: [1], ItemProcessor: { StartAt: 'Inner', States: { Inner: { Type: 'Pass', Assign: { myVariable: 'inner' }, End: true } } } }],
    );

    expect(['REFUSED', 'FAILED']).toContain(await outcome(definition));
  });

  test('GIVEN a top-level variable WHEN a Distributed Map iteration looks for it THEN it cannot see it (the page\'s exception)', async () => {
    const definition = jsonata(
      ['Outer', { Type: 'Pass', Assign: { outer: 'visible' } }],
      ['Each', {
        Type: 'Map',
        Items: [1, 2],
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'Look',
          States: { Look: { Type: 'Pass', Output: '{% $exists($outer) %}', End: true } },
        },
      }],
    );

    const result = await run(definition);

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual([false, false]);
  });

  test('GIVEN a Parallel whose branch fails WHEN its Catch assigns a variable THEN the variable is set in the outer scope, for the next state', async () => {
    const definition = jsonata(
      ['Both', {
        Type: 'Parallel',
        Branches: [{ StartAt: 'Boom', States: { Boom: { Type: 'Fail', Error: 'BranchBroke', Cause: 'no' } } }],
        Catch: [{ ErrorEquals: ['States.ALL'], Assign: { failure: 'caught' }, Next: 'Recover' }],
      }],
      ['Recover', { Type: 'Pass', Output: '{% $failure %}' }],
    );

    const result = await run(definition);

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toBe('caught');
    expect(result.path).toEqual(['Both', 'Boom', 'Recover']);
  });

  test('GIVEN a Task with its own Assign and a Catch with Assign WHEN the Catch takes the error THEN only the catcher\'s Assign runs', async () => {
    const definition = jsonata(
      ['Call', {
        Type: 'Task',
        Resource: LAMBDA('Call'),
        Assign: { attempted: 'yes' },
        Catch: [{ ErrorEquals: ['States.ALL'], Assign: { hasError: true }, Next: 'Handled' }],
      }],
      ['Handled', { Type: 'Pass', Output: { attempted: '{% $exists($attempted) %}', hasError: '{% $hasError %}' } }],
    );

    const result = await run(definition, {}, { Call: () => { throw new TaskFailure('Oops', ''); } });

    expect(result.output).toEqual({ attempted: false, hasError: true });
    expect(assignedByState(result)).toEqual({ Call: { hasError: 'true' } });
  });
});

describe('The ASL specification\'s catcher example with Assign (https://states-language.net/spec.html#errors)', () => {
  // The spec's Catch: java.lang.Exception → RecoveryState with the Error Output at error-info;
  // any other error → EndMachine with the Error Output, and $hasError assigned true.
  const definition = {
    StartAt: 'Work',
    States: {
      Work: {
        Type: 'Task',
        Resource: LAMBDA('Work'),
        Catch: [
          { ErrorEquals: ['java.lang.Exception'], ResultPath: '$.error-info', Next: 'RecoveryState' },
          { ErrorEquals: ['States.ALL'], Assign: { hasError: true }, Next: 'EndMachine' },
        ],
        End: true,
      },
      RecoveryState: { Type: 'Pass', End: true },
      EndMachine: { Type: 'Pass', Parameters: { 'hasError.$': '$hasError', 'input.$': '$' }, End: true },
    },
  };

  test('GIVEN another error WHEN the States.ALL catcher takes it THEN hasError is true and EndMachine\'s input is the Error Output', async () => {
    const result = await run(definition, { id: 1 }, { Work: () => { throw new TaskFailure('Other', 'bang'); } });

    expect(result.path).toEqual(['Work', 'EndMachine']);
    expect(result.output).toEqual({ hasError: true, input: { Error: 'Other', Cause: 'bang' } });
  });

  test('GIVEN java.lang.Exception WHEN the first catcher takes it THEN nothing is assigned and RecoveryState gets the input with error-info', async () => {
    const result = await run(definition, { id: 1 }, { Work: () => { throw new TaskFailure('java.lang.Exception', 'npe'); } });

    expect(result.path).toEqual(['Work', 'RecoveryState']);
    expect(result.output).toEqual({ id: 1, 'error-info': { Error: 'java.lang.Exception', Cause: 'npe' } });
    expect(assignedByState(result)).toEqual({});
  });
});

// ------------------------------------------------------------------------------------------

describe(`Using variables in JSONPath states (${PAGE})`, () => {
  test('GIVEN the page\'s Task Assign { "products.$": "$.order..product", "orderTotal.$": "$.order.total" } WHEN the task returns an order THEN "$" is the API result', async () => {
    const definition = jsonPath(
      ['Get Order', { Type: 'Task', Resource: LAMBDA('GetOrder'), Assign: { 'products.$': '$.order..product', 'orderTotal.$': '$.order.total' } }],
      ['Use', { Type: 'Pass', Parameters: { 'products.$': '$products', 'orderTotal.$': '$orderTotal' } }],
    );
    const order = { order: { items: [{ product: 'apple' }, { product: 'pear' }], total: 30 } };

    const result = await run(definition, { order: 'not this one' }, { 'Get Order': () => order });

    expect(result.output).toEqual({ products: ['apple', 'pear'], orderTotal: 30 });
  });

  test('GIVEN the page\'s Assign with details, resultCode, message and startTime WHEN the Task runs THEN each value comes from the result, an intrinsic over $customer.name, or the Context object', async () => {
    // GIVEN the page's Assign in a Task; $customer is assigned by an earlier state.
    const definition = jsonPath(
      ['Who', { Type: 'Pass', Assign: { customer: { name: 'Ada' } } }],
      ['Lookup', {
        Type: 'Task',
        Resource: LAMBDA('Lookup'),
        Assign: {
          details: { status: 'SUCCESS', 'lineItems.$': '$.order.items' },
          'resultCode.$': '$.result.code',
          'message.$': "States.Format('Hello {}', $customer.name)",
          'startTime.$': '$$.Execution.StartTime',
        },
      }],
      ['Use', { Type: 'Pass', Parameters: { 'details.$': '$details', 'resultCode.$': '$resultCode', 'message.$': '$message', 'startTime.$': '$startTime', 'start.$': '$$.Execution.StartTime' } }],
    );
    // WHEN
    const result = await run(definition, {}, { Lookup: () => ({ order: { items: ['i1', 'i2'] }, result: { code: 200 } }) });
    // THEN
    expect(result.output).toMatchObject({ details: { status: 'SUCCESS', lineItems: ['i1', 'i2'] }, resultCode: 200, message: 'Hello Ada' });
    expect(result.output.startTime).toBe(result.output.start);
    expect(typeof result.output.startTime).toBe('string');
  });

  test('GIVEN Choice and Wait states with InputPath WHEN their Assign reads "$" THEN it is the effective input (after InputPath)', async () => {
    const definition = jsonPath(
      ['Decide', { Type: 'Choice', InputPath: '$.order', Assign: { 'fromChoice.$': '$.total' }, Choices: [{ Variable: '$.total', NumericGreaterThan: 0, Next: 'Hold' }], Default: 'Hold' }],
      ['Hold', { Type: 'Wait', Seconds: 1, InputPath: '$.total', Assign: { 'fromWait.$': '$' } }],
      ['Read', { Type: 'Pass', Parameters: { 'fromChoice.$': '$fromChoice', 'fromWait.$': '$fromWait' } }],
    );

    const result = await run(definition, { order: { total: 30 }, total: -1 });

    expect(result.output).toEqual({ fromChoice: 30, fromWait: 30 });
  });

  test('GIVEN Pass states WHEN their Assign reads "$" THEN it is the result: from Result, or from InputPath/Parameters', async () => {
    const definition = jsonPath(
      ['FromResult', { Type: 'Pass', Result: { r: 'result' }, ResultPath: '$.placed', Assign: { 'viaResult.$': '$.r' } }],
      ['FromParameters', { Type: 'Pass', InputPath: '$.placed', Parameters: { 'p.$': '$.r' }, Assign: { 'viaParameters.$': '$.p' } }],
      ['Read', { Type: 'Pass', Parameters: { 'viaResult.$': '$viaResult', 'viaParameters.$': '$viaParameters' } }],
    );

    const result = await run(definition, { r: 'input' });

    expect(result.output).toEqual({ viaResult: 'result', viaParameters: 'result' });
  });

  test('GIVEN Map and Parallel states WHEN their Assign reads "$" THEN it is the sub-workflow result (the array of outputs)', async () => {
    const definition = jsonPath(
      ['Each', { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } }, ResultPath: null, Assign: { 'mapped.$': '$' } }],
      ['Both', {
        Type: 'Parallel',
        Branches: [{ StartAt: 'X', States: { X: { Type: 'Pass', Result: 'x', End: true } } }, { StartAt: 'Y', States: { Y: { Type: 'Pass', Result: 'y', End: true } } }],
        ResultPath: null,
        Assign: { 'branches.$': '$', 'count.$': 'States.ArrayLength($)' },
      }],
      ['Read', { Type: 'Pass', Parameters: { 'mapped.$': '$mapped', 'branches.$': '$branches', 'count.$': '$count' } }],
    );

    const result = await run(definition, { items: [1, 2, 3] });

    expect(result.output).toEqual({ mapped: [1, 2, 3], branches: ['x', 'y'], count: 2 });
  });

  test('GIVEN variables WHEN InputPath, a Choice Variable and an intrinsic read them ($order, $order.total, $order.number) THEN they select from the variables', async () => {
    const definition = jsonPath(
      ['Keep', { Type: 'Pass', Assign: { 'order.$': '$' } }],
      ['Big?', { Type: 'Choice', Choices: [{ Variable: '$order.total', NumericGreaterThan: 100, Next: 'Big' }], Default: 'Small' }],
      ['Big', { Type: 'Pass', InputPath: '$order', Parameters: { 'text.$': "States.Format('The order number is {}', $order.number)", 'total.$': '$.total' }, End: true }],
      ['Small', { Type: 'Pass', Result: 'small', End: true }],
    );

    const big = await run(definition, { number: 'A-7', total: 250 });
    const small = await run(definition, { number: 'B-1', total: 5 });

    expect(big.output).toEqual({ text: 'The order number is A-7', total: 250 });
    expect(big.path).toEqual(['Keep', 'Big?', 'Big']);
    expect(small.path).toEqual(['Keep', 'Big?', 'Small']);
  });

  test('GIVEN a variable in ResultPath WHEN the execution starts THEN the definition is refused: "Variables cannot be used in ResultPath"', async () => {
    const definition = jsonPath(['Keep', { Type: 'Pass', Assign: { target: {} } }], ['Place', { Type: 'Pass', Result: 1, ResultPath: '$target' }]);

    expect(await outcome(definition)).toBe('REFUSED');
  });
});

// ------------------------------------------------------------------------------------------

describe(`Choice rules (JSONata) reading variables (${CHOICE_PAGE})`, () => {
  /** The page's rules, behind a Pass that assigns every field of the input as a variable. */
  function choiceOn(condition: string): Definition {
    return {
      QueryLanguage: 'JSONata',
      StartAt: 'Vars',
      States: {
        Vars: { Type: 'Pass', Assign: { foo: '{% $states.input.foo %}', type: '{% $states.input.type %}', possiblyNullValue: '{% $states.input.possiblyNullValue %}' }, Next: 'Choose' },
        Choose: { Type: 'Choice', Choices: [{ Condition: condition, Next: 'Matched' }], Default: 'NoMatch' },
        Matched: { Type: 'Succeed' },
        NoMatch: { Type: 'Succeed' },
      },
    };
  }

  test.each([
    ['{% $foo = 1 %}', { foo: 1, type: 'x', possiblyNullValue: null }, true],
    ['{% $foo = 1 %}', { foo: 2, type: 'x', possiblyNullValue: null }, false],
    ["{% $type = 'local' %}", { foo: 0, type: 'local', possiblyNullValue: null }, true],
    ["{% $type = 'local' %}", { foo: 0, type: 'remote', possiblyNullValue: null }, false],
    ["{% $foo > 'MyStringABC' %}", { foo: 'MyStringABD', type: 'x', possiblyNullValue: null }, true],
    ["{% $foo > 'MyStringABC' %}", { foo: 'MyStringAB', type: 'x', possiblyNullValue: null }, false],
    ['{% $possiblyNullValue != null and $possiblyNullValue = 42 %}', { foo: 0, type: 'x', possiblyNullValue: 42 }, true],
    ['{% $possiblyNullValue != null and $possiblyNullValue = 42 %}', { foo: 0, type: 'x', possiblyNullValue: null }, false],
  ])('GIVEN the Condition %s and the variables %j WHEN the Choice runs THEN it matches: %s', async (condition, input, matches) => {
    const result = await run(choiceOn(condition), input);

    expect(result.path).toEqual(['Vars', 'Choose', matches ? 'Matched' : 'NoMatch']);
  });

  test('GIVEN a matching rule with its own Assign WHEN the Choice runs THEN the rule\'s Assign replaces the state\'s; with no match the state\'s Assign runs', async () => {
    const definition = jsonata(
      ['Choose', {
        Type: 'Choice',
        Assign: { route: 'default', stateLevel: true },
        Choices: [{ Condition: '{% $states.input.go %}', Assign: { route: 'rule' }, Next: 'Read' }],
        Default: 'Read',
      }],
      ['Read', { Type: 'Pass', Output: '{% [$route, $exists($stateLevel)] %}' }],
    );

    const matched = await run(definition, { go: true });
    const unmatched = await run(definition, { go: false });

    expect(matched.output).toEqual(['rule', false]);
    expect(unmatched.output).toEqual(['default', true]);
  });
});
