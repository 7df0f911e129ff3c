import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { ApprovalService, HumanApproval, LambdaStep, Workflow, WorkflowMonitoring, WorkflowMonitoringProps } from '../lib';
import { inlineFunction, inlineStep, newStack } from './helpers';

/**
 * The default alarms, the dashboard and the stuck-execution check of a workflow. Metric names
 * and dimensions follow the Step Functions Developer Guide "Monitoring Step Functions metrics
 * using Amazon CloudWatch" and the Lambda Developer Guide "Types of metrics for Lambda functions".
 */

function monitored(stack: Stack, monitoring: WorkflowMonitoringProps = {}, definition?: sfn.IChainable): Workflow {
  return new Workflow(stack, 'Orders', {
    definition: definition ?? new LambdaStep(stack, 'Charge', { lambdaFunction: inlineFunction(stack, 'ChargeFunction'), timeout: Duration.seconds(10), expectedDuration: Duration.minutes(2) }),
    timeout: Duration.hours(2),
    monitoring,
  });
}

/** The alarm whose logical id starts with `prefix`. */
function alarm(template: Template, prefix: string): Record<string, any> {
  const found = Object.entries(template.findResources('AWS::CloudWatch::Alarm')).filter(([id]) => id.startsWith(prefix));
  expect(found.map(([id]) => id)).toHaveLength(1);
  return found[0][1].Properties;
}

const stateMachine = [{ Name: 'StateMachineArn', Value: { Ref: expect.stringMatching(/^OrdersStateMachine/) } }];

