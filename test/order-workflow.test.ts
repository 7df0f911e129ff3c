import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ORDER_PLACED_TRIGGER, readOrders, runExampleOrder, SILENT_LOGS } from '../bin/example-orders';
import { compensationsOf, outcomeOf } from '../bin/order-outcome';
import { addOrderProcessing, OrderProcessingStack, ORDERS_SOURCE } from '../bin/order-processing-stack';
import { readReviewScript, ReviewedRun } from '../bin/order-review';
import { checkAslSchema } from '../lib/validation/asl-schema';
import { aslSnapshot, ExecutionResult, LocalApprovals, LocalRunner, LocalStateMachine, TaskFailure } from '../lib/testing';

const EXAMPLES = path.join(__dirname, '..', 'examples');
const EXPECTED = JSON.parse(readFileSync(path.join(EXAMPLES, 'order-outcomes.json'), 'utf8'));
const ORDERS = new Map(readOrders(path.join(EXAMPLES, 'orders')).map(({ file, order }) => [file, order]));
const ORDER_FILES = [...ORDERS.keys()];
const REVIEWS = readReviewScript(path.join(EXAMPLES, 'review-decisions.json'));
const QUIET = { environment: SILENT_LOGS };

const NO_REVIEW = ['ReviewOrder', 'ReviewOrder: required?', 'ReviewOrder: not required'];
const REVIEWED = ['ReviewOrder', 'ReviewOrder: required?', 'ReviewOrder: wait for decision'];
const fulfilment = (review: string[]) => [
  'ValidateOrder', 'CheckFraudRisk', 'RecordOrderPlaced', 'ReserveInventory', 'RecordOrderReserved', ...review, 'ChargePayment', 'RecordOrderCharged',
  'NotifyCustomer', 'SendConfirmation', 'UpdateAnalytics', 'CreateShipment', 'RecordOrderShipped', 'PublishOrderCompleted', 'OrderCompleted',
];

/** The Orders table, by the construct path of the example's OrderStatusTable. */
const ORDERS_TABLE = 'OrderProcessing/Orders';

/**
 * The row the Orders table holds for an order after its run (against the runner's local
 * DynamoDB): SHIPPED with every id for a fulfilled order, COMPENSATED for one the saga undid,
 * none for an invalid one (it never reaches RecordOrderPlaced).
 */
function expectedRow(order: any, result: ExecutionResult, outcome: string): Record<string, unknown> | undefined {
  if (outcome === 'invalid') return undefined;
  const stamp = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  const row: Record<string, unknown> = {
    orderId: order.orderId,
    executionId: result.executionArn,
    customerId: order.customer.id,
    currency: order.currency,
    totalCents: expect.any(Number),
    placedAt: stamp,
    updatedAt: stamp,
    status: outcome === 'succeeded' ? 'SHIPPED' : 'COMPENSATED',
  };
  if (result.path.includes('RecordOrderReserved')) row.reservationId = expect.stringMatching(/^RES-/);
  if (result.path.includes('RecordOrderCharged')) row.chargeId = expect.stringMatching(/^CH-/);
  if (outcome === 'succeeded') row.trackingNumber = result.output.shipment.trackingNumber;
  return row;
}

function readOrder(file: string): any {
  return ORDERS.get(file);
}

