import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { readOrders, runExampleOrder, SILENT_LOGS } from '../bin/example-orders';
import { compensationsOf, outcomeOf } from '../bin/order-outcome';
import { addOrderProcessing } from '../bin/order-processing-stack';
import { readReviewScript, ReviewedRun } from '../bin/order-review';
import { checkAslSchema } from '../lib/validation/asl-schema';
import { validateDefinition } from '../lib/validation/validate-definition';
import { aslSnapshot, LocalApprovals, LocalRunner } from '../lib/testing';

/**
 * The example app in JSONata (what bin/app.ts deploys) against its JSONPath form (what
 * test/order-workflow.test.ts covers in depth): every example order ends the same way, through
 * the same states, with the same output or the same failure record.
 */

const EXAMPLES = path.join(__dirname, '..', 'examples');
const EXPECTED = JSON.parse(readFileSync(path.join(EXAMPLES, 'order-outcomes.json'), 'utf8'));
const ORDERS = readOrders(path.join(EXAMPLES, 'orders'));
const REVIEWS = readReviewScript(path.join(EXAMPLES, 'review-decisions.json'));

describe('the order workflow in JSONata and in JSONPath', () => {
  // cdk-nag's AwsSolutions and Serverless packs run at synth (addOrderProcessing adds them): an unacknowledged finding would throw here.
  const jsonata = LocalRunner.fromStack(addOrderProcessing(new App(), { queryLanguage: sfn.QueryLanguage.JSONATA }));
  const jsonPath = LocalRunner.fromStack(addOrderProcessing(new App()));
  afterAll(() => Promise.all([jsonata.dispose(), jsonPath.dispose()]));

  function run(runner: LocalRunner, order: { orderId: string }): Promise<ReviewedRun> {
    return runExampleOrder(runner, LocalApprovals.of(runner), order, REVIEWS, { environment: SILENT_LOGS });
  }

  test('the JSONata state machines are JSONata throughout, pass asl-validator and every rule, and match the reviewed snapshot', () => {
    for (const machine of jsonata.stateMachines) {
      const definition = machine.definition as any;
      expect(definition.QueryLanguage).toBe('JSONata');
      expect(JSON.stringify(definition)).not.toMatch(/"(Parameters|ResultPath|ResultSelector|InputPath|OutputPath|ErrorPath|CausePath)"|\.\$"/);
      expect(checkAslSchema(definition)).toStrictEqual([]);
      expect(validateDefinition({ definition, stateMachineType: definition.States.ScoreRisk ? 'EXPRESS' : 'STANDARD' }).filter((f) => f.severity === 'error')).toStrictEqual([]);
    }
    expect(aslSnapshot(jsonata.stateMachine('OrderWorkflow').definition)).toMatchSnapshot();
  });

  test('the two forms have the same states, with the same names and types', () => {
    const states = (runner: LocalRunner) => aslStates(runner.stateMachine('OrderWorkflow').definition);
    expect(states(jsonata)).toEqual(states(jsonPath));
  });

  test.each(ORDERS.map(({ file, order }) => [file, order] as const))('%s: the same documented outcome, path and output in both', async (_, order) => {
    // GIVEN the order's OrderPlaced event, delivered to each form of the app
    const expected = EXPECTED[order.orderId];
    // WHEN
    const [a, b] = [await run(jsonata, order), await run(jsonPath, order)];
    // THEN both end as documented, through the same states
    for (const { result, review } of [a, b]) {
      expect(outcomeOf(result)).toBe(expected.outcome);
      if (expected.compensations) expect(compensationsOf(result)).toEqual(expected.compensations);
      if (expected.error) expect(result.error).toBe(expected.error);
      expect(review?.status.toLowerCase()).toBe(expected.review);
      expect(result.retries).toHaveLength(expected.retries ?? 0);
    }
    expect(a.result.path).toEqual(b.result.path);
    expect(a.result.error).toEqual(b.result.error);
    const published = (run: ReviewedRun) => stable(run.result.publishedEvents.map((event) => [event.detailType, event.detail]));
    expect(published(a)).toEqual(published(b));
    if (a.result.status === 'SUCCEEDED') {
      expect(stable(a.result.output)).toEqual(stable(b.result.output));
      expect(a.result.output).toMatchObject({
        orderId: order.orderId,
        reservation: { reservationId: expect.stringMatching(/^RES-/) },
        charge: { chargeId: expect.stringMatching(/^CH-/) },
        notifications: { confirmation: { messageId: expect.any(String) }, analytics: { recorded: true } },
        shipment: { trackingNumber: expect.stringMatching(/^PW\d{10}$/) },
        fraudCheck: { output: { score: expect.any(Number), reviewRequired: expect.any(Boolean) } },
      });
    } else {
      // The cause: the state with the failure record under sagaError (validationError for an invalid order), in both.
      expect(stable(JSON.parse(a.result.cause!))).toEqual(stable(JSON.parse(b.result.cause!)));
    }
  });
});

/** Each state's name and type, in every branch and item processor. */
function aslStates(definition: any): Array<[string, string]> {
  const found: Array<[string, string]> = [];
  const pending = [definition];
  while (pending.length > 0) {
    const container = pending.pop();
    for (const [name, state] of Object.entries<any>(container.States)) {
      found.push([name, state.Type]);
      pending.push(...(state.Branches ?? []), ...(state.ItemProcessor ? [state.ItemProcessor] : []));
    }
  }
  return found.sort(([a], [b]) => a.localeCompare(b));
}

/**
 * A value with what differs from one execution to another masked: execution ARNs (the names
 * differ), approval ids (a hash of the execution) and decision times, in values and in JSON
 * text nested in them (an error's Cause).
 */
function stable(value: unknown): unknown {
  const text = JSON.stringify(value)
    .replace(/arn:aws:states:[^"\\]*/g, '<execution>')
    .replace(/[0-9a-f]{64}/g, '<approvalId>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>');
  return JSON.parse(text);
}
