import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Workflow } from '../lib';
import { AslDefinition, LINT_RULES, validateDefinition } from '../lib/asl';
import { inlineFunction, inlineStep, newStack } from './helpers';
import { cli } from './support/cli';

// Follows "Transforming data with JSONata in Step Functions" (which fields each language has,
// `{% %}` expressions, $states) and "Passing data between states with variables" (Assign,
// scopes): https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html,
// https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html

const JSONATA = sfn.QueryLanguage.JSONATA;
const LAMBDA = 'arn:aws:lambda:us-east-1:123456789012:function:work';

function jsonata(states: Record<string, unknown>, startAt = Object.keys(states)[0]): AslDefinition {
  return { QueryLanguage: 'JSONata', StartAt: startAt, States: states as any };
}

const findings = (definition: AslDefinition, ruleId: string) => validateDefinition({ definition }, LINT_RULES).filter((f) => f.ruleId === ruleId);

describe('Workflow-JsonataSyntax', () => {
  test('names the state, the field (at any depth) and the position where the parser stopped', () => {
    const [finding, ...rest] = findings(jsonata({ Shape: { Type: 'Pass', Output: { order: { total: '{% $states.input.price * %}' } }, End: true } }), 'Workflow-JsonataSyntax');
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ severity: 'error', stateName: 'Shape', location: '/States/Shape/Output/order/total' });
    expect(finding.message).toMatch(/^State 'Shape', field 'Output\/order\/total': the JSONata expression '\$states\.input\.price \*' does not parse: .* \(S\d+, at position \d+\)/);
  });

  test('checks catchers, Choice conditions and every JSONata field; a JSONPath state\'s "{% %}" text is a literal', () => {
    const definition = jsonata({
      Work: { Type: 'Task', Resource: LAMBDA, Arguments: { a: '{% ( %}' }, Catch: [{ ErrorEquals: ['States.ALL'], Output: '{% $states.errorOutput. %}', Next: 'Route' }], Next: 'Route' },
      Route: { Type: 'Choice', Choices: [{ Condition: '{% = 1 %}', Next: 'Done' }], Default: 'Done' },
      Done: { Type: 'Pass', QueryLanguage: 'JSONata', End: true },
    });
    expect(findings(definition, 'Workflow-JsonataSyntax').map((f) => f.location)).toEqual(
      expect.arrayContaining(['/States/Work/Arguments/a', '/States/Work/Catch/0/Output', '/States/Route/Choices/0/Condition']),
    );
    const jsonPath = { StartAt: 'P', States: { P: { Type: 'Pass', Result: { text: '{% ( %}' }, End: true } } } as AslDefinition;
    expect(findings(jsonPath, 'Workflow-JsonataSyntax')).toEqual([]);
  });

  test('lint reports it once (asl-validator\'s reading of the same expression is left out)', () => {
    const all = validateDefinition({ definition: jsonata({ Shape: { Type: 'Pass', Output: '{% $states.input.( %}', End: true } }) }, LINT_RULES);
    expect(all.map((f) => f.ruleId)).toEqual(['Workflow-JsonataSyntax']);
  });
});

