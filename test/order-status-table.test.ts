import { App, Duration, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { OrderStatusTable } from '../bin/order-status-table';
import { LocalRunner } from '../lib/testing';

/**
 * The example's Orders table tasks in both query languages (the JSONata variant of the example
 * sets the stack's `queryLanguage`), run against the local DynamoDB: the same rows either way.
 * Follows "Call DynamoDB APIs with Step Functions" (connect-ddb.html) and "Transforming data
 * with JSONata" (transforming-data.html).
 */
const INPUT = { orderId: 'ORD-7', customer: { id: 'CUST-7' }, validation: { currency: 'EUR', totalCents: 1250 }, reservation: { reservationId: 'RES-7' }, charge: { chargeId: 'CH-7' } };

function runnerFor(queryLanguage: sfn.QueryLanguage): LocalRunner {
  const stack = new Stack(new App(), 'StatusStack');
  const orders = new OrderStatusTable(stack, 'Orders', { queryLanguage });
  const definition = sfn.Chain.start(orders.placed()).next(orders.transition('PLACED', 'RESERVED', { reservationId: 'reservation.reservationId' }))
    .next(new sfn.Choice(stack, 'Charge?')
      .when(sfn.Condition.and(sfn.Condition.isPresent('$.charge.skip'), sfn.Condition.booleanEquals('$.charge.skip', true)), orders.compensated())
      .otherwise(orders.transition('RESERVED', 'CHARGED', { chargeId: 'charge.chargeId' })));
  new sfn.StateMachine(stack, 'Machine', { definitionBody: sfn.DefinitionBody.fromChainable(definition), timeout: Duration.minutes(5) });
  return LocalRunner.fromStack(stack);
}

describe.each([sfn.QueryLanguage.JSON_PATH, sfn.QueryLanguage.JSONATA])('OrderStatusTable in %s', (queryLanguage) => {
  const runner = runnerFor(queryLanguage);
  afterAll(() => runner.dispose());

  test('placed, reserved and charged: the row carries every id, and the payload passes through unchanged', async () => {
    const result = await runner.stateMachine().run(INPUT);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual(INPUT);
    const row = await runner.dynamoDb.getItem('Orders', { orderId: 'ORD-7' });
    expect(row).toEqual({
      orderId: 'ORD-7', status: 'CHARGED', executionId: result.executionArn, customerId: 'CUST-7', currency: 'EUR', totalCents: 1250,
      reservationId: 'RES-7', chargeId: 'CH-7', placedAt: expect.any(String), updatedAt: expect.any(String),
    });
  });

  test('a row another execution owns is not moved: the update fails with DynamoDB.ConditionalCheckFailedException', async () => {
    // GIVEN another execution claims the row where this one would have placed it
    const other = 'arn:aws:states:us-east-1:123456789012:execution:Machine:other';
    const claimedByOther = async () => {
      await runner.dynamoDb.putItem('Orders', { orderId: 'ORD-8', status: 'PLACED', executionId: other });
      return {};
    };
    // WHEN
    const result = await runner.stateMachine().run({ ...INPUT, orderId: 'ORD-8' }, { tasks: { RecordOrderPlaced: claimedByOther } });
    // THEN
    expect(result.error).toBe('DynamoDB.ConditionalCheckFailedException');
    expect(result.path).toEqual(['RecordOrderPlaced', 'RecordOrderReserved']);
    expect(await runner.dynamoDb.getItem('Orders', { orderId: 'ORD-8' })).toEqual({ orderId: 'ORD-8', status: 'PLACED', executionId: other });
  });

  test('the COMPENSATED mark creates the row when the put never wrote it', async () => {
    const result = await runner.stateMachine().run({ ...INPUT, orderId: 'ORD-9', charge: { skip: true } }, { tasks: { RecordOrderPlaced: () => ({}), RecordOrderReserved: () => ({}) } });
    expect(result.path).toEqual(['RecordOrderPlaced', 'RecordOrderReserved', 'Charge?', 'RecordOrderCompensated']);
    expect(await runner.dynamoDb.getItem('Orders', { orderId: 'ORD-9' })).toEqual({ orderId: 'ORD-9', status: 'COMPENSATED', executionId: result.executionArn, updatedAt: expect.any(String) });
  });
});