describe('order workflow (example app)', () => {
  let app: App;
  let stack: OrderProcessingStack;
  let runner: LocalRunner;
  let workflow: LocalStateMachine;

  beforeAll(() => {
    app = new App();
    stack = addOrderProcessing(app);
    runner = LocalRunner.fromStack(stack);
    workflow = runner.stateMachine('OrderWorkflow');
  });

  afterAll(() => runner.dispose());

  /** Delivers an order's OrderPlaced event; a flagged order is decided as examples/review-decisions.json says. */
  function runOrder(order: { orderId: string }): Promise<ReviewedRun> {
    return runExampleOrder(runner, LocalApprovals.of(runner), order, REVIEWS, QUIET);
  }

  test('the flattened ASL matches the reviewed snapshot', () => {
    expect(aslSnapshot(workflow.definition)).toMatchSnapshot();
  });

  test('asl-validator accepts every synthesized state machine', () => {
    const machines = runner.stateMachines;
    expect(machines.length).toBeGreaterThan(0);
    for (const machine of machines) expect(checkAslSchema(machine.definition)).toStrictEqual([]);
  });

  test('cdk-nag AwsSolutions and Serverless (EventBusDLQ included) report nothing unacknowledged, and every acknowledgement has a reason', () => {
    // synth ran in beforeAll with both packs as validation plugins: an unacknowledged finding throws ValidationFailed there.
    const acknowledgements = stack.node.findAll().flatMap((construct) =>
      construct.node.metadata.filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).map((entry) => entry.data),
    );
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const reasons of acknowledgements) {
      for (const reason of Object.values<string>(reasons)) expect(reason.length).toBeGreaterThan(30);
    }
  });

  test('handlers are bundled NodejsFunctions with tracing, explicit memory and timeout, and scoped log groups', () => {
    const template = Template.fromStack(stack);
    const all = Object.entries(template.findResources('AWS::Lambda::Function'));
    // the order workflow's stuck-execution check (the EXPRESS fraud check has none) pages through executions: 1 minute
    const [checks, functions] = [all.filter(([id]) => id.includes('StuckExecutionCheck')), all.filter(([id]) => !id.includes('StuckExecutionCheck'))].map((list) => list.map(([, fn]) => fn));
    expect(functions).toHaveLength(11);
    expect(checks).toHaveLength(1);
    expect(checks[0].Properties).toMatchObject({ Runtime: 'nodejs24.x', MemorySize: 256, Timeout: 60, TracingConfig: { Mode: 'Active' } });
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', MemorySize: 256, Timeout: 10, TracingConfig: { Mode: 'Active' } });
    }
    for (const fn of all.map(([, f]) => f)) expect(fn.Properties.LoggingConfig.LogGroup).toBeDefined();
    expect(JSON.stringify(template.toJSON())).not.toContain('AWSLambdaBasicExecutionRole');
  });

  test.each(ORDER_FILES)('%s ends as documented', async (file) => {
    // GIVEN
    const order = readOrder(file);
    const expected = EXPECTED[order.orderId];
    // WHEN
    const { result, review } = await runOrder(order);
    // THEN
    expect(outcomeOf(result)).toBe(expected.outcome);
    if (expected.compensations) expect(compensationsOf(result)).toEqual(expected.compensations);
    if (expected.error) expect(result.error).toBe(expected.error);
    expect(review?.status.toLowerCase()).toBe(expected.review);
    expect(result.retries).toHaveLength(expected.retries ?? 0);
    // AND the Orders table holds what the run's DynamoDB tasks wrote (local DynamoDB, no mocks)
    expect(await runner.dynamoDb.getItem(ORDERS_TABLE, { orderId: order.orderId })).toEqual(expectedRow(order, result, expected.outcome));
    if (expected.outcome === 'succeeded') {
      expect(result.path).toEqual(fulfilment(review ? REVIEWED : NO_REVIEW));
      expect(result.output).toMatchObject({
        orderId: order.orderId,
        reservation: { reservationId: expect.stringMatching(/^RES-/) },
        charge: { chargeId: expect.stringMatching(/^CH-/), currency: order.currency },
        notifications: { confirmation: { messageId: expect.any(String) }, analytics: { recorded: true } },
        shipment: { trackingNumber: expect.stringMatching(/^PW\d{10}$/) },
        fraudCheck: { output: { score: expect.any(Number), reviewRequired: expect.any(Boolean) } },
      });
    }
  });

  test('an invalid order ends in OrderInvalid with the input and every problem in the cause', async () => {
    const order = readOrder('ORD-1003.json');
    const { result } = await runOrder(order);
    expect(result.path).toEqual(['ValidateOrder', 'PublishOrderInvalid', 'OrderInvalid']);
    expect(result.error).toBe('ValidationError');
    const cause = JSON.parse(result.cause!);
    expect(cause.orderId).toBe('ORD-1003');
    const problems = JSON.parse(cause.validationError.Cause).errorMessage;
    expect(problems).toContain('customer.email is not an email address');
    expect(problems).toContain('items[0].quantity must be a whole number from 1 to 100 (got 0)');
    expect(problems).toContain('shippingAddress.line1 is missing');
  });

  test('a refused refund ends in CompensationFailed, keeping the shipment error, the refund error and the order', async () => {
    const { result } = await runOrder(readOrder('ORD-1009.json'));
    const cause = JSON.parse(result.cause!);
    expect(cause.sagaError).toMatchObject({
      failedStep: 'CreateShipment',
      Error: 'ShipmentFailed',
      compensationErrors: { RefundPayment: { Error: 'RefundFailed' } },
    });
    expect(cause.release).toEqual({ releasedReservationId: 'RES-1009' });
    expect(cause.customer.id).toBe('CUST-1015');
  });

  describe('a step whose effect is unknown (it timed out, its reply was lost)', () => {
    const timesOut = (error = 'States.Timeout') => () => {
      throw new TaskFailure(error, 'injected by the test');
    };

    test('ORD-1013: the provider took the charge but never answered: the charge is refunded by its key, then the reservation released, published as such', async () => {
      // GIVEN the provider answers every attempt too late (tok_chargeTimeout)
      const order = readOrder('ORD-1013.json');
      // WHEN
      const { result } = await runOrder(order);
      // THEN
      expect(result.path.slice(result.path.indexOf('ChargePayment'))).toEqual([
        'ChargePayment', 'OrderSaga failure record', 'OrderSaga compensate', 'RefundPayment', 'ReleaseInventory', 'RecordOrderCompensated',
        'OrderSaga compensation check', 'PublishOrderCompensated', 'OrderSaga failed',
      ]);
      expect(result.retries.map((retry) => retry.error)).toEqual(['PaymentProviderTimeout', 'PaymentProviderTimeout', 'PaymentProviderTimeout']);
      const cause = JSON.parse(result.cause!);
      expect(cause.charge).toBeUndefined();
      expect(cause.refund).toEqual({ chargeId: 'CH-1013', status: 'REFUNDED', refundId: 'RF-1013', amountCents: 6400 });
      expect(cause.release).toEqual({ releasedReservationId: 'RES-1013' });
      expect(cause.sagaError).toMatchObject({ failedStep: 'ChargePayment', Error: 'PaymentProviderTimeout', ambiguous: true, needsReconciliation: false });
      expect(result.publishedEvents.map((event) => [event.detailType, event.detail])).toEqual([
        ['OrderCompensated', { orderId: 'ORD-1013', reason: 'PaymentProviderTimeout', failedStep: 'ChargePayment', ambiguous: true }],
      ]);
    });

    test('ChargePayment times out (States.Timeout) after the provider charged: RefundPayment refunds, ReleaseInventory releases, OrderCompensated says it was ambiguous', async () => {
      const result = await workflow.run(readOrder('ORD-1001.json'), { ...QUIET, tasks: { ChargePayment: timesOut() } });
      expect(compensationsOf(result)).toEqual(['RefundPayment', 'ReleaseInventory']);
      expect(outcomeOf(result)).toBe('compensated');
      expect(result.error).toBe('States.Timeout');
      expect(JSON.parse(result.cause!).refund).toMatchObject({ status: 'REFUNDED', refundId: 'RF-1001', amountCents: 4599 });
      expect(result.publishedEvents.map((event) => event.detail)).toEqual([{ orderId: 'ORD-1001', reason: 'States.Timeout', failedStep: 'ChargePayment', ambiguous: true }]);
    });

    test('ChargePayment times out while the provider was down: the refund answers "no such charge" and the run still ends compensated', async () => {
      const result = await workflow.run(readOrder('ORD-1008.json'), { ...QUIET, tasks: { ChargePayment: timesOut('Sandbox.Timedout') } });
      expect(compensationsOf(result)).toEqual(['RefundPayment', 'ReleaseInventory']);
      expect(JSON.parse(result.cause!).refund).toEqual({ chargeId: 'CH-1008', status: 'NO_SUCH_CHARGE', refundId: null, amountCents: 0 });
      expect(result.path[result.path.length - 1]).toBe('OrderSaga failed');
    });

    test('ReserveInventory times out: ReleaseInventory releases the reservation it may have made', async () => {
      const result = await workflow.run(readOrder('ORD-1002.json'), { ...QUIET, tasks: { ReserveInventory: timesOut('Lambda.Unknown') } });
      expect(result.path.slice(-8)).toEqual(['ReserveInventory', 'OrderSaga failure record', 'OrderSaga compensate', 'ReleaseInventory', 'RecordOrderCompensated', 'OrderSaga compensation check', 'PublishOrderCompensated', 'OrderSaga failed']);
      expect(JSON.parse(result.cause!).release).toEqual({ releasedReservationId: 'RES-1002' });
    });

    test('CreateShipment times out: nothing cancels a shipment, so after the refund and the release the run ends in NeedsReconciliation and says so', async () => {
      // WHEN
      const result = await workflow.run(readOrder('ORD-1001.json'), { ...QUIET, tasks: { CreateShipment: timesOut() } });
      // THEN
      expect(result.path.slice(-9)).toEqual([
        'CreateShipment', 'OrderSaga failure record', 'OrderSaga compensate', 'RefundPayment', 'ReleaseInventory', 'RecordOrderCompensated', 'OrderSaga compensation check',
        'PublishNeedsReconciliation', 'OrderSaga NeedsReconciliation',
      ]);
      expect(outcomeOf(result)).toBe('needs reconciliation');
      expect(result.error).toBe('NeedsReconciliation');
      const cause = JSON.parse(result.cause!);
      expect(cause).toMatchObject({ orderId: 'ORD-1001', customer: { id: 'CUST-0042' }, charge: { chargeId: 'CH-1001' } });
      expect(cause.sagaError).toMatchObject({ failedStep: 'CreateShipment', Error: 'States.Timeout', ambiguous: true, needsReconciliation: true, compensationErrors: {} });
      expect(result.publishedEvents.map((event) => [event.detailType, event.detail])).toEqual([
        ['OrderFailed', { orderId: 'ORD-1001', reason: 'NeedsReconciliation', originalError: 'States.Timeout', failedStep: 'CreateShipment' }],
      ]);
    });

    test('a review or a notification that times out needs no undo (ambiguousErrors: []): only the earlier steps are compensated', async () => {
      const result = await workflow.run(readOrder('ORD-1001.json'), { ...QUIET, tasks: { SendConfirmation: timesOut() } });
      expect(result.path.slice(-8)).toEqual(['OrderSaga failure record', 'OrderSaga compensate', 'RefundPayment', 'ReleaseInventory', 'RecordOrderCompensated', 'OrderSaga compensation check', 'PublishOrderCompensated', 'OrderSaga failed']);
      expect(outcomeOf(result)).toBe('compensated');
      expect(JSON.parse(result.cause!).sagaError).toMatchObject({ failedStep: 'NotifyCustomer', Error: 'States.Timeout', ambiguous: false });
    });
  });

  test('the fraud check runs as an EXPRESS child execution and flags a bulk order over 1,000 for review', async () => {
    // GIVEN 25 books at 45.99: a total over 1,000 and a line of 20 units or more
    const { result } = await runOrder(readOrder('ORD-1010.json'));
    // THEN
    expect(result.output.fraudCheck.output).toEqual({
      score: 80,
      reasons: ['order total of 1,000 or more', 'a line of 20 units or more'],
      reviewRequired: true,
    });
    expect(result.childExecutions).toHaveLength(1);
    expect(result.childExecutions[0]).toMatchObject({ status: 'SUCCEEDED', path: ['ScoreRisk', 'RiskHigh', 'FlagForReview'] });
    expect(result.output.fraudCheck.executionArn).toBe(result.childExecutions[0].executionArn);
  });

  test('the fraud check workflow is EXPRESS and every task in it is declared idempotent', () => {
    const template = Template.fromStack(stack);
    const [child] = Object.values(template.findResources('AWS::StepFunctions::StateMachine', { Properties: { StateMachineType: 'EXPRESS' } }));
    expect(child.Metadata['cdk-sfn-workflows:idempotentStates']).toEqual({ ScoreRisk: true });
  });

  test('the transient payment error is retried with the retry count the handler sees', async () => {
    const { result } = await runOrder(readOrder('ORD-1006.json'));
    expect(result.retries.map((retry) => [retry.stateName, retry.error, retry.attempt])).toEqual([
      ['ChargePayment', 'PaymentProviderUnavailable', 1],
      ['ChargePayment', 'PaymentProviderUnavailable', 2],
    ]);
    expect(result.transitions).toBe(fulfilment(NO_REVIEW).length + 2);
  });

  test('a flagged order shows the reviewer what they decide; rejection and expiry compensate, visibly', async () => {
    const approved = await runOrder(readOrder('ORD-1010.json'));
    expect(approved.review).toMatchObject({
      status: 'APPROVED',
      decidedBy: REVIEWS.reviewer,
      summary: { orderId: 'ORD-1010', customerId: 'CUST-1120', totalCents: 114975, currency: 'USD', riskScore: 80 },
    });
    expect(approved.result.output.review).toMatchObject({ decision: 'APPROVED', decidedBy: REVIEWS.reviewer, comment: REVIEWS.decisions['ORD-1010'].comment });
    const rejected = await runOrder(readOrder('ORD-1011.json'));
    expect(JSON.parse(rejected.result.cause!).sagaError).toMatchObject({ failedStep: 'ReviewOrder', Error: 'ApprovalRejected' });
    const expired = await runOrder(readOrder('ORD-1012.json'));
    expect(JSON.parse(expired.result.cause!).sagaError).toMatchObject({ failedStep: 'ReviewOrder', Error: 'ApprovalExpired' });
  });

  test('an OrderPlaced event runs the workflow on its detail, and the run publishes exactly one outcome event', async () => {
    // GIVEN the sample event of examples/events
    const event = JSON.parse(readFileSync(path.join(EXAMPLES, 'events', 'order-placed.json'), 'utf8'));
    // WHEN
    const [execution] = runner.startFromEvent(ORDER_PLACED_TRIGGER, event, QUIET);
    const result = await execution.result;
    // THEN
    expect(result.input).toEqual(event.detail);
    expect(result.publishedEvents).toEqual([{
      eventBusName: expect.stringMatching(/OrdersBus/),
      source: ORDERS_SOURCE,
      detailType: 'OrderCompleted',
      detail: { orderId: 'ORD-1001', totalCents: 4599, currency: 'EUR', trackingNumber: 'PW0000001001' },
      stateName: 'PublishOrderCompleted',
    }]);
  });

  test.each([
    ['ORD-1003.json', 'OrderFailed', { orderId: 'ORD-1003', reason: 'ValidationError' }],
    ['ORD-1005.json', 'OrderCompensated', { orderId: 'ORD-1005', reason: 'PaymentDeclined', failedStep: 'ChargePayment', ambiguous: false }],
    ['ORD-1009.json', 'OrderFailed', { orderId: 'ORD-1009', reason: 'CompensationFailed', originalError: 'ShipmentFailed', failedStep: 'CreateShipment', needsReconciliation: false }],
    ['ORD-1013.json', 'OrderCompensated', { orderId: 'ORD-1013', reason: 'PaymentProviderTimeout', failedStep: 'ChargePayment', ambiguous: true }],
  ])('%s publishes one %s with the reason', async (file, detailType, detail) => {
    const { result } = await runOrder(readOrder(file));
    expect(result.publishedEvents).toHaveLength(1);
    expect(result.publishedEvents[0]).toMatchObject({ detailType, detail });
  });

  test('an event bus that keeps failing does not fail a fulfilled order; the publish error is kept', async () => {
    const result = await workflow.run(readOrder('ORD-1001.json'), {
      ...QUIET,
      tasks: { PublishOrderCompleted: () => { throw new TaskFailure('EventBridge.InternalException', 'bus down'); } },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output.publishError.Error).toBe('EventBridge.InternalException');
    expect(result.retries.filter((retry) => retry.stateName === 'PublishOrderCompleted')).toHaveLength(3);
  });

  test('events that do not match the trigger start nothing: another detail-type, an order without id', () => {
    for (const file of ['order-cancelled.json', 'order-placed-without-order-id.json']) {
      const event = JSON.parse(readFileSync(path.join(EXAMPLES, 'events', file), 'utf8'));
      expect(runner.startFromEvent(ORDER_PLACED_TRIGGER, event, QUIET)).toEqual([]);
    }
  });

  test('failed, timed-out and aborted executions alert a topic through a rule with a dead-letter queue', () => {
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ source: ['aws.states'], detail: Match.objectLike({ status: ['FAILED', 'TIMED_OUT', 'ABORTED'] }) }),
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^OrderAlerts') }, DeadLetterConfig: { Arn: Match.anyValue() }, RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 10 }) })],
    });
  });

  describe('the Orders table (direct DynamoDB tasks, run against the local DynamoDB)', () => {
    test('is one table keyed by orderId, with point-in-time recovery, that the state machine may only put and update items in', () => {
      const template = Template.fromStack(stack);
      const tableId = stack.getLogicalId(stack.orderStatus.table.node.defaultChild as never);
      template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
        Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      });
      const tableStatements = Object.values(template.findResources('AWS::IAM::Policy'))
        .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement)
        .filter((statement: any) => JSON.stringify(statement).includes(tableId));
      expect(tableStatements.map((statement: any) => [statement.Action, statement.Resource])).toEqual(
        expect.arrayContaining([
          ['dynamodb:PutItem', { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dynamodb:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':table/', { Ref: tableId }]] }],
          ['dynamodb:UpdateItem', expect.anything()],
        ]),
      );
      for (const statement of tableStatements) expect(String(statement.Action)).toMatch(/^dynamodb:(PutItem|UpdateItem)$/);
    });

    test('a row taken over by a newer execution is left alone: the conditional update fails (DynamoDB.ConditionalCheckFailedException), the reservation is released', async () => {
      // GIVEN another execution claims the order's row while this one reserves the inventory
      const order = readOrder('ORD-1002.json');
      const takeOver = async () => {
        await runner.dynamoDb.putItem(ORDERS_TABLE, { orderId: order.orderId, status: 'PLACED', executionId: 'arn:aws:states:us-east-1:123456789012:execution:OrderWorkflow:newer' });
        return { reservationId: 'RES-1002', lines: [] };
      };
      // WHEN
      const result = await workflow.run(order, { ...QUIET, functions: { ReserveInventoryFunction: takeOver } });
      // THEN this execution undoes its reservation and cannot mark the newer execution's row: CompensationFailed, visibly
      expect(JSON.parse(result.cause!).sagaError).toMatchObject({ failedStep: 'RecordOrderReserved', Error: 'DynamoDB.ConditionalCheckFailedException' });
      expect(compensationsOf(result)).toEqual(['ReleaseInventory']);
      expect(result.error).toBe('CompensationFailed');
      expect(await runner.dynamoDb.getItem(ORDERS_TABLE, { orderId: order.orderId })).toEqual({
        orderId: order.orderId, status: 'PLACED', executionId: 'arn:aws:states:us-east-1:123456789012:execution:OrderWorkflow:newer',
      });
    });
  });

  test('the task token never reaches a state output, the execution output or the failure cause', async () => {
    const tokens: string[] = [];
    const approvals = LocalApprovals.of(runner);
    const recordToken = (task: { taskToken: string }) => tokens.push(task.taskToken);
    for (const file of ['ORD-1010.json', 'ORD-1011.json', 'ORD-1012.json']) {
      const order = readOrder(file);
      const execution = workflow.start(order, { ...QUIET, functions: approvals.functions });
      recordToken(await execution.waitForTaskToken('ReviewOrder: wait for decision'));
      const request = await approvals.waitForRequest((r) => r.executionArn === execution.executionArn);
      expect(JSON.stringify(request)).not.toContain(tokens[tokens.length - 1]);
      approvals.reject(request.approvalId, { decidedBy: REVIEWS.reviewer });
      const result = await execution.result;
      // The states' outputs and the result never carry the token (the TaskScheduled event's parameters do, as in AWS).
      const visible = JSON.stringify([result.output, result.cause, result.events.map((event) => event.stateExitedEventDetails?.output ?? null)]);
      expect(visible).not.toContain(tokens[tokens.length - 1]);
    }
    expect(new Set(tokens).size).toBe(3);
  });
});
