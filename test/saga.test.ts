import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
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

  test('fails when the last step\'s compensation could never run (no ambiguous errors, no later step), and accepts it with ambiguous errors', () => {
    const stack = newStack();
    const steps = (ambiguousErrors: string[]) => [
      { action: inlineStep(stack, `Reserve${ambiguousErrors.length}`, { resultPath: '$.reservation' }) },
      { action: inlineStep(stack, `Charge${ambiguousErrors.length}`, { resultPath: '$.charge' }), compensation: inlineStep(stack, `Refund${ambiguousErrors.length}`, { resultPath: '$.refund' }), ambiguousErrors },
    ];
    expect(() => new Saga(stack, 'Order', { steps: steps([]) })).toThrow(
      /\[TestStack\/Order\] steps\[1\]\.compensation \(Refund0\) can never run: .*ambiguousErrors is \[\].*Fix: remove the last step's compensation, or list in steps\[1\]\.ambiguousErrors/,
    );
    expect(() => new Saga(stack, 'Order2', { steps: steps(['States.Timeout']) })).not.toThrow();
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
      stateNamePrefix: 'FulfilmentSagaForPremiumCustomersInTheEuropeanUnionAndTheUnitedKingdomA',
      steps: [{ action: inlineStep(stack, long, { resultPath: '$.a' }), compensation: inlineStep(stack, 'UndoA', { resultPath: '$.ua' }) }, { action: inlineStep(stack, 'NextA') }],
    });
    const sagaB = new Saga(stack, 'B', {
      stateNamePrefix: 'FulfilmentSagaForPremiumCustomersInTheEuropeanUnionAndTheUnitedKingdomB',
      steps: [{ action: inlineStep(stack, `${long}B`, { resultPath: '$.b' }) }],
    });
    // WHEN
    new Workflow(stack, 'Workflow', { definition: sfn.Chain.start(sagaA).next(sagaB), timeout: Duration.minutes(5) });
    const definition = LocalRunner.fromStack(stack).stateMachine().definition;
    // THEN
    const names = Object.keys(definition.States);
    expect(names.every((name) => name.length <= 80)).toBe(true);
    // each prefix is too long for any '<prefix> <suffix>' name: every generated name is fitted with a hash
    const generated = names.filter((name) => name.startsWith('FulfilmentSaga'));
    expect(generated.length).toBeGreaterThanOrEqual(8);
    expect(generated.every((name) => name.length <= 80)).toBe(true);
    expect(generated.filter((name) => /~[0-9a-f]{8}$/.test(name)).length).toBeGreaterThanOrEqual(4);
    expect(new Set(names).size).toBe(names.length);
    // the variables the catches assign are within the 80-character limit too
    const variables = Object.values(definition.States).flatMap((state: any) => (state.Catch ?? []).flatMap((c: any) => Object.keys(c.Assign ?? {})));
    expect(variables.length).toBeGreaterThan(0);
    expect(variables.every((name) => name.length <= 80)).toBe(true);
    // and each saga has its own three
    expect(new Set(variables).size).toBe(6);
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

