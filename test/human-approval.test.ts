import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ApprovalService, HumanApproval, HumanApprovalProps, Workflow } from '../lib';
import { flattenIntrinsic, parseFlattenedDefinition } from '../lib/asl/flatten';
import { LocalApprovals, LocalDecisionError, LocalRunner } from '../lib/testing';
import { newStack } from './helpers';

const SUMMARY = sfn.TaskInput.fromObject({ orderId: sfn.JsonPath.stringAt('$.orderId') });

/** A STANDARD workflow: Review → Approved, with rejected and expired routed to their own states. */
function approvalWorkflow(props: Partial<HumanApprovalProps> = {}, workflowTimeout = Duration.days(3)): Stack {
  const stack = newStack();
  const reviewer = new iam.Role(stack, 'Reviewer', { roleName: 'Reviewer', assumedBy: new iam.AccountRootPrincipal() });
  const service = new ApprovalService(stack, 'Approvals');
  const approval = new HumanApproval(stack, 'Review', { service, timeout: Duration.days(2), summary: SUMMARY, approvers: [reviewer], ...props });
  approval.onRejected(new sfn.Pass(stack, 'Rejected')).onExpired(new sfn.Pass(stack, 'Expired'));
  new Workflow(stack, 'Orders', { definition: approval.next(new sfn.Pass(stack, 'Approved')), timeout: workflowTimeout });
  return stack;
}

/** The default approval workflow, built and synthesized once for the template and the local runs. */
const DEFAULT_STACK = approvalWorkflow();

describe('ApprovalService and HumanApproval (synthesized)', () => {
  const template = Template.fromStack(DEFAULT_STACK);

  test('the approval store: on demand, encrypted, point-in-time recovery, TTL, retained', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      },
      DeletionPolicy: 'Retain',
    });
  });

  test('the decision API: IAM authorization on every method, validated body, access logs, no data tracing, throttled', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method'));
    expect(methods).toHaveLength(3);
    for (const method of methods) expect(method.Properties.AuthorizationType).toBe('AWS_IAM');
    template.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'POST', RequestValidatorId: Match.anyValue(), RequestModels: { 'application/json': Match.anyValue() } });
    template.hasResourceProperties('AWS::ApiGateway::Model', { Schema: Match.objectLike({ required: ['decision'], properties: { decision: { type: 'string', enum: ['APPROVE', 'REJECT'] } } }) });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.anyValue() },
      MethodSettings: [Match.objectLike({ DataTraceEnabled: false, LoggingLevel: 'ERROR', ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 })],
    });
  });

  test('the decision handler may send task responses to this state machine only, and read and update the table only', () => {
    const decisionRole = { Ref: Match.stringLikeRegexp('^ApprovalsDecisionFunctionRole') };
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [decisionRole],
      PolicyDocument: { Statement: [{ Action: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'], Effect: 'Allow', Resource: { Ref: Match.stringLikeRegexp('^OrdersStateMachine') } }] },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [decisionRole],
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
          Effect: 'Allow',
          Resource: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^ApprovalsTable'), 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^ApprovalsTable'), 'Arn'] }, '/index/status-expiresAt']] }],
        }]),
      },
    });
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) => policy.Properties.PolicyDocument.Statement);
    const taskResponses = statements.filter((statement) => [statement.Action].flat().some((action: string) => action.startsWith('states:SendTask')));
    expect(taskResponses.map((statement) => statement.Resource)).toEqual([{ Ref: expect.stringMatching(/^OrdersStateMachine/) }]);
  });

  test('the notifier may put a request and delete one it could not announce, on the table only', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^ApprovalsNotifierRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Action: ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApprovalsTable'), 'Arn'] },
        }]),
      },
    });
  });

  test('the reviewer is granted the three decision API methods on the v1 stage only', () => {
    // GIVEN the reviewer's policy
    const reviewerPolicy = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^Reviewer') }] } }));
    const text = JSON.stringify(reviewerPolicy);
    // THEN
    expect(text).toContain('execute-api:Invoke');
    for (const method of ['/v1/GET/approvals"', '/v1/GET/approvals/*"', '/v1/POST/approvals/*/decision"']) expect(text).toContain(method);
    expect(text).not.toMatch(/\/\*\/(GET|POST)\//);
  });

  test("the reviewer's acknowledged wildcard is the approval id, and the reason says so accurately", () => {
    // GIVEN the cdk-nag acknowledgements on the reviewer role
    const [reviewer] = Object.values(template.findResources('AWS::IAM::Role', { Properties: { RoleName: 'Reviewer' } }));
    const [acknowledgement] = reviewer.Metadata.cdk_nag.rules_to_suppress.filter((rule: { id: string }) => rule.id === 'AwsSolutions-IAM5');
    // THEN it covers the two methods with an id, on the one stage, and no other resource
    expect(acknowledgement.applies_to).toEqual([
      expect.stringMatching(/^Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<ApprovalsDecisionApi[0-9A-F]{8}>\/v1\/GET\/approvals\/\*$/),
      expect.stringMatching(/^Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<ApprovalsDecisionApi[0-9A-F]{8}>\/v1\/POST\/approvals\/\*\/decision$/),
    ]);
    expect(acknowledgement.reason).toBe(
      'The approval id is a path parameter of the decision API: the grant names the API, its stage (v1) and each method (GET /approvals/{id}, POST /approvals/{id}/decision); only the id segment is a wildcard.',
    );
  });

  test('the notifier step retries transient failures, never ApprovalSummaryTooLarge', () => {
    // GIVEN the wait task of the synthesized definition
    const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    const definition = parseFlattenedDefinition(flattenIntrinsic(machine.Properties.DefinitionString));
    const review = definition.States.Review as unknown as { Branches: Array<{ States: Record<string, { Retry?: Array<{ ErrorEquals: string[] }> }> }> };
    const errors = review.Branches[0].States['Review: wait for decision'].Retry!.flatMap((retrier) => retrier.ErrorEquals);
    // THEN
    expect(errors).toEqual(expect.arrayContaining(['Lambda.ServiceException', 'Lambda.TooManyRequestsException', 'ApprovalNotificationFailed']));
    for (const never of ['ApprovalSummaryTooLarge', 'States.ALL', 'States.TaskFailed']) expect(errors).not.toContain(never);
    expect(HumanApproval.SUMMARY_TOO_LARGE_ERROR).toBe('ApprovalSummaryTooLarge');
  });

  test('the task token is referenced only in the notifier payload, and never logged', () => {
    const definition = JSON.stringify(template.findResources('AWS::StepFunctions::StateMachine'));
    expect(definition.match(/\$\$\.Task\.Token/g)).toHaveLength(1);
    expect(definition).toContain('\\"taskToken.$\\":\\"$$.Task.Token\\"');
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { LoggingConfiguration: Match.objectLike({ IncludeExecutionData: false }) });
    const functions = JSON.stringify(template.findResources('AWS::Lambda::Function'));
    expect(functions).not.toMatch(/token/i);
  });
});

