import { Duration, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import fc from 'fast-check';
import { Saga, SagaStep, Workflow } from '../lib';
import { LocalRunner, LocalStateMachine, TaskFailure, TaskHandler } from '../lib/testing';
import { inlineStep, newStack } from './helpers';

const STEP_NAMES = ['Step1', 'Step2', 'Step3', 'Step4', 'Step5', 'Step6'];
/** Steps 2 and 6 have no compensation; step 4 is a Parallel state. */
const COMPENSATIONS: Record<string, string | undefined> = { Step1: 'Undo1', Step3: 'Undo3', Step4: 'Undo4', Step5: 'Undo5' };

function sagaSteps(scope: Construct): SagaStep[] {
  return STEP_NAMES.map((name) => {
    const action = name === 'Step4'
      ? new sfn.Parallel(scope, name, { resultPath: sfn.JsonPath.DISCARD })
        .branch(inlineStep(scope, 'Step4BranchA'))
        .branch(inlineStep(scope, 'Step4BranchB'))
      : inlineStep(scope, name, { resultPath: `$.${name}` });
    const undo = COMPENSATIONS[name];
    return { action, compensation: undo ? inlineStep(scope, undo, { resultPath: `$.${undo}` }) : undefined };
  });
}

function failWith(error: string): TaskHandler {
  return () => {
    throw new TaskFailure(error, `${error} injected by the test`);
  };
}

describe('Saga', () => {
  let machine: LocalStateMachine;

  beforeAll(() => {
    const stack = newStack();
    new Workflow(stack, 'Saga', { definition: new Saga(stack, 'Order', { steps: sagaSteps(stack) }), timeout: Duration.minutes(5) });
    machine = LocalRunner.fromStack(stack).stateMachine('Saga');
  });

  test('runs every action in order when nothing fails', async () => {
    const result = await machine.run({ orderId: 'o-1' });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.path).toEqual(['Step1', 'Step2', 'Step3', 'Step4', 'Step4BranchA', 'Step4BranchB', 'Step5', 'Step6']);
    expect(result.output).toMatchObject({ orderId: 'o-1', Step1: { ok: true }, Step6: { ok: true } });
  });

  test('when step k fails, the compensations of steps k-1..1 run once each in reverse order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: STEP_NAMES.length }), async (k) => {
        // GIVEN the action of step k fails (for the Parallel step: one branch)
        const failing = STEP_NAMES[k - 1] === 'Step4' ? 'Step4BranchB' : STEP_NAMES[k - 1];
        // WHEN
        const result = await machine.run({ orderId: `o-${k}` }, { tasks: { [failing]: failWith('StepFailed') } });
        // THEN
        const expected = STEP_NAMES.slice(0, k - 1).map((name) => COMPENSATIONS[name]).filter(Boolean).reverse();
        const ran = result.path.filter((state) => state.startsWith('Undo'));
        expect(ran).toEqual(expected);
        expect(result.status).toBe('FAILED');
        expect(result.error).toBe('StepFailed');
        expect(result.path[result.path.length - 1]).toBe('Order failed');
        const cause = JSON.parse(result.cause!);
        expect(cause.sagaError).toMatchObject({ failedStep: STEP_NAMES[k - 1], Error: 'StepFailed', compensationErrors: {} });
        expect(cause.orderId).toBe(`o-${k}`);
      }),
      { numRuns: 30 },
    );
  });

  test('a failed compensation does not stop the others and ends in CompensationFailed with both errors', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: STEP_NAMES.length }),
        fc.subarray(Object.values(COMPENSATIONS) as string[], { minLength: 1 }),
        async (k, failingUndos) => {
          // GIVEN step k fails and so do some compensations
          const tasks: Record<string, TaskHandler> = { [STEP_NAMES[k - 1] === 'Step4' ? 'Step4BranchA' : STEP_NAMES[k - 1]]: failWith('StepFailed') };
          for (const undo of failingUndos) tasks[undo] = failWith(`${undo}Failed`);
          // WHEN
          const result = await machine.run({ orderId: 'o-1' }, { tasks });
          // THEN every due compensation ran once, failed or not
          const due = STEP_NAMES.slice(0, k - 1).map((name) => COMPENSATIONS[name]).filter((undo): undo is string => !!undo).reverse();
          expect(result.path.filter((state) => state.startsWith('Undo'))).toEqual(due);
          const failedDue = due.filter((undo) => failingUndos.includes(undo));
          const cause = JSON.parse(result.cause!);
          if (failedDue.length === 0) {
            expect(result.error).toBe('StepFailed');
            return;
          }
          expect(result.error).toBe('CompensationFailed');
          expect(result.path[result.path.length - 1]).toBe('Order CompensationFailed');
          expect(cause.sagaError.Error).toBe('StepFailed');
          expect(Object.keys(cause.sagaError.compensationErrors).sort()).toEqual([...failedDue].sort());
          for (const undo of failedDue) expect(cause.sagaError.compensationErrors[undo].Error).toBe(`${undo}Failed`);
        },
      ),
      { numRuns: 40 },
    );
  });

  test('a compensation that fails transiently is retried and still runs only once in the path', async () => {
    let attempts = 0;
    const result = await machine.run({}, {
      tasks: {
        Step3: failWith('StepFailed'),
        Undo1: () => {
          attempts++;
          if (attempts === 1) throw new TaskFailure('Lambda.TooManyRequestsException', 'Rate exceeded');
          return { undone: true };
        },
      },
    });
    expect(result.error).toBe('StepFailed');
    expect(result.retries).toEqual([expect.objectContaining({ stateName: 'Undo1', error: 'Lambda.TooManyRequestsException', attempt: 1 })]);
    expect(result.path.filter((state) => state === 'Undo1')).toHaveLength(1);
  });
});

