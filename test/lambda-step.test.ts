import { Duration } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaStep, RetryPolicy, StepDefaults, Workflow } from '../lib';
import { LocalRunner } from '../lib/testing';
import { codeFunction, inlineFunction, inlineStep, newStack } from './helpers';

/** The rendered ASL of the only state of a one-step workflow. */
function renderStep(make: (stack: ReturnType<typeof newStack>) => sfn.State): any {
  const stack = newStack();
  const state = make(stack);
  new Workflow(stack, 'Workflow', { definition: state, timeout: Duration.minutes(5) });
  return state.toStateJson();
}

describe('LambdaStep', () => {
  test('defaults: timeout, transient retries with full jitter and a max delay, payload envelope', () => {
    const state = renderStep((stack) => inlineStep(stack, 'Charge', { resultPath: '$.charge' }));
    expect(state).toMatchObject({
      Type: 'Task',
      TimeoutSeconds: 10,
      ResultPath: '$.charge',
      Parameters: {
        'input.$': '$',
        'correlationId.$': '$$.Execution.Id',
        'stateName.$': '$$.State.Name',
        'retryCount.$': '$$.State.RetryCount',
      },
      Retry: [
        {
          ErrorEquals: expect.arrayContaining(['Lambda.TooManyRequestsException', 'Lambda.ServiceException', 'Lambda.SdkClientException']),
          IntervalSeconds: 1,
          MaxAttempts: 3,
          BackoffRate: 2,
          MaxDelaySeconds: 10,
          JitterStrategy: 'FULL',
        },
      ],
    });
    expect(state.Retry).toHaveLength(1);
  });

  test('invokes the function ARN directly, so the result is the handler payload', () => {
    const stack = newStack();
    const step = inlineStep(stack, 'Charge');
    new Workflow(stack, 'Workflow', { definition: step, timeout: Duration.minutes(5) });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'lambda:InvokeFunction', Resource: Match.arrayWith([{ 'Fn::GetAtt': [Match.stringLikeRegexp('ChargeFunction'), 'Arn'] }]) }),
        ]),
      },
    });
    expect(JSON.stringify(template.findResources('AWS::StepFunctions::StateMachine'))).not.toContain('lambda:invoke');
  });

  test('a payload selects what the handler receives as input', () => {
    const state = renderStep((stack) => inlineStep(stack, 'Charge', { payload: sfn.TaskInput.fromJsonPathAt('$.order') }));
    expect(state.Parameters['input.$']).toBe('$.order');
  });

  test('additional retryable errors share the transient retrier', () => {
    const state = renderStep((stack) =>
      inlineStep(stack, 'Charge', { retryPolicy: RetryPolicy.transient({ additionalErrors: ['PaymentProviderUnavailable'], maxAttempts: 5 }) }),
    );
    expect(state.Retry[0].ErrorEquals).toContain('PaymentProviderUnavailable');
    expect(state.Retry[0].MaxAttempts).toBe(5);
  });

  test('RetryPolicy.none() leaves no Retry field; RetryPolicy.custom() renders the retriers given', () => {
    expect(renderStep((stack) => inlineStep(stack, 'A', { retryPolicy: RetryPolicy.none() })).Retry).toBeUndefined();
    const custom = renderStep((stack) =>
      inlineStep(stack, 'B', { retryPolicy: RetryPolicy.custom({ errors: ['States.Timeout'], interval: Duration.seconds(5), maxAttempts: 1 }) }),
    );
    expect(custom.Retry).toEqual([{ ErrorEquals: ['States.Timeout'], IntervalSeconds: 5, MaxAttempts: 1 }]);
  });

  test('fails when timeout is missing', () => {
    const stack = newStack();
    expect(() => new LambdaStep(stack, 'Charge', { lambdaFunction: inlineFunction(stack, 'Fn') } as any)).toThrow(
      /\[TestStack\/Charge\] LambdaStep has no timeout.*Fix: pass timeout/,
    );
  });

  test('fails when timeout is not whole seconds', () => {
    const stack = newStack();
    expect(() => inlineStep(stack, 'Charge', { timeout: Duration.millis(2500) })).toThrow(/timeout must be a whole number of seconds of at least 1 \(got 2 seconds 500 millis\)/);
  });

  test.each([
    ['interval below 1 s', { errors: ['X'], interval: Duration.millis(500) }, /Retry\[0\] interval must be a whole number of seconds/],
    ['negative maxAttempts', { errors: ['X'], maxAttempts: -1 }, /Retry\[0\] maxAttempts must be a whole number >= 0 \(got -1\)/],
    ['backoffRate below 1', { errors: ['X'], backoffRate: 0.5 }, /Retry\[0\] backoffRate must be >= 1.0 \(got 0.5\)/],
    ['maxDelay over the ASL limit', { errors: ['X'], maxDelay: Duration.days(400) }, /Retry\[0\] maxDelay must be a whole number of seconds between 1 and 31622400/],
    ['no errors listed', { interval: Duration.seconds(1) }, /Retry\[0\] has no errors to match/],
  ])('fails when a custom retrier has %s', (_, retry, message) => {
    const stack = newStack();
    expect(() => inlineStep(stack, 'Charge', { retryPolicy: RetryPolicy.custom(retry as sfn.RetryProps) })).toThrow(message);
  });

  test('warns when the function can outlive the step timeout', () => {
    // GIVEN
    const stack = newStack();
    const fn = codeFunction(stack, 'Slow', 'exports.handler = async () => 1;', { timeout: Duration.seconds(30) });
    // WHEN
    new LambdaStep(stack, 'Charge', { lambdaFunction: fn, timeout: Duration.seconds(10) });
    // THEN
    Annotations.fromStack(stack).hasWarning('/TestStack/Charge', Match.stringLikeRegexp("function's timeout \\(30 seconds\\) is longer than the step timeout"));
  });

  test('StepDefaults gives each step its timeout and retry policy, unless the step sets its own', () => {
    // GIVEN
    const stack = newStack();
    const steps = new StepDefaults({ timeout: Duration.seconds(15), retryPolicy: RetryPolicy.none() });
    // WHEN
    const shared = steps.lambdaStep(stack, 'Reserve', { lambdaFunction: inlineFunction(stack, 'ReserveFn') });
    const own = steps.lambdaStep(stack, 'Charge', { lambdaFunction: inlineFunction(stack, 'ChargeFn'), timeout: Duration.seconds(40), retryPolicy: RetryPolicy.transient() });
    new Workflow(stack, 'Workflow', { definition: shared.next(own), timeout: Duration.minutes(5) });
    // THEN
    expect(shared.toStateJson()).toMatchObject({ TimeoutSeconds: 15 });
    expect((shared.toStateJson() as { Retry?: unknown }).Retry).toBeUndefined();
    expect(own.toStateJson()).toMatchObject({ TimeoutSeconds: 40, Retry: [expect.objectContaining({ JitterStrategy: 'FULL' })] });
  });

  test('with envelope: false the handler receives the payload itself, as a plain LambdaInvoke handler expects', async () => {
    const stack = newStack();
    const step = new LambdaStep(stack, 'Echo', {
      lambdaFunction: codeFunction(stack, 'EchoFn', 'exports.handler = async (event) => ({ seen: event });'),
      timeout: Duration.seconds(5),
      envelope: false,
      payload: sfn.TaskInput.fromObject({ orderId: sfn.JsonPath.stringAt('$.orderId') }),
    });
    new Workflow(stack, 'Workflow', { definition: step, timeout: Duration.minutes(5) });
    const result = await LocalRunner.fromStack(stack).stateMachine().run({ orderId: 'o-1', other: true });
    expect(result.output).toEqual({ seen: { orderId: 'o-1' } });
  });
});