describe('Workflow-QueryLanguageField', () => {
  test.each(['Parameters', 'ResultPath', 'ResultSelector', 'InputPath', 'OutputPath'])('a JSONata Task with %s is an error at that field', (field) => {
    const value = field === 'Parameters' || field === 'ResultSelector' ? { 'a.$': '$.a' } : '$.a';
    const [finding] = findings(jsonata({ Work: { Type: 'Task', Resource: LAMBDA, [field]: value, End: true } }), 'Workflow-QueryLanguageField');
    expect(finding).toMatchObject({ severity: 'error', stateName: 'Work', location: `/States/Work/${field}` });
    expect(finding.message).toContain(`State 'Work' has '${field}' at /States/Work/${field}, a JSONPath field, but the state is JSONata`);
  });

  test('a JSONata Map with ItemsPath, and a JSONata field in a JSONPath state, are errors too; the right fields pass', () => {
    const map = jsonata({ Each: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } });
    expect(findings(map, 'Workflow-QueryLanguageField').map((f) => f.location)).toEqual(['/States/Each/ItemsPath']);
    const jsonPath = { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: LAMBDA, Output: '{% 1 %}', End: true } } } as AslDefinition;
    expect(findings(jsonPath, 'Workflow-QueryLanguageField')[0].message).toMatch(/'Output' .* a JSONata field, but the state is JSONPath/);
    const good = jsonata({ Each: { Type: 'Map', Items: '{% $states.input.items %}', ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } });
    expect(findings(good, 'Workflow-QueryLanguageField')).toEqual([]);
  });

  test('a JSONPath state in a JSONata state machine is an error; a JSONata state in a JSONPath one is fine', () => {
    expect(findings(jsonata({ P: { Type: 'Pass', QueryLanguage: 'JSONPath', End: true } }), 'Workflow-QueryLanguageField')[0].message).toMatch(/declares QueryLanguage JSONPath, but the state machine is JSONata/);
    expect(findings({ StartAt: 'P', States: { P: { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% 1 %}', End: true } } } as AslDefinition, 'Workflow-QueryLanguageField')).toEqual([]);
  });

  test('lint reports each such field once, with this rule', () => {
    const all = validateDefinition({ definition: jsonata({ Work: { Type: 'Task', Resource: LAMBDA, TimeoutSeconds: 10, Parameters: { 'a.$': '$.a' }, End: true } }) }, LINT_RULES);
    expect(all.map((f) => f.ruleId)).toEqual(['Workflow-QueryLanguageField']);
  });
});

describe('Workflow-JsonataStates', () => {
  test.each([
    ['$states.result in a Pass', { Type: 'Pass', Output: '{% $states.result %}', End: true }, /exists only in the Output and Assign of a Task, Parallel or Map/],
    ['$states.result in a Task\'s Arguments', { Type: 'Task', Resource: LAMBDA, Arguments: '{% $states.result %}', End: true }, /exists only in the Output and Assign/],
    ['$states.errorOutput in a Task\'s Output', { Type: 'Task', Resource: LAMBDA, Output: '{% $states.errorOutput %}', End: true }, /exists only in a catcher's Output and Assign/],
    ['an unknown member', { Type: 'Pass', Output: '{% $states.inputs %}', End: true }, /does not exist: \$states has input, result, errorOutput and context/],
  ])('%s is an error', (_, state, message) => {
    const [finding] = findings(jsonata({ S: state }), 'Workflow-JsonataStates');
    expect(finding.message).toMatch(message);
  });

  test('each member where it exists passes', () => {
    const definition = jsonata({
      Work: {
        Type: 'Task',
        Resource: LAMBDA,
        Arguments: { input: '{% $states.input %}', id: '{% $states.context.Execution.Id %}' },
        Output: '{% $states.result %}',
        Assign: { last: '{% $states.result %}' },
        Catch: [{ ErrorEquals: ['States.ALL'], Output: '{% $states.errorOutput %}', Assign: { error: '{% $states.errorOutput.Error %}' }, Next: 'Done' }],
        Next: 'Done',
      },
      Done: { Type: 'Succeed' },
    });
    expect(findings(definition, 'Workflow-JsonataStates')).toEqual([]);
  });
});

describe('Workflow-UnknownVariable', () => {
  test('a variable assigned by an earlier state (directly, by a catcher or a Choice rule) is known; functions and local names are not variables', () => {
    const definition = jsonata({
      First: { Type: 'Task', Resource: LAMBDA, Assign: { order: '{% $states.result %}' }, Catch: [{ ErrorEquals: ['States.ALL'], Assign: { failure: '{% $states.errorOutput %}' }, Next: 'Failed' }], Next: 'Route' },
      Route: { Type: 'Choice', Choices: [{ Condition: '{% $order.total > 100 %}', Assign: { big: true }, Next: 'Big' }], Default: 'Big' },
      Big: { Type: 'Pass', Output: '{% ($n := $count($order.items); $map($order.items, function($i) { $i.price * $n }) ~> $sum()) %}', Next: 'Use' },
      Use: { Type: 'Pass', Output: { big: '{% $big %}', items: '{% $order.items@$o#$p.{"o": $o, "p": $p} %}', id: '{% $uuid() %}' }, End: true },
      Failed: { Type: 'Fail', Error: '{% $failure.Error %}', Cause: '{% $string($failure) %}' },
    });
    expect(findings(definition, 'Workflow-UnknownVariable')).toEqual([]);
  });

  test('a variable assigned only after the reading state, or only in a sibling branch, is unknown', () => {
    const definition = jsonata({
      Read: { Type: 'Pass', Output: '{% $later %}', Next: 'Write' },
      Write: { Type: 'Pass', Assign: { later: 1 }, Next: 'Fan' },
      Fan: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'A', States: { A: { Type: 'Pass', Assign: { mine: 1 }, Output: '{% $later %}', End: true } } },
          { StartAt: 'B', States: { B: { Type: 'Pass', Output: '{% $mine %}', End: true } } },
        ],
        End: true,
      },
    });
    const found = findings(definition, 'Workflow-UnknownVariable');
    expect(found.map((f) => [f.stateName, f.location])).toEqual(expect.arrayContaining([['Read', '/States/Read/Output'], ['B', '/States/Fan/Branches/1/States/B/Output']]));
    expect(found).toHaveLength(2);
    expect(found[0].message).toMatch(/reads \$(later|mine), but no state that can run before it assigns/);
  });

  test('a loop sees what its own states assign; $eval is named as unsupported', () => {
    const loop = jsonata({
      Poll: { Type: 'Pass', Assign: { tries: '{% $exists($tries) ? $tries + 1 : 1 %}' }, Next: 'Again' },
      Again: { Type: 'Choice', Choices: [{ Condition: '{% $tries < 3 %}', Next: 'Poll' }], Default: 'Done' },
      Done: { Type: 'Pass', Output: '{% $eval("1") %}', End: true },
    });
    const found = findings(loop, 'Workflow-UnknownVariable');
    expect(found.map((f) => f.message)).toEqual([expect.stringMatching(/does not provide \$eval/)]);
  });

  test('JSONPath states are checked where a .$ field reads a variable', () => {
    const definition = { StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'x.$': '$missing', 'y.$': '$.present' }, End: true } } } as AslDefinition;
    expect(findings(definition, 'Workflow-UnknownVariable').map((f) => f.location)).toEqual(['/States/P/Parameters/x.$']);
  });

  test('is an error at synth and a warning in lint (the state fails when it runs, with States.QueryEvaluationError)', () => {
    const definition = jsonata({ Shape: { Type: 'Pass', Output: '{% $total %}', End: true } });
    expect(findings(definition, 'Workflow-UnknownVariable').map((f) => f.severity)).toEqual(['warning']);
    expect(validateDefinition({ definition }).filter((f) => f.ruleId === 'Workflow-UnknownVariable').map((f) => f.severity)).toEqual(['error']);
  });
});

