import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { SNSClient } from '@aws-sdk/client-sns';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { ApprovalService, HumanApproval, Workflow } from '../lib';
import { accessRefusal, ApprovalRecord, mayAccess, newApprovalRecord, planDecision, Reviewer } from '../lib/approval/approval-record';
import { LocalApprovals, LocalRunner } from '../lib/testing';
import { ApprovalStore } from '../lambda/approval/approval-store';
import { DecisionService } from '../lambda/approval/decide';
import { handler as notify } from '../lambda/approval/notifier';
import { newStack } from './helpers';
import { approvalRequest, REVIEWER, REVIEWER_ROLE, startApprovalTable } from './support/approvals';
import { LocalDynamo } from './support/dynalite';

// The reviewer rule of issue 14: a request with approver groups is decided by a member of one of
// them (Cognito `cognito:groups`), any other by the ARN rule; a Cognito user never passes the ARN rule.

const NOW = new Date('2026-11-30T10:00:00.000Z');
const LEGAL_USER: Reviewer = { id: 'dana', groups: ['legal'], cognitoUser: true };
const FINANCE_USER: Reviewer = { id: 'kim', groups: ['finance'], cognitoUser: true };

function record(overrides: Partial<Parameters<typeof newApprovalRecord>[0]> = {}): ApprovalRecord {
  return newApprovalRecord(approvalRequest(overrides), NOW);
}

describe('mayAccess: who may see and decide a request', () => {
  test('a request with approver groups: a member of one of them, and nobody else', () => {
    const request = record({ approverGroups: ['legal', 'compliance'] });
    expect(mayAccess(request, LEGAL_USER)).toBe(true);
    expect(mayAccess(request, { id: 'lee', groups: ['finance', 'compliance'], cognitoUser: true })).toBe(true);
    expect(mayAccess(request, FINANCE_USER)).toBe(false);
    expect(mayAccess(request, { id: 'sam', groups: [], cognitoUser: true })).toBe(false);
  });

  test('a request with approver groups ignores its ARN approvers: an IAM caller (no groups) is refused', () => {
    const request = record({ approvers: [REVIEWER_ROLE], approverGroups: ['legal'] });
    expect(mayAccess(request, { id: REVIEWER })).toBe(false);
  });

  test('a request without groups follows the ARN rule for IAM callers', () => {
    const request = record({ approvers: [REVIEWER_ROLE] });
    expect(mayAccess(request, { id: REVIEWER })).toBe(true);
    expect(mayAccess(request, { id: 'arn:aws:sts::123456789012:assumed-role/Intern/sam' })).toBe(false);
  });

  test('a Cognito user whose name is written like an approver ARN does not pass the ARN rule', () => {
    const request = record({ approvers: [REVIEWER_ROLE] });
    expect(mayAccess(request, { id: REVIEWER, groups: [], cognitoUser: true })).toBe(false);
    expect(mayAccess(request, { id: REVIEWER_ROLE, groups: ['legal'], cognitoUser: true })).toBe(false);
  });

  test('neither approvers nor groups: nobody', () => {
    expect(mayAccess(record({ approvers: [], approverGroups: [] }), LEGAL_USER)).toBe(false);
    expect(mayAccess(record({ approvers: [], approverGroups: [] }), { id: REVIEWER })).toBe(false);
  });

  test('the record keeps the groups it was asked with, and none when the list is empty', () => {
    expect(record({ approverGroups: ['legal'] }).approverGroups).toEqual(['legal']);
    expect(record({ approverGroups: [] })).not.toHaveProperty('approverGroups');
    expect(record()).not.toHaveProperty('approverGroups');
  });
});

