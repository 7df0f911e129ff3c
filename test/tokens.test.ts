import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { ApprovalService, HumanApproval, LambdaStep, RetryPolicy, Workflow } from '../lib';
import { parseFlattenedDefinition, quoteBarePlaceholders, replacePlaceholders } from '../lib/asl/flatten';
import { renderDefinition } from '../lib/asl/render';
import { validateDefinition } from '../lib/validation/validate-definition';
import { LocalRunner } from '../lib/testing';
import { inlineFunction, newStack } from './helpers';

/** A Number parameter's value, as a token (`{ Ref: id }` once synthesized). */
function numberParameter(stack: Stack, id: string, defaultValue?: number): number {
  return new CfnParameter(stack, id, { type: 'Number', default: defaultValue }).valueAsNumber;
}

/**
 * A workflow whose every duration comes from a parameter: the workflow timeout, a LambdaStep's
 * timeout and retry policy, a HumanApproval's timeout.
 */
function parameterizedWorkflow(stack: Stack, defaults: { step?: number; workflow?: number; review?: number } = {}): Workflow {
  const step = new LambdaStep(stack, 'Charge', {
    lambdaFunction: inlineFunction(stack, 'ChargeFunction'),
    timeout: Duration.seconds(numberParameter(stack, 'StepTimeout', defaults.step)),
    resultPath: '$.charge',
    retryPolicy: RetryPolicy.transient({
      interval: Duration.seconds(numberParameter(stack, 'RetryInterval', 2)),
      maxDelay: Duration.seconds(numberParameter(stack, 'RetryMaxDelay', 20)),
      maxAttempts: numberParameter(stack, 'RetryAttempts', 2),
      backoffRate: numberParameter(stack, 'RetryBackoff', 3),
    }),
  });
  const reviewer = new iam.Role(stack, 'Reviewer', { roleName: 'Reviewer', assumedBy: new iam.AccountRootPrincipal() });
  const review = new HumanApproval(stack, 'Review', {
    service: new ApprovalService(stack, 'Approvals'),
    timeout: Duration.seconds(numberParameter(stack, 'ReviewTimeout', defaults.review)),
    summary: sfn.TaskInput.fromObject({ orderId: sfn.JsonPath.stringAt('$.orderId') }),
    approvers: [reviewer],
  });
  return new Workflow(stack, 'Orders', {
    definition: step.next(review),
    timeout: Duration.seconds(numberParameter(stack, 'WorkflowTimeout', defaults.workflow)),
  });
}

describe('CloudFormation tokens in the ASL (flattening)', () => {
  test('a reference in a number position becomes a string placeholder, one inside a string stays as it is', () => {
    // GIVEN the Fn::Join CDK writes for a TimeoutSeconds from a parameter, flattened
    const flattened = '{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:${AWS::Partition}:states:::lambda:invoke","TimeoutSeconds":${StepTimeout},"Comment":"waits \\"${StepTimeout}\\" s","End":true}},"TimeoutSeconds":${WorkflowTimeout}}';
    // WHEN
    const definition = parseFlattenedDefinition(flattened, {}, 'Shop/Orders');
    // THEN
    expect(definition.TimeoutSeconds).toBe('${WorkflowTimeout}');
    expect(definition.States.A).toMatchObject({ TimeoutSeconds: '${StepTimeout}', Resource: 'arn:${AWS::Partition}:states:::lambda:invoke', Comment: 'waits "${StepTimeout}" s' });
  });

  test('quoting leaves text without a bare placeholder unchanged', () => {
    const text = '{"a":"${X}","b":[1,"x${Y}z"],"c":"\\\\${Z}"}';
    expect(quoteBarePlaceholders(text)).toBe(text);
    expect(quoteBarePlaceholders('[${A},${B.Arn}]')).toBe('["${A}","${B.Arn}"]');
  });

  test('a number filling a whole string placeholder is written back as a number; strings stay strings', () => {
    const text = '{"TimeoutSeconds":"${T}","Cause":"No decision within ${T} seconds.","Resource":"${Fn.Arn}","Note":"\\"${T}\\"","Other":"${Unknown}"}';
    const values: Record<string, string | number> = { T: 30, 'Fn.Arn': 'arn:aws:lambda:us-east-1:123456789012:function:fn' };
    expect(JSON.parse(replacePlaceholders(text, (reference) => values[reference]))).toEqual({
      TimeoutSeconds: 30,
      Cause: 'No decision within 30 seconds.',
      Resource: 'arn:aws:lambda:us-east-1:123456789012:function:fn',
      Note: '"30"',
      Other: '${Unknown}',
    });
  });
});