describe('JSONata rules at synth', () => {
  function jsonataWorkflow(definition: (stack: ReturnType<typeof newStack>) => sfn.IChainable) {
    const stack = newStack();
    new Workflow(stack, 'Orders', { definition: definition(stack), timeout: Duration.minutes(5), queryLanguage: JSONATA });
    return () => Template.fromStack(stack);
  }

  test('fails on a JSONata syntax error, naming the state, the field and the position; passes once fixed', () => {
    const synth = (expression: string) => jsonataWorkflow((stack) => new sfn.Pass(stack, 'Shape', { outputs: { total: expression } }));
    expect(synth('{% $states.input.price * %}')).toThrow(/Workflow-JsonataSyntax \[state 'Shape'\]: State 'Shape', field 'Output\/total': .* at position \d+/);
    expect(synth('{% $states.input.price * 2 %}')).not.toThrow();
  });

  test('fails on a JSONPath-only field in a JSONata state (CDK renders Parameters for a LambdaInvoke in a Parallel branch); passes with .jsonata()', () => {
    const synth = (build: (stack: any) => sfn.IChainable) => jsonataWorkflow((stack) => new sfn.Parallel(stack, 'Fan').branch(build(stack)));
    expect(synth((stack) => new tasks.LambdaInvoke(stack, 'Invoke', { lambdaFunction: inlineFunction(stack, 'Fn') }))).toThrow(
      /Workflow-QueryLanguageField \[state 'Invoke'\]: State 'Invoke' has 'Parameters' .* build it with its \.jsonata\(\) factory/,
    );
    expect(synth((stack) => tasks.LambdaInvoke.jsonata(stack, 'Invoke', { lambdaFunction: inlineFunction(stack, 'Fn') }))).not.toThrow();
  });

  test('fails on an unknown variable; passes once an earlier state assigns it', () => {
    const synth = (assign: boolean) => jsonataWorkflow((stack) =>
      new sfn.Pass(stack, 'Remember', { assign: assign ? { total: 5 } : undefined }).next(new sfn.Pass(stack, 'Use', { outputs: '{% $total %}' })));
    expect(synth(false)).toThrow(/Workflow-UnknownVariable \[state 'Use'\]: State 'Use', field 'Output' reads \$total/);
    expect(synth(true)).not.toThrow();
  });

  test('a catcher of an aws-cdk-lib task keeps its Output in a JSONata Workflow (the Workflow declares the state JSONata before CDK renders it)', () => {
    const stack = newStack();
    const guarded = tasks.LambdaInvoke.jsonata(stack, 'Guarded', { lambdaFunction: inlineFunction(stack, 'Fn') });
    const plain = new tasks.LambdaInvoke(stack, 'Plain', { lambdaFunction: inlineFunction(stack, 'Fn2'), outputs: '{% $states.result.Payload %}' } as any);
    plain.addCatch(new sfn.Pass(stack, 'Handled'), { outputs: '{% $states.input %}', assign: { failure: '{% $states.errorOutput %}' } });
    new Workflow(stack, 'W', { definition: guarded.next(plain), timeout: Duration.minutes(5), queryLanguage: JSONATA });
    const states = JSON.parse(JSON.stringify(Template.fromStack(stack).findResources('AWS::StepFunctions::StateMachine')));
    const text = JSON.stringify(states);
    expect(text).toContain('\\"Output\\":\\"{% $states.input %}\\"');
    expect(text).toContain('\\"Assign\\":{\\"failure\\":\\"{% $states.errorOutput %}\\"}');
  });

  test('a JSONata workflow of the library\'s steps raises no finding', () => {
    const synth = jsonataWorkflow((stack) =>
      inlineStep(stack, 'Reserve', { queryLanguage: JSONATA, assign: { reservation: '{% $states.result %}' } })
        .next(inlineStep(stack, 'Charge', { queryLanguage: JSONATA, payload: sfn.TaskInput.fromObject({ reservation: '{% $reservation %}' }) })));
    expect(synth).not.toThrow();
  });
});