describe('default alarms', () => {
  // One synthesized stack for the read-only assertions below.
  const template = Template.fromStack((() => { const stack = newStack(); monitored(stack); return stack; })());

  test('each execution alarm: its AWS/States metric, statistic, period, threshold and comparison', () => {
    const count = { Namespace: 'AWS/States', Statistic: 'Sum', Period: 300, EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching', Dimensions: stateMachine };
    expect(alarm(template, 'OrdersMonitoringExecutionsFailed')).toMatchObject({ ...count, MetricName: 'ExecutionsFailed', Threshold: 1 });
    expect(alarm(template, 'OrdersMonitoringExecutionsTimedOut')).toMatchObject({ ...count, MetricName: 'ExecutionsTimedOut', Threshold: 1 });
    expect(alarm(template, 'OrdersMonitoringExecutionsAborted')).toMatchObject({ ...count, MetricName: 'ExecutionsAborted', Threshold: 1 });
    expect(alarm(template, 'OrdersMonitoringExecutionsThrottled')).toMatchObject({ ...count, MetricName: 'ExecutionThrottled', Threshold: 1 });
    // p99 over an hour at 80% of the 2-hour timeout, in milliseconds
    expect(alarm(template, 'OrdersMonitoringExecutionDuration')).toMatchObject({
      Namespace: 'AWS/States', MetricName: 'ExecutionTime', ExtendedStatistic: 'p99', Period: 3600, Threshold: 5_760_000, Dimensions: stateMachine,
    });
  });

  test('each step function: its error rate (errors per invocation, %) and its slowest invocation near its timeout', () => {
    const errors = alarm(template, 'OrdersMonitoringChargeFunctionErrors');
    expect(errors).toMatchObject({ Threshold: 10, EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
    expect(errors.Metrics).toEqual(expect.arrayContaining([
      expect.objectContaining({ Expression: 'IF(invocations > 0, 100 * errors / invocations, 0)' }),
      expect.objectContaining({ Id: 'errors', MetricStat: expect.objectContaining({ Metric: expect.objectContaining({ Namespace: 'AWS/Lambda', MetricName: 'Errors' }), Period: 300, Stat: 'Sum' }), ReturnData: false }),
      expect.objectContaining({ Id: 'invocations', MetricStat: expect.objectContaining({ Metric: expect.objectContaining({ Namespace: 'AWS/Lambda', MetricName: 'Invocations' }), Period: 300, Stat: 'Sum' }), ReturnData: false }),
    ]));
    // the inline function has Lambda's default 3-second timeout: 90% is 2,700 ms
    expect(alarm(template, 'OrdersMonitoringChargeFunctionTimeouts')).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Duration', Statistic: 'Maximum', Period: 300, Threshold: 2700 });
  });

  test('the stuck-executions alarm reads the check\'s metric, and missing data (the check did not run) breaches', () => {
    expect(alarm(template, 'OrdersMonitoringStuckExecutions')).toMatchObject({
      Namespace: 'CdkSfnWorkflows', MetricName: 'StuckExecutions', Statistic: 'Maximum', Period: 300, Threshold: 1, TreatMissingData: 'breaching', Dimensions: stateMachine,
    });
  });

  test('thresholds are overridable, alarms removable by id', () => {
    const stack = newStack();
    const workflow = monitored(stack, {
      failedExecutionsThreshold: 5,
      durationAlarmThreshold: Duration.minutes(30),
      functionErrorRateThreshold: 25,
      disabledAlarms: [WorkflowMonitoring.EXECUTIONS_ABORTED, WorkflowMonitoring.FUNCTION_TIMEOUTS],
    });
    const template = Template.fromStack(stack);
    expect(alarm(template, 'OrdersMonitoringExecutionsFailed').Threshold).toBe(5);
    expect(alarm(template, 'OrdersMonitoringExecutionDuration').Threshold).toBe(1_800_000);
    expect(alarm(template, 'OrdersMonitoringChargeFunctionErrors').Threshold).toBe(25);
    expect(workflow.monitoring.alarm('ExecutionsAborted')).toBeUndefined();
    expect(workflow.monitoring.alarm('ChargeFunctionTimeouts')).toBeUndefined();
    expect(workflow.monitoring.alarm('ExecutionsFailed')).toBeDefined();
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).filter((id) => /Aborted|Timeouts/.test(id))).toEqual([]);
  });

  test('one place for actions: every alarm, those of triggers added later included, notifies the topic', () => {
    // GIVEN a topic as the action, and a trigger and a second action added after the workflow
    const stack = newStack();
    const topic = new sns.Topic(stack, 'Alerts');
    const workflow = monitored(stack, { alarmActions: [new cloudwatchActions.SnsAction(topic)] });
    workflow.addEventTrigger('OrderPlaced', { eventPattern: { source: ['shop'] } });
    const pager = new sns.Topic(stack, 'Pager');
    workflow.monitoring.addAlarmAction(new cloudwatchActions.SnsAction(pager));
    // THEN every alarm in the stack has both actions
    const alarms = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBe(workflow.monitoring.alarms.length);
    for (const each of alarms) expect(each.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Alerts/) }, { Ref: expect.stringMatching(/^Pager/) }]);
  });

  test('an EXPRESS workflow has no stuck-execution check (Step Functions keeps no history of its executions)', () => {
    const stack = newStack();
    new Workflow(stack, 'Fast', { definition: inlineStep(stack, 'Score', { idempotent: true }), timeout: Duration.minutes(1), stateMachineType: sfn.StateMachineType.EXPRESS });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Events::Rule', 0);
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).some((id) => id.includes('Stuck'))).toBe(false);
  });

  test('asking for the check on an EXPRESS workflow warns that it is ignored', () => {
    const stack = newStack();
    new Workflow(stack, 'Fast', { definition: inlineStep(stack, 'Score', { idempotent: true }), timeout: Duration.minutes(1), stateMachineType: sfn.StateMachineType.EXPRESS, monitoring: { stuckExecutionCheck: true } });
    Annotations.fromStack(stack).hasWarning('/TestStack/Fast/Monitoring', Match.stringLikeRegexp('stuckExecutionCheck is ignored for an EXPRESS workflow'));
  });

  test.each([
    ['an unknown alarm id', { disabledAlarms: ['ExecutionFailed'] }, /disabledAlarms names unknown alarms: ExecutionFailed\. Fix: use the ids ExecutionsFailed, /],
    ['a threshold of 0', { failedExecutionsThreshold: 0 }, /failedExecutionsThreshold must be greater than 0 \(got 0\)/],
    ['a check interval in seconds', { stuckCheckInterval: Duration.seconds(30) }, /stuckCheckInterval must be whole minutes, at least 1/],
  ])('fails when given %s', (_, props, message) => {
    expect(() => monitored(newStack(), props as WorkflowMonitoringProps)).toThrow(message);
  });
});