describe('refusals and plans by group', () => {
  test('403 names the reviewer and its groups; 404 for an unknown id', () => {
    const request = record({ approverGroups: ['legal'] });
    expect(accessRefusal(request, request.approvalId, FINANCE_USER)).toEqual({ statusCode: 403, message: `kim (in groups finance) is not an approver of ${request.approvalId}.` });
    expect(accessRefusal(request, request.approvalId, { id: 'sam', groups: [], cognitoUser: true })?.message).toMatch(/^sam \(in no group\) is not an approver/);
    expect(accessRefusal(undefined, 'a'.repeat(64), LEGAL_USER)?.statusCode).toBe(404);
    expect(accessRefusal(request, request.approvalId, LEGAL_USER)).toBeUndefined();
  });

  test('a member claims a PENDING request; another member meets 409 once it is decided; the decider repeating gets its confirmed decision', () => {
    const request = record({ approverGroups: ['legal'] });
    expect(planDecision(request, request.approvalId, LEGAL_USER, 'APPROVE', NOW)).toEqual({ action: 'claim' });
    const decided: ApprovalRecord = { ...request, status: 'APPROVED', decision: 'APPROVE', decidedBy: 'dana', decidedAt: NOW.toISOString() };
    const other = planDecision(decided, request.approvalId, { id: 'lee', groups: ['legal'], cognitoUser: true }, 'APPROVE', NOW);
    expect(other).toMatchObject({ action: 'refuse', refusal: { statusCode: 409, message: expect.stringMatching(/already APPROVED by dana/) } });
    expect(planDecision(decided, request.approvalId, LEGAL_USER, 'APPROVE', NOW)).toMatchObject({ action: 'confirmed' });
  });
});

describe('decision service by group (DynamoDB-compatible server)', () => {
  const TABLE = 'approvals-by-group';
  const sfnMock = mockClient(SFNClient);
  mockClient(SNSClient);
  let dynamo: LocalDynamo;

  beforeAll(async () => {
    dynamo = await startApprovalTable(TABLE);
  });
  afterAll(async () => {
    await dynamo.close();
  });
  beforeEach(() => sfnMock.reset());

  const service = () => new DecisionService(new ApprovalStore(TABLE, dynamo.client), new SFNClient({}), () => new Date(), { retryBaseMillis: 1 });
  const quietly = async <T>(run: () => Promise<T>): Promise<T> => {
    const spies = [process.stdout, process.stderr].map((stream) => jest.spyOn(stream, 'write').mockImplementation(() => true));
    try {
      return await run();
    } finally {
      spies.forEach((spy) => spy.mockRestore());
    }
  };
  const pending = async (approverGroups: string[]) => (await quietly(() => notify(approvalRequest({ approverGroups })))).approvalId;

  test('lists for each reviewer only the requests of its groups: the pending index carries approverGroups', async () => {
    // GIVEN one request for legal and one for finance
    const legal = await pending(['legal']);
    const finance = await pending(['finance']);
    // WHEN each group's member lists
    const listed = async (reviewer: Reviewer) => ((await service().listPending(reviewer)).body.approvals as Array<{ approvalId: string }>).map((a) => a.approvalId);
    // THEN
    expect(await listed(LEGAL_USER)).toContain(legal);
    expect(await listed(LEGAL_USER)).not.toContain(finance);
    expect(await listed(FINANCE_USER)).toContain(finance);
    expect(await listed({ id: REVIEWER })).not.toContain(legal);
  });

  test('a member decides and is recorded by user name; a non-member gets 403 and nothing is sent', async () => {
    const approvalId = await pending(['legal']);
    expect((await service().decide(approvalId, FINANCE_USER, 'APPROVE')).statusCode).toBe(403);
    expect(sfnMock.calls()).toHaveLength(0);
    const result = await quietly(() => service().decide(approvalId, LEGAL_USER, 'APPROVE', 'checked'));
    expect(result).toMatchObject({ statusCode: 200, body: { approval: { status: 'APPROVED', decidedBy: 'dana', approverGroups: ['legal'] } } });
    expect(JSON.parse(sfnMock.commandCalls(SendTaskSuccessCommand)[0].args[0].input.output!)).toMatchObject({ decidedBy: 'dana', comment: 'checked' });
  });
});

