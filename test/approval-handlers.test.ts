import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { ApprovalRecord, ApprovalRequestEvent, approvalIdFor, MAX_COMMENT_LENGTH, newApprovalRecord } from '../lib/approval/approval-record';
import { DECISION_RESERVE_BYTES, MAX_ITEM_BYTES, measure } from '../lib/approval/request-size';
import { ApprovalStore } from '../lambda/approval/approval-store';
import { DecisionService, DecisionServiceOptions } from '../lambda/approval/decide';
import { route } from '../lambda/approval/decision-api';
import { handler as notify } from '../lambda/approval/notifier';
import {
  approvalRequest,
  countingClient,
  FINANCE,
  FINANCE_ROLE,
  lostAnswer,
  OTHER_REVIEWER,
  OUTSIDER,
  REVIEWER,
  REVIEWER_ROLE,
  sfnError,
  startApprovalTable,
} from './support/approvals';
import { LocalDynamo } from './support/dynalite';

const TABLE = 'approvals-under-test';

let dynamo: LocalDynamo;
const sfn = mockClient(SFNClient);
const sns = mockClient(SNSClient);

beforeAll(async () => {
  dynamo = await startApprovalTable(TABLE);
});

afterAll(async () => {
  await dynamo.close();
});

beforeEach(() => {
  sfn.reset();
  sns.reset();
});

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

function store(): ApprovalStore {
  return new ApprovalStore(TABLE, dynamo.client);
}

function decisionService(now: () => Date = () => new Date(), options: DecisionServiceOptions = { retryBaseMillis: 1 }): DecisionService {
  return new DecisionService(store(), new SFNClient({}), now, options);
}

/** Runs a decision with the handler's logs silenced. */
async function decide(approvalId: string, caller: string, decision: 'APPROVE' | 'REJECT', comment?: string, service = decisionService()) {
  return (await capturingLogs(() => service.decide(approvalId, { id: caller }, decision, comment))).value;
}

async function pendingApproval(overrides: Partial<ApprovalRequestEvent> = {}) {
  const event = approvalRequest(overrides);
  const { value } = await capturingLogs(() => notify(event));
  return { approvalId: value.approvalId, taskToken: event.taskToken };
}

async function stored(approvalId: string): Promise<ApprovalRecord | undefined> {
  return store().get(approvalId);
}

function sentOutputs(): string[] {
  return [
    ...sfn.commandCalls(SendTaskSuccessCommand).map((call) => `success ${call.args[0].input.output}`),
    ...sfn.commandCalls(SendTaskFailureCommand).map((call) => `failure ${call.args[0].input.cause}`),
  ];
}

