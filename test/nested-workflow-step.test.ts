import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { NestedWorkflowStep, Workflow } from '../lib';
import { LocalRunner, TaskFailure } from '../lib/testing';
import { inlineStep, newStack } from './helpers';

function parentAndChild(stack: Stack, childTimeout = Duration.minutes(1)): { parent: Workflow; child: Workflow } {
  const child = new Workflow(stack, 'Child', {
    definition: inlineStep(stack, 'Score', { resultPath: '$.score', idempotent: true }),
    stateMachineType: sfn.StateMachineType.EXPRESS,
    timeout: childTimeout,
  });
  const step = new NestedWorkflowStep(stack, 'RunChild', { workflow: child, timeout: Duration.minutes(2), resultPath: '$.child' });
  const parent = new Workflow(stack, 'Parent', { definition: step, timeout: Duration.minutes(10) });
  return { parent, child };
}

describe('NestedWorkflowStep', () => {
  test('renders startExecution.sync:2 and grants start, describe and stop on the child and its express executions', () => {
    // GIVEN / WHEN
    const stack = newStack();
    parentAndChild(stack);
    // THEN
    const template = Template.fromStack(stack);
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('ParentStateMachineRole') }] } }));
    expect(policies).toContain('"Action":"states:StartExecution","Effect":"Allow","Resource":{"Ref":"ChildStateMachine');
    expect(policies).toMatch(/":express:",\{"Fn::GetAtt":\["ChildStateMachine[0-9A-F]+","Name"\]\},":\*"/);
    expect(policies).toContain('StepFunctionsGetEventsForStepFunctionsExecutionRule');
  });

  test('warns when the step gives up before the child workflow times out', () => {
    const stack = newStack();
    parentAndChild(stack, Duration.minutes(5));
    Annotations.fromStack(stack).hasWarning('/TestStack/RunChild', Match.stringLikeRegexp('shorter than the child workflow'));
  });

  test('fails when the timeout is missing', () => {
    const stack = newStack();
    const child = new Workflow(stack, 'Child', { definition: new sfn.Pass(stack, 'P'), timeout: Duration.minutes(1) });
    expect(() => new NestedWorkflowStep(stack, 'RunChild', { workflow: child } as any)).toThrow(/\[TestStack\/RunChild\] NestedWorkflowStep has no timeout/);
  });

  test('an EXPRESS parent cannot wait for a child: synth fails naming the step', () => {
    const stack = newStack();
    const child = new Workflow(stack, 'Child', { definition: new sfn.Pass(stack, 'P'), timeout: Duration.minutes(1), stateMachineType: sfn.StateMachineType.EXPRESS });
    const step = new NestedWorkflowStep(stack, 'RunChild', { workflow: child, timeout: Duration.minutes(1) });
    new Workflow(stack, 'Parent', { definition: step, timeout: Duration.minutes(5), stateMachineType: sfn.StateMachineType.EXPRESS });
    expect(() => Template.fromStack(stack)).toThrow(/Workflow-ExpressIntegrationPattern \[state 'RunChild'\]: Task 'RunChild' waits for a job to finish/);
  });

  describe('locally', () => {
    const stack = newStack();
    parentAndChild(stack);
    const parent = LocalRunner.fromStack(stack).stateMachine('Parent');

    test("runs the child on its own code and puts the child's output at resultPath", async () => {
      const result = await parent.run({ orderId: 'o-1' });
      expect(result.status).toBe('SUCCEEDED');
      expect(result.output.child.output).toEqual({ orderId: 'o-1', score: { ok: true, step: 'ScoreFunction' } });
      expect(result.childExecutions.map((child) => child.path)).toEqual([['Score']]);
      expect(result.output.child.executionArn).toMatch(/^arn:aws:states:us-east-1:123456789012:execution:ChildStateMachine/);
    });

    test("a failed child fails the step with States.TaskFailed and the child's error in the cause", async () => {
      const result = await parent.run({}, { tasks: { Score: () => { throw new TaskFailure('ScoringUnavailable', 'model offline'); } } });
      expect(result.status).toBe('FAILED');
      expect(result.error).toBe('States.TaskFailed');
      expect(JSON.parse(result.cause!)).toMatchObject({ Status: 'FAILED', Error: 'ScoringUnavailable' });
      expect(result.childExecutions[0].status).toBe('FAILED');
    });
  });
});