describe('LocalApprovals by group', () => {
  const stack = newStack();
  const reviewer = new iam.Role(stack, 'Reviewer', { roleName: 'Reviewer', assumedBy: new iam.AccountRootPrincipal() });
  const service = new ApprovalService(stack, 'Approvals');
  const approval = new HumanApproval(stack, 'Review', {
    service,
    timeout: Duration.days(2),
    summary: sfn.TaskInput.fromObject({ orderId: sfn.JsonPath.stringAt('$.orderId') }),
    approvers: [reviewer],
  });
  new Workflow(stack, 'Orders', { definition: approval.onRejected(new sfn.Pass(stack, 'Rejected')), timeout: Duration.days(3) });
  const runner = LocalRunner.fromStack(stack);

  /** Starts an order whose request names `groups` (as a HumanApproval with approverGroups sends it). */
  async function started(orderId: string, groups: string[] | undefined) {
    const approvals = LocalApprovals.of(runner);
    const functions = Object.fromEntries(
      Object.entries(approvals.functions).map(([key, notifier]) => [key, (event: any, context: any) => notifier(groups ? { ...event, approverGroups: groups } : event, context)]),
    );
    const execution = runner.stateMachine('Orders').start({ orderId }, { functions });
    return { approvals, execution, request: await approvals.waitForRequest() };
  }

  test('pendingFor lists what a reviewer may decide, as GET /approvals does', async () => {
    const { approvals, request } = await started('ORD-G1', ['legal']);
    expect(approvals.pendingFor({ decidedBy: 'dana', groups: ['legal'] }).map((r) => r.approvalId)).toEqual([request.approvalId]);
    expect(approvals.pendingFor({ decidedBy: 'kim', groups: ['finance'] })).toEqual([]);
    expect(approvals.pendingFor({ decidedBy: 'arn:aws:sts::123456789012:assumed-role/Reviewer/dana' })).toEqual([]);
  });

  test('pendingFor by ARN for a request without groups, and nothing once it is decided', async () => {
    const { approvals, execution, request } = await started('ORD-G2', undefined);
    const arn = 'arn:aws:sts::123456789012:assumed-role/Reviewer/dana';
    expect(approvals.pendingFor({ decidedBy: arn }).map((r) => r.approvalId)).toEqual([request.approvalId]);
    approvals.approve(request.approvalId, { decidedBy: arn });
    await execution.result;
    expect(approvals.pendingFor({ decidedBy: arn })).toEqual([]);
  });

  test('a reviewer with groups is a Cognito user: an ARN-like user name does not pass the ARN rule locally either', async () => {
    const { approvals, request } = await started('ORD-G5', undefined);
    const arn = 'arn:aws:sts::123456789012:assumed-role/Reviewer/dana';
    expect(approvals.pendingFor({ decidedBy: arn, groups: [] })).toEqual([]);
    expect(() => approvals.approve(request.approvalId, { decidedBy: arn, groups: ['legal'] })).toThrow(expect.objectContaining({ statusCode: 403 }));
  });

  test('a member of the group approves: the workflow continues with the user name as decidedBy; a non-member gets 403', async () => {
    const { approvals, execution, request } = await started('ORD-G3', ['legal']);
    expect(() => approvals.approve(request.approvalId, { decidedBy: 'kim', groups: ['finance'] })).toThrow(expect.objectContaining({ statusCode: 403 }));
    expect(() => approvals.approve(request.approvalId, { decidedBy: 'kim' })).toThrow(expect.objectContaining({ statusCode: 403 }));
    approvals.approve(request.approvalId, { decidedBy: 'dana', groups: ['legal'], comment: 'fine' });
    const result = await execution.result;
    expect(result.output.approval).toMatchObject({ decision: 'APPROVED', decidedBy: 'dana', comment: 'fine' });
  });

  test('with nobody named, a decision is made as a member of the first group', async () => {
    const { approvals, execution, request } = await started('ORD-G4', ['legal', 'finance']);
    approvals.reject(request.approvalId);
    const result = await execution.result;
    expect(result.path[result.path.length - 1]).toBe('Rejected');
    expect(approvals.requests.find((r) => r.approvalId === request.approvalId)).toMatchObject({ status: 'REJECTED', decidedBy: 'local-reviewer' });
  });
});