describe('cdk-sfn-workflows lint on a plain JSONata file', () => {
  test('reports the syntax error, the JSONPath-only field and the unknown variable, without a JavaScript error text', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'lint-')), 'orders.asl.json');
    writeFileSync(file, JSON.stringify(jsonata({
      Validate: { Type: 'Task', Resource: LAMBDA, Parameters: { 'order.$': '$' }, Next: 'Shape' },
      Shape: { Type: 'Pass', Output: { total: '{% $states.input.price * %}' }, Next: 'Use' },
      Use: { Type: 'Pass', Output: '{% $discount %}', End: true },
    })));
    const { code, output } = await cli('lint', file);
    expect(code).toBe(1);
    expect(output).toContain("error   Workflow-QueryLanguageField [Validate] at /States/Validate/Parameters: State 'Validate' has 'Parameters'");
    expect(output).toMatch(/error {3}Workflow-JsonataSyntax \[Shape\] at \/States\/Shape\/Output\/total: State 'Shape', field 'Output\/total': the JSONata expression '\$states\.input\.price \*' does not parse: .*position \d+/);
    expect(output).toMatch(/warning Workflow-UnknownVariable \[Use\] at \/States\/Use\/Output: State 'Use', field 'Output' reads \$discount/);
    expect(output).not.toMatch(/TypeError|ReferenceError|at Object\.|at .*\.ts:\d+/);
  });

  test('a clean JSONata file passes', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'lint-')), 'orders.asl.json');
    writeFileSync(file, JSON.stringify(jsonata({
      Validate: { Type: 'Task', Resource: LAMBDA, TimeoutSeconds: 10, Arguments: { order: '{% $states.input %}' }, Assign: { total: '{% $states.result.total %}' }, Next: 'Use' },
      Use: { Type: 'Pass', Output: '{% $total %}', End: true },
    })));
    const { code, output } = await cli('lint', file);
    expect(code).toBe(0);
    expect(output).toContain('0 errors, 0 warnings');
  });
});
