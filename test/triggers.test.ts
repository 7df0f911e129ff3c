import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { ExecutionStatus, PublishEventStep, Workflow } from '../lib';
import { LocalRunner } from '../lib/testing';
import { inlineStep, newStack } from './helpers';

function workflow(stack: Stack, definition?: sfn.IChainable): Workflow {
  return new Workflow(stack, 'Orders', { definition: definition ?? inlineStep(stack, 'Work'), timeout: Duration.minutes(5) });
}

const stateMachineRef = { Ref: Match.stringLikeRegexp('^OrdersStateMachine') };

describe('event triggers', () => {
  test('a rule on the bus starts executions, with retries, an event age, an encrypted DLQ and a scoped role', () => {
    // GIVEN
    const stack = newStack();
    const bus = new events.EventBus(stack, 'Bus');
    // WHEN
    const trigger = workflow(stack).addEventTrigger('OrderPlaced', {
      eventBus: bus,
      eventPattern: { source: ['shop.checkout'], detailType: ['OrderPlaced'] },
      input: events.RuleTargetInput.fromEventPath('$.detail'),
    });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: Match.stringLikeRegexp('^Bus') },
      EventPattern: { 'source': ['shop.checkout'], 'detail-type': ['OrderPlaced'] },
      Targets: [Match.objectLike({
        Arn: stateMachineRef,
        InputPath: '$.detail',
        RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 14400 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('OrderPlacedDeadLetterQueue'), 'Arn'] } },
        RoleArn: Match.anyValue(),
      })],
    });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 1, MetricName: 'ApproximateNumberOfMessagesVisible' });
    const startPolicies = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
      .filter((statement) => statement.Action === 'states:StartExecution');
    expect(startPolicies).toEqual([{ Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: expect.stringMatching(/^OrdersStateMachine/) } }]);
    expect(trigger.deadLetterAlarm).toBeDefined();
  });

  test.each([
    ['retryAttempts above 185', { retryAttempts: 200 }, /retryAttempts must be a whole number from 0 to 185 \(got 200\)/],
    ['maxEventAge under a minute', { maxEventAge: Duration.seconds(30) }, /maxEventAge must be a whole number of seconds between 60 and 86400/],
  ])('fails when %s', (_, options, message) => {
    const stack = newStack();
    expect(() => workflow(stack).addEventTrigger('T', { eventPattern: { source: ['x'] }, ...options })).toThrow(message);
  });
});

describe('schedules', () => {
  test('EventBridge Scheduler starts executions in a time zone, with retries and a DLQ', () => {
    const stack = newStack();
    workflow(stack).addSchedule('Nightly', {
      schedule: scheduler.ScheduleExpression.cron({ hour: '2', minute: '0', timeZone: TimeZone.EUROPE_LONDON }),
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 2 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/London',
      Target: Match.objectLike({
        Arn: stateMachineRef,
        Input: Match.stringLikeRegexp('"scheduledTime":"<aws.scheduler.scheduled-time>"'),
        RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 14400 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('NightlyDeadLetterQueue'), 'Arn'] } },
      }),
    });
  });
});

describe('lifecycle events', () => {
  test('onExecutionStatusChange routes FAILED, TIMED_OUT and ABORTED executions of this state machine', () => {
    const stack = newStack();
    const topic = new sns.Topic(stack, 'Alerts');
    workflow(stack).onExecutionStatusChange('AlertOnFailure', { target: new targets.SnsTopic(topic) });
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        'detail': { status: [ExecutionStatus.FAILED, ExecutionStatus.TIMED_OUT, ExecutionStatus.ABORTED], stateMachineArn: [stateMachineRef] },
      },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^Alerts') } })],
    });
  });

  test('PublishEventStep uses events:putEvents on the bus, keeps the state, retries with jitter, and is granted PutEvents on that bus only', () => {
    // GIVEN
    const stack = newStack();
    const bus = new events.EventBus(stack, 'Bus');
    // WHEN
    const step = new PublishEventStep(stack, 'PublishOrderCompleted', {
      eventBus: bus,
      source: 'shop.orders',
      detailType: 'OrderCompleted',
      detail: sfn.TaskInput.fromObject({ orderId: sfn.JsonPath.stringAt('$.orderId') }),
    });
    workflow(stack, step);
    // THEN
    expect(stack.resolve(step.toStateJson())).toMatchObject({
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':states:::events:putEvents']] },
      ResultPath: null,
      TimeoutSeconds: 10,
      Retry: [expect.objectContaining({ ErrorEquals: PublishEventStep.TRANSIENT_ERRORS, JitterStrategy: 'FULL' })],
    });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Action: 'events:PutEvents', Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Bus'), 'Arn'] } }]) },
    });
  });

  test('locally, the events a run publishes come back with its result', async () => {
    const stack = newStack();
    const step = new PublishEventStep(stack, 'PublishOrderCompleted', {
      source: 'shop.orders',
      detailType: 'OrderCompleted',
      detail: sfn.TaskInput.fromObject({ orderId: sfn.JsonPath.stringAt('$.orderId') }),
    });
    workflow(stack, step);
    const result = await LocalRunner.fromStack(stack).stateMachine().run({ orderId: 'ORD-7' });
    expect(result.output).toEqual({ orderId: 'ORD-7' });
    expect(result.publishedEvents).toEqual([
      { eventBusName: expect.stringContaining('default'), source: 'shop.orders', detailType: 'OrderCompleted', detail: { orderId: 'ORD-7' }, stateName: 'PublishOrderCompleted' },
    ]);
  });

  test('locally, an entry EventBridge would refuse fails the task with EventBridge.FailedEntry and publishes nothing', async () => {
    const stack = newStack();
    workflow(stack, new PublishEventStep(stack, 'Publish', { source: 'shop.orders', detailType: 'OrderCompleted', detail: sfn.TaskInput.fromJsonPathAt('$.detail') }));
    const result = await LocalRunner.fromStack(stack).stateMachine().run({ detail: 'not an object' });
    expect(result).toMatchObject({ status: 'FAILED', error: 'EventBridge.FailedEntry', publishedEvents: [] });
    expect(JSON.parse(result.cause!)).toEqual({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Detail is not valid.' }] });
  });
});