describe('approval notifier', () => {
  test('stores the request and announces it by approval id: the token is in the table only', async () => {
    // GIVEN
    const event = approvalRequest();
    // WHEN
    const { value, logs } = await capturingLogs(() => notify(event));
    // THEN the record holds the token
    expect(await stored(value.approvalId)).toMatchObject({ approvalId: value.approvalId, taskToken: event.taskToken, status: 'PENDING', approvers: [REVIEWER_ROLE] });
    // and the notification, the return value and the logs do not
    const published = sns.commandCalls(PublishCommand);
    expect(published).toHaveLength(1);
    // (published with MessageStructure json: the JSON for every protocol is its `default`)
    expect(published[0].args[0].input.MessageStructure).toBe('json');
    const message = JSON.parse(JSON.parse(published[0].args[0].input.Message!).default);
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

  test('the approval id is the hex SHA-256 of the task token: 64 lowercase hexadecimal characters', async () => {
    // GIVEN / WHEN
    const { value } = await capturingLogs(() => notify(approvalRequest({ taskToken: 'abc' })));
    // THEN
    expect(value.approvalId).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(approvalIdFor('abc')).toBe(value.approvalId);
  });

  test('a retried notification of the same token keeps one record', async () => {
    const event = approvalRequest();
    const first = await capturingLogs(() => notify(event));
    const second = await capturingLogs(() => notify(event));
    expect(second.value.approvalId).toBe(first.value.approvalId);
  });

  describe('a summary too large to store or announce', () => {
    /**
     * A request whose item measures exactly `bytes` while its summary stays well within a
     * notification: 30,000 nested empty lists weigh 12 bytes each in DynamoDB, 7 as JSON.
     */
    function requestOfItemSize(bytes: number): ApprovalRequestEvent {
      const lists = Array.from({ length: 30_000 }, () => [[[]]]);
      const event = approvalRequest({ summary: { pad: '', lists } });
      const base = measure(newApprovalRecord(event, new Date())).bytes;
      return { ...event, summary: { pad: 'x'.repeat(bytes - base), lists } };
    }

    test('fails with ApprovalSummaryTooLarge before storing or announcing anything', async () => {
      // GIVEN a request one byte over what fits beside the decision's reserve
      const event = requestOfItemSize(MAX_ITEM_BYTES - DECISION_RESERVE_BYTES + 1);
      // WHEN / THEN
      await expect(capturingLogs(() => notify(event))).rejects.toMatchObject({ name: 'ApprovalSummaryTooLarge', message: expect.stringMatching(/DynamoDB item; at most 401408 fit/) });
      expect(await stored(approvalIdFor(event.taskToken))).toBeUndefined();
      expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    });

    test('a request that just fits is stored by DynamoDB (dynalite)', async () => {
      // GIVEN a request exactly at the limit
      const event = requestOfItemSize(MAX_ITEM_BYTES - DECISION_RESERVE_BYTES);
      // WHEN
      const { value } = await capturingLogs(() => notify(event));
      // THEN
      expect(await stored(value.approvalId)).toMatchObject({ status: 'PENDING' });
      expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    });

    test('fails with ApprovalSummaryTooLarge when the summary is over what a notification carries', async () => {
      // GIVEN a summary of 300 KB of JSON (it would fit DynamoDB as an item of numbers, but not an SNS message)
      const event = approvalRequest({ summary: { text: 'y'.repeat(300_000) } });
      // WHEN / THEN
      await expect(capturingLogs(() => notify(event))).rejects.toMatchObject({ name: 'ApprovalSummaryTooLarge' });
      expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    });

    test('fails with ApprovalSummaryTooLarge when the summary is nested deeper than DynamoDB stores', async () => {
      // GIVEN a summary nested 32 levels deep (31 is the most kept)
      let summary: unknown = 'leaf';
      for (let level = 0; level < 32; level++) summary = { level: summary };
      // WHEN / THEN
      await expect(capturingLogs(() => notify(approvalRequest({ summary })))).rejects.toMatchObject({ name: 'ApprovalSummaryTooLarge', message: expect.stringMatching(/nested 32 levels deep.*at most 31/) });
    });
  });
});

describe('decision service (real conditional writes on a DynamoDB-compatible server)', () => {
  describe('PENDING: the first decision', () => {
    test('APPROVE resumes the workflow with SendTaskSuccess and records the confirmed decision', async () => {
      // GIVEN
      const { approvalId, taskToken } = await pendingApproval();
      // WHEN
      const result = await capturingLogs(() => decisionService().decide(approvalId, { id: REVIEWER }, 'APPROVE', 'looks fine'));
      // THEN
      expect(result.value.statusCode).toBe(200);
      const [call] = sfn.commandCalls(SendTaskSuccessCommand);
      expect(call.args[0].input.taskToken).toBe(taskToken);
      expect(JSON.parse(call.args[0].input.output!)).toMatchObject({ approvalId, decision: 'APPROVED', decidedBy: REVIEWER, comment: 'looks fine' });
      const record = await stored(approvalId);
      expect(record).toMatchObject({ status: 'APPROVED', decision: 'APPROVE', decidedBy: REVIEWER, deliveredAt: expect.any(String) });
      expect(record).not.toHaveProperty('unconfirmedSends');
      expect(record).not.toHaveProperty('sendingUntil');
      expect(result.value.body.approval).toMatchObject({ status: 'APPROVED', decision: 'APPROVE', decidedBy: REVIEWER });
      expect(JSON.stringify(result.value.body)).not.toContain(taskToken);
      expect(result.logs).not.toContain(taskToken);
    });

    test('REJECT fails the task with ApprovalRejected and the reviewer comment', async () => {
      const { approvalId } = await pendingApproval();
      const result = await decide(approvalId, REVIEWER, 'REJECT', 'duplicate order');
      expect(result.statusCode).toBe(200);
      const [call] = sfn.commandCalls(SendTaskFailureCommand);
      expect(call.args[0].input.error).toBe('ApprovalRejected');
      expect(JSON.parse(call.args[0].input.cause!)).toMatchObject({ approvalId, decision: 'REJECTED', comment: 'duplicate order' });
      expect(await stored(approvalId)).toMatchObject({ status: 'REJECTED', decision: 'REJECT' });
    });

    test('of two concurrent decisions exactly one is sent', async () => {
      const { approvalId } = await pendingApproval();
      const results = await Promise.all([decide(approvalId, REVIEWER, 'APPROVE'), decide(approvalId, OTHER_REVIEWER, 'REJECT')]);
      expect(results.map((result) => result.statusCode).sort()).toEqual([200, 409]);
      expect(sentOutputs()).toHaveLength(1);
    });

    test('a decision after the expiry gets 410 and does not call Step Functions', async () => {
      const { approvalId } = await pendingApproval({ timeoutSeconds: 60 });
      const twoMinutesLater = () => new Date(Date.now() + 120_000);
      const result = await decide(approvalId, REVIEWER, 'APPROVE', undefined, decisionService(twoMinutesLater));
      expect(result.statusCode).toBe(410);
      expect(result.body.message).toMatch(/expired at .*; the workflow no longer waits/);
      expect(sfn.calls()).toHaveLength(0);
    });

    test('the expiry is exclusive: a decision 1 ms before it is sent, one at it gets 410', async () => {
      // GIVEN two pending approvals and the time they expire
      const [early, late] = [await pendingApproval(), await pendingApproval()];
      const expiresAt = async (approvalId: string) => Date.parse((await stored(approvalId))!.expiresAt);
      const earlyExpiry = await expiresAt(early.approvalId);
      const lateExpiry = await expiresAt(late.approvalId);
      // WHEN
      const before = await decide(early.approvalId, REVIEWER, 'APPROVE', undefined, decisionService(() => new Date(earlyExpiry - 1)));
      const at = await decide(late.approvalId, REVIEWER, 'APPROVE', undefined, decisionService(() => new Date(lateExpiry)));
      // THEN
      expect(before.statusCode).toBe(200);
      expect(at.statusCode).toBe(410);
      expect(sentOutputs()).toHaveLength(1);
    });
  });

  describe('APPROVED / REJECTED: confirmed', () => {
    test('another decision gets 409 naming the confirmed one, and changes nothing', async () => {
      // GIVEN a confirmed approval
      const { approvalId } = await pendingApproval();
      await decide(approvalId, REVIEWER, 'APPROVE');
      // WHEN its decider changes their mind, and another reviewer decides
      const changed = await decide(approvalId, REVIEWER, 'REJECT', 'changed my mind');
      const other = await decide(approvalId, OTHER_REVIEWER, 'APPROVE');
      // THEN
      for (const result of [changed, other]) {
        expect(result.statusCode).toBe(409);
        expect(result.body.message).toMatch(/was already APPROVED by .*OrderReviewer\/dana/);
        expect(result.body.approval).toMatchObject({ status: 'APPROVED', decidedBy: REVIEWER });
      }
      expect(sentOutputs()).toHaveLength(1);
      expect(await stored(approvalId)).toMatchObject({ status: 'APPROVED', decidedBy: REVIEWER });
    });

    test('its decider repeating it gets 200 again, and nothing is sent again', async () => {
      const { approvalId } = await pendingApproval();
      const first = await decide(approvalId, REVIEWER, 'APPROVE', 'ok');
      const repeat = await decide(approvalId, REVIEWER, 'APPROVE', 'ok');
      expect(repeat).toEqual({ statusCode: 200, body: { approval: expect.objectContaining({ status: 'APPROVED', deliveredAt: (first.body.approval as any).deliveredAt }) } });
      expect(sentOutputs()).toHaveLength(1);
    });
  });

  describe('DECIDING: a decision awaits confirmation', () => {
    test('throttled beyond the retries: 503, the decision stays recorded, others get 409, its decider delivers it by repeating', async () => {
      // GIVEN Step Functions throttles every send for a while
      const { approvalId } = await pendingApproval();
      sfn.on(SendTaskSuccessCommand).rejects(sfnError('ThrottlingException'));
      // WHEN the first reviewer approves
      const first = await decide(approvalId, REVIEWER, 'APPROVE', 'fine', decisionService(undefined, { throttleRetries: 1, retryBaseMillis: 1 }));
      // THEN it was not delivered, and says so
      expect(first.statusCode).toBe(503);
      expect(first.body.message).toMatch(/throttled the decision APPROVE .*\(ThrottlingException\); it was not delivered\. It stays recorded for you: repeat it/);
      expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(2);
      expect(await stored(approvalId)).toMatchObject({ status: 'DECIDING', decision: 'APPROVE', decidedBy: REVIEWER, unconfirmedSends: 0, deliveryError: 'ThrottlingException' });
      // and nobody else can decide, not even the decider differently
      const other = await decide(approvalId, OTHER_REVIEWER, 'REJECT');
      expect(other.statusCode).toBe(409);
      expect(other.body.message).toMatch(/is being decided: APPROVE by .*OrderReviewer\/dana at .* awaits confirmation from Step Functions\. Nobody else can decide it\./);
      expect(other.body.approval).toMatchObject({ status: 'DECIDING', decision: 'APPROVE', decidedBy: REVIEWER });
      expect(other.body.approval).not.toHaveProperty('unconfirmedSends');
      const changed = await decide(approvalId, REVIEWER, 'REJECT');
      expect(changed.statusCode).toBe(409);
      expect(changed.body.message).toMatch(/^Your decision APPROVE on approval .* cannot be changed; repeat it to deliver it\.$/);
      expect(sfn.commandCalls(SendTaskFailureCommand)).toHaveLength(0);
      // WHEN Step Functions recovers and the decider repeats (with another comment)
      sfn.on(SendTaskSuccessCommand).resolves({});
      const repeat = await decide(approvalId, REVIEWER, 'APPROVE', 'another comment');
      // THEN the recorded decision is delivered, as it was first made
      expect(repeat.statusCode).toBe(200);
      expect(new Set(sentOutputs()).size).toBe(1);
      expect(JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[2].args[0].input.output!)).toMatchObject({ comment: 'fine' });
      expect(await stored(approvalId)).toMatchObject({ status: 'APPROVED', comment: 'fine' });
    });

    test('throttled once: the send is retried at once and the decision confirmed (200)', async () => {
      const { approvalId } = await pendingApproval();
      sfn.on(SendTaskSuccessCommand).rejectsOnce(sfnError('ThrottlingException')).resolves({});
      const result = await decide(approvalId, REVIEWER, 'APPROVE');
      expect(result.statusCode).toBe(200);
      expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(2);
      expect(await stored(approvalId)).toMatchObject({ status: 'APPROVED' });
    });

    test.each([
      ['KmsThrottlingException', sfnError('KmsThrottlingException')],
      ['a 429', sfnError('SlowDownPlease', 429)],
    ])('%s is retryable: 503, not delivered', async (_name, error) => {
      const { approvalId } = await pendingApproval();
      sfn.on(SendTaskSuccessCommand).rejects(error);
      const result = await decide(approvalId, REVIEWER, 'APPROVE', undefined, decisionService(undefined, { throttleRetries: 0 }));
      expect(result.statusCode).toBe(503);
      expect(result.body.message).toMatch(/it was not delivered/);
      expect(await stored(approvalId)).toMatchObject({ status: 'DECIDING', unconfirmedSends: 0 });
    });

    test('the answer is lost: 503 "delivery unconfirmed", the record keeps the decision, counted as possibly delivered', async () => {
      // GIVEN the answer of Step Functions never arrives
      const { approvalId } = await pendingApproval();
      sfn.on(SendTaskSuccessCommand).rejects(lostAnswer());
      // WHEN
      const result = await decide(approvalId, REVIEWER, 'APPROVE');
      // THEN
      expect(result.statusCode).toBe(503);
      expect(result.body.message).toMatch(/^Delivery unconfirmed: .*was lost \(TimeoutError\); it may have been delivered\. .*repeat it to deliver or confirm it\.$/);
      expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
      expect(await stored(approvalId)).toMatchObject({ status: 'DECIDING', decidedBy: REVIEWER, unconfirmedSends: 1, deliveryError: 'TimeoutError' });
      expect(await stored(approvalId)).not.toHaveProperty('sendingUntil');
    });

    test.each([
      ['a 5xx', sfnError('InternalFailure', 500)],
      ['a 408', sfnError('RequestTimeout', 408)],
    ])('%s from Step Functions counts as a lost answer', async (_name, error) => {
      const { approvalId } = await pendingApproval();
      sfn.on(SendTaskSuccessCommand).rejects(error);
      const result = await decide(approvalId, REVIEWER, 'APPROVE');
      expect(result.statusCode).toBe(503);
      expect(result.body.message).toMatch(/^Delivery unconfirmed/);
      expect(await stored(approvalId)).toMatchObject({ status: 'DECIDING', unconfirmedSends: 1 });
    });

    test('after a lost answer, Step Functions says the task is gone: DELIVERY_UNCONFIRMED, decided by the first decider', async () => {
      // GIVEN the first send reached Step Functions but its answer was lost
      const { approvalId } = await pendingApproval({ approvers: [REVIEWER_ROLE, FINANCE_ROLE] });
      sfn.on(SendTaskSuccessCommand).rejectsOnce(lostAnswer()).rejects(sfnError('TaskTimedOut'));
      await decide(approvalId, REVIEWER, 'APPROVE', 'ok');
      // WHEN another approver tries, then the decider repeats
      const other = await decide(approvalId, FINANCE, 'REJECT', 'no');
      const repeat = await decide(approvalId, REVIEWER, 'APPROVE', 'ok');
      // THEN the other was refused without a send, and the repeat learns the task is gone
      expect(other.statusCode).toBe(409);
      expect(sfn.commandCalls(SendTaskFailureCommand)).toHaveLength(0);
      expect(repeat.statusCode).toBe(409);
      expect(repeat.body.message).toMatch(
        /APPROVE by .*OrderReviewer\/dana at .* was sent to Step Functions, which no longer waits for it \(Step Functions answered TaskTimedOut\); whether the workflow received it is unknown \(delivery unconfirmed\)\. See the history of arn:aws:states:.*:execution:OrderWorkflow:run-\d+\./,
      );
      const record = await stored(approvalId);
      expect(record).toMatchObject({ status: 'DELIVERY_UNCONFIRMED', decision: 'APPROVE', decidedBy: REVIEWER, comment: 'ok', deliveryError: 'TaskTimedOut', unconfirmedSends: 1 });
      // and every send carried that one decision; a later approver is told the same
      expect(new Set(sentOutputs()).size).toBe(1);
      expect(await decide(approvalId, FINANCE, 'REJECT')).toMatchObject({ statusCode: 409, body: { approval: { status: 'DELIVERY_UNCONFIRMED', decidedBy: REVIEWER } } });
    });

    test('after a lost answer that never arrived, the repeat delivers it (200)', async () => {
      const { approvalId } = await pendingApproval();
      sfn.on(SendTaskSuccessCommand).rejectsOnce(lostAnswer()).resolves({});
      await decide(approvalId, REVIEWER, 'APPROVE');
      const repeat = await decide(approvalId, REVIEWER, 'APPROVE');
      expect(repeat.statusCode).toBe(200);
      expect(await stored(approvalId)).toMatchObject({ status: 'APPROVED', decidedBy: REVIEWER });
      expect(await stored(approvalId)).not.toHaveProperty('deliveryError');
    });

    test('while a send is in progress, its decider repeating it gets 409 and nothing is sent twice', async () => {
      // GIVEN a send that has not answered yet
      const { approvalId } = await pendingApproval();
      let answer!: () => void;
      sfn.on(SendTaskSuccessCommand).callsFake(() => new Promise<object>((resolve) => (answer = () => resolve({}))));
      const first = decide(approvalId, REVIEWER, 'APPROVE');
      while (sfn.commandCalls(SendTaskSuccessCommand).length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      // WHEN the decider repeats it
      const repeat = await decide(approvalId, REVIEWER, 'APPROVE');
      // THEN
      expect(repeat.statusCode).toBe(409);
      expect(repeat.body.message).toMatch(/is being sent to Step Functions by an earlier request; if that request does not answer 200, repeat it after \d{4}-/);
      answer();
      expect((await first).statusCode).toBe(200);
      expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
    });

    test('two repeats that read the record at once: one sends, the other is told a send is in progress', async () => {
      // GIVEN a decision whose answer was lost, and two repeats that both read it before either writes
      const { approvalId } = await pendingApproval();
      sfn.on(SendTaskSuccessCommand).rejectsOnce(lostAnswer()).resolves({});
      await decide(approvalId, REVIEWER, 'APPROVE');
      const shared = store();
      const read = shared.get.bind(shared);
      let arrived = 0;
      let release!: () => void;
      const bothRead = new Promise<void>((resolve) => (release = resolve));
      jest.spyOn(shared, 'get').mockImplementation(async (id) => {
        const record = await read(id);
        if (++arrived === 2) release();
        await bothRead;
        return record;
      });
      // WHEN
      const service = new DecisionService(shared, new SFNClient({}));
      const answers = await Promise.all([decide(approvalId, REVIEWER, 'APPROVE', undefined, service), decide(approvalId, REVIEWER, 'APPROVE', undefined, service)]);
      // THEN the record's condition let one send through
      expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 409]);
      expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(2);
    });

    test('a send whose function died is counted: after its window a repeat is sent, and a gone task reads DELIVERY_UNCONFIRMED', async () => {
      // GIVEN a decision recorded by a function that died before an answer (the claim only)
      const { approvalId } = await pendingApproval();
      const decidedAt = new Date().toISOString();
      await store().claim(approvalId, { decision: 'REJECT', decidedBy: REVIEWER, decidedAt }, decidedAt, new Date(Date.now() + 15_000).toISOString());
      sfn.on(SendTaskFailureCommand).rejects(sfnError('TaskTimedOut'));
      // WHEN its decider repeats it within the window, then after it
      const early = await decide(approvalId, REVIEWER, 'REJECT');
      const late = await decide(approvalId, REVIEWER, 'REJECT', undefined, decisionService(() => new Date(Date.now() + 16_000)));
      // THEN
      expect(early.statusCode).toBe(409);
      expect(late.statusCode).toBe(409);
      expect(sfn.commandCalls(SendTaskFailureCommand)).toHaveLength(1);
      expect(await stored(approvalId)).toMatchObject({ status: 'DELIVERY_UNCONFIRMED', decidedBy: REVIEWER, decidedAt });
    });

    test.each([
      ['AccessDeniedException', /not allowed states:SendTaskSuccess/],
      ['KmsAccessDeniedException', /KMS key does not let Step Functions encrypt/],
      ['KmsInvalidStateException', /KMS key is disabled or pending deletion/],
      ['InvalidOutput', /rejects the decision output as invalid/],
      ['SomeFutureClientError', /refuses the request \(HTTP 400\)/],
    ])('%s is permanent: 502 saying why, the decision stays recorded, nothing retried', async (name, why) => {
      // GIVEN
      const { approvalId } = await pendingApproval({ timeoutSeconds: 60 });
      sfn.on(SendTaskSuccessCommand).rejects(sfnError(name));
      // WHEN
      const result = await decide(approvalId, REVIEWER, 'APPROVE');
      // THEN
      expect(result.statusCode).toBe(502);
      expect(result.body.message).toMatch(why);
      expect(result.body.message).toMatch(new RegExp(`cannot be delivered: .*\\(${name}\\)\\. It stays recorded and awaits delivery; repeating it fails the same way until that is fixed\\.`));
      expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
      expect(await stored(approvalId)).toMatchObject({ status: 'DECIDING', decidedBy: REVIEWER, unconfirmedSends: 0, deliveryError: name });
      // and past the expiry, with no send that may have landed, it reads EXPIRED: never delivered
      const later = await decisionService(() => new Date(Date.now() + 120_000)).show(approvalId, { id: REVIEWER });
      expect(later.body.approval).toMatchObject({ status: 'EXPIRED', decision: 'APPROVE' });
      const afterExpiry = await decide(approvalId, REVIEWER, 'APPROVE', undefined, decisionService(() => new Date(Date.now() + 120_000)));
      expect(afterExpiry.statusCode).toBe(410);
      expect(afterExpiry.body.message).toMatch(new RegExp(`was never delivered \\(Step Functions last answered ${name}\\)\\.$`));
    });

    test('past the expiry, a decision that may have landed reads DELIVERY_UNCONFIRMED and is not sent again', async () => {
      const { approvalId } = await pendingApproval({ timeoutSeconds: 60 });
      sfn.on(SendTaskSuccessCommand).rejects(lostAnswer());
      await decide(approvalId, REVIEWER, 'APPROVE');
      const later = decisionService(() => new Date(Date.now() + 120_000));
      expect((await later.show(approvalId, { id: REVIEWER })).body.approval).toMatchObject({ status: 'DELIVERY_UNCONFIRMED' });
      const repeat = await decide(approvalId, REVIEWER, 'APPROVE', undefined, later);
      expect(repeat.statusCode).toBe(409);
      expect(repeat.body.message).toMatch(/no longer waits for it \(its expiry .* passed\); whether the workflow received it is unknown/);
      expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
    });

    test('a confirmation whose record update fails still answers 200: the workflow has the decision', async () => {
      const { approvalId } = await pendingApproval();
      const failing = store();
      jest.spyOn(failing, 'confirmDelivery').mockRejectedValue(sfnError('ProvisionedThroughputExceededException'));
      const result = await decide(approvalId, REVIEWER, 'APPROVE', undefined, new DecisionService(failing, new SFNClient({})));
      expect(result.statusCode).toBe(200);
      expect(result.body.approval).toMatchObject({ status: 'APPROVED' });
    });
  });

  describe('EXPIRED', () => {
    test('TaskTimedOut on the first send: 410, EXPIRED with the decision that did not reach the workflow', async () => {
      // GIVEN the task timed out before the decision
      const { approvalId } = await pendingApproval();
      sfn.on(SendTaskSuccessCommand).rejects(sfnError('TaskTimedOut'));
      // WHEN
      const result = await decide(approvalId, REVIEWER, 'APPROVE');
      // THEN
      expect(result.statusCode).toBe(410);
      expect(result.body.message).toMatch(/no longer waits for a decision: Step Functions answered TaskTimedOut .*; APPROVE by .*dana at .* did not reach the workflow\./);
      expect(await stored(approvalId)).toMatchObject({ status: 'EXPIRED', decision: 'APPROVE', decidedBy: REVIEWER, deliveryError: 'TaskTimedOut', unconfirmedSends: 0 });
      // and another approver is told it expired
      expect((await decide(approvalId, OTHER_REVIEWER, 'REJECT')).statusCode).toBe(410);
    });

    test('InvalidToken is the task gone too', async () => {
      const { approvalId } = await pendingApproval();
      sfn.on(SendTaskFailureCommand).rejects(sfnError('InvalidToken'));
      expect((await decide(approvalId, REVIEWER, 'REJECT')).statusCode).toBe(410);
      expect(await stored(approvalId)).toMatchObject({ status: 'EXPIRED', deliveryError: 'InvalidToken' });
    });
  });

  describe('ids and callers', () => {
    test('400 for a malformed id, before any DynamoDB request', async () => {
      // GIVEN a service whose DynamoDB client counts its requests
      const { client, commands } = countingClient(dynamo);
      const service = new DecisionService(new ApprovalStore(TABLE, client), new SFNClient({}));
      // WHEN ids of the wrong shape are shown or decided
      for (const id of ['x'.repeat(3000), 'A'.repeat(64), 'a'.repeat(63), 'a'.repeat(65), '', '../approvals', `${'a'.repeat(64)}\n`]) {
        const shown = await service.show(id, { id: REVIEWER });
        const decided = await service.decide(id, { id: REVIEWER }, 'APPROVE');
        // THEN
        expect(shown).toEqual({ statusCode: 400, body: { message: expect.stringMatching(/is not an approval id: an approval id is 64 lowercase hexadecimal characters\.$/) } });
        expect(decided).toEqual(shown);
      }
      expect(commands).toEqual([]);
      expect((await service.show('x'.repeat(3000), { id: REVIEWER })).body.message).toMatch(/^'x{80}…' is not/);
      // while a well-formed id is looked up
      await service.show('a'.repeat(64), { id: REVIEWER });
      expect(commands).toEqual(['GetItemCommand']);
    });

    test('404 for a well-formed unknown id, 403 for a caller who is not an approver', async () => {
      const { approvalId } = await pendingApproval();
      expect(await decide('0'.repeat(64), REVIEWER, 'APPROVE')).toEqual({ statusCode: 404, body: { message: `No approval ${'0'.repeat(64)}.` } });
      expect(await decide(approvalId, OUTSIDER, 'APPROVE')).toEqual({ statusCode: 403, body: { message: expect.stringContaining('is not an approver') } });
      expect((await decisionService().show(approvalId, { id: OUTSIDER })).statusCode).toBe(403);
      expect((await decisionService().show('0'.repeat(64), { id: REVIEWER })).statusCode).toBe(404);
      expect(sfn.calls()).toHaveLength(0);
    });

    test('lists the pending approvals the caller may decide, without task tokens nor approvals being decided', async () => {
      const mine = await pendingApproval();
      const deciding = await pendingApproval();
      sfn.on(SendTaskSuccessCommand).rejects(lostAnswer());
      await decide(deciding.approvalId, REVIEWER, 'APPROVE');
      const someoneElses = await pendingApproval({ approvers: [FINANCE_ROLE] });
      const { body } = await decisionService().listPending({ id: REVIEWER });
      const ids = (body.approvals as Array<{ approvalId: string }>).map((approval) => approval.approvalId);
      expect(ids).toContain(mine.approvalId);
      expect(ids).not.toContain(deciding.approvalId);
      expect(ids).not.toContain(someoneElses.approvalId);
      expect(JSON.stringify(body)).not.toMatch(/secret-token/);
    });
  });
});

