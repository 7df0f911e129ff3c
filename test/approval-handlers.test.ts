import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { ApprovalRequestEvent, ApprovalService } from '../lib';
import { ApprovalStore } from '../lambda/approval/approval-store';
import { DecisionService } from '../lambda/approval/decide';
import { route } from '../lambda/approval/decision-api';
import { handler as notify } from '../lambda/approval/notifier';
import { newStack } from './helpers';
import { createTableLike, LocalDynamo, startLocalDynamo } from './support/dynalite';

const TABLE = 'approvals-under-test';
const REVIEWER_ROLE = 'arn:aws:iam::123456789012:role/OrderReviewer';
const REVIEWER = 'arn:aws:sts::123456789012:assumed-role/OrderReviewer/dana';
const OUTSIDER = 'arn:aws:sts::123456789012:assumed-role/Intern/sam';

let dynamo: LocalDynamo;
const sfn = mockClient(SFNClient);
const sns = mockClient(SNSClient);

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  // the table schema the ApprovalService construct deploys
  const stack = newStack();
  new ApprovalService(stack, 'Approvals');
  const [table] = Object.values(Template.fromStack(stack).findResources('AWS::DynamoDB::GlobalTable'));
  await createTableLike(dynamo.client, TABLE, table.Properties);
  Object.assign(process.env, {
    TABLE_NAME: TABLE,
    RETENTION_SECONDS: String(Duration.days(90).toSeconds()),
    DECISION_API_URL: 'https://abc123.execute-api.us-east-1.amazonaws.com/v1/',
    TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:approvals',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    POWERTOOLS_DEV: 'true',
  });
});

afterAll(async () => {
  await dynamo.close();
});

beforeEach(() => {
  sfn.reset();
  sns.reset();
});

let tokenCount = 0;
function request(overrides: Partial<ApprovalRequestEvent> = {}): ApprovalRequestEvent {
  tokenCount++;
  return {
    taskToken: `AQCEAAAAKgAAAAMAAAAAAAAAA-secret-token-${tokenCount}-${'x'.repeat(40)}`,
    executionArn: `arn:aws:states:us-east-1:123456789012:execution:OrderWorkflow:run-${tokenCount}`,
    stateName: 'ReviewOrder: wait for decision',
    summary: { orderId: `ORD-${2000 + tokenCount}`, riskScore: 80 },
    approvers: [REVIEWER_ROLE],
    timeoutSeconds: 3600,
    ...overrides,
  };
}

/** Captures what the handlers write to stdout/stderr (Powertools logs) while `run` runs. */
async function capturingLogs<T>(run: () => Promise<T>): Promise<{ value: T; logs: string }> {
  const chunks: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation((chunk: any) => {
      chunks.push(String(chunk));
      return true;
    }),
  );
  const consoleSpies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
    jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      chunks.push(args.map(String).join(' '));
    }),
  );
  try {
    return { value: await run(), logs: chunks.join('\n') };
  } finally {
    [...spies, ...consoleSpies].forEach((spy) => spy.mockRestore());
  }
}

function decisionService(now: () => Date = () => new Date()): DecisionService {
  return new DecisionService(new ApprovalStore(TABLE, dynamo.client), new SFNClient({}), now);
}

describe('approval notifier', () => {
  test('stores the request and announces it by approval id: the token is in the table only', async () => {
    // GIVEN
    const event = request();
    // WHEN
    const { value, logs } = await capturingLogs(() => notify(event));
    // THEN the record holds the token
    const stored = await new ApprovalStore(TABLE, dynamo.client).get(value.approvalId);
    expect(stored).toMatchObject({ approvalId: value.approvalId, taskToken: event.taskToken, status: 'PENDING', approvers: [REVIEWER_ROLE] });
    // and the notification, the return value and the logs do not
    const published = sns.commandCalls(PublishCommand);
    expect(published).toHaveLength(1);
    const message = JSON.parse(published[0].args[0].input.Message!);
    expect(message).toMatchObject({
      approvalId: value.approvalId,
      summary: event.summary,
      decisionUrl: `https://abc123.execute-api.us-east-1.amazonaws.com/v1/approvals/${value.approvalId}`,
    });
    expect(logs).toContain(value.approvalId);
    for (const text of [published[0].args[0].input.Message, published[0].args[0].input.Subject, JSON.stringify(value), logs]) {
      expect(text).not.toContain(event.taskToken);
    }
  });

  test('a retried notification of the same token keeps one record', async () => {
    const event = request();
    const first = await capturingLogs(() => notify(event));
    const second = await capturingLogs(() => notify(event));
    expect(second.value.approvalId).toBe(first.value.approvalId);
  });
});

