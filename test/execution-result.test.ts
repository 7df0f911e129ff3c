import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AslDefinition } from '../lib/asl/definition';
import { ExecutionResult, LocalRunner, TaskFailure } from '../lib/testing';

const HISTORIES = path.join(__dirname, 'fixtures', 'history');

/** A fixture as `aws stepfunctions get-execution-history --execution-arn …` prints it. */
function history(file: string): { events: Array<Record<string, any>> } {
  return JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8'));
}

describe('ExecutionResult.fromHistory reads GetExecutionHistory as the AWS CLI prints it (https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html)', () => {
  describe('a Lambda task that fails twice and then succeeds: the RetryPath of the LambdaSQSIntegration example in "Using mocked service integrations for testing in Step Functions Local" (https://docs.aws.amazon.com/step-functions/latest/dg/sfn-local-test-sm-exec.html)', () => {
    const result = ExecutionResult.fromHistory(history('lambda-retry-then-success.json'));

    test('the path names each state once, retries not repeated', () => {
      expect(result.path).toEqual(['LambdaState', 'SQSState']);
    });

    test('each TaskScheduled after a TaskFailed is a retry, with that failure\'s error and cause', () => {
      expect(result.retries).toEqual([
        { stateName: 'LambdaState', error: 'Lambda.ResourceNotReadyException', cause: 'Lambda resource is not ready.', attempt: 1 },
        {
          stateName: 'LambdaState',
          error: 'Lambda.TooManyRequestsException',
          cause: expect.stringMatching(/^Rate Exceeded\. \(Service: AWSLambda; Status Code: 429; Error Code: TooManyRequestsException;/),
          attempt: 2,
        },
      ]);
      expect(result.catches).toEqual([]);
    });

    test('billed transitions are the states entered plus the retries', () => {
      expect(result.transitions).toBe(4);
    });

    test('status, input and output come from ExecutionStarted and ExecutionSucceeded, parsed from their JSON text', () => {
      expect(result.status).toBe('SUCCEEDED');
      expect(result.input).toEqual({ orderId: 'o-1001', items: 2 });
      expect(result.output).toMatchObject({ MessageId: '3bcb6e8e-8b51-4375-b0bc-1a59812c6e51', SdkHttpMetadata: { HttpStatusCode: 200 } });
      expect(result.error).toBeUndefined();
      expect(result.cause).toBeUndefined();
    });

    test('timestamps printed as ISO 8601 with an offset become Dates', () => {
      expect(result.events[0].timestamp).toEqual(new Date('2026-03-02T09:15:30.101Z'));
      expect(result.events[17].type).toBe('ExecutionSucceeded');
      expect(result.events[17].timestamp.getTime() - result.events[0].timestamp.getTime()).toBeGreaterThan(6000);
    });
  });

  describe('a caught error: a bare Lambda ARN declines the card and the Catch goes to a fallback state', () => {
    const result = ExecutionResult.fromHistory(history('catch-to-fallback.json'));

    test('the catch names the failing state, the LambdaFunctionFailed error and cause, and the catcher\'s Next', () => {
      expect(result.catches).toEqual([
        { stateName: 'Charge card', error: 'PaymentDeclined', cause: expect.stringContaining('"errorMessage":"Card ending 4242 was declined by the issuer"'), next: 'Notify customer' },
      ]);
      expect(result.retries).toEqual([]);
    });

    test('the path goes through the fallback to the end, and the execution succeeds', () => {
      expect(result.path).toEqual(['Charge card', 'Notify customer', 'Order cancelled']);
      expect(result.transitions).toBe(3);
      expect(result.status).toBe('SUCCEEDED');
      expect(result.output.error).toEqual({ Error: 'PaymentDeclined', Cause: result.catches[0].cause });
    });

    test('timestamps printed as epoch seconds (the wire format) become Dates', () => {
      expect(result.events[0].timestamp).toEqual(new Date('2026-03-02T11:02:07.480Z'));
    });
  });

  describe('a Parallel state with two branches whose events interleave', () => {
    const result = ExecutionResult.fromHistory(history('parallel-two-branches.json'));

    test('the path lists the Parallel state, then its branches\' states in the order they were entered', () => {
      expect(result.path).toEqual(['Reserve', 'Reserve stock', 'Book courier', 'Confirm order']);
    });

    test('a retry inside a branch belongs to the branch\'s state, even with the other branch\'s events in between', () => {
      expect(result.retries).toEqual([
        { stateName: 'Reserve stock', error: 'Lambda.TooManyRequestsException', cause: expect.stringContaining('Rate Exceeded.'), attempt: 1 },
      ]);
      expect(result.catches).toEqual([]);
      expect(result.transitions).toBe(5);
    });

    test('the output is the next state\'s, after the branches\' array', () => {
      expect(result.status).toBe('SUCCEEDED');
      expect(result.output).toEqual({ orderId: 'o-1003', status: 'RESERVED' });
    });
  });

  describe('an inline Map state with three iterations run one after another', () => {
    const result = ExecutionResult.fromHistory(history('map-three-iterations.json'));

    test('the path has the item processor\'s state once per iteration', () => {
      expect(result.path).toEqual(['Pack items', 'Pack item', 'Pack item', 'Pack item', 'Ship order']);
    });

    test('a retry in the second iteration is counted as the first retry of that entry', () => {
      expect(result.retries).toEqual([
        { stateName: 'Pack item', error: 'Lambda.ServiceException', cause: expect.stringContaining('Status Code: 500'), attempt: 1 },
      ]);
      expect(result.transitions).toBe(6);
    });

    test('the execution succeeds with the last state\'s output', () => {
      expect(result.status).toBe('SUCCEEDED');
      expect(result.output).toEqual({ orderId: 'o-1004', parcels: ['P-1', 'P-2', 'P-3'] });
      expect(result.lastStateInput).toMatchObject({ packed: [{ parcel: 'P-1' }, { parcel: 'P-2' }, { parcel: 'P-3' }] });
    });
  });

  describe('a failed execution: an error no retrier or catcher names, after one retry', () => {
    const result = ExecutionResult.fromHistory(history('failed-execution.json'), { executionArn: 'arn:aws:states:us-east-1:123456789012:execution:Orders:o-1005' });

    test('status, error and cause come from ExecutionFailed; there is no output', () => {
      expect(result.status).toBe('FAILED');
      expect(result.error).toBe('CardExpired');
      expect(JSON.parse(result.cause!)).toMatchObject({ errorType: 'CardExpired', errorMessage: 'Card ending 0005 expired in 2025-12' });
      expect(result.output).toBeUndefined();
      expect(result.executionArn).toBe('arn:aws:states:us-east-1:123456789012:execution:Orders:o-1005');
    });

    test('path, retries and transitions stop at the failing state, whose input is the last state input', () => {
      expect(result.path).toEqual(['Validate order', 'Charge card']);
      expect(result.retries).toEqual([{ stateName: 'Charge card', error: 'Lambda.ServiceException', cause: expect.stringContaining('ServiceException'), attempt: 1 }]);
      expect(result.catches).toEqual([]);
      expect(result.transitions).toBe(3);
      expect(result.lastStateInput).toEqual({ orderId: 'o-1005', total: 980, card: '0005', validated: true });
    });
  });

  describe('what it accepts and refuses', () => {
    test('the events array alone, as well as the response', () => {
      expect(ExecutionResult.fromHistory(history('failed-execution.json').events).path).toEqual(['Validate order', 'Charge card']);
    });

    test('a history that has not ended is RUNNING', () => {
      // GIVEN the first page of a longer history
      const firstPage = history('map-three-iterations.json').events.slice(0, 12);
      // WHEN
      const result = ExecutionResult.fromHistory({ events: firstPage });
      // THEN
      expect(result.status).toBe('RUNNING');
      expect(result.path).toEqual(['Pack items', 'Pack item', 'Pack item']);
    });

    test('fails when there are no events', () => {
      expect(() => ExecutionResult.fromHistory({ events: [] })).toThrow(/The history has no events/);
    });

    test('fails when ExecutionStarted is missing (a later page only)', () => {
      const laterPage = history('lambda-retry-then-success.json').events.slice(5);
      expect(() => ExecutionResult.fromHistory({ events: laterPage })).toThrow(/no ExecutionStarted event: pass every page/);
    });
  });
});

/** An order workflow with a Parallel (a throttled branch task), an inline Map and a Catch to a Fail state. */
const ORDER: AslDefinition = {
  StartAt: 'Reserve',
  States: {
    Reserve: {
      Type: 'Parallel',
      Branches: [
        {
          StartAt: 'Reserve stock',
          States: {
            'Reserve stock': {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke',
              Parameters: { FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:reserve-stock', 'Payload.$': '$' },
              TimeoutSeconds: 10,
              Retry: [{ ErrorEquals: ['Lambda.TooManyRequestsException'], IntervalSeconds: 1, MaxAttempts: 3 }],
              ResultSelector: { 'reservationId.$': '$.Payload.reservationId' },
              End: true,
            },
          },
        },
        { StartAt: 'Book courier', States: { 'Book courier': { Type: 'Pass', Result: { courier: 'DHL' }, End: true } } },
      ],
      ResultPath: '$.reservations',
      Next: 'Pack items',
    },
    'Pack items': {
      Type: 'Map',
      ItemsPath: '$.items',
      MaxConcurrency: 1,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'Pack item',
        States: {
          'Pack item': {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:pack-item', 'Payload.$': '$' },
            TimeoutSeconds: 30,
            Retry: [{ ErrorEquals: ['Lambda.ServiceException'], IntervalSeconds: 2, MaxAttempts: 2 }],
            OutputPath: '$.Payload',
            End: true,
          },
        },
      },
      ResultPath: '$.packed',
      Next: 'Charge card',
    },
    'Charge card': {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:charge-card', 'Payload.$': '$' },
      TimeoutSeconds: 10,
      Catch: [{ ErrorEquals: ['PaymentDeclined'], ResultPath: '$.error', Next: 'Notify customer' }],
      ResultSelector: { 'chargeId.$': '$.Payload.chargeId' },
      ResultPath: '$.payment',
      Next: 'Order complete',
    },
    'Notify customer': { Type: 'Pass', Next: 'Order cancelled' },
    'Order cancelled': { Type: 'Fail', Error: 'OrderCancelled', Cause: 'The card was declined.' },
    'Order complete': { Type: 'Succeed' },
  },
};

/** Runs ORDER locally: Reserve stock is throttled twice, the second item's packing fails once, the card is declined on request. */
async function runOrderLocally(declined: boolean): Promise<ExecutionResult> {
  const runner = LocalRunner.fromDefinition(ORDER, {
    name: 'Orders',
    tasks: {
      'Reserve stock': (_request, { retryCount }) => {
        if (retryCount < 2) throw new TaskFailure('Lambda.TooManyRequestsException', 'Rate Exceeded.');
        return { Payload: { reservationId: 'r-1' } };
      },
      'Pack item': ({ Payload }, { retryCount }) => {
        if (Payload.sku === 'SKU-2' && retryCount === 0) throw new TaskFailure('Lambda.ServiceException', 'Lambda is unable to process the request at this time.');
        return { Payload: { sku: Payload.sku, parcel: `P-${Payload.sku}` } };
      },
      'Charge card': () => {
        if (declined) throw new TaskFailure('PaymentDeclined', 'Card ending 4242 was declined');
        return { Payload: { chargeId: 'ch-1' } };
      },
    },
  });
  try {
    return await runner.stateMachine().run({ orderId: 'o-7', items: [{ sku: 'SKU-1' }, { sku: 'SKU-2' }, { sku: 'SKU-3' }] }, { name: `o-7-${declined}`, seed: 'same' });
  } finally {
    runner.dispose();
  }
}

/** The history as `run --json` or the AWS CLI would print it, read back. */
function rereadAsPrinted(result: ExecutionResult): ExecutionResult {
  const text = JSON.stringify({ events: result.events }, null, 4);
  expect(text).toMatch(/"timestamp": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"/);
  return ExecutionResult.fromHistory(JSON.parse(text), { executionArn: result.executionArn });
}

/** What a test of the order workflow asserts, whether the result is local or re-read from a history. */
function expectOrderRun(result: ExecutionResult, declined: boolean): void {
  expect(result.path).toEqual([
    'Reserve', 'Reserve stock', 'Book courier', 'Pack items', 'Pack item', 'Pack item', 'Pack item', 'Charge card',
    ...(declined ? ['Notify customer', 'Order cancelled'] : ['Order complete']),
  ]);
  expect(result.retries).toEqual([
    { stateName: 'Reserve stock', error: 'Lambda.TooManyRequestsException', cause: 'Rate Exceeded.', attempt: 1 },
    { stateName: 'Reserve stock', error: 'Lambda.TooManyRequestsException', cause: 'Rate Exceeded.', attempt: 2 },
    { stateName: 'Pack item', error: 'Lambda.ServiceException', cause: 'Lambda is unable to process the request at this time.', attempt: 1 },
  ]);
  expect(result.catches).toEqual(declined ? [{ stateName: 'Charge card', error: 'PaymentDeclined', cause: 'Card ending 4242 was declined', next: 'Notify customer' }] : []);
  expect(result.transitions).toBe(declined ? 13 : 12);
  expect(result.status).toBe(declined ? 'FAILED' : 'SUCCEEDED');
  expect(result.error).toBe(declined ? 'OrderCancelled' : undefined);
  expect(result.cause).toBe(declined ? 'The card was declined.' : undefined);
  if (!declined) expect(result.output).toMatchObject({ orderId: 'o-7', payment: { chargeId: 'ch-1' }, packed: [{ parcel: 'P-SKU-1' }, { parcel: 'P-SKU-2' }, { parcel: 'P-SKU-3' }] });
}

describe('the same assertions hold on a local run and on its history re-read as GetExecutionHistory JSON (https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html)', () => {
  test.each([
    ['succeeds', false],
    ['is declined and fails', true],
  ])('an order that %s', async (_title, declined) => {
    // GIVEN a local run
    const local = await runOrderLocally(declined);
    // WHEN its history is printed and read back
    const reread = rereadAsPrinted(local);
    // THEN
    expectOrderRun(local, declined);
    expectOrderRun(reread, declined);
    expect({ path: reread.path, retries: reread.retries, catches: reread.catches, transitions: reread.transitions, status: reread.status, output: reread.output, error: reread.error, cause: reread.cause })
      .toEqual({ path: local.path, retries: local.retries, catches: local.catches, transitions: local.transitions, status: local.status, output: local.output, error: local.error, cause: local.cause });
    expect(reread.input).toEqual(local.input);
    expect(reread.lastStateInput).toEqual(local.lastStateInput);
  });
});
