import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { readOrders, runExampleOrder, SILENT_LOGS } from '../bin/example-orders';
import { DOCS_DIAGRAMS, DOCS_RUN_ORDER, docsDiagramSources, dotHash, orderWorkflowDiagram, recordedSourceHash } from '../bin/order-diagrams';
import { addOrderProcessing } from '../bin/order-processing-stack';
import { readReviewScript, ReviewedRun } from '../bin/order-review';
import { WorkflowDiagram } from '../lib/diagram';
import { LocalApprovals, LocalRunner, LocalStateMachine, StateMachineCoverage, TaskFailure } from '../lib/testing';

const ROOT = path.join(__dirname, '..');
const ORDERS = new Map(readOrders(path.join(ROOT, 'examples', 'orders')).map(({ order }) => [order.orderId, order]));
const REVIEWS = readReviewScript(path.join(ROOT, 'examples', 'review-decisions.json'));
const QUIET = { environment: SILENT_LOGS };

/** A task that fails with an error its state does not retry. */
function failsWith(error: string) {
  return () => {
    throw new TaskFailure(error, 'injected by the test');
  };
}

/** The example app in each query language, synthesized once for the whole file. */
const runners = new Map<sfn.QueryLanguage, LocalRunner>();
function exampleRunner(queryLanguage: sfn.QueryLanguage): LocalRunner {
  if (!runners.has(queryLanguage)) runners.set(queryLanguage, LocalRunner.fromStack(addOrderProcessing(new App(), { queryLanguage })));
  return runners.get(queryLanguage)!;
}

