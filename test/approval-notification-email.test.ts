import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { newApprovalRecord } from '../lib/approval/approval-record';
import { MAX_NOTIFICATION_BYTES } from '../lib/approval/request-size';
import { deepLinkOf, emailSubjectOf, emailTextOf, MAX_EMAIL_SUMMARY_CHARS, snsMessageOf } from '../lambda/approval/notification-email';
import { handler as notify } from '../lambda/approval/notifier';
import { approvalRequest, startApprovalTable } from './support/approvals';
import { LocalDynamo } from './support/dynalite';

// The email SNS sends email subscribers: a message structure of JSON with `default` (every
// protocol) and `email` (plain text), as in
// https://docs.aws.amazon.com/sns/latest/dg/sns-send-custom-platform-specific-payloads-mobile-devices.html;
// subject limits from https://docs.aws.amazon.com/sns/latest/api/API_Publish.html (ASCII, ≤ 100 characters).

const NOW = new Date('2026-11-30T10:00:00.000Z');
const PAGE = 'https://d111111abcdef8.cloudfront.net';
const API = 'https://abc123.execute-api.us-east-1.amazonaws.com/v1/';

describe('the email of a request', () => {
  const event = approvalRequest({ summary: { orderId: 'ORD-2001', total: 129.5, customer: { tier: 'gold' } }, stateName: 'ReviewOrder: wait for decision' });
  const record = newApprovalRecord(event, NOW);

  test('names the step, the summary, the expiry and the deep link, and nothing else of the workflow', () => {
    const text = emailTextOf(record, { pageUrl: PAGE, apiUrl: API });
    expect(text).toContain('"ReviewOrder"');
    expect(text).toContain('  orderId: ORD-2001\n  total: 129.5\n  customer: {"tier":"gold"}');
    expect(text).toContain(`Decide by ${record.expiresAt} (UTC)`);
    expect(text).toContain(`${PAGE}/?approval=${record.approvalId}`);
    expect(text).toMatch(/Opening the link decides nothing/);
    expect(text).not.toContain(event.taskToken);
    expect(text).not.toContain(event.executionArn);
    expect(text).not.toContain('execute-api');
  });

  test('without a page, the approver CLI commands instead of a link', () => {
    const text = emailTextOf(record, { apiUrl: API });
    expect(text).toContain(`npx cdk-sfn-workflows approvals approve ${record.approvalId} --api ${API}`);
    expect(text).not.toContain('?approval=');
  });

  test('a summary value cannot pose as lines of the email', () => {
    const forged = newApprovalRecord(approvalRequest({ summary: { note: 'ok\n\nOpen https://evil.example/ to approve\r\nnow' } }), NOW);
    const text = emailTextOf(forged, { pageUrl: PAGE, apiUrl: API });
    expect(text).toContain('  note: ok  Open https://evil.example/ to approve  now\n');
    expect(text.split('\n').filter((line) => line.startsWith('Open '))).toEqual(['Open the request, sign in and approve or reject it:']);
  });

  test('a long summary is shortened in the email', () => {
    const long = newApprovalRecord(approvalRequest({ summary: { notes: 'x'.repeat(20_000) } }), NOW);
    const text = emailTextOf(long, { pageUrl: PAGE, apiUrl: API });
    expect(text).toContain('... (shortened: the full summary is with the request)');
    expect(text.length).toBeLessThan(MAX_EMAIL_SUMMARY_CHARS + 1000);
  });

  test('the subject is printable ASCII within 100 characters, without the waiting task suffix', () => {
    expect(emailSubjectOf('ReviewOrder: wait for decision')).toBe('Approval requested: ReviewOrder');
    const subject = emailSubjectOf(`Révision ✓ ${'long '.repeat(40)}: wait for decision`);
    expect(subject.length).toBeLessThanOrEqual(100);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
    expect(subject.startsWith('Approval requested: Revision')).toBe(true);
  });

  test('the deep link escapes nothing an id holds and has one slash before the query', () => {
    expect(deepLinkOf(`${PAGE}/`, 'a'.repeat(64))).toBe(`${PAGE}/?approval=${'a'.repeat(64)}`);
  });

  test('the SNS message carries both forms while they fit, else the JSON alone', () => {
    expect(snsMessageOf('{"a":1}', 'hello')).toEqual({ Message: JSON.stringify({ default: '{"a":1}', email: 'hello' }), MessageStructure: 'json' });
    const big = JSON.stringify({ summary: '"'.repeat(150_000) });
    const message = snsMessageOf(big, 'hello');
    expect(message).toEqual({ Message: big });
    expect(Buffer.byteLength(JSON.stringify({ default: big, email: 'hello' }))).toBeGreaterThan(MAX_NOTIFICATION_BYTES);
  });
});

describe('the notifier publishes the email form', () => {
  const sns = mockClient(SNSClient);
  let dynamo: LocalDynamo;
  beforeAll(async () => {
    dynamo = await startApprovalTable('approvals-email');
  });
  afterAll(async () => {
    delete process.env.APPROVALS_PAGE_URL;
    await dynamo.close();
  });

  async function published(pageUrl?: string) {
    sns.reset();
    if (pageUrl) process.env.APPROVALS_PAGE_URL = pageUrl;
    else delete process.env.APPROVALS_PAGE_URL;
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const { approvalId } = await notify(approvalRequest({ stateName: 'ReviewOrder: wait for decision' }));
      return { approvalId, input: sns.commandCalls(PublishCommand)[0].args[0].input };
    } finally {
      spy.mockRestore();
    }
  }

  test('with the approvals page: the email links the request on the page, the JSON says where to decide', async () => {
    const { approvalId, input } = await published(PAGE);
    const message = JSON.parse(input.Message!);
    expect(input).toMatchObject({ MessageStructure: 'json', Subject: 'Approval requested: ReviewOrder' });
    expect(message.email).toContain(`${PAGE}/?approval=${approvalId}`);
    expect(JSON.parse(message.default)).toMatchObject({ type: 'ApprovalRequested', approvalId, approvalPageUrl: `${PAGE}/?approval=${approvalId}` });
  });

  test('without it: the email names the CLI, and the JSON has no page link', async () => {
    const { approvalId, input } = await published();
    const message = JSON.parse(input.Message!);
    expect(message.email).toContain(`approvals approve ${approvalId}`);
    expect(JSON.parse(message.default)).not.toHaveProperty('approvalPageUrl');
  });
});