describe('Saga ambiguous failures (the step may have taken effect)', () => {
  let machine: LocalStateMachine;

  beforeAll(() => {
    const stack = newStack();
    new Workflow(stack, 'Saga', { definition: new Saga(stack, 'Order', { steps: sagaSteps(stack) }), timeout: Duration.minutes(5) });
    machine = LocalRunner.fromStack(stack).stateMachine('Saga');
  });

  /** The state that fails when step `name` fails (for the Parallel step: one branch). */
  const failingStateOf = (name: string) => (name === 'Step4' ? 'Step4BranchA' : name);

  test('a step with a compensation that fails ambiguously is compensated first, then the earlier steps, in reverse order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...STEP_NAMES.filter((name) => COMPENSATIONS[name])),
        fc.constantFrom(...Saga.DEFAULT_AMBIGUOUS_ERRORS),
        async (step, error) => {
          // GIVEN step k's action fails with an error that leaves its effect unknown
          const k = STEP_NAMES.indexOf(step) + 1;
          // WHEN
          const result = await machine.run({ orderId: `o-${k}` }, { tasks: { [failingStateOf(step)]: failWith(error) } });
          // THEN its own compensation runs first, then those of k-1..1, and the saga ends compensated
          const expected = STEP_NAMES.slice(0, k).map((name) => COMPENSATIONS[name]).filter(Boolean).reverse();
          expect(result.path.filter((state) => state.startsWith('Undo'))).toEqual(expected);
          expect(result.path.slice(result.path.indexOf('Order failure record'), result.path.indexOf('Order compensate') + 2)).toEqual(['Order failure record', 'Order compensate', COMPENSATIONS[step]]);
          expect(result.path[result.path.length - 1]).toBe('Order failed');
          expect(result.error).toBe(error);
          const cause = JSON.parse(result.cause!);
          expect(cause.orderId).toBe(`o-${k}`);
          expect(cause.sagaError).toMatchObject({ failedStep: step, Error: error, ambiguous: true, needsReconciliation: false, compensationErrors: {} });
        },
      ),
      { numRuns: 40 },
    );
  });

  test.each(['Step2', 'Step6'])('%s, which has no compensation, fails ambiguously: the earlier steps are compensated and the saga ends in NeedsReconciliation', async (step) => {
    // GIVEN
    const k = STEP_NAMES.indexOf(step) + 1;
    // WHEN
    const result = await machine.run({ orderId: 'o-7' }, { tasks: { [step]: failWith('States.Timeout') } });
    // THEN
    const expected = STEP_NAMES.slice(0, k - 1).map((name) => COMPENSATIONS[name]).filter(Boolean).reverse();
    expect(result.path.filter((state) => state.startsWith('Undo'))).toEqual(expected);
    expect(result.path.slice(-2)).toEqual(['Order compensation check', 'Order NeedsReconciliation']);
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe(Saga.NEEDS_RECONCILIATION_ERROR);
    const cause = JSON.parse(result.cause!);
    expect(cause.orderId).toBe('o-7');
    expect(cause.sagaError).toMatchObject({ failedStep: step, Error: 'States.Timeout', ambiguous: true, needsReconciliation: true, compensationErrors: {} });
    expect(cause.sagaError.Cause).toContain('injected by the test');
  });

  test('the same steps failing with a business error end compensated, as before', async () => {
    const result = await machine.run({}, { tasks: { Step6: failWith('ShipmentFailed') } });
    expect(result.path[result.path.length - 1]).toBe('Order failed');
    expect(result.path.filter((state) => state.startsWith('Undo'))).toEqual(['Undo5', 'Undo4', 'Undo3', 'Undo1']);
    expect(JSON.parse(result.cause!).sagaError).toMatchObject({ failedStep: 'Step6', ambiguous: false, needsReconciliation: false });
  });

  test('a compensation that fails after an ambiguous failure ends in CompensationFailed, the record still saying what needs reconciling', async () => {
    const result = await machine.run({}, { tasks: { Step6: failWith('Sandbox.Timedout'), Undo3: failWith('Undo3Failed') } });
    expect(result.error).toBe(Saga.COMPENSATION_FAILED_ERROR);
    expect(result.path.filter((state) => state.startsWith('Undo'))).toEqual(['Undo5', 'Undo4', 'Undo3', 'Undo1']);
    expect(JSON.parse(result.cause!).sagaError).toMatchObject({
      failedStep: 'Step6',
      Error: 'Sandbox.Timedout',
      ambiguous: true,
      needsReconciliation: true,
      compensationErrors: { Undo3: { Error: 'Undo3Failed' } },
    });
  });

  test('an ambiguous step whose own compensation fails ends in CompensationFailed with that error', async () => {
    const result = await machine.run({}, { tasks: { Step3: failWith('Lambda.Unknown'), Undo3: failWith('Undo3Failed') } });
    expect(result.path.filter((state) => state.startsWith('Undo'))).toEqual(['Undo3', 'Undo1']);
    expect(result.error).toBe(Saga.COMPENSATION_FAILED_ERROR);
    expect(JSON.parse(result.cause!).sagaError.compensationErrors).toEqual({ Undo3: expect.objectContaining({ Error: 'Undo3Failed' }) });
  });

  test('a retried transient error that recovers is no failure at all', async () => {
    let attempts = 0;
    const result = await machine.run({}, {
      tasks: {
        Step3: () => {
          if (++attempts < 3) throw new TaskFailure('Lambda.ServiceException', 'internal error');
          return { ok: true };
        },
      },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.retries.map((retry) => [retry.stateName, retry.error])).toEqual([['Step3', 'Lambda.ServiceException'], ['Step3', 'Lambda.ServiceException']]);
  });
});

