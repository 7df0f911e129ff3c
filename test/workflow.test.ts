import { Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { ACKNOWLEDGED_RULES_METADATA } from '../lib/assembly/metadata-keys';
import { Workflow, WorkflowProps } from '../lib';
import { inlineFunction, inlineStep, newStack } from './helpers';

function workflow(stack: Stack, props: Partial<WorkflowProps> = {}): Workflow {
  return new Workflow(stack, 'Orders', {
    definition: new sfn.Pass(stack, 'Start'),
    timeout: Duration.minutes(10),
    ...props,
  });
}

describe('Workflow', () => {
  test('defaults: STANDARD, execution timeout, logs at level ALL without data, X-Ray on', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    workflow(stack);
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: false,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('OrdersLogs'), 'Arn'] } } }],
      },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: Match.stringLikeRegexp('^/aws/vendedlogs/states/'),
      RetentionInDays: 90,
    });
    const definition = JSON.stringify(template.findResources('AWS::StepFunctions::StateMachine'));
    expect(definition).toContain('\\"TimeoutSeconds\\":600');
  });

  test('EXPRESS type, a customer-managed key and a shorter retention', () => {
    // GIVEN
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    // WHEN
    workflow(stack, { stateMachineType: sfn.StateMachineType.EXPRESS, timeout: Duration.minutes(5), encryptionKey: key });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'EXPRESS',
      EncryptionConfiguration: { Type: 'CUSTOMER_MANAGED_KMS_KEY', KmsDataKeyReusePeriodSeconds: 300 },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('Key'), 'Arn'] } });
  });

  test('logging can be turned off', () => {
    const stack = newStack();
    const wf = workflow(stack, { logLevel: sfn.LogLevel.OFF });
    expect(wf.logGroup).toBeUndefined();
    // (the stuck-execution check's function keeps its own log group)
    expect(Template.fromStack(stack).findResources('AWS::Logs::LogGroup', { Properties: { LogGroupName: Match.anyValue() } })).toEqual({});
    Template.fromStack(stack).resourcePropertiesCountIs('AWS::StepFunctions::StateMachine', { LoggingConfiguration: Match.anyValue() }, 0);
  });

  test('grants are scoped to the state machine ARN', () => {
    // GIVEN
    const stack = newStack();
    const wf = workflow(stack);
    const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    // WHEN
    wf.grantStartExecution(role);
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('Caller') }],
      PolicyDocument: {
        Statement: [{ Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: Match.stringLikeRegexp('OrdersStateMachine') } }],
      },
    });
  });

  test('fails when timeout is missing', () => {
    const stack = newStack();
    expect(() => workflow(stack, { timeout: undefined })).toThrow(/\[TestStack\/Orders\] Workflow has no timeout.*Fix: pass timeout/);
  });

  test('fails when timeout is longer than a year or not whole seconds', () => {
    expect(() => workflow(newStack(), { timeout: Duration.days(366) })).toThrow(/timeout must be a whole number of seconds between 1 and 31536000 \(got 366 days\)/);
    expect(() => workflow(newStack(), { timeout: Duration.millis(1500) })).toThrow(/timeout must be a whole number of seconds/);
  });

  test('fails when the data key reuse period is outside 60-900 seconds', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    expect(() => workflow(stack, { encryptionKey: key, encryptionDataKeyReuse: Duration.seconds(30) })).toThrow(
      /encryptionDataKeyReuse must be a whole number of seconds between 60 and 900/,
    );
  });

  test('fails at synth when a state name is over 80 characters, naming the rule and the state', () => {
    // GIVEN
    const stack = newStack();
    const longName = 'Reserve inventory in the warehouse closest to the customer before charging the card';
    // WHEN
    workflow(stack, { definition: new sfn.Pass(stack, 'Long', { stateName: longName }) });
    // THEN
    expect(() => Template.fromStack(stack)).toThrow(/Workflow-StateNameLength \[state 'Reserve inventory.*'\]: .* is 83 characters long/);
  });

  test('fails at synth when an EXPRESS workflow waits for a task token, saying what to do instead', () => {
    // GIVEN a raw callback task
    const stack = newStack();
    const callback = new tasks.LambdaInvoke(stack, 'AwaitApproval', {
      lambdaFunction: inlineFunction(stack, 'Notify'),
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({ token: sfn.JsonPath.taskToken }),
      taskTimeout: sfn.Timeout.duration(Duration.minutes(4)),
    });
    // WHEN
    workflow(stack, { definition: callback, stateMachineType: sfn.StateMachineType.EXPRESS, timeout: Duration.minutes(5) });
    // THEN
    expect(() => Template.fromStack(stack)).toThrow(
      /Workflow-ExpressIntegrationPattern \[state 'AwaitApproval'\]: .*EXPRESS workflows do not support\. Use STANDARD, or move the callback into a STANDARD parent workflow/,
    );
  });

  test('fails at synth when an EXPRESS workflow may run longer than 5 minutes', () => {
    const stack = newStack();
    workflow(stack, { stateMachineType: sfn.StateMachineType.EXPRESS, timeout: Duration.minutes(10) });
    expect(() => Template.fromStack(stack)).toThrow(/Workflow-ExpressDuration: The workflow timeout \(600 s\) is longer than the 300 s/);
  });

  test('warnings become annotations: an EXPRESS step not declared idempotent', () => {
    // GIVEN
    const stack = newStack();
    const charge = inlineStep(stack, 'Charge');
    const score = inlineStep(stack, 'Score', { idempotent: true });
    // WHEN
    workflow(stack, { definition: charge.next(score), stateMachineType: sfn.StateMachineType.EXPRESS, timeout: Duration.minutes(5) });
    // THEN
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/TestStack/Orders', Match.stringLikeRegexp("Workflow-ExpressIdempotency \\[state 'Charge'\\]"));
    expect(annotations.findWarning('/TestStack/Orders', Match.stringLikeRegexp("state 'Score'"))).toHaveLength(0);
  });

  test('a state machine name that is a token is left to CloudFormation', () => {
    const stack = newStack();
    workflow(stack, { stateMachineName: `${Aws.STACK_NAME}-orders` });
    Template.fromStack(stack).hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: { 'Fn::Join': ['', [{ Ref: 'AWS::StackName' }, '-orders']] },
    });
  });

  test('fails when the data key reuse period is set without a key', () => {
    expect(() => workflow(newStack(), { encryptionDataKeyReuse: Duration.minutes(10) })).toThrow(/encryptionDataKeyReuse is set without an encryptionKey/);
  });

  test.each([
    ['the workflow', (wf: Workflow) => wf],
    ['its state machine', (wf: Workflow) => wf.stateMachine],
    ['the stack', (wf: Workflow) => Stack.of(wf)],
  ])('a rule acknowledged with a reason on %s does not fail synth, as lint reads it', (_, target) => {
    // GIVEN an EXPRESS workflow whose Wait outlasts an EXPRESS execution (an error, acknowledgeable)
    const stack = newStack();
    const wf = workflow(stack, { stateMachineType: sfn.StateMachineType.EXPRESS, timeout: Duration.minutes(5), definition: new sfn.Wait(stack, 'Long', { time: sfn.WaitTime.duration(Duration.minutes(6)) }) });
        // WHEN
    Validations.of(target(wf)).acknowledge({ id: 'Workflow-ExpressDuration', reason: 'checked by hand for this test' });
    // THEN
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test('a rule Step Functions enforces at deploy cannot be acknowledged, and its error does not suggest it', () => {
    const stack = newStack();
    const wf = workflow(stack, { definition: new sfn.Pass(stack, 'Long', { stateName: 'x'.repeat(81) }) });
    Validations.of(wf).acknowledge({ id: 'Workflow-StateNameLength', reason: 'would not help: Step Functions refuses the name' });
    expect(() => Template.fromStack(stack)).toThrow(/Workflow-StateNameLength .*is 81 characters long[^]*\(see https:\/\/states-language\.net\/spec\.html#states-fields\)"?$/);
    expect(() => Template.fromStack(stack)).not.toThrow(/acknowledge with/);
  });

  test('the acknowledgement metadata key is the one aws-cdk-lib writes', () => {
    expect(ACKNOWLEDGED_RULES_METADATA).toBe(Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
  });

  test('acknowledges the role wildcards cdk-nag reports, each with a reason', () => {
    // GIVEN
    const stack = newStack();
    const wf = workflow(stack, { definition: inlineStep(stack, 'Charge') });
    // WHEN synthesized (the role's policy is read then, once)
    const template = Template.fromStack(stack);
    // THEN
    expect(JSON.stringify(template.findResources('AWS::IAM::Role'))).toContain('rules_to_suppress');
    const acknowledged = wf.role.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
    const ids = acknowledged.flatMap((m) => Object.keys(m.data).map((id) => id.replace(/^[^:]+::/, '')));
    expect(ids).toEqual(expect.arrayContaining([
      'AwsSolutions-IAM5[Resource::*]',
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<ChargeFunction[0-9A-F]{8}\.Arn>:\*\]$/),
    ]));
    for (const entry of acknowledged) expect(Object.values(entry.data).every((reason) => String(reason).length > 20)).toBe(true);
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });
});