describe('HumanApproval construction', () => {
  test('fails when the timeout or the summary is missing', () => {
    const stack = newStack();
    const service = new ApprovalService(stack, 'Approvals', { approvers: [new iam.Role(stack, 'Reviewer', { assumedBy: new iam.AccountRootPrincipal() })] });
    expect(() => new HumanApproval(stack, 'A', { service, summary: SUMMARY } as any)).toThrow(/\[TestStack\/A\] HumanApproval has no timeout/);
    expect(() => new HumanApproval(stack, 'B', { service, timeout: Duration.days(1) } as any)).toThrow(/\[TestStack\/B\] HumanApproval has no summary/);
  });

  test('fails when the record retention is not whole seconds, naming the service', () => {
    expect(() => new ApprovalService(newStack(), 'Approvals', { recordRetention: Duration.millis(1500) })).toThrow(
      /\[TestStack\/Approvals\] recordRetention must be a whole number of seconds/,
    );
  });

  test('fails synth when the approval does not expire before the workflow times out (its expired path could never run)', () => {
    expect(() => Template.fromStack(approvalWorkflow({ timeout: Duration.days(3) }, Duration.days(3)))).toThrow(
      /Workflow-TaskTimeoutWithinExecution \[state 'Review: wait for decision'\]: Task 'Review: wait for decision' waits for a callback for 259200 s, but the whole execution times out after 259200 s/,
    );
  });

  test('fails when nobody could decide: no approvers on the step nor on the service', () => {
    const stack = newStack();
    const service = new ApprovalService(stack, 'Approvals');
    expect(() => new HumanApproval(stack, 'Review', { service, timeout: Duration.days(1), summary: SUMMARY })).toThrow(
      /\[TestStack\/Review\] HumanApproval has no approvers, and neither has its approval service/,
    );
  });

  test('one approval service serves a workflow in another stack, without a dependency cycle', () => {
    const app = new App();
    const shared = new Stack(app, 'Shared');
    const service = new ApprovalService(shared, 'Approvals', { approvers: [new iam.Role(shared, 'Reviewer', { assumedBy: new iam.AccountRootPrincipal() })] });
    const orders = new Stack(app, 'Orders');
    const approval = new HumanApproval(orders, 'Review', { service, timeout: Duration.days(1), summary: SUMMARY });
    new Workflow(orders, 'Workflow', { definition: approval, timeout: Duration.days(2) });
    expect(() => app.synth()).not.toThrow();
    expect(orders.dependencies.map((stack) => stack.stackName)).toEqual(['Shared']);
  });

  test('a same-named state of another workflow is not taken for this workflow\'s approval', () => {
    const stack = newStack();
    const service = new ApprovalService(stack, 'Approvals', { approvers: [new iam.Role(stack, 'Reviewer', { assumedBy: new iam.AccountRootPrincipal() })] });
    new Workflow(stack, 'Long', { definition: new HumanApproval(stack, 'Review', { service, timeout: Duration.days(2), summary: SUMMARY }), timeout: Duration.days(3) });
    const other = new Construct(stack, 'Other');
    expect(() => new Workflow(other, 'Short', { definition: new sfn.Pass(other, 'Review'), timeout: Duration.hours(1) })).not.toThrow();
    const grants = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')).filter((policy) => JSON.stringify(policy).includes('states:SendTaskSuccess'));
    expect(grants).toHaveLength(1);
  });

  test('fails synth in an EXPRESS workflow, saying to use STANDARD or a STANDARD parent', () => {
    const stack = newStack();
    const service = new ApprovalService(stack, 'Approvals', { approvers: [new iam.Role(stack, 'Reviewer', { assumedBy: new iam.AccountRootPrincipal() })] });
    const approval = new HumanApproval(stack, 'Review', { service, timeout: Duration.minutes(4), summary: SUMMARY });
    new Workflow(stack, 'Orders', { definition: approval, timeout: Duration.minutes(5), stateMachineType: sfn.StateMachineType.EXPRESS });
    expect(() => Template.fromStack(stack)).toThrow(
      /Workflow-ExpressIntegrationPattern \[state 'Review: wait for decision'\]: .*EXPRESS workflows do not support\. Use STANDARD, or move the callback into a STANDARD parent/,
    );
  });
});