describe('Saga ambiguousErrors per step', () => {
  const stack = newStack();
  const saga = new Saga(stack, 'Order', {
    steps: [
      { action: inlineStep(stack, 'Reserve', { resultPath: '$.reserve' }), compensation: inlineStep(stack, 'Release', { resultPath: '$.release' }) },
      // a handler error that leaves the charge unknown, on top of the defaults
      {
        action: inlineStep(stack, 'Charge', { resultPath: '$.charge' }),
        compensation: inlineStep(stack, 'Refund', { resultPath: '$.refund' }),
        ambiguousErrors: [...Saga.DEFAULT_AMBIGUOUS_ERRORS, 'ProviderTimeout'],
      },
      // a notification: nothing to undo or reconcile, whatever the error
      { action: inlineStep(stack, 'Notify', { resultPath: sfn.JsonPath.DISCARD }), ambiguousErrors: [] },
      // every failure of the shipment may have created one
      { action: inlineStep(stack, 'Ship', { resultPath: '$.ship' }), ambiguousErrors: [sfn.Errors.ALL] },
    ],
    onNeedsReconciliation: inlineStep(stack, 'AskOperator', { resultPath: '$.ticket' }),
  });
  new Workflow(stack, 'Saga', { definition: saga, timeout: Duration.minutes(5) });
  const machine = LocalRunner.fromStack(stack).stateMachine('Saga');

  test('a handler error listed as ambiguous runs the step\'s own compensation', async () => {
    const result = await machine.run({}, { tasks: { Charge: failWith('ProviderTimeout') } });
    expect(result.path.slice(-4)).toEqual(['Refund', 'Release', 'Order compensation check', 'Order failed']);
    expect(JSON.parse(result.cause!).sagaError).toMatchObject({ failedStep: 'Charge', Error: 'ProviderTimeout', ambiguous: true });
  });

  test('an error not listed is an ordinary failure: only the earlier steps are compensated', async () => {
    const result = await machine.run({}, { tasks: { Charge: failWith('PaymentDeclined') } });
    expect(result.path).not.toContain('Refund');
    expect(result.path.slice(-3)).toEqual(['Release', 'Order compensation check', 'Order failed']);
  });

  test('a step with ambiguousErrors [] that times out ends compensated, not in NeedsReconciliation', async () => {
    const result = await machine.run({}, { tasks: { Notify: failWith('States.Timeout') } });
    expect(result.error).toBe('States.Timeout');
    expect(result.path.slice(-4)).toEqual(['Refund', 'Release', 'Order compensation check', 'Order failed']);
    expect(JSON.parse(result.cause!).sagaError).toMatchObject({ failedStep: 'Notify', ambiguous: false, needsReconciliation: false });
  });

  test('with [States.ALL], any failure of a step without compensation needs reconciliation, announced by onNeedsReconciliation', async () => {
    // GIVEN
    const seen: unknown[] = [];
    // WHEN
    const result = await machine.run({ orderId: 'o-9' }, { tasks: { Ship: failWith('CarrierRefused'), AskOperator: (event) => { seen.push(event.input.sagaError); return { ticketId: 'T-1' }; } } });
    // THEN
    expect(result.path.slice(-5)).toEqual(['Refund', 'Release', 'Order compensation check', 'AskOperator', 'Order NeedsReconciliation']);
    expect(result.error).toBe(Saga.NEEDS_RECONCILIATION_ERROR);
    expect(seen).toEqual([expect.objectContaining({ failedStep: 'Ship', Error: 'CarrierRefused', ambiguous: true, needsReconciliation: true })]);
    expect(JSON.parse(result.cause!)).toMatchObject({ orderId: 'o-9', ticket: { ticketId: 'T-1' } });
  });

  test('a failing onNeedsReconciliation keeps its error and still ends in NeedsReconciliation', async () => {
    const result = await machine.run({}, { tasks: { Ship: failWith('States.Timeout'), AskOperator: failWith('TicketSystemDown') } });
    expect(result.error).toBe(Saga.NEEDS_RECONCILIATION_ERROR);
    expect(JSON.parse(result.cause!).sagaError).toMatchObject({ Error: 'States.Timeout', hookError: { Error: 'TicketSystemDown' } });
  });

  test('the ASL catches the ambiguous errors before States.ALL into the one failure record, flagging them in variables; a [States.ALL] step has no ordinary catch', () => {
    const states = machine.definition.States;
    /** A catch as [errors, next, flags set by its Assign]. */
    const catches = (name: string) =>
      (states[name].Catch as any[]).map((c: any) => {
        const flags = Object.fromEntries(Object.entries(c.Assign).map(([key, value]) => [key.replace(/^Order(FailedStep|Ambiguous|NeedsReconciliation)$/, '$1'), value]));
        return [c.ErrorEquals, c.Next, c.ResultPath, flags];
      });
    expect(catches('Charge')).toEqual([
      [[...Saga.DEFAULT_AMBIGUOUS_ERRORS, 'ProviderTimeout'], 'Order failure record', '$.sagaError', { FailedStep: 'Charge', Ambiguous: true, NeedsReconciliation: false }],
      [['States.ALL'], 'Order failure record', '$.sagaError', { FailedStep: 'Charge', Ambiguous: false, NeedsReconciliation: false }],
    ]);
    expect(catches('Notify')).toEqual([[['States.ALL'], 'Order failure record', '$.sagaError', { FailedStep: 'Notify', Ambiguous: false, NeedsReconciliation: false }]]);
    expect(catches('Ship')).toEqual([[['States.ALL'], 'Order failure record', '$.sagaError', { FailedStep: 'Ship', Ambiguous: true, NeedsReconciliation: true }]]);
    expect(states['Order failure record']).toMatchObject({ Type: 'Pass', Next: 'Order compensate', ResultPath: '$.sagaError' });
    // the Choice starts at the step's own compensation only for an ambiguous failure of a compensated step
    const choice = states['Order compensate'];
    expect(choice.Choices).toEqual([
      // one rule per compensation, latest first: its own step's ambiguous failure, or a plain failure of a later step
      {
        Or: [
          { And: [{ Variable: '$.sagaError.failedStep', StringEquals: 'Charge' }, { Variable: '$.sagaError.ambiguous', BooleanEquals: true }] },
          { Variable: '$.sagaError.failedStep', StringEquals: 'Notify' },
          { Variable: '$.sagaError.failedStep', StringEquals: 'Ship' },
        ],
        Next: 'Refund',
      },
      {
        Or: [
          { And: [{ Variable: '$.sagaError.failedStep', StringEquals: 'Reserve' }, { Variable: '$.sagaError.ambiguous', BooleanEquals: true }] },
          { Variable: '$.sagaError.failedStep', StringEquals: 'Charge' },
        ],
        Next: 'Release',
      },
    ]);
    // an ordinary failure of the first step has nothing to undo
    expect(choice.Default).toBe('Order compensation check');
  });
});

