import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Workflow } from '../lib';
import { ExecutionResult } from '../lib/testing';
import { inlineStep } from './helpers';
import { cli } from './support/cli';

const ROOT = path.join(__dirname, '..');
const REVIEW = path.join('test', 'fixtures', 'asl', 'order-review.asl.json');
const PAYMENT = path.join('test', 'fixtures', 'asl', 'order-payment.asl.json');
const PARALLEL = path.join('test', 'fixtures', 'asl', 'parallel-explicit-failure.asl.json');

const CHARGED = 'Charge card={"Payload":{"chargeId":"ch-1"}}';
const SHIPPED = 'Request shipping={"trackingId":"1Z999"}';

function scratchFile(name: string, text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'cli-run-')), name);
  writeFileSync(file, text);
  return file;
}

/** The table row of a state: its number, name, type, time and note columns. */
function row(output: string, state: string): string | undefined {
  return output.split('\n').find((line) => new RegExp(`^\\s*\\d+\\s+${state}\\s{2}`).test(line));
}

let assembly: string | undefined;

/** A cloud assembly with two workflows: Orders (a LambdaStep on inline code, then a Pass) and Refunds (a Wait). Synthesized once. */
function twoWorkflowAssembly(): string {
  if (assembly) return assembly;
  const outdir = mkdtempSync(path.join(tmpdir(), 'assembly-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'Shop');
  const charge = inlineStep(stack, 'Charge');
  new Workflow(stack, 'Orders', { definition: charge.next(new sfn.Pass(stack, 'Receipt')), timeout: Duration.minutes(5) });
  const wait = new sfn.Wait(stack, 'Cooling off', { time: sfn.WaitTime.duration(Duration.days(14)) });
  new Workflow(stack, 'Refunds', { definition: wait.next(new sfn.Succeed(stack, 'Refunded')), timeout: Duration.days(30) });
  app.synth();
  assembly = outdir;
  return outdir;
}

describe('cdk-sfn-workflows run on an ASL file', () => {
  test('prints one row per state entered and the output, and exits 0 when the execution succeeds', async () => {
    // WHEN
    const { code, output } = await cli('run', REVIEW, '--input', '{"order":{"id":"o-1","total":40}}');
    // THEN
    expect(code).toBe(0);
    expect(output).toMatch(/^order-review \(test\/fixtures\/asl\/order-review\.asl\.json\), execution [0-9a-f-]{36}\n/);
    expect(output).toMatch(/#\s+STATE\s+TYPE\s+AT\s+NOTE\n\s*1\s+Check order\s+Choice\s+\+0s\n\s*2\s+Approve order\s+Pass\s+\+0s\n/);
    expect(output).not.toContain('Hold for fraud window');
    expect(output).toMatch(/SUCCEEDED after 0s \(virtual time\), 2 state transitions\noutput: \{\n {2}"order": \{/);
    expect(output).toContain('"status": "APPROVED"');
  });

  test('a one-day Wait takes a day of virtual time and no real time', async () => {
    // WHEN
    const { code, output } = await cli('run', REVIEW, '--input', '{"order":{"id":"o-2","total":2500}}');
    const text = await cli('run', REVIEW, '--input', '{"order":{"id":"o-2","total":2500}}', '--json');
    // THEN (within the test's timeout: a real day's wait would never finish)
    expect(code).toBe(0);
    expect(row(output, 'Hold for fraud window')).toMatch(/Wait\s+\+0s$/);
    expect(row(output, 'Approve order')).toMatch(/Pass\s+\+1d$/);
    expect(output).toContain('SUCCEEDED after 1d (virtual time), 3 state transitions');
    const { decision } = JSON.parse(text.output).output;
    const waited = Date.parse(decision.approvedAt) - Date.parse(decision.receivedAt);
    expect(waited).toBeGreaterThanOrEqual(86_400_000);
    expect(waited).toBeLessThan(86_400_000 + 60_000);
  });

  test('exits 1 and prints the error and cause when the execution fails', async () => {
    // WHEN
    const { code, output } = await cli('run', REVIEW, '--input', '{"customer":{"blocked":true}}');
    // THEN
    expect(code).toBe(1);
    expect(row(output, 'Reject order')).toMatch(/Fail\s+\+0s\s+failed: OrderRejected$/);
    expect(output).toContain('FAILED after 0s (virtual time), 2 state transitions\nerror: OrderRejected\ncause: The customer is on the block list.');
    expect(output).not.toContain('output:');
  });

  test('--json prints status, output, error, cause, path, retries, catches, transitions and the AWS-shaped history', async () => {
    // WHEN
    const { code, output } = await cli('run', REVIEW, '--input', '{"order":{"id":"o-3","total":40}}', '--json', '--name', 'review-o-3', '--seed', 's1');
    // THEN
    expect(code).toBe(0);
    const json = JSON.parse(output);
    expect(Object.keys(json).sort()).toEqual(
      ['stateMachine', 'source', 'executionArn', 'status', 'output', 'error', 'cause', 'path', 'retries', 'catches', 'transitions', 'unansweredCallbacks', 'events'].sort(),
    );
    expect(json).toMatchObject({
      stateMachine: 'order-review',
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:order-review:review-o-3',
      status: 'SUCCEEDED',
      error: null,
      cause: null,
      path: ['Check order', 'Approve order'],
      retries: [],
      catches: [],
      transitions: 2,
      unansweredCallbacks: [],
    });
    expect(json.output).toMatchObject({ order: { id: 'o-3' }, decision: { status: 'APPROVED' } });
    expect(json.events.map((event: any) => event.type)).toEqual([
      'ExecutionStarted', 'ChoiceStateEntered', 'ChoiceStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded',
    ]);
    expect(json.events.map((event: any) => event.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(json.events[0].timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(JSON.parse(json.events[0].executionStartedEventDetails.input)).toEqual({ order: { id: 'o-3', total: 40 } });
    expect(ExecutionResult.fromHistory(json).path).toEqual(json.path);
  });

  test('--input reads a JSON file', async () => {
    // GIVEN
    const file = scratchFile('order.json', JSON.stringify({ order: { id: 'o-file', total: 12 } }, null, 2));
    // WHEN
    const { code, output } = await cli('run', REVIEW, '--input', file, '--json');
    // THEN
    expect(code).toBe(0);
    expect(JSON.parse(output).output.order).toEqual({ id: 'o-file', total: 12 });
  });

  test('--input takes JSON text', async () => {
    // WHEN
    const { output } = await cli('run', REVIEW, '--input', '{"order":{"id":"o-inline","total":7}}', '--json');
    // THEN
    expect(JSON.parse(output).output.order).toEqual({ id: 'o-inline', total: 7 });
  });

  test('fails with exit 2 and says where input JSON is broken, without a JavaScript error', async () => {
    // WHEN
    const inline = await cli('run', REVIEW, '--input', '{"order": {"total": 40,}}');
    const file = await cli('run', REVIEW, '--input', scratchFile('broken.json', '{\n  "order": {\n    "total": 40,\n  }\n}'));
    const neither = await cli('run', REVIEW, '--input', 'orders/o-1.json');
    // THEN
    expect(inline).toEqual({ code: 2, output: "error: --input is not valid JSON: expected double-quoted property name at line 1, column 24." });
    expect(file.code).toBe(2);
    expect(file.output).toMatch(/^error: --input file .*broken\.json is not valid JSON: expected double-quoted property name at line 4, column 3\.$/);
    expect(neither).toEqual({ code: 2, output: 'error: --input orders/o-1.json: no such file, and not JSON text either.' });
  });

  test('fails with exit 2 on a file that does not exist', async () => {
    expect(await cli('run', '/nonexistent/order.asl.json')).toEqual({ code: 2, output: 'error: /nonexistent/order.asl.json does not exist.' });
  });

  test('fails with exit 2 and prints the diagnostics of an invalid definition', async () => {
    // GIVEN
    const file = scratchFile('broken.asl.json', JSON.stringify({ StartAt: 'Approve', States: { Approve: { Type: 'Pass', Next: 'Ship' } } }));
    const notJson = scratchFile('yaml.asl.json', 'StartAt: Approve\n');
    // WHEN
    const invalid = await cli('run', file);
    const text = await cli('run', notJson);
    // THEN
    expect(invalid.code).toBe(2);
    expect(invalid.output).toMatch(/^error: .*broken\.asl\.json is not a valid state machine definition \(2 errors\):\n {2}MISSING_TRANSITION_TARGET at \/States\/Approve\/Next: .*Ship/);
    expect(invalid.output).toContain('MISSING_END_STATE');
    expect(text).toEqual({ code: 2, output: `error: ${notJson} is not valid JSON: unexpected 'S'.` });
  });

  test('refuses a Task with nothing to run locally: exit 2, naming the state and the --task option', async () => {
    // WHEN
    const { code, output } = await cli('run', PAYMENT);
    // THEN
    expect(code).toBe(2);
    expect(output).toMatch(/^error: These tasks have nothing to run locally:\n {2}- Task 'Charge card' \(arn:aws:states:::lambda:invoke\): /);
    expect(output).toContain("Answer each with --task 'STATE=JSON'");
    expect(output).not.toMatch(/RunOptions|\n\s+at /);
  });

  test('--task answers a Task with a fixed response, and --callback answers a callback task with SendTaskSuccess', async () => {
    // WHEN
    const { code, output } = await cli('run', PAYMENT, '--input', '{"orderId":"o-4","total":40}', '--task', CHARGED, '--callback', SHIPPED, '--json');
    // THEN
    expect(code).toBe(0);
    const json = JSON.parse(output);
    expect(json.path).toEqual(['Charge card', 'Request shipping', 'Order complete']);
    expect(json.output).toEqual({ orderId: 'o-4', total: 40, payment: { chargeId: 'ch-1' }, shipment: { trackingId: '1Z999' } });
    const submitted = json.events.find((event: any) => event.type === 'TaskSubmitted');
    expect(submitted.taskSubmittedEventDetails).toMatchObject({ resourceType: 'sqs', resource: 'sendMessage.waitForTaskToken' });
    expect(json.unansweredCallbacks).toEqual([]);
  });

  test('a callback nobody answers ends at its own TimeoutSeconds, in virtual time, and the run says so', async () => {
    // WHEN
    const started = Date.now();
    const { code, output } = await cli('run', PAYMENT, '--input', '{"orderId":"o-5","total":40}', '--task', CHARGED);
    // THEN
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(code).toBe(1);
    expect(row(output, 'Request shipping')).toMatch(/Task\s+\+0s\s+caught States\.Timeout → Shipping timed out$/);
    expect(row(output, 'Shipping timed out')).toMatch(/Fail\s+\+3d\s+failed: ShippingTimedOut$/);
    expect(output).toContain("callback 'Request shipping' was not answered (pass --callback 'Request shipping=JSON')");
  });

  test('a callback with no timeout of its own ends when the execution times out', async () => {
    // GIVEN
    const file = scratchFile('approval.asl.json', JSON.stringify({
      StartAt: 'Ask manager',
      TimeoutSeconds: 7200,
      States: {
        'Ask manager': {
          Type: 'Task',
          Resource: 'arn:aws:states:::sns:publish.waitForTaskToken',
          Parameters: { TopicArn: 'arn:aws:sns:us-east-1:123456789012:approvals', 'Message.$': '$$.Task.Token' },
          End: true,
        },
      },
    }));
    // WHEN
    const { code, output } = await cli('run', file, '--json');
    // THEN
    expect(code).toBe(1);
    const json = JSON.parse(output);
    expect(json).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout', unansweredCallbacks: ['Ask manager'] });
    const events = json.events;
    expect(Date.parse(events[events.length - 1].timestamp) - Date.parse(events[0].timestamp)).toBeGreaterThanOrEqual(7_200_000);
  });

  test('rows note retries of a state, with their errors', async () => {
    // GIVEN a callback whose heartbeat lapses, retried twice
    const file = scratchFile('heartbeat.asl.json', JSON.stringify({
      StartAt: 'Wait for scan',
      States: {
        'Wait for scan': {
          Type: 'Task',
          Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
          Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/scans', MessageBody: { 'token.$': '$$.Task.Token' } },
          HeartbeatSeconds: 60,
          Retry: [{ ErrorEquals: ['States.Timeout'], IntervalSeconds: 5, MaxAttempts: 2 }],
          End: true,
        },
      },
    }));
    // WHEN
    const { code, output } = await cli('run', file);
    // THEN
    expect(code).toBe(1);
    expect(row(output, 'Wait for scan')).toMatch(/Task\s+\+0s\s+retried 2× \(States\.Timeout\); failed: States\.Timeout$/);
    expect(output).toContain('FAILED after 3m 15s (virtual time), 3 state transitions');
  });

  test('--substitution fills the definition\'s placeholders, and --task takes a Resource as well as a state name', async () => {
    // GIVEN
    const success = 'arn:aws:lambda:us-east-1:123456789012:function:get-success';
    const args = ['--substitution', `getSuccessFunctionArn=${success}`, '--substitution', 'getQuickFailFunctionArn=arn:aws:lambda:us-east-1:123456789012:function:quick-fail'];
    // WHEN
    const missing = await cli('run', PARALLEL, '--task', 'quick fail={}');
    const { code, output } = await cli('run', PARALLEL, ...args, '--task', `${success}={"ok":true}`, '--task', 'quick fail={"ok":true}', '--json');
    // THEN
    expect(missing.code).toBe(2);
    expect(missing.output).toContain('uses ${getSuccessFunctionArn}, ${getQuickFailFunctionArn}: pass --substitution getSuccessFunctionArn=VALUE');
    expect(code).toBe(0);
    expect(JSON.parse(output).path).toEqual(['Parallel', 'success state', 'quick fail', 'Aggregrate Results', 'Evaluate Results', 'Success']);
  });

  test('rows of Parallel branches are indented under their Parallel state', async () => {
    // GIVEN
    const args = ['--substitution', 'getSuccessFunctionArn=arn:aws:lambda:us-east-1:1:function:a', '--substitution', 'getQuickFailFunctionArn=arn:aws:lambda:us-east-1:1:function:b'];
    // WHEN
    const { output } = await cli('run', PARALLEL, ...args, '--task', 'success state={}', '--task', 'quick fail={}');
    // THEN
    expect(output).toMatch(/\n\s*1 {2}Parallel\s+Parallel/);
    expect(output).toMatch(/\n\s*2 {4}success state\s+Task/);
    expect(output).toMatch(/\n\s*4 {2}Aggregrate Results\s+Pass/);
  });

  test.each([
    [['--task', 'Charge_card={}'], "--task names 'Charge_card', not a Task state of order-payment. Task states: 'Charge card', 'Request shipping'."],
    [['--task', 'Charge card'], "--task expects STATE=JSON, got 'Charge card'."],
    [['--task', 'Charge card={ok}'], '--task Charge card is not valid JSON: expected property name or \'}\' at line 1, column 2.'],
    [['--callback', 'Charge card={}'], "--callback names 'Charge card', not a .waitForTaskToken Task state of order-payment. Callback states: 'Request shipping'."],
    [['--state-machine', 'Orders'], `--state-machine picks a state machine of a cloud assembly; ${PAYMENT} holds one definition.`],
    [['--bogus'], "unknown option '--bogus'"],
  ])('fails with exit 2 on %j', async (args, message) => {
    expect(await cli('run', PAYMENT, ...args)).toEqual({ code: 2, output: `error: ${message}` });
  });
});

describe('cdk-sfn-workflows run on a cloud assembly', () => {
  test('asks which state machine to run when there are several, listing them', async () => {
    // WHEN
    const { code, output } = await cli('run', twoWorkflowAssembly());
    // THEN
    expect(code).toBe(2);
    expect(output).toBe(`error: ${twoWorkflowAssembly()} has 2 state machines: pass --state-machine with one of\n  Shop/Orders\n  Shop/Refunds`);
  });

  test('runs the chosen state machine on the Lambda code of the assembly', async () => {
    // WHEN
    const { code, output } = await cli('run', twoWorkflowAssembly(), '--state-machine', 'Shop/Orders', '--input', '{"orderId":"o-9"}', '--json');
    // THEN
    expect(code).toBe(0);
    const json = JSON.parse(output);
    expect(json).toMatchObject({ source: 'Shop/Orders', status: 'SUCCEEDED', path: ['Charge', 'Receipt'] });
    expect(JSON.stringify(json.output)).toContain('"step":"ChargeFunction"');
  });

  test('takes a state machine by its path below the stack, and jumps over a 14-day Wait', async () => {
    // WHEN
    const { code, output } = await cli('run', twoWorkflowAssembly(), '--state-machine', 'Refunds');
    // THEN
    expect(code).toBe(0);
    expect(row(output, 'Refunded')).toMatch(/Succeed\s+\+14d$/);
  });

  test('fails with exit 2 naming the state machines when none matches', async () => {
    // WHEN
    const { code, output } = await cli('run', twoWorkflowAssembly(), '--state-machine', 'Invoices');
    // THEN
    expect(code).toBe(2);
    expect(output).toBe(`error: No state machine of ${twoWorkflowAssembly()} matches 'Invoices'. State machines:\n  Shop/Orders\n  Shop/Refunds`);
  });

  test('refuses --substitution, which only a plain ASL file takes', async () => {
    expect((await cli('run', twoWorkflowAssembly(), '--substitution', 'A=b')).code).toBe(2);
  });
});

describe('cdk-sfn-workflows run as a process', () => {
  /** Runs the real command line in a child process, as a user would. */
  function runProcess(...args: string[]) {
    const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
    return spawnSync(tsx, ['bin/cdk-sfn-workflows.ts', 'run', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  }

  test('stays alive through a day-long Wait and a three-day callback timeout, and exits with the execution\'s code', () => {
    // WHEN
    const waited = runProcess(REVIEW, '--input', '{"order":{"id":"o-6","total":2500}}');
    const timedOut = runProcess(PAYMENT, '--input', '{"orderId":"o-6","total":40}', '--task', CHARGED);
    // THEN
    expect(waited.status).toBe(0);
    expect(waited.stdout).toContain('SUCCEEDED after 1d (virtual time), 3 state transitions');
    expect(timedOut.status).toBe(1);
    expect(timedOut.stdout).toContain('FAILED after 3d (virtual time), 3 state transitions');
    expect(timedOut.stderr).toBe('');
  });
});
