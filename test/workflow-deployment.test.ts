import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { DeploymentPreference, LambdaStep, NestedWorkflowStep, Workflow, WorkflowProps } from '../lib';
import { LocalRunner } from '../lib/testing';
import { codeFunction, inlineFunction, inlineStep, newStack } from './helpers';

/**
 * Versions and an alias with a deployment preference, starts and grants through the alias,
 * pinned Lambda versions. Follows the Step Functions Developer Guide pages "Continuous
 * deployment with versions and aliases", "Rolling deployments" and "IAM permissions for
 * versions and aliases", and the CloudFormation reference of
 * AWS::StepFunctions::StateMachineAlias DeploymentPreference.
 */

function versioned(stack: Stack, props: Partial<WorkflowProps> = {}): Workflow {
  return new Workflow(stack, 'Orders', { definition: inlineStep(stack, 'Work'), timeout: Duration.minutes(5), aliasName: 'live', ...props });
}

const stateMachineRef = { Ref: Match.stringLikeRegexp('^OrdersStateMachine') };
const aliasArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrdersAlias'), 'Arn'] };
const liveOnly = { 'ForAnyValue:StringEquals': { 'states:StateMachineQualifier': ['live'] } };

/** Every statement of every IAM policy in the template. */
function statements(template: Template): any[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

/** The logical ids of the alarms in the template. */
function alarmIds(template: Template): string[] {
  return Object.keys(template.findResources('AWS::CloudWatch::Alarm'));
}

describe('versions and an alias', () => {
  test('a version is published for each revision and kept; the alias routes to it with a canary whose alarms are names', () => {
    // GIVEN / WHEN
    const stack = newStack();
    versioned(stack, { deploymentPreference: DeploymentPreference.canary(10, Duration.minutes(15)) });
    // THEN the version follows the state machine's revision id (a new revision replaces it: a new version) and is retained
    const template = Template.fromStack(stack);
    template.hasResource('AWS::StepFunctions::StateMachineVersion', {
      Properties: { StateMachineArn: stateMachineRef, StateMachineRevisionId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrdersStateMachine'), 'StateMachineRevisionId'] } },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    // and the alias shifts 10% for 15 minutes, watching alarms by NAME (Ref of AWS::CloudWatch::Alarm), never by ARN
    const alias = Object.values(template.findResources('AWS::StepFunctions::StateMachineAlias'))[0];
    expect(alias.Properties).toMatchObject({
      Name: 'live',
      DeploymentPreference: {
        StateMachineVersionArn: { 'Fn::GetAtt': [expect.stringMatching(/^OrdersVersion/), 'Arn'] },
        Type: 'CANARY',
        Percentage: 10,
        Interval: 15,
      },
    });
    expect(alias.Properties.RoutingConfiguration).toBeUndefined();
    const alarms: unknown[] = alias.Properties.DeploymentPreference.Alarms;
    expect(alarms.length).toBeGreaterThan(0);
    const ids = alarmIds(template);
    for (const alarm of alarms) {
      expect(alarm).toEqual({ Ref: expect.any(String) });
      expect(ids).toContain((alarm as { Ref: string }).Ref);
    }
    expect(JSON.stringify(alarms)).not.toContain('Arn');
  });

  test('the rollback alarms are those that judge the code: failed and timed-out executions, each step function\'s error rate and timeouts, plus any given', () => {
    // GIVEN an alarm of the user's own
    const stack = newStack();
    const own = new cloudwatch.Alarm(stack, 'OwnAlarm', { metric: new cloudwatch.Metric({ namespace: 'Shop', metricName: 'Refunds' }), threshold: 5, evaluationPeriods: 1 });
    // WHEN
    versioned(stack, { deploymentPreference: DeploymentPreference.linear(20, Duration.minutes(5)), rollbackAlarms: [own] });
    // THEN
    const template = Template.fromStack(stack);
    const alias = Object.values(template.findResources('AWS::StepFunctions::StateMachineAlias'))[0];
    expect(alias.Properties.DeploymentPreference).toMatchObject({ Type: 'LINEAR', Percentage: 20, Interval: 5 });
    const names = (alias.Properties.DeploymentPreference.Alarms as Array<{ Ref: string }>).map((alarm) => alarm.Ref);
    expect(names.map((id) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
      'OrdersMonitoringExecutionsFailed',
      'OrdersMonitoringExecutionsTimedOut',
      'OrdersMonitoringWorkFunctionErrors',
      'OrdersMonitoringWorkFunctionTimeouts',
      'OwnAlarm',
    ]);
  });

  test('all at once is the default: no percentage or interval, alarms still watched', () => {
    const stack = newStack();
    versioned(stack);
    const alias = Object.values(Template.fromStack(stack).findResources('AWS::StepFunctions::StateMachineAlias'))[0];
    expect(alias.Properties.DeploymentPreference.Type).toBe('ALL_AT_ONCE');
    expect(alias.Properties.DeploymentPreference.Percentage).toBeUndefined();
    expect(alias.Properties.DeploymentPreference.Interval).toBeUndefined();
    expect(alias.Properties.DeploymentPreference.Alarms.length).toBeGreaterThan(0);
  });

  test('without an alias nothing is published and steps are not pinned', () => {
    const stack = newStack();
    new Workflow(stack, 'Orders', { definition: inlineStep(stack, 'Work'), timeout: Duration.minutes(5) });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::StepFunctions::StateMachineVersion', 0);
    template.resourceCountIs('AWS::StepFunctions::StateMachineAlias', 0);
    template.resourceCountIs('AWS::Lambda::Version', 0);
  });

  test('the shift duration of a linear preference is its steps times its interval', () => {
    expect(DeploymentPreference.linear(30, Duration.minutes(10)).shiftDuration?.toMinutes()).toBe(40);
    expect(DeploymentPreference.canary(5, Duration.minutes(10)).shiftDuration?.toMinutes()).toBe(10);
    expect(DeploymentPreference.allAtOnce().shiftDuration).toBeUndefined();
  });

  test.each([
    ['a percentage of 0', DeploymentPreference.canary(0, Duration.minutes(10)), /percentage must be a whole number from 1 to 99 \(got 0\)/],
    ['a percentage of 100', DeploymentPreference.linear(100, Duration.minutes(10)), /percentage must be a whole number from 1 to 99 \(got 100\)/],
    ['an interval in seconds', DeploymentPreference.canary(10, Duration.seconds(90)), /interval must be whole minutes from 1 to 2,100 \(got 1 minute 30 seconds\)/],
    ['an interval over 2,100 minutes', DeploymentPreference.canary(10, Duration.days(2)), /interval must be whole minutes from 1 to 2,100/],
  ])('fails when the preference has %s', (_, preference, message) => {
    expect(() => versioned(newStack(), { deploymentPreference: preference })).toThrow(message);
  });

  test.each([['only digits', '42'], ['a space', 'my alias'], ['a colon', 'a:b']])('fails when the alias name has %s', (_, aliasName) => {
    expect(() => versioned(newStack(), { aliasName })).toThrow(/\[TestStack\/Orders\] aliasName '.*' is not a Step Functions alias name/);
  });

  test('fails when a deployment preference is given without an alias', () => {
    const stack = newStack();
    expect(() => new Workflow(stack, 'Orders', { definition: inlineStep(stack, 'Work'), timeout: Duration.minutes(5), deploymentPreference: DeploymentPreference.allAtOnce() }))
      .toThrow(/deploymentPreference and rollbackAlarms need an alias.*Fix: pass aliasName/);
  });
});

describe('starting through the alias, with IAM on the unqualified ARN', () => {
  test('a trigger and a schedule target the alias ARN; their roles may start it on the state machine ARN, for the alias only', () => {
    // GIVEN
    const stack = newStack();
    const workflow = versioned(stack);
    // WHEN
    workflow.addEventTrigger('OrderPlaced', { eventPattern: { source: ['shop.checkout'] } });
    workflow.addSchedule('Nightly', { schedule: scheduler.ScheduleExpression.rate(Duration.hours(24)) });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ Arn: aliasArn })] });
    template.hasResourceProperties('AWS::Scheduler::Schedule', { Target: Match.objectLike({ Arn: aliasArn }) });
    const starts = statements(template).filter((statement) => statement.Action === 'states:StartExecution');
    expect(starts).toHaveLength(2);
    for (const statement of starts) {
      // never a qualified ARN in Resource: IAM authorizes alias starts against the state machine's own ARN
      expect(statement).toEqual({ Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: expect.stringMatching(/^OrdersStateMachine/) }, Condition: liveOnly });
    }
  });

  test('grantStartExecution names the state machine ARN narrowed to the alias; grantRead names the executions', () => {
    const stack = newStack();
    const workflow = versioned(stack);
    const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    workflow.grantStartExecution(role);
    workflow.grantRead(role);
    const all = statements(Template.fromStack(stack));
    expect(all).toContainEqual({ Action: 'states:StartExecution', Effect: 'Allow', Resource: stateMachineRefValue(all), Condition: liveOnly });
    expect(JSON.stringify(all)).not.toMatch(/OrdersAlias[0-9A-F]{8}","Arn"\]\}/);
  });

  test('a nested workflow step starts the child through its alias; the parent may start it (alias only) and watch its executions', () => {
    // GIVEN a versioned child and a parent
    const stack = newStack();
    const child = new Workflow(stack, 'Child', { definition: inlineStep(stack, 'Score'), timeout: Duration.minutes(1), aliasName: 'live' });
    // WHEN
    const parent = new Workflow(stack, 'Parent', {
      definition: new NestedWorkflowStep(stack, 'RunChild', { workflow: child, timeout: Duration.minutes(2) }),
      timeout: Duration.minutes(5),
    });
    // THEN the task names the alias ARN
    const template = Template.fromStack(stack);
    const definition = JSON.stringify(stack.resolve((parent.stateMachine.node.defaultChild as sfn.CfnStateMachine).definitionString));
    expect(definition).toMatch(/"StateMachineArn\\":\\"","?\{"Fn::GetAtt":\["ChildAlias[0-9A-F]{8}","Arn"\]\}/);
    // and the role's statements name the unqualified ARN (with the alias as qualifier) and the executions
    const parentStatements = statementsOfRole(template, parent);
    expect(parentStatements).toContainEqual({ Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: expect.stringMatching(/^ChildStateMachine/) }, Condition: liveOnly });
    expect(parentStatements).toContainEqual({
      Action: ['states:DescribeExecution', 'states:StopExecution'],
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':states:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':execution:', { 'Fn::GetAtt': [expect.stringMatching(/^ChildStateMachine/), 'Name'] }, ':*']] },
    });
    expect(JSON.stringify(parentStatements)).not.toContain('ChildAlias');
  });

  test('an imported workflow with an alias is started through it, its grant on the unqualified ARN', () => {
    const stack = newStack();
    const arn = 'arn:aws:states:eu-west-1:111122223333:stateMachine:Fulfilment';
    const imported = Workflow.fromStateMachineArn(stack, 'Fulfilment', arn, { aliasName: 'prod' });
    const parent = new Workflow(stack, 'Parent', { definition: new NestedWorkflowStep(stack, 'Fulfil', { workflow: imported, timeout: Duration.minutes(10) }), timeout: Duration.hours(1) });
    expect(imported.alias?.stateMachineArn).toBe(`${arn}:prod`);
    const parentStatements = statementsOfRole(Template.fromStack(stack), parent);
    expect(parentStatements).toContainEqual({ Action: 'states:StartExecution', Effect: 'Allow', Resource: arn, Condition: { 'ForAnyValue:StringEquals': { 'states:StateMachineQualifier': ['prod'] } } });
    expect(parentStatements).toContainEqual({
      Action: ['states:DescribeExecution', 'states:StopExecution'],
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':states:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':execution:Fulfilment:*']] },
    });
  });

  test('fails when an imported workflow is given a qualified ARN', () => {
    expect(() => Workflow.fromStateMachineArn(newStack(), 'F', 'arn:aws:states:eu-west-1:111122223333:stateMachine:Fulfilment:prod'))
      .toThrow(/is not an unqualified state machine ARN.*Fix: pass the state machine ARN without a version or alias, and the alias as attributes.aliasName/);
  });
});