describe('LocalRunner.startFromEvent', () => {
  const stack = newStack();
  const orders = workflow(stack, new sfn.Pass(stack, 'Echo'));
  orders.addEventTrigger('Detail', { eventPattern: { source: ['shop.checkout'], detailType: ['OrderPlaced'], detail: { total: [{ numeric: ['>', 0] }] } }, input: events.RuleTargetInput.fromEventPath('$.detail') });
  orders.addEventTrigger('Transformed', {
    eventPattern: { source: [{ prefix: 'shop.' }] as any, detail: { status: [{ 'anything-but': ['TEST'] }] as any } },
    input: events.RuleTargetInput.fromObject({ order: events.EventField.fromPath('$.detail'), eventId: events.EventField.eventId, note: `from ${events.EventField.source}` }),
  });
  orders.addEventTrigger('Whole', { eventPattern: { source: ['shop.checkout'] } });
  orders.addEventTrigger('Disabled', { eventPattern: { source: ['shop.checkout'] }, enabled: false });
  orders.addEventTrigger('Coupon', {
    eventPattern: { source: ['shop.checkout'] },
    input: events.RuleTargetInput.fromObject({ coupon: `code ${events.EventField.fromPath('$.detail.coupon')}` }),
  });
  const runner = LocalRunner.fromStack(stack);
  const event = (detail: Record<string, unknown>, source = 'shop.checkout') => ({ 'id': 'evt-1', 'source': source, 'detail-type': 'OrderPlaced', 'time': '2026-11-02T09:14:06Z', detail });

  test('InputPath: the execution gets the detail', async () => {
    const [execution] = runner.startFromEvent('Orders/Detail', event({ orderId: 'ORD-1', total: 12 }));
    expect((await execution.result).input).toEqual({ orderId: 'ORD-1', total: 12 });
  });

  test('input transformer: fields of the event are placed into the template, quoted ones as strings', async () => {
    const [execution] = runner.startFromEvent('Orders/Transformed', event({ orderId: 'ORD-2', status: 'NEW' }));
    expect((await execution.result).input).toEqual({ order: { orderId: 'ORD-2', status: 'NEW' }, eventId: 'evt-1', note: 'from shop.checkout' });
  });

  test('no input setting: the execution gets the whole event', async () => {
    const [execution] = runner.startFromEvent('Orders/Whole', event({ orderId: 'ORD-3' }));
    expect((await execution.result).input).toMatchObject({ 'id': 'evt-1', 'detail-type': 'OrderPlaced' });
  });

  test('an event that does not match the pattern starts nothing', () => {
    expect(runner.startFromEvent('Orders/Detail', event({ orderId: 'ORD-4', total: 0 }))).toEqual([]);
    expect(runner.startFromEvent('Orders/Transformed', event({ orderId: 'ORD-5', status: 'TEST' }))).toEqual([]);
    expect(runner.startFromEvent('Orders/Transformed', event({ orderId: 'ORD-6', status: 'NEW' }, 'other.app'))).toEqual([]);
  });

  test('a disabled rule starts nothing', () => {
    expect(runner.startFromEvent('Orders/Disabled', event({ orderId: 'ORD-7' }))).toEqual([]);
  });

  test('a path that selects nothing becomes an empty text inside a string', async () => {
    const [execution] = runner.startFromEvent('Orders/Coupon', event({ orderId: 'ORD-8' }));
    expect((await execution.result).input).toMatchObject({ coupon: 'code ' });
  });

  test('fails on an unknown trigger, listing the rules it has', () => {
    expect(() => runner.startFromEvent('Orders/Nope', event({}))).toThrow(/No EventBridge rule matches 'Orders\/Nope'\. Rules found: .*Orders\/Detail\/Rule/);
  });
});