describe('Workflow, LambdaStep, HumanApproval and RetryPolicy take durations from CfnParameters', () => {
  test('synth succeeds and the template references each parameter where CDK puts it', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    parameterizedWorkflow(stack);
    const template = Template.fromStack(stack);
    // THEN the definition joins the parameters into the number positions
    const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    const parts: unknown[] = machine.Properties.DefinitionString['Fn::Join'][1];
    const after = (ref: string) => parts[parts.findIndex((part) => JSON.stringify(part) === JSON.stringify({ Ref: ref })) - 1];
    expect(after('StepTimeout')).toMatch(/"TimeoutSeconds":$/);
    expect(after('WorkflowTimeout')).toMatch(/"TimeoutSeconds":$/);
    expect(after('RetryInterval')).toMatch(/"IntervalSeconds":$/);
    expect(after('RetryAttempts')).toMatch(/"MaxAttempts":$/);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { DefinitionString: Match.anyValue() });
    // and no rule reported anything at synth
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
  });

  test('the rendered ASL keeps each parameter as a placeholder, and the validation rules leave those values alone', () => {
    // GIVEN
    const stack = newStack();
    const workflow = parameterizedWorkflow(stack);
    // WHEN
    const definition = renderDefinition(workflow.stateMachine);
    // THEN
    expect(definition.TimeoutSeconds).toBe('${WorkflowTimeout}');
    expect(definition.States.Charge).toMatchObject({
      TimeoutSeconds: '${StepTimeout}',
      Retry: [expect.objectContaining({ IntervalSeconds: '${RetryInterval}', MaxDelaySeconds: '${RetryMaxDelay}', MaxAttempts: '${RetryAttempts}', BackoffRate: '${RetryBackoff}' })],
    });
    const branch = (definition.States.Review as unknown as { Branches: Array<{ States: Record<string, any> }> }).Branches[0].States;
    expect(branch['Review: wait for decision'].TimeoutSeconds).toBe('${ReviewTimeout}');
    expect(branch['Review: expired'].Cause).toBe('No decision within ${ReviewTimeout} seconds.');
    expect(validateDefinition({ definition, stateMachineType: sfn.StateMachineType.STANDARD, idempotentStates: [] })).toEqual([]);
  });

  test('values known at synth are still checked beside the tokens', () => {
    const stack = newStack();
    expect(() => new LambdaStep(stack, 'Charge', {
      lambdaFunction: inlineFunction(stack, 'Fn'),
      timeout: Duration.seconds(numberParameter(stack, 'T')),
      retryPolicy: RetryPolicy.transient({ interval: Duration.millis(1500) }),
    })).toThrow(/\[TestStack\/Charge\] Retry\[0\] interval must be a whole number of seconds/);
  });

  test.each([
    ['LambdaStep', (stack: Stack, timeout: Duration) => new LambdaStep(stack, 'Step', { lambdaFunction: inlineFunction(stack, 'Fn'), timeout })],
    ['Workflow', (stack: Stack, timeout: Duration) => new Workflow(stack, 'Step', { definition: new sfn.Pass(stack, 'P'), timeout })],
  ])('fails when a %s timeout is a token in minutes, naming the construct and the fix', (_kind, make) => {
    const stack = newStack();
    expect(() => make(stack, Duration.minutes(numberParameter(stack, 'T')))).toThrow(
      /\[TestStack\/Step\] timeout is a token in minutes \(Duration\.minutes\(token\)\): a token cannot be converted to the seconds Step Functions takes\. Fix: pass Duration\.seconds\(token\)/,
    );
  });

  test('fails when encryptionDataKeyReuse is a token, which aws-cdk-lib refuses', () => {
    const stack = newStack();
    expect(() => new Workflow(stack, 'Orders', {
      definition: new sfn.Pass(stack, 'P'),
      timeout: Duration.minutes(5),
      encryptionKey: new kms.Key(stack, 'Key'),
      encryptionDataKeyReuse: Duration.seconds(numberParameter(stack, 'Reuse')),
    })).toThrow(/\[TestStack\/Orders\] encryptionDataKeyReuse is a token .*Fix: pass a literal Duration from 60 to 900 seconds/);
  });
});

/*
 * The runner's decision for a parameter: its Default (typed: a Number parameter fills a number
 * position as a number), and a clear refusal naming a parameter without one.
 */
describe('LocalRunner on a stack with CfnParameters', () => {
  test('runs with each parameter\'s Default: the task timeouts are the defaults, as numbers', async () => {
    // GIVEN parameters with defaults
    const stack = new Stack(new App(), 'Shop');
    parameterizedWorkflow(stack, { step: 30, workflow: 86_400, review: 3_600 });
    const machine = LocalRunner.fromStack(stack).stateMachine('Orders');
    // WHEN the run reaches the review
    const execution = machine.start({ orderId: 'o-1' }, { tasks: { Charge: () => ({ charged: true }), 'Review: wait for decision': () => ({ StatusCode: 200 }) } });
    await execution.waitForTaskToken('Review: wait for decision');
    execution.abort();
    const result = await execution.result;
    // THEN both tasks were scheduled with their parameter's default as their timeout
    const scheduled = result.events
      .filter((event) => event.type === 'LambdaFunctionScheduled' || event.type === 'TaskScheduled')
      .map((event) => (event.lambdaFunctionScheduledEventDetails ?? event.taskScheduledEventDetails)?.timeoutInSeconds);
    expect(scheduled).toEqual([30, 3_600]);
  });

  test('fails when a parameter the definition uses has no Default, naming it', () => {
    const stack = new Stack(new App(), 'Shop');
    parameterizedWorkflow(stack, { step: 30, review: 3_600 });
    expect(() => LocalRunner.fromStack(stack)).toThrow(/CloudFormation parameter 'WorkflowTimeout', which has no Default.*Give the parameter a Default/);
  });
});