describe('pinned Lambda versions', () => {
  test('with an alias, a LambdaStep invokes its function\'s current version, retained for executions still on the old one; the grant covers every version', () => {
    // GIVEN / WHEN
    const stack = newStack();
    const workflow = versioned(stack);
    // THEN the task Resource is the version's ARN (Ref of AWS::Lambda::Version)
    const template = Template.fromStack(stack);
    const versions = template.findResources('AWS::Lambda::Version');
    const [versionId] = Object.keys(versions);
    expect(versions[versionId]).toMatchObject({ Properties: { FunctionName: { Ref: expect.stringMatching(/^WorkFunction/) } }, DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    const definition = JSON.stringify(stack.resolve((workflow.stateMachine.node.defaultChild as sfn.CfnStateMachine).definitionString));
    expect(definition).toContain(`"Resource\\":\\"",{"Ref":"${versionId}"}`);
    // and the role may invoke the function and any version of it (function:<name>:*), so an older execution keeps working
    const invoke = statementsOfRole(template, workflow).find((statement) => statement.Action === 'lambda:InvokeFunction');
    expect(invoke.Resource).toEqual([
      { 'Fn::GetAtt': [expect.stringMatching(/^WorkFunction/), 'Arn'] },
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^WorkFunction/), 'Arn'] }, ':*']] },
    ]);
  });

  test('pinVersion: false keeps $LATEST under an alias; pinVersion: true pins without one', () => {
    const stack = newStack();
    const unpinned = new LambdaStep(stack, 'Unpinned', { lambdaFunction: inlineFunction(stack, 'UnpinnedFunction'), timeout: Duration.seconds(10), pinVersion: false });
    versioned(stack, { definition: unpinned });
    const other = newStack('Other');
    const pinned = new LambdaStep(other, 'Pinned', { lambdaFunction: inlineFunction(other, 'PinnedFunction'), timeout: Duration.seconds(10), pinVersion: true });
    new Workflow(other, 'Orders', { definition: pinned, timeout: Duration.minutes(5) });
    expect(unpinned.pinnedVersion).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Version', 0);
    expect(pinned.pinnedVersion).toBeDefined();
    Template.fromStack(other).resourceCountIs('AWS::Lambda::Version', 1);
  });

  test('an imported function cannot be pinned: a warning under an alias, an error when asked', () => {
    const stack = newStack();
    const imported = lambda.Function.fromFunctionArn(stack, 'Imported', 'arn:aws:lambda:eu-west-1:111122223333:function:score');
    versioned(stack, { definition: new LambdaStep(stack, 'Score', { lambdaFunction: imported, timeout: Duration.seconds(10) }) });
    Annotations.fromStack(stack).hasWarning('/TestStack/Score', Match.stringLikeRegexp('invokes \\$LATEST'));
    const other = newStack('Other');
    const importedToo = lambda.Function.fromFunctionArn(other, 'Imported', 'arn:aws:lambda:eu-west-1:111122223333:function:score');
    expect(() => new Workflow(other, 'Orders', { definition: new LambdaStep(other, 'Score', { lambdaFunction: importedToo, timeout: Duration.seconds(10), pinVersion: true }), timeout: Duration.minutes(5) }))
      .toThrow(/\[Other\/Score\] pinVersion is true, but .* is an imported function/);
  });

  test('a Lambda version given as the function is pinned already: no second version', () => {
    const stack = newStack();
    const fn = inlineFunction(stack, 'Fn');
    const version = new lambda.Version(stack, 'V1', { lambda: fn });
    versioned(stack, { definition: new LambdaStep(stack, 'OnVersion', { lambdaFunction: version, timeout: Duration.seconds(10) }) });
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Version', 1);
  });
});