describe('Saga construction', () => {
  function workflowOf(stack: Stack, saga: Saga): Workflow {
    return new Workflow(stack, `Workflow${saga.node.id}`, { definition: saga, timeout: Duration.minutes(5) });
  }

  test('fails when the saga has no steps', () => {
    expect(() => new Saga(newStack(), 'Order', { steps: [] })).toThrow(/\[TestStack\/Order\] Saga has no steps\. Fix: pass at least one/);
  });

  test('fails when an action is a chain of states', () => {
    const stack = newStack();
    const chain = inlineStep(stack, 'A').next(inlineStep(stack, 'B'));
    expect(() => new Saga(stack, 'Order', { steps: [{ action: chain }] })).toThrow(
      /steps\[0\]\.action .* is not a single Task, Parallel or Map state.*Fix: .*wrap a sequence of states in a sfn.Parallel/,
    );
  });

  test('fails when a compensation would replace the whole state', () => {
    const stack = newStack();
    expect(() => new Saga(stack, 'Order', { steps: [{ action: inlineStep(stack, 'Reserve'), compensation: inlineStep(stack, 'Release') }] })).toThrow(
      /steps\[0\]\.compensation \(Release\) replaces the whole state.*Fix: give it a resultPath such as '\$\.refund', or sfn\.JsonPath\.DISCARD/,
    );
  });

  test('fails when a hook would replace the state (and with it the failure record)', () => {
    const stack = newStack();
    expect(() => new Saga(stack, 'Order', { steps: [{ action: inlineStep(stack, 'Reserve') }], onCompensated: inlineStep(stack, 'Announce') })).toThrow(
      /onCompensated \(Announce\) replaces the whole state/,
    );
  });

  test('fails when two steps share a state name', () => {
    const stack = newStack();
    const saga = new Saga(stack, 'Order', {
      steps: [{ action: inlineStep(new Construct(stack, 'A'), 'Charge') }, { action: inlineStep(new Construct(stack, 'B'), 'Charge') }],
    });
    expect(() => workflowOf(stack, saga)).toThrow(/State with name 'Charge' occurs in both/);
  });

  test('every failed compensation keeps its own error, even when their names make the same JSONPath key', async () => {
    // GIVEN compensation names that all become the key Undo_A ('Undo A', 'Undo-A') or would collide with its suffix ('Undo_A_3')
    const stack = newStack();
    const undoNames = ['Undo A', 'Undo_A_3', 'Undo-A'];
    const steps = undoNames.map((undo, index) => ({ action: inlineStep(stack, `Do${index}`), compensation: inlineStep(stack, undo, { resultPath: sfn.JsonPath.DISCARD }) }));
    workflowOf(stack, new Saga(stack, 'Order', { steps: [...steps, { action: inlineStep(stack, 'Last') }] }));
    const machine = LocalRunner.fromStack(stack).stateMachine();
    // WHEN the last action and every compensation fail
    const tasks = Object.fromEntries(undoNames.map((name, index) => [name, failWith(`Undo${index}Failed`)]));
    const result = await machine.run({}, { tasks: { ...tasks, Last: failWith('LastFailed') } });
    // THEN one record per compensation
    const errors = JSON.parse(result.cause!).sagaError.compensationErrors as Record<string, { Error: string }>;
    expect(Object.values(errors).map((e) => e.Error).sort()).toEqual(['Undo0Failed', 'Undo1Failed', 'Undo2Failed']);
  });

  test('generated state names stay within 80 characters and unique, even for two sagas with long names in one machine', () => {
    // GIVEN
    const stack = newStack();
    const long = 'ReserveInventoryInTheWarehouseClosestToTheCustomerAddress';
    const sagaA = new Saga(stack, 'A', {
      stateNamePrefix: 'FulfilmentSagaForPremiumCustomersInTheEuropeanUnion',
      steps: [{ action: inlineStep(stack, long, { resultPath: '$.a' }), compensation: inlineStep(stack, 'UndoA', { resultPath: '$.ua' }) }, { action: inlineStep(stack, 'NextA') }],
    });
    const sagaB = new Saga(stack, 'B', {
      stateNamePrefix: 'FulfilmentSagaForPremiumCustomersInTheEuropeanUnionB',
      steps: [{ action: inlineStep(stack, `${long}B`, { resultPath: '$.b' }) }],
    });
    // WHEN
    new Workflow(stack, 'Workflow', { definition: sfn.Chain.start(sagaA).next(sagaB), timeout: Duration.minutes(5) });
    const definition = LocalRunner.fromStack(stack).stateMachine().definition;
    // THEN
    const names = Object.keys(definition.States);
    expect(names.every((name) => name.length <= 80)).toBe(true);
    expect(names.filter((name) => name.includes('~'))).toHaveLength(2);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('Saga failure hooks', () => {
  const stack = newStack();
  const saga = new Saga(stack, 'Order', {
    steps: [
      { action: inlineStep(stack, 'Reserve', { resultPath: '$.reserve' }), compensation: inlineStep(stack, 'Release', { resultPath: '$.release' }) },
      { action: inlineStep(stack, 'Charge', { resultPath: '$.charge' }) },
    ],
    onCompensated: inlineStep(stack, 'AnnounceCompensated', { resultPath: '$.announced' }),
    onCompensationFailed: inlineStep(stack, 'OpenTicket', { resultPath: '$.ticket' }),
  });
  new Workflow(stack, 'Saga', { definition: saga, timeout: Duration.minutes(5) });
  const machine = LocalRunner.fromStack(stack).stateMachine('Saga');

  test('onCompensated runs once, after the compensations, with the failure record', async () => {
    const seen: unknown[] = [];
    const result = await machine.run({}, {
      tasks: { Charge: failWith('PaymentDeclined'), AnnounceCompensated: (event) => seen.push(event.input.sagaError) },
    });
    expect(result.path.slice(-4)).toEqual(['Release', 'Order compensation check', 'AnnounceCompensated', 'Order failed']);
    expect(seen).toEqual([expect.objectContaining({ failedStep: 'Charge', Error: 'PaymentDeclined' })]);
    expect(result.error).toBe('PaymentDeclined');
  });

  test('onCompensationFailed runs instead when a compensation failed', async () => {
    const result = await machine.run({}, { tasks: { Charge: failWith('PaymentDeclined'), Release: failWith('ReleaseFailed') } });
    expect(result.path.slice(-3)).toEqual(['Order compensation check', 'OpenTicket', 'Order CompensationFailed']);
    expect(result.path).not.toContain('AnnounceCompensated');
  });

  test('a failing hook does not hide the outcome: its error is kept and the saga still fails as it would', async () => {
    const result = await machine.run({}, { tasks: { Charge: failWith('PaymentDeclined'), AnnounceCompensated: failWith('BusUnavailable') } });
    expect(result.error).toBe('PaymentDeclined');
    expect(JSON.parse(result.cause!).sagaError.hookError.Error).toBe('BusUnavailable');
  });
});