describe('order workflow diagrams and coverage (example app)', () => {
  let runner: LocalRunner;

  beforeAll(() => {
    runner = exampleRunner(sfn.QueryLanguage.JSON_PATH);
  });

  afterAll(() => Promise.all([...runners.values()].map((each) => each.dispose())));

  function runOrder(orderId: string): Promise<ReviewedRun> {
    return runExampleOrder(runner, LocalApprovals.of(runner), ORDERS.get(orderId)!, REVIEWS, QUIET);
  }

  test('the Mermaid text of the order workflow matches the reviewed snapshot', () => {
    expect(orderWorkflowDiagram(runner).toMermaid()).toMatchSnapshot();
  });

  test('the Mermaid text of the fraud check workflow matches the reviewed snapshot', () => {
    expect(WorkflowDiagram.fromLocalStateMachine(runner.stateMachine('FraudCheckWorkflow')).toMermaid()).toMatchSnapshot();
  });

  test('the order workflow shows its saga\'s undo path and its review\'s three outcomes', () => {
    const diagram = orderWorkflowDiagram(runner);
    const node = (state: string) => diagram.model.nodes.find((n) => n.stateName === state)!;
    expect(node('RefundPayment')).toMatchObject({ role: 'compensation', title: '↩ RefundPayment', notes: expect.arrayContaining(['compensation: undoes ChargePayment']) });
    expect(node('ReleaseInventory').notes).toContain('compensation: undoes ReserveInventory');
    expect(['OrderSaga failure record', 'OrderSaga compensate', 'OrderSaga compensation check', 'PublishOrderCompensated', 'OrderSaga failed'].map((s) => node(s).role)).toEqual(['undo', 'undo', 'undo', 'undo', 'undo']);
    expect(node('ValidateOrder').role).toBe('step');
    const mermaid = diagram.toMermaid();
    expect(mermaid).toContain(`${node('RefundPayment').id} ==> ${node('ReleaseInventory').id}`);
    expect(mermaid).toMatch(/g0 -->\|"approved or not required"\| s\d+/);
    expect(mermaid).toMatch(/g0 -\.->\|"✗ States.ALL: rejected, expired"\| s\d+/);
    expect(mermaid).toContain(`${node('ReviewOrder: wait for decision').id} -.->|"rejected"|`);
    expect(mermaid).toContain(`${node('ReviewOrder: wait for decision').id} -.->|"✗ States.Timeout: expired"| ${node('ReviewOrder: expired').id}`);
  });

  test(`${DOCS_RUN_ORDER}'s run: the compensations taken in reverse order, the shipment's error caught, the saga's Fail state failed`, async () => {
    // WHEN
    const { result } = await runOrder(DOCS_RUN_ORDER);
    const diagram = orderWorkflowDiagram(runner);
    const run = diagram.withRun(result, { durations: false });
    // THEN
    const mark = (state: string) => run.overlay!.elements.get(diagram.model.stateElements.get(state)!);
    expect(mark('CreateShipment')).toEqual({ status: 'caught', badge: '14', notes: ['✗ ShipmentFailed (caught)'] });
    expect(mark('OrderSaga compensate')).toEqual({ status: 'taken', badge: '16', notes: [] });
    expect(mark('RefundPayment')).toEqual({ status: 'taken', badge: '17', notes: [] });
    expect(mark('ReleaseInventory')).toEqual({ status: 'taken', badge: '18', notes: [] });
    expect(mark('RecordOrderCompensated')).toEqual({ status: 'taken', badge: '19', notes: [] });
    expect(mark('OrderSaga failed')).toEqual({ status: 'failed', badge: '22', notes: ['✗ ShipmentFailed'] });
    expect(mark('OrderCompleted')).toEqual({ status: 'untaken' });
    expect(run.overlay!.subtitle).toBe(`${result.executionArn.split(':').pop()} · FAILED: ShipmentFailed · 22 states entered · 0 retries`);
  });

  test('the README\'s pictures are drawn from the DOT source the code produces today (npm run docs:diagrams)', async () => {
    // GIVEN the run the README shows
    const { result } = await runOrder(DOCS_RUN_ORDER);
    // WHEN
    const sources = docsDiagramSources(runner, result);
    // THEN each committed SVG records the hash of the DOT source it was drawn from
    for (const [name, file] of Object.entries(DOCS_DIAGRAMS) as Array<[keyof typeof DOCS_DIAGRAMS, string]>) {
      const committed = readFileSync(path.join(ROOT, file), 'utf8');
      expect({ file, hash: recordedSourceHash(committed) }).toEqual({ file, hash: dotHash(sources[name]) });
    }
  });

  describe.each([
    ['JSONPath', sfn.QueryLanguage.JSON_PATH],
    ['JSONata', sfn.QueryLanguage.JSONATA],
  ])('coverage in %s: the example orders and fault injections take every state and transition', (_name, queryLanguage) => {
    let runner: LocalRunner;
    let workflow: LocalStateMachine;

    beforeAll(() => {
      runner = exampleRunner(queryLanguage);
      workflow = runner.stateMachine('OrderWorkflow');
    });

    function runOrder(orderId: string): Promise<ReviewedRun> {
      return runExampleOrder(runner, LocalApprovals.of(runner), ORDERS.get(orderId)!, REVIEWS, QUIET);
    }

    test.each([...ORDERS.keys()])('%s', async (orderId) => {
      const { result } = await runOrder(orderId);
      expect(result.status).toMatch(/SUCCEEDED|FAILED/);
    });

    test('a notification branch that fails compensates the payment and the reservation', async () => {
      const result = await workflow.run(ORDERS.get('ORD-1001'), { ...QUIET, tasks: { SendConfirmation: failsWith('EmailRejected') } });
      expect(result.path.slice(result.path.indexOf('OrderSaga failure record'))).toEqual(['OrderSaga failure record', 'OrderSaga compensate', 'RefundPayment', 'ReleaseInventory', 'RecordOrderCompensated', 'OrderSaga compensation check', 'PublishOrderCompensated', 'OrderSaga failed']);
      expect(JSON.parse(result.cause!).sagaError).toMatchObject({ failedStep: 'NotifyCustomer', Error: 'EmailRejected' });
    });

    test('an event bus that refuses the completed order still completes it', async () => {
      const result = await workflow.run(ORDERS.get('ORD-1001'), { ...QUIET, tasks: { PublishOrderCompleted: failsWith('EventBridge.AccessDeniedException') } });
      expect(result.status).toBe('SUCCEEDED');
      expect(result.output.publishError.Error).toBe('EventBridge.AccessDeniedException');
    });

    test('a release that fails after a declined card ends in CompensationFailed, announced', async () => {
      const result = await workflow.run(ORDERS.get('ORD-1005'), { ...QUIET, tasks: { ReleaseInventory: failsWith('WarehouseUnavailable') } });
      expect(result.path.slice(-5)).toEqual(['ReleaseInventory', 'RecordOrderCompensated', 'OrderSaga compensation check', 'PublishCompensationFailed', 'OrderSaga CompensationFailed']);
      expect(result.error).toBe('CompensationFailed');
    });

    test.each([
      ['ReserveInventory', 'OrderSaga failed', false],
      ['CreateShipment', 'OrderSaga NeedsReconciliation', true],
    ])('%s times out: its effect is unknown, and the run ends in %s', async (task, end, needsReconciliation) => {
      const result = await workflow.run(ORDERS.get('ORD-1001'), { ...QUIET, tasks: { [task]: failsWith('States.Timeout') } });
      expect(JSON.parse(result.cause!).sagaError).toMatchObject({ failedStep: task, ambiguous: true, needsReconciliation });
      expect(result.path[result.path.length - 1]).toBe(end);
    });

    test.each<[string, string, string, string, Record<string, () => unknown>?]>([
      ['ORD-1001', 'PublishNeedsReconciliation', 'OrderSaga NeedsReconciliation', 'NeedsReconciliation', { CreateShipment: failsWith('States.Timeout') }],
      ['ORD-1004', 'PublishOrderCompensated', 'OrderSaga failed', 'OutOfStock'],
      ['ORD-1009', 'PublishCompensationFailed', 'OrderSaga CompensationFailed', 'CompensationFailed'],
      ['ORD-1003', 'PublishOrderInvalid', 'OrderInvalid', 'ValidationError'],
    ])('%s: an event bus that refuses %s still ends in %s', async (orderId, publish, end, error, faults = {}) => {
      const result = await workflow.run(ORDERS.get(orderId), { ...QUIET, tasks: { ...faults, [publish]: failsWith('EventBridge.AccessDeniedException') } });
      expect(result.path.slice(-2)).toEqual([publish, end]);
      expect(result.error).toBe(error);
      expect(result.catches.map((c) => [c.stateName, c.next])).toContainEqual([publish, end]);
    });

    test.each<[string, string, string[]]>([
      // The put itself may have happened (a timeout): its compensation marks the row COMPENSATED.
      ['RecordOrderPlaced', 'States.Timeout', ['RecordOrderPlaced', 'OrderSaga failure record', 'OrderSaga compensate', 'RecordOrderCompensated', 'OrderSaga compensation check', 'PublishOrderCompensated', 'OrderSaga failed']],
      // A table that is not there: nothing happened, nothing to undo.
      ['RecordOrderPlaced', 'DynamoDB.ResourceNotFoundException', ['RecordOrderPlaced', 'OrderSaga failure record', 'OrderSaga compensate', 'OrderSaga compensation check', 'PublishOrderCompensated', 'OrderSaga failed']],
      // Another execution took the order over: undo the reservation, mark the row.
      ['RecordOrderReserved', 'DynamoDB.ConditionalCheckFailedException', ['RecordOrderReserved', 'OrderSaga failure record', 'OrderSaga compensate', 'ReleaseInventory', 'RecordOrderCompensated', 'OrderSaga compensation check', 'PublishOrderCompensated', 'OrderSaga failed']],
      ['RecordOrderCharged', 'DynamoDB.ConditionalCheckFailedException', ['RecordOrderCharged', 'OrderSaga failure record', 'OrderSaga compensate', 'RefundPayment', 'ReleaseInventory', 'RecordOrderCompensated', 'OrderSaga compensation check', 'PublishOrderCompensated', 'OrderSaga failed']],
    ])('%s fails with %s: the saga undoes what ran before it', async (task, error, tail) => {
      // an order of its own: no row of an earlier run in the table
      const order = { ...ORDERS.get('ORD-1001'), orderId: `ORD-19${task.length}${error.length}` };
      const result = await workflow.run(order, { ...QUIET, tasks: { [task]: failsWith(error) } });
      expect(result.path.slice(result.path.indexOf(task))).toEqual(tail);
      expect(JSON.parse(result.cause!).sagaError).toMatchObject({ failedStep: task, Error: error });
    });

    test('a status write that fails after the shipment does not undo a fulfilled order; its error is kept', async () => {
      const result = await workflow.run(ORDERS.get('ORD-1001'), { ...QUIET, tasks: { RecordOrderShipped: failsWith('DynamoDB.ConditionalCheckFailedException') } });
      expect(result.status).toBe('SUCCEEDED');
      expect(result.path.slice(-3)).toEqual(['RecordOrderShipped', 'PublishOrderCompleted', 'OrderCompleted']);
      expect(result.output.statusError.Error).toBe('DynamoDB.ConditionalCheckFailedException');
    });

    test('a COMPENSATED mark that fails ends in CompensationFailed, after the other compensations ran', async () => {
      const result = await workflow.run(ORDERS.get('ORD-1005'), { ...QUIET, tasks: { RecordOrderCompensated: failsWith('DynamoDB.ConditionalCheckFailedException') } });
      expect(result.path.slice(-5)).toEqual(['ReleaseInventory', 'RecordOrderCompensated', 'OrderSaga compensation check', 'PublishCompensationFailed', 'OrderSaga CompensationFailed']);
      expect(JSON.parse(result.cause!).sagaError.compensationErrors.RecordOrderCompensated.Error).toBe('DynamoDB.ConditionalCheckFailedException');
    });

  });

  test('the order workflow and its fraud check reach 100% of states and transitions, every Catch and Choice branch included, in both query languages', () => {
    // WHEN
    const report = StateMachineCoverage.global.report({ stateMachines: ['OrderProcessing/OrderWorkflow', 'OrderProcessing/FraudCheckWorkflow'] });
    console.log(`State machine coverage of the example (this file):\n${report.toText()}`);
    // THEN one definition per language of each workflow, each fully covered
    expect(report.machines.map((machine) => machine.title).sort()).toEqual([
      'OrderProcessing/FraudCheckWorkflow', 'OrderProcessing/FraudCheckWorkflow', 'OrderProcessing/OrderWorkflow', 'OrderProcessing/OrderWorkflow',
    ]);
    expect(report.thresholdFailures({ states: 100, transitions: 100, catches: 100, choiceBranches: 100 })).toEqual([]);
    const orders = report.machines.filter((machine) => machine.title === 'OrderProcessing/OrderWorkflow');
    for (const machine of orders) {
      expect([machine.states.total, machine.transitions.total, machine.catches.total, machine.choiceBranches.total]).toEqual([33, 52, 23, 9]);
    }
  });
});