describe('the local runner on a versioned workflow', () => {
  test('resolves pinned versions to their handlers, and a trigger and a nested step on an alias to the state machine behind it', async () => {
    // GIVEN a versioned child that doubles, and a versioned parent that calls a pinned step then the child, started by a trigger
    const app = new App();
    const stack = new Stack(app, 'Runner');
    const double = codeFunction(stack, 'DoubleFunction', 'exports.handler = async (event) => ({ value: event.input.value * 2 });');
    const child = new Workflow(stack, 'Child', { definition: new LambdaStep(stack, 'Double', { lambdaFunction: double, timeout: Duration.seconds(5) }), timeout: Duration.minutes(1), aliasName: 'live' });
    const addOne = codeFunction(stack, 'AddOneFunction', 'exports.handler = async (event) => ({ value: event.input.value + 1 });');
    const parent = new Workflow(stack, 'Parent', {
      definition: new LambdaStep(stack, 'AddOne', { lambdaFunction: addOne, timeout: Duration.seconds(5) })
        .next(new NestedWorkflowStep(stack, 'RunChild', { workflow: child, timeout: Duration.minutes(1), resultSelector: undefined } as any)),
      timeout: Duration.minutes(5),
      aliasName: 'live',
      deploymentPreference: DeploymentPreference.canary(10, Duration.minutes(5)),
    });
    parent.addEventTrigger('Start', { eventPattern: { source: ['test'] }, input: undefined });
    // WHEN the trigger's event arrives
    const runner = LocalRunner.fromStack(stack);
    const definition = JSON.stringify(runner.stateMachine('Parent').definition);
    const [execution] = runner.startFromEvent('Parent/Start', { 'source': 'test', 'detail-type': 'x', 'detail': {}, 'value': 4 } as any);
    const result = await execution.result;
    // THEN the pinned step's Resource is the function's version, and the run went AddOne (4 + 1) → the child through its alias (× 2)
    expect(definition).toMatch(/"Resource":"\$\{AddOneFunctionCurrentVersion[0-9A-Fa-f]+\}"/);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ output: { value: 10 } });
    // and the child, found behind its alias, ran its pinned step as the version ARN of its function (qualifier :1)
    expect(result.childExecutions).toHaveLength(1);
    expect(JSON.stringify(result.childExecutions[0].events.filter((event) => event.type === 'LambdaFunctionScheduled'))).toMatch(/"resource":"arn:aws:lambda:us-east-1:123456789012:function:Runner-DoubleFunction[0-9A-F]{8}:1"/);
  });
});

/** The value of the state machine Ref in a statement list (for toContainEqual). */
function stateMachineRefValue(all: any[]): { Ref: string } {
  const ref = all.map((statement) => statement.Resource).find((resource) => resource?.Ref?.startsWith('OrdersStateMachine'));
  return ref ?? { Ref: 'OrdersStateMachine?' };
}

/** The statements of the policies attached to a workflow's state machine role. */
function statementsOfRole(template: Template, workflow: Workflow): any[] {
  const roleId = Stack.of(workflow).resolve((workflow.role.node.defaultChild as iam.CfnRole).logicalId);
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}