describe('decision service (real conditional writes on a DynamoDB-compatible server)', () => {
  async function pendingApproval(overrides: Partial<ApprovalRequestEvent> = {}) {
    const event = request(overrides);
    const { value } = await capturingLogs(() => notify(event));
    return { approvalId: value.approvalId, taskToken: event.taskToken };
  }

  test('APPROVE resumes the workflow with SendTaskSuccess and records who decided', async () => {
    const { approvalId, taskToken } = await pendingApproval();
    const result = await capturingLogs(() => decisionService().decide(approvalId, REVIEWER, 'APPROVE', 'looks fine'));
    expect(result.value.statusCode).toBe(200);
    const [call] = sfn.commandCalls(SendTaskSuccessCommand);
    expect(call.args[0].input.taskToken).toBe(taskToken);
    expect(JSON.parse(call.args[0].input.output!)).toMatchObject({ approvalId, decision: 'APPROVED', decidedBy: REVIEWER, comment: 'looks fine' });
    expect(await new ApprovalStore(TABLE, dynamo.client).get(approvalId)).toMatchObject({ status: 'APPROVED', decidedBy: REVIEWER });
    expect(JSON.stringify(result.value.body)).not.toContain(taskToken);
    expect(result.logs).not.toContain(taskToken);
  });

  test('REJECT fails the task with ApprovalRejected and the reviewer comment', async () => {
    const { approvalId } = await pendingApproval();
    const result = await capturingLogs(() => decisionService().decide(approvalId, REVIEWER, 'REJECT', 'duplicate order'));
    expect(result.value.statusCode).toBe(200);
    const [call] = sfn.commandCalls(SendTaskFailureCommand);
    expect(call.args[0].input.error).toBe('ApprovalRejected');
    expect(JSON.parse(call.args[0].input.cause!)).toMatchObject({ approvalId, decision: 'REJECTED', comment: 'duplicate order' });
  });

  test('a second decision gets 409 and changes nothing', async () => {
    const { approvalId } = await pendingApproval();
    await capturingLogs(() => decisionService().decide(approvalId, REVIEWER, 'APPROVE'));
    const second = await capturingLogs(() => decisionService().decide(approvalId, REVIEWER, 'REJECT', 'changed my mind'));
    expect(second.value).toEqual({ statusCode: 409, body: { message: expect.stringMatching(/was already APPROVED by .*OrderReviewer\/dana/) } });
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
    expect(sfn.commandCalls(SendTaskFailureCommand)).toHaveLength(0);
    expect(await new ApprovalStore(TABLE, dynamo.client).get(approvalId)).toMatchObject({ status: 'APPROVED' });
  });

  test('of two concurrent decisions exactly one wins', async () => {
    const { approvalId } = await pendingApproval();
    const { value } = await capturingLogs(() =>
      Promise.all([decisionService().decide(approvalId, REVIEWER, 'APPROVE'), decisionService().decide(approvalId, REVIEWER, 'REJECT')]),
    );
    expect(value.map((result) => result.statusCode).sort()).toEqual([200, 409]);
    expect(sfn.commandCalls(SendTaskSuccessCommand).length + sfn.commandCalls(SendTaskFailureCommand).length).toBe(1);
  });

  test('a decision after the expiry gets 410 and does not call Step Functions', async () => {
    const { approvalId } = await pendingApproval({ timeoutSeconds: 60 });
    const twoMinutesLater = () => new Date(Date.now() + 120_000);
    const { value } = await capturingLogs(() => decisionService(twoMinutesLater).decide(approvalId, REVIEWER, 'APPROVE'));
    expect(value.statusCode).toBe(410);
    expect(value.body.message).toMatch(/expired at .*; the workflow no longer waits/);
    expect(sfn.calls()).toHaveLength(0);
  });

  test('TaskTimedOut from Step Functions is a 410 and the record reads EXPIRED', async () => {
    const { approvalId } = await pendingApproval();
    sfn.on(SendTaskSuccessCommand).rejects(Object.assign(new Error('Task Timed Out'), { name: 'TaskTimedOut' }));
    const { value } = await capturingLogs(() => decisionService().decide(approvalId, REVIEWER, 'APPROVE'));
    expect(value).toEqual({ statusCode: 410, body: { message: expect.stringContaining('TaskTimedOut') } });
    expect(await new ApprovalStore(TABLE, dynamo.client).get(approvalId)).toMatchObject({ status: 'EXPIRED' });
  });

  test('a transient Step Functions failure is a 503 and leaves the approval pending for a retry', async () => {
    const { approvalId } = await pendingApproval();
    sfn.on(SendTaskSuccessCommand).rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })).resolves({});
    const first = await capturingLogs(() => decisionService().decide(approvalId, REVIEWER, 'APPROVE'));
    expect(first.value.statusCode).toBe(503);
    expect(await new ApprovalStore(TABLE, dynamo.client).get(approvalId)).toMatchObject({ status: 'PENDING' });
    const retry = await capturingLogs(() => decisionService().decide(approvalId, REVIEWER, 'APPROVE'));
    expect(retry.value.statusCode).toBe(200);
  });

  test('404 for an unknown id, 403 for a caller who is not an approver', async () => {
    const { approvalId } = await pendingApproval();
    expect((await decisionService().decide('no-such-approval', REVIEWER, 'APPROVE')).statusCode).toBe(404);
    const refused = await decisionService().decide(approvalId, OUTSIDER, 'APPROVE');
    expect(refused).toEqual({ statusCode: 403, body: { message: expect.stringContaining('is not an approver') } });
    expect((await decisionService().show(approvalId, OUTSIDER)).statusCode).toBe(403);
  });

  test('lists the pending approvals the caller may decide, without task tokens', async () => {
    const mine = await pendingApproval();
    const someoneElses = await pendingApproval({ approvers: ['arn:aws:iam::123456789012:role/FinanceLead'] });
    const { body } = await decisionService().listPending(REVIEWER);
    const ids = (body.approvals as Array<{ approvalId: string }>).map((approval) => approval.approvalId);
    expect(ids).toContain(mine.approvalId);
    expect(ids).not.toContain(someoneElses.approvalId);
    expect(JSON.stringify(body)).not.toMatch(/secret-token/);
  });
});

describe('decision API routing', () => {
  const event = (overrides: Record<string, any>) => ({
    httpMethod: 'POST',
    resource: '/approvals/{id}/decision',
    pathParameters: { id: 'abc' },
    requestContext: { identity: { userArn: REVIEWER } },
    body: JSON.stringify({ decision: 'APPROVE' }),
    ...overrides,
  }) as any;

  test('refuses an unsigned request, a malformed body and an unknown route', async () => {
    const service = decisionService();
    expect((await route(service, event({ requestContext: { identity: {} } }))).statusCode).toBe(403);
    expect(await route(service, event({ body: '{"decision":"MAYBE"}' }))).toEqual({ statusCode: 400, body: { message: 'decision must be APPROVE or REJECT.' } });
    expect((await route(service, event({ body: 'not json' }))).statusCode).toBe(400);
    expect((await route(service, event({ body: JSON.stringify({ decision: 'REJECT', comment: 'x'.repeat(1001) }) }))).statusCode).toBe(400);
    expect((await route(service, event({ httpMethod: 'DELETE' }))).statusCode).toBe(404);
  });
});