describe('Saga refuses what would overwrite its error record', () => {
  const step = (stack: Stack, id: string, resultPath?: string) => inlineStep(stack, id, resultPath === undefined ? {} : { resultPath });

  test.each([
    ['$.sagaError', '$.sagaError'],
    ['$.sagaError.refund', '$.sagaError'],
    ["$['sagaError']", '$.sagaError'],
    ['$.order', '$.order.sagaError'],
  ])('fails when a compensation has resultPath %s (errorPath %s)', (resultPath, errorPath) => {
    const stack = newStack();
    expect(() => new Saga(stack, 'Order', { errorPath, steps: [{ action: step(stack, 'Charge', '$.charge'), compensation: step(stack, 'Refund', resultPath) }] })).toThrow(
      new RegExp(`\\[TestStack/Order\\] steps\\[0\\]\\.compensation \\(Refund\\) has resultPath '${escape(resultPath)}', which writes into the saga's error record '${escape(errorPath)}'.*Fix: give it a resultPath outside`),
    );
  });

  test('fails when an action writes into the record, naming the step, the path and the fix', () => {
    const stack = newStack();
    expect(() => new Saga(stack, 'Order', { steps: [{ action: step(stack, 'Reserve', '$.r') }, { action: step(stack, 'ChargePayment', '$.sagaError.charge') }] })).toThrow(
      /\[TestStack\/Order\] steps\[1\]\.action \(ChargePayment\) has resultPath '\$\.sagaError\.charge', which overlaps the saga's error record '\$\.sagaError'.*Fix: give it a resultPath outside '\$\.sagaError' \(for example '\$\.chargePayment'\)/,
    );
  });

  test('fails when a hook writes into the record', () => {
    const stack = newStack();
    expect(() => new Saga(stack, 'Order', { steps: [{ action: step(stack, 'Charge', '$.charge') }], onNeedsReconciliation: step(stack, 'Ask', '$.sagaError.ticket') })).toThrow(
      /onNeedsReconciliation \(Ask\) has resultPath '\$\.sagaError\.ticket', which writes into the saga's error record/,
    );
  });

  test('fails when a compensation narrows the state with outputPath', () => {
    const stack = newStack();
    const refund = inlineStep(stack, 'Refund', { resultPath: '$.refund', outputPath: '$.refund' });
    expect(() => new Saga(stack, 'Order', { steps: [{ action: step(stack, 'Charge', '$.charge'), compensation: refund }] })).toThrow(
      /steps\[0\]\.compensation \(Refund\) has outputPath '\$\.refund', which drops the rest of the state.*Fix: remove outputPath/,
    );
  });

  test('accepts an action whose result replaces the state, paths beside the record and DISCARD', () => {
    const stack = newStack();
    expect(() => new Saga(stack, 'Order', {
      steps: [
        { action: step(stack, 'Reserve'), compensation: step(stack, 'Release', sfn.JsonPath.DISCARD) },
        { action: step(stack, 'Charge', '$.sagaErrorCount'), compensation: step(stack, 'Refund', '$.saga.refund') },
      ],
    })).not.toThrow();
  });

  test.each([
    [['States.ALL', 'States.Timeout'], /lists States\.ALL with other errors \(States\.Timeout\); Step Functions requires it alone\. Fix: pass \[sfn\.Errors\.ALL\] alone/],
    [['States.Timeout', ' '], /steps\[0\]\.ambiguousErrors holds " ", which is not an error name/],
  ])('fails when ambiguousErrors is %j', (ambiguousErrors, message) => {
    const stack = newStack();
    expect(() => new Saga(stack, 'Order', { steps: [{ action: step(stack, 'Charge', '$.charge'), ambiguousErrors }] })).toThrow(message);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('Saga advice', () => {
  test('warns when onNeedsReconciliation can never run, and leaves NeedsReconciliation out of the ASL', () => {
    // GIVEN every step that can fail ambiguously has a compensation
    const stack = newStack();
    const saga = new Saga(stack, 'Order', {
      steps: [
        { action: inlineStep(stack, 'Charge', { resultPath: '$.charge' }), compensation: inlineStep(stack, 'Refund', { resultPath: '$.refund' }) },
        { action: inlineStep(stack, 'Notify', { resultPath: sfn.JsonPath.DISCARD }), ambiguousErrors: [] },
      ],
      onNeedsReconciliation: inlineStep(stack, 'AskOperator', { resultPath: '$.ticket' }),
    });
    // WHEN
    new Workflow(stack, 'Saga', { definition: saga, timeout: Duration.minutes(5) });
    // THEN
    Annotations.fromStack(stack).hasWarning('/TestStack/Order', Match.stringLikeRegexp('onNeedsReconciliation never runs'));
    const states = Object.keys(LocalRunner.fromStack(stack).stateMachine('Saga').definition.States);
    expect(states).not.toContain('Order NeedsReconciliation');
    expect(states).not.toContain('AskOperator');
  });
});
