import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ts from 'typescript';
import { LocalRunner, LocalStateMachine, TaskFailure } from '../lib/testing';
import { inlineFunction, newStack } from './helpers';

const ROOT = path.join(__dirname, '..');

/**
 * The README's saga example, compiled as it is written: its imports (with `cdk-sfn-workflows`
 * pointing at this checkout) and its statements as the body of a function called with the stack
 * as `this`, the Lambda functions it names (`reserveFn`, ...) and `checkoutApi`.
 */
function readmeSagaExample(): { source: string; build: (stack: Stack, functions: Record<string, unknown>, checkoutApi: iam.IGrantable) => void; functionNames: string[] } {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const source = /A five-step order saga[^\n]*\n\n```ts\n([\s\S]*?)```/.exec(readme)![1];
  const lines = source.split('\n');
  const imports = lines.filter((line) => line.startsWith('import ')).join('\n').replace("'cdk-sfn-workflows'", JSON.stringify(path.join(ROOT, 'lib')));
  const body = lines.filter((line) => !line.startsWith('import ')).join('\n');
  const functionNames = [...new Set(body.match(/\b[a-z][A-Za-z]*Fn\b/g))];
  const module = `${imports}\nexport function build(this: any, functions: any, checkoutApi: any) {\n  const { ${functionNames.join(', ')} } = functions;\n${body}\n}`;
  const { outputText } = ts.transpileModule(module, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
  const exported: { build?: (this: Stack, functions: Record<string, unknown>, checkoutApi: iam.IGrantable) => void } = {};
  new Function('require', 'exports', outputText)(require, exported);
  return { source, functionNames, build: (stack, functions, checkoutApi) => exported.build!.call(stack, functions, checkoutApi) };
}

describe("the README's saga example (5 steps, 3 compensations)", () => {
  const example = readmeSagaExample();
  let stack: Stack;
  let machine: LocalStateMachine;

  beforeAll(() => {
    // GIVEN the example's code in a stack, with a function for each name it uses
    stack = newStack();
    const functions = Object.fromEntries(example.functionNames.map((name) => [name, inlineFunction(stack, name)]));
    const checkoutApi = new iam.Role(stack, 'CheckoutApi', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    example.build(stack, functions, checkoutApi);
    machine = LocalRunner.fromStack(stack).stateMachine('OrderWorkflow');
  });

  test('fits in 30 lines of at most 100 columns', () => {
    const lines = example.source.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(30);
    expect(lines.filter((line) => line.length > 100)).toEqual([]);
  });

  test('runs the five actions in order and succeeds', async () => {
    const result = await machine.run({ orderId: 'o-1' });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.path).toEqual(['Reserve', 'Charge', 'Ship', 'Invoice', 'Notify', 'OrderCompleted']);
    expect(result.output).toMatchObject({ orderId: 'o-1', Reserve: { ok: true, step: 'reserveFn' }, Notify: { ok: true, step: 'notifyFn' } });
  });

  test('when Invoice fails, CancelShipment, Refund and Release run in that order and the error is kept', async () => {
    const rejected = () => {
      throw new TaskFailure('InvoiceRejected', 'the billing system refused the invoice');
    };
    const result = await machine.run({ orderId: 'o-2' }, { tasks: { Invoice: rejected } });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('InvoiceRejected');
    expect(result.path.filter((state) => ['CancelShipment', 'Refund', 'Release'].includes(state))).toEqual(['CancelShipment', 'Refund', 'Release']);
    expect(JSON.parse(result.cause!)).toMatchObject({ orderId: 'o-2', sagaError: { failedStep: 'Invoice', Error: 'InvoiceRejected' } });
  });

  test('sets the timeout once for every step and the payment retry only on Charge; grants the caller StartExecution', () => {
    const template = Template.fromStack(stack);
    const states = (machine.resolvedDefinition as { States: Record<string, { TimeoutSeconds?: number; Retry?: Array<{ ErrorEquals: string[] }> }> }).States;
    const steps = ['Reserve', 'Release', 'Charge', 'Refund', 'Ship', 'CancelShipment', 'Invoice', 'Notify'];
    expect(steps.map((name) => [name, states[name].TimeoutSeconds])).toEqual(steps.map((name) => [name, 15]));
    const retriedOnProviderOutage = steps.filter((name) => states[name].Retry!.some((retrier) => retrier.ErrorEquals.includes('PaymentProviderUnavailable')));
    expect(retriedOnProviderOutage).toEqual(['Charge']);
    expect(states.Reserve.Retry![0].ErrorEquals).toContain('Lambda.TooManyRequestsException');
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^CheckoutApi') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'states:StartExecution' })]) },
    });
  });
});