describe('HumanApproval locally', () => {
  const runner = LocalRunner.fromStack(DEFAULT_STACK);
  const machine = runner.stateMachine('Orders');
  const REVIEWER = 'arn:aws:sts::123456789012:assumed-role/Reviewer/dana';

  async function started(orderId: string) {
    const approvals = LocalApprovals.of(runner);
    const execution = machine.start({ orderId }, { functions: approvals.functions });
    const request = await approvals.waitForRequest();
    return { approvals, execution, request };
  }

  test('the reviewer sees the summary, and approval continues with who decided', async () => {
    const { approvals, execution, request } = await started('ORD-1');
    expect(request).toMatchObject({ status: 'PENDING', summary: { orderId: 'ORD-1' }, approvers: ['arn:aws:iam::123456789012:role/Reviewer'] });
    expect(Date.parse(request.expiresAt) - Date.parse(request.requestedAt)).toBe(2 * 24 * 3600 * 1000);
    approvals.approve(request.approvalId, { decidedBy: REVIEWER, comment: 'ok' });
    const result = await execution.result;
    expect(result.path).toEqual(['Review', 'Review: wait for decision', 'Approved']);
    expect(result.output.approval).toMatchObject({ approvalId: request.approvalId, decision: 'APPROVED', decidedBy: REVIEWER, comment: 'ok' });
  });

  test('rejection goes to the rejected route with ApprovalRejected', async () => {
    const { approvals, execution, request } = await started('ORD-2');
    approvals.reject(request.approvalId, { decidedBy: REVIEWER, comment: 'no' });
    const result = await execution.result;
    expect(result.path[result.path.length - 1]).toBe('Rejected');
    expect(result.catches).toEqual([expect.objectContaining({ stateName: 'Review', error: 'ApprovalRejected' })]);
  });

  test('expiry, without waiting two days, goes to the expired route with ApprovalExpired', async () => {
    const { approvals, execution, request } = await started('ORD-3');
    approvals.expire(request.approvalId);
    const result = await execution.result;
    expect(result.path).toEqual(['Review', 'Review: wait for decision', 'Review: expired', 'Expired']);
    expect(result.catches.map((c) => c.error)).toEqual(['States.Timeout', 'ApprovalExpired']);
  });

  test('a decision after the execution ended is refused with 410 and the request shows EXPIRED', async () => {
    const { approvals, execution, request } = await started('ORD-5');
    execution.abort();
    expect((await execution.result).status).toBe('ABORTED');
    expect(() => approvals.approve(request.approvalId, { decidedBy: REVIEWER })).toThrow(expect.objectContaining({ statusCode: 410 }));
    expect(approvals.requests.find((r) => r.approvalId === request.approvalId)?.status).toBe('EXPIRED');
  });

  test('a second decision is refused with 409 and changes nothing; an outsider gets 403', async () => {
    const { approvals, execution, request } = await started('ORD-4');
    expect(() => approvals.approve(request.approvalId, { decidedBy: 'arn:aws:sts::123456789012:assumed-role/Intern/sam' })).toThrow(
      expect.objectContaining({ statusCode: 403 }),
    );
    approvals.approve(request.approvalId, { decidedBy: REVIEWER });
    let refusal: LocalDecisionError | undefined;
    try {
      approvals.reject(request.approvalId, { decidedBy: REVIEWER });
    } catch (error) {
      refusal = error as LocalDecisionError;
    }
    expect(refusal).toMatchObject({ statusCode: 409, message: expect.stringMatching(/already APPROVED/) });
    expect((await execution.result).output.approval.decision).toBe('APPROVED');
  });

  test('onRejected keeps the state and puts the decision error at the outcome path; waitStateName names the waiting task', async () => {
    const stack = newStack();
    const reviewer = new iam.Role(stack, 'Reviewer', { roleName: 'Reviewer', assumedBy: new iam.AccountRootPrincipal() });
    const approval = new HumanApproval(stack, 'Review', { service: new ApprovalService(stack, 'Approvals'), timeout: Duration.days(2), summary: SUMMARY, approvers: [reviewer] });
    approval.onRejected(new sfn.Pass(stack, 'Rejected'));
    new Workflow(stack, 'Orders', { definition: approval, timeout: Duration.days(3) });
    const local = LocalRunner.fromStack(stack);
    const approvals = LocalApprovals.of(local);
    const execution = local.stateMachine('Orders').start({ orderId: 'ORD-8' }, { functions: approvals.functions });
    expect(approval.waitStateName).toBe('Review: wait for decision');
    await execution.waitForTaskToken(approval.waitStateName);
    approvals.reject((await approvals.waitForRequest()).approvalId, { comment: 'no' });
    const result = await execution.result;
    expect(result.output).toMatchObject({ orderId: 'ORD-8', approval: { Error: 'ApprovalRejected', Cause: expect.stringContaining('"decision":"REJECTED"') } });
  });

  test("LocalApprovals follows the runner's clock: past its expiry a request reads EXPIRED, is not handed out, and a decision gets 410", async () => {
    const { approvals, execution, request } = await started('ORD-6');
    await execution.advanceTime(Duration.days(3));
    const result = await execution.result;
    expect(result.path.slice(-2)).toEqual(['Review: expired', 'Expired']);
    expect(approvals.requests.find((r) => r.approvalId === request.approvalId)?.status).toBe('EXPIRED');
    expect(approvals.requests.filter((r) => r.status === 'PENDING')).toEqual([]);
    expect(() => approvals.approve(request.approvalId)).toThrow(expect.objectContaining({ statusCode: 410 }));
  });

  test('approve without decidedBy decides as a session of the first approver, also for a role whose name CDK generates', async () => {
    const stack = newStack();
    const reviewer = new iam.Role(stack, 'Reviewer', { assumedBy: new iam.AccountRootPrincipal() });
    const service = new ApprovalService(stack, 'Approvals');
    new Workflow(stack, 'Orders', { definition: new HumanApproval(stack, 'Review', { service, timeout: Duration.days(2), summary: SUMMARY, approvers: [reviewer] }), timeout: Duration.days(3) });
    const local = LocalRunner.fromStack(stack);
    const approvals = LocalApprovals.of(local);
    const execution = local.stateMachine('Orders').start({ orderId: 'ORD-7' }, { functions: approvals.functions });
    const request = await approvals.waitForRequest();
    approvals.approve(request.approvalId, { comment: 'ok' });
    const result = await execution.result;
    expect(result.output.approval).toMatchObject({ decision: 'APPROVED', decidedBy: expect.stringMatching(/^arn:aws:sts::123456789012:assumed-role\/Reviewer[0-9A-F]{8}\/local$/) });
  });

  test('with a condition that does not hold, no request is made and the decision is NOT_REQUIRED', async () => {
    const stack = approvalWorkflow({ condition: sfn.Condition.booleanEquals('$.flagged', true) });
    const local = LocalRunner.fromStack(stack);
    const approvals = LocalApprovals.of(local);
    const result = await local.stateMachine('Orders').run({ orderId: 'ORD-5', flagged: false }, { functions: approvals.functions });
    expect(result.output.approval).toEqual({ approvalId: null, decision: 'NOT_REQUIRED', decidedBy: null, decidedAt: null, comment: null });
    expect(approvals.requests).toHaveLength(0);
  });

  test('the approval id is a hex SHA-256, and a malformed one is refused with 400 as the API does', async () => {
    // GIVEN a pending request
    const { approvals, execution, request } = await started('ORD-8');
    // THEN
    expect(request.approvalId).toMatch(/^[0-9a-f]{64}$/);
    for (const id of ['x'.repeat(3000), request.approvalId.toUpperCase(), request.approvalId.slice(1)]) {
      expect(() => approvals.approve(id, { decidedBy: REVIEWER })).toThrow(expect.objectContaining({ statusCode: 400, message: expect.stringMatching(/is not an approval id/) }));
      expect(() => approvals.expire(id)).toThrow(expect.objectContaining({ statusCode: 400 }));
    }
    approvals.approve(request.approvalId, { decidedBy: REVIEWER });
    await execution.result;
  });

  test('repeating one\'s own decision returns it again, as the API answers 200; the record keeps the confirmed decision', async () => {
    // GIVEN a request the reviewer approved
    const { approvals, execution, request } = await started('ORD-9');
    const first = approvals.approve(request.approvalId, { decidedBy: REVIEWER, comment: 'ok' });
    // WHEN they approve again, with another comment
    const again = approvals.approve(request.approvalId, { decidedBy: REVIEWER, comment: 'still ok' });
    // THEN the confirmed decision is returned unchanged
    expect(first).toMatchObject({ status: 'APPROVED', decision: 'APPROVE', decidedBy: REVIEWER, comment: 'ok', deliveredAt: expect.any(String) });
    expect(first).not.toHaveProperty('unconfirmedSends');
    expect(again).toEqual(first);
    expect((await execution.result).output.approval).toMatchObject({ decision: 'APPROVED', comment: 'ok' });
  });

  test('a decision on a request whose execution ended reads EXPIRED with the decision that did not reach it', async () => {
    const { approvals, execution, request } = await started('ORD-10');
    execution.abort();
    await execution.result;
    expect(() => approvals.reject(request.approvalId, { decidedBy: REVIEWER })).toThrow(
      expect.objectContaining({ statusCode: 410, message: expect.stringMatching(/Step Functions answered TaskTimedOut .*; REJECT by .*dana at .* did not reach the workflow\./) }),
    );
    expect(approvals.requests.find((r) => r.approvalId === request.approvalId)).toMatchObject({ status: 'EXPIRED', decision: 'REJECT', deliveryError: 'TaskTimedOut' });
  });

  test('a summary too large for the approval store fails the step with ApprovalSummaryTooLarge, at once and not retried', async () => {
    // GIVEN a HumanApproval whose summary is the order's lines: 34,000 nested empty lists take 408,000 bytes in DynamoDB
    const stack = approvalWorkflow({ summary: sfn.TaskInput.fromObject({ lines: sfn.JsonPath.listAt('$.lines') }) });
    const local = LocalRunner.fromStack(stack);
    const approvals = LocalApprovals.of(local);
    let notified = 0;
    const functions = Object.fromEntries(Object.entries(approvals.functions).map(([key, notify]) => [key, (event: unknown, context: any) => (notified++, notify(event, context))]));
    // WHEN
    const result = await local.stateMachine('Orders').run({ orderId: 'ORD-11', lines: Array.from({ length: 34_000 }, () => [[[]]]) }, { functions });
    // THEN
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('ApprovalSummaryTooLarge');
    expect(notified).toBe(1);
    expect(approvals.requests).toHaveLength(0);
  });
});