describe('decision API routing', () => {
  const event = (overrides: Record<string, any>) => ({
    httpMethod: 'POST',
    resource: '/approvals/{id}/decision',
    pathParameters: { id: 'f'.repeat(64) },
    requestContext: { identity: { userArn: REVIEWER } },
    body: JSON.stringify({ decision: 'APPROVE' }),
    ...overrides,
  }) as any;

  test('refuses an unsigned request, a malformed body and an unknown route', async () => {
    const service = decisionService();
    expect((await route(service, event({ requestContext: { identity: {} } }))).statusCode).toBe(403);
    expect(await route(service, event({ body: '{"decision":"MAYBE"}' }))).toEqual({ statusCode: 400, body: { message: 'decision must be APPROVE or REJECT.' } });
    expect((await route(service, event({ body: 'not json' }))).statusCode).toBe(400);
    expect((await route(service, event({ httpMethod: 'DELETE' }))).statusCode).toBe(404);
  });

  test.each([
    ['an array', '[{"decision":"APPROVE"}]', /must be a JSON object/],
    ['null', 'null', /must be a JSON object/],
    ['no body', null, /must be JSON/],
    ['an unknown field', '{"decision":"APPROVE","approver":"me"}', /Unknown field "approver"/],
    ['a null comment', '{"decision":"APPROVE","comment":null}', /comment must be a string/],
    ['a number comment', '{"decision":"APPROVE","comment":5}', /comment must be a string/],
    ['a lowercase decision', '{"decision":"approve"}', /decision must be APPROVE or REJECT/],
  ])('400 for %s, as the API model refuses it', async (_case, body, message) => {
    expect(await route(decisionService(), event({ body }))).toEqual({ statusCode: 400, body: { message: expect.stringMatching(message) } });
  });

  test('counts the comment in code points, as the API model does: 1,000 emoji pass, 1,001 do not', async () => {
    // GIVEN comments at the limit in code points: the emoji one is 2,000 UTF-16 units long
    const { approvalId } = await pendingApproval();
    const emoji = '😀'.repeat(MAX_COMMENT_LENGTH);
    expect(emoji.length).toBe(2 * MAX_COMMENT_LENGTH);
    const service = decisionService();
    // WHEN / THEN one more code point is refused, for emoji and for ASCII alike
    for (const comment of ['😀'.repeat(MAX_COMMENT_LENGTH + 1), 'x'.repeat(MAX_COMMENT_LENGTH + 1)]) {
      expect(await route(service, event({ pathParameters: { id: approvalId }, body: JSON.stringify({ decision: 'REJECT', comment }) }))).toEqual({
        statusCode: 400,
        body: { message: 'comment must be a string of at most 1000 characters (Unicode code points).' },
      });
    }
    // and the limit itself is accepted and delivered whole
    const result = await capturingLogs(() => route(service, event({ pathParameters: { id: approvalId }, body: JSON.stringify({ decision: 'REJECT', comment: emoji }) })));
    expect(result.value.statusCode).toBe(200);
    expect(JSON.parse(sfn.commandCalls(SendTaskFailureCommand)[0].args[0].input.cause!).comment).toBe(emoji);
  });

  test('a missing id is a 400, not a lookup', async () => {
    expect((await route(decisionService(), event({ pathParameters: null }))).statusCode).toBe(400);
    expect((await route(decisionService(), event({ httpMethod: 'GET', resource: '/approvals/{id}', pathParameters: {} }))).statusCode).toBe(400);
  });
});

describe('decision API handler', () => {
  test('a DynamoDB that does not answer is a 503, not a 500', async () => {
    // GIVEN the handler's DynamoDB endpoint refuses connections
    const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = 'http://127.0.0.1:9';
    try {
      let handler!: typeof import('../lambda/approval/decision-api').handler;
      jest.isolateModules(() => {
        handler = require('../lambda/approval/decision-api').handler;
      });
      // WHEN
      const { value } = await capturingLogs(() => handler({ httpMethod: 'GET', resource: '/approvals/{id}', pathParameters: { id: 'a'.repeat(64) }, requestContext: { identity: { userArn: REVIEWER } } } as any));
      // THEN
      expect(value.statusCode).toBe(503);
      expect(JSON.parse(value.body).message).toMatch(/did not answer/);
    } finally {
      process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
    }
  });
});
