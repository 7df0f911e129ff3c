import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { LocalRunner } from '../lib/testing';
import { codeFunction, newStack } from './helpers';

/**
 * A JSONata state machine written with aws-cdk-lib's own JSONata APIs (`sfn.Pass.jsonata`,
 * `tasks.LambdaInvoke.jsonata`, `sfn.Choice.jsonata`, `sfn.Map.jsonata`, `assign`) runs end to
 * end on its real Lambda code.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
 */
describe('LocalRunner: a JSONata workflow built with aws-cdk-lib', () => {
  const stack = newStack();
  const priceLine = codeFunction(stack, 'PriceLine', 'exports.handler = async (e) => ({ sku: e.sku, cents: e.quantity * (e.sku === "MUG" ? 1200 : 4500) });');
  const start = sfn.Pass.jsonata(stack, 'Start', {
    assign: { customer: '{% $states.input.customer %}', currency: 'EUR' },
    outputs: { lines: '{% $states.input.lines %}' },
  });
  const priceEach = sfn.Map.jsonata(stack, 'PriceEach', {
    items: sfn.ProvideItems.jsonata('{% $states.input.lines %}'),
    maxConcurrency: 2,
    outputs: '{% $states.result %}',
    assign: { totalCents: '{% $sum($states.result.cents) %}' },
  }).itemProcessor(
    tasks.LambdaInvoke.jsonata(stack, 'Price', {
      lambdaFunction: priceLine,
      payload: sfn.TaskInput.fromObject({ sku: '{% $states.input.sku %}', quantity: '{% $states.input.quantity %}' }),
      outputs: '{% $states.result.Payload %}',
    }),
  );
  const decide = sfn.Choice.jsonata(stack, 'Large?')
    .when(
      sfn.Condition.jsonata('{% $totalCents >= 10000 %}'),
      sfn.Pass.jsonata(stack, 'NeedsReview', { outputs: { customer: '{% $customer %}', total: "{% $formatNumber($totalCents / 100, '0.00') & ' ' & $currency %}", review: true } }),
    )
    .otherwise(sfn.Pass.jsonata(stack, 'Accepted', { outputs: { customer: '{% $customer %}', review: false, lines: '{% $count($states.input) %}' } }));
  new sfn.StateMachine(stack, 'Orders', {
    queryLanguage: sfn.QueryLanguage.JSONATA,
    definitionBody: sfn.DefinitionBody.fromChainable(start.next(priceEach).next(decide)),
    timeout: Duration.minutes(5),
  });
  const machine = LocalRunner.fromStack(stack).stateMachine('Orders');

  test('variables assigned in one state decide a later Choice; Map results come from the real Lambda code', async () => {
    // WHEN
    const result = await machine.run({ customer: 'c-7', lines: [{ sku: 'BOOK', quantity: 2 }, { sku: 'MUG', quantity: 1 }] });
    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(result.path).toEqual(['Start', 'PriceEach', 'Price', 'Price', 'Large?', 'NeedsReview']);
    expect(result.output).toEqual({ customer: 'c-7', total: '102.00 EUR', review: true });
  });

  test('the other branch, and the variables recorded on the states that assigned them', async () => {
    const result = await machine.run({ customer: 'c-8', lines: [{ sku: 'MUG', quantity: 2 }] });
    expect(result.output).toEqual({ customer: 'c-8', review: false, lines: 1 });
    const priceEachExit = result.events.find((event) => event.type === 'MapStateExited');
    expect(priceEachExit?.stateExitedEventDetails?.assignedVariables).toEqual({ totalCents: '2400' });
  });

  test('a JSONata expression that yields nothing fails with States.QueryEvaluationError, as AWS does', async () => {
    const result = await machine.run({ customer: 'c-9' });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.QueryEvaluationError');
    expect(result.cause).toMatch(/^An error occurred while executing the state 'Start' \(entered at the event id #2\)\. The JSONata expression '\$states\.input\.lines' specified for the field 'Output\/lines' returned nothing \(undefined\)\.$/);
    expect(result.events.map((event) => event.type)).toEqual(['ExecutionStarted', 'PassStateEntered', 'EvaluationFailed', 'ExecutionFailed']);
  });
});