describe('stuck-execution check', () => {
  test('a scheduled library handler gets each state\'s bound (a LambdaStep\'s expected duration, an approval\'s timeout) and may only list executions and read their histories', () => {
    // GIVEN a step expected to take 2 minutes and an approval with a 1-hour timeout (the workflow's is 2 hours)
    const stack = newStack();
    const reviewer = new iam.Role(stack, 'Reviewer', { assumedBy: new iam.AccountRootPrincipal() });
    const service = new ApprovalService(stack, 'Approvals', { approvers: [reviewer] });
    const charge = new LambdaStep(stack, 'Charge', { lambdaFunction: inlineFunction(stack, 'ChargeFunction'), timeout: Duration.seconds(10), expectedDuration: Duration.minutes(2) });
    const review = new HumanApproval(stack, 'Review', { service, timeout: Duration.hours(1), summary: sfn.TaskInput.fromObject({ id: sfn.JsonPath.stringAt('$.id') }) });
    // WHEN
    monitored(stack, { stuckExecutionBound: Duration.minutes(45), stuckCheckInterval: Duration.minutes(10) }, charge.next(review));
    // THEN
    const template = Template.fromStack(stack);
    const [check] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('stuck') } }));
    const config = JSON.parse(flatten(check.Properties.Environment.Variables.CONFIG));
    expect(config).toEqual({
      stateMachineArn: expect.stringMatching(/^\$\{OrdersStateMachine[0-9A-F]{8}\}$/),
      defaultBoundSeconds: 2700,
      stateBoundsSeconds: { 'Charge': 120, 'Review: wait for decision': 3600 },
      approvalStates: ['Review: wait for decision'],
    });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(10 minutes)', Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('StuckExecutionCheckFunction'), 'Arn'] } })] });
    const roleStatements = Object.entries(template.findResources('AWS::IAM::Policy'))
      .filter(([id]) => id.includes('StuckExecutionCheck'))
      .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement)
      .filter((statement) => String(statement.Action).startsWith('states:'));
    expect(roleStatements).toEqual([
      { Action: 'states:ListExecutions', Effect: 'Allow', Resource: { Ref: expect.stringMatching(/^OrdersStateMachine/) } },
      { Action: 'states:GetExecutionHistory', Effect: 'Allow', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':states:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':execution:', { 'Fn::GetAtt': [expect.stringMatching(/^OrdersStateMachine/), 'Name'] }, ':*']] } },
    ]);
  });
});

describe('dashboard', () => {
  test('shows starts, successes, failures by error, duration percentiles, transitions and their cost, per-step attempts and failures, stuck executions, open approvals and dead-letter depth', () => {
    // GIVEN a workflow with an approval and a trigger
    const stack = newStack();
    const reviewer = new iam.Role(stack, 'Reviewer', { assumedBy: new iam.AccountRootPrincipal() });
    const service = new ApprovalService(stack, 'Approvals', { approvers: [reviewer] });
    const review = new HumanApproval(stack, 'Review', { service, timeout: Duration.hours(1), summary: sfn.TaskInput.fromObject({ id: sfn.JsonPath.stringAt('$.id') }) });
    const workflow = monitored(stack, {}, inlineStep(stack, 'Charge').next(review));
    workflow.addEventTrigger('OrderPlaced', { eventPattern: { source: ['shop'] } });
    // WHEN synthesized
    const body = JSON.parse(flatten(Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody));
    const widgets: any[] = body.widgets;
    const titled = (text: string) => widgets.find((widget) => String(widget.properties.title ?? '').includes(text));
    // THEN the execution counts and durations come from AWS/States
    const executions = titled('Executions');
    expect(executions.properties.metrics.map((metric: any[]) => metric[1])).toEqual(['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted', 'ExecutionThrottled']);
    expect(titled('Execution duration').properties.metrics.map((metric: any[]) => metric[metric.length - 1].stat)).toEqual(['p50', 'p90', 'p99']);
    // failures by error and transitions with their cost (the library's price table) from the execution logs
    expect(titled('Failed executions by error').properties.query).toContain('filter type = "ExecutionFailed"');
    expect(titled('Failed executions by error').properties.query).toContain('by details.error');
    expect(titled('State transitions per day').properties.query).toContain('count(*) * 0.000025 as estimatedUsd by bin(1d)');
    // per-step attempts and failed attempts
    expect(JSON.stringify(titled('Step attempts').properties.metrics)).toContain('Invocations');
    expect(JSON.stringify(titled('Failed step attempts').properties.metrics)).toMatch(/Errors.*Throttles/);
    // the check's stuck executions and open approvals, and the trigger's dead-letter depth
    expect(JSON.stringify(titled('Stuck and unchecked').properties.metrics)).toMatch(/CdkSfnWorkflows.*StuckExecutions.*UncheckedExecutions/);
    expect(JSON.stringify(titled('Open approvals').properties.metrics)).toContain('OpenApprovals');
    expect(JSON.stringify(titled('Dead-letter queue depth').properties.metrics)).toContain('ApproximateNumberOfMessagesVisible');
  });

  test('can be turned off', () => {
    const stack = newStack();
    monitored(stack, { dashboard: false });
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Dashboard', 0);
  });
});

/** A resolved CloudFormation string (`Fn::Join` of literals and references) as text with `${Ref}` / `${Id.Attr}` placeholders. */
function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = value as Record<string, any>;
  if (node['Fn::Join']) return (node['Fn::Join'][1] as unknown[]).map(flatten).join(node['Fn::Join'][0]);
  if (node.Ref) return `\${${node.Ref}}`;
  if (node['Fn::GetAtt']) return `\${${node['Fn::GetAtt'].join('.')}}`;
  return JSON.stringify(value);
}
