/**
 * Property test of the example's order saga over random fault schedules: every Task of the
 * order workflow (the actions, the compensations, the fraud check, the review's callback, the
 * event publications) is replaced by a stub that, as its schedule says, succeeds, fails with a
 * business error, fails with a transient error k times (recovering when its retry policy
 * allows k retries, exhausted otherwise) or times out.
 *
 * `npm test` runs SAGA_PROPERTY_RUNS schedules (default 300); `npm run test:properties` runs
 * 5,000 (SAGA_PROPERTY_RUNS=n for another count, SAGA_PROPERTY_SEED=s to replay a seed).
 */
import { App } from 'aws-cdk-lib';
import fc from 'fast-check';
import { SILENT_LOGS } from '../bin/example-orders';
import { addOrderProcessing } from '../bin/order-processing-stack';
import { Saga } from '../lib';
import { AslDefinition, AslState, listStates } from '../lib/asl/definition';
import { ExecutionResult, LocalRunner, LocalStateMachine, TaskContext, TaskFailure, TaskHandler } from '../lib/testing';

const RUNS = Number(process.env.SAGA_PROPERTY_RUNS ?? 300);
const SEED = process.env.SAGA_PROPERTY_SEED === undefined ? undefined : Number(process.env.SAGA_PROPERTY_SEED);

const ORDER = {
  orderId: 'ORD-4242',
  placedAt: '2026-11-03T10:00:00Z',
  customer: { id: 'CUST-4242', name: 'Barbara Liskov', email: 'liskov@example.edu' },
  items: [{ sku: 'BOOK-SRE', name: 'Site Reliability Engineering', quantity: 1, unitPriceCents: 3900 }],
  currency: 'USD',
  payment: { method: 'card', token: 'tok_visa' },
  shippingAddress: { line1: '32 Vassar St', city: 'Cambridge', postalCode: '02139', country: 'US' },
};

const LAMBDA_TRANSIENT = ['Lambda.ServiceException', 'Lambda.TooManyRequestsException'];
const EVENTS_TRANSIENT = ['EventBridge.ThrottlingException', 'EventBridge.InternalException'];
const PUBLISH_REFUSED = 'EventBridge.AccessDeniedException';

/** Every Task state of the order workflow: its business error and the transient errors its retry policy retries. */
const TASKS: Record<string, { business: string; transient: string[] }> = {
  ValidateOrder: { business: 'ValidationError', transient: LAMBDA_TRANSIENT },
  CheckFraudRisk: { business: 'States.TaskFailed', transient: ['StepFunctions.SdkClientException'] },
  ReserveInventory: { business: 'OutOfStock', transient: LAMBDA_TRANSIENT },
  'ReviewOrder: wait for decision': { business: 'ApprovalRejected', transient: [...LAMBDA_TRANSIENT, 'ApprovalNotificationFailed'] },
  ChargePayment: { business: 'PaymentDeclined', transient: [...LAMBDA_TRANSIENT, 'PaymentProviderUnavailable', 'PaymentProviderTimeout'] },
  SendConfirmation: { business: 'EmailRejected', transient: LAMBDA_TRANSIENT },
  UpdateAnalytics: { business: 'AnalyticsRejected', transient: LAMBDA_TRANSIENT },
  CreateShipment: { business: 'ShipmentFailed', transient: LAMBDA_TRANSIENT },
  RefundPayment: { business: 'RefundFailed', transient: LAMBDA_TRANSIENT },
  ReleaseInventory: { business: 'ReleaseFailed', transient: LAMBDA_TRANSIENT },
  PublishOrderCompleted: { business: PUBLISH_REFUSED, transient: EVENTS_TRANSIENT },
  PublishOrderInvalid: { business: PUBLISH_REFUSED, transient: EVENTS_TRANSIENT },
  PublishOrderCompensated: { business: PUBLISH_REFUSED, transient: EVENTS_TRANSIENT },
  PublishCompensationFailed: { business: PUBLISH_REFUSED, transient: EVENTS_TRANSIENT },
  PublishNeedsReconciliation: { business: PUBLISH_REFUSED, transient: EVENTS_TRANSIENT },
};
const TASK_NAMES = Object.keys(TASKS);
/** The Orders table's DynamoDB tasks: not faulted here, they run against the runner's local DynamoDB (every status write succeeds). */
const ORDER_STATUS_TASKS = ['RecordOrderPlaced', 'RecordOrderReserved', 'RecordOrderCharged', 'RecordOrderShipped', 'RecordOrderCompensated'];

/** What one Task does in a schedule. */
type Fault =
  | { readonly kind: 'ok' }
  | { readonly kind: 'business' }
  | { readonly kind: 'transient'; readonly error: string; readonly failures: number }
  | { readonly kind: 'timeout' };

interface Schedule {
  readonly reviewRequired: boolean;
  readonly faults: Record<string, Fault>;
}

/** The saga's steps as the example declares them: action, compensation, ambiguous errors. */
const STEPS = [
  { action: 'ReserveInventory', compensation: 'ReleaseInventory', ambiguous: Saga.DEFAULT_AMBIGUOUS_ERRORS },
  { action: 'ReviewOrder', compensation: undefined, ambiguous: [] as readonly string[] },
  { action: 'ChargePayment', compensation: 'RefundPayment', ambiguous: [...Saga.DEFAULT_AMBIGUOUS_ERRORS, 'PaymentProviderTimeout'] },
  { action: 'NotifyCustomer', compensation: undefined, ambiguous: [] as readonly string[] },
  { action: 'CreateShipment', compensation: undefined, ambiguous: Saga.DEFAULT_AMBIGUOUS_ERRORS },
];
const COMPENSATIONS = ['ReleaseInventory', 'RefundPayment'];
const TERMINALS = ['OrderCompleted', 'OrderInvalid', 'OrderSaga failed', 'OrderSaga CompensationFailed', 'OrderSaga NeedsReconciliation'];
const HOOKS = ['PublishOrderCompleted', 'PublishOrderInvalid', 'PublishOrderCompensated', 'PublishCompensationFailed', 'PublishNeedsReconciliation'];
/** The states the model predicts, in order: the rest (records, the check, branches, the review's inner states) is detail. */
const TRACKED = new Set(['ValidateOrder', 'CheckFraudRisk', ...STEPS.map((step) => step.action), ...COMPENSATIONS, ...HOOKS, ...TERMINALS]);

const faultOf = (task: string): fc.Arbitrary<Fault> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constant<Fault>({ kind: 'ok' }) },
    { weight: 1, arbitrary: fc.constant<Fault>({ kind: 'business' }) },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('transient' as const), error: fc.constantFrom(...TASKS[task].transient), failures: fc.integer({ min: 1, max: 4 }) }),
    },
    { weight: 1, arbitrary: fc.constant<Fault>({ kind: 'timeout' }) },
  );

const scheduleArbitrary: fc.Arbitrary<Schedule> = fc.record({
  reviewRequired: fc.boolean(),
  faults: fc.record(Object.fromEntries(TASK_NAMES.map((task) => [task, faultOf(task)])) as Record<string, fc.Arbitrary<Fault>>),
});

/** A schedule where every Task succeeds except those given. */
function only(faults: Record<string, Fault>, reviewRequired = false): Schedule {
  return { reviewRequired, faults: { ...Object.fromEntries(TASK_NAMES.map((task) => [task, { kind: 'ok' } as Fault])), ...faults } };
}

/** Schedules that reach each ending, run before the random ones. */
const ENDINGS: Schedule[] = [
  only({}, true),
  only({ ValidateOrder: { kind: 'business' } }),
  only({ ChargePayment: { kind: 'timeout' } }),
  only({ CreateShipment: { kind: 'timeout' } }),
  only({ CreateShipment: { kind: 'business' }, RefundPayment: { kind: 'business' } }),
];

/** What the model expects of one run. */
interface Expected {
  /** The tracked states, in order. */
  readonly path: string[];
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly error?: string;
  /** For a saga ending: the failure record's parts. */
  readonly saga?: {
    readonly failedStep: string;
    /** The action's final error; a Parallel's is one of its failed branches'. */
    readonly errors: string[];
    readonly ambiguous: boolean;
    readonly needsReconciliation: boolean;
    readonly compensationErrors: Record<string, string>;
    readonly hookError?: string;
  };
  /** The one outcome event published, if any: detail-type and the detail fields the model knows. */
  readonly published?: { readonly detailType: string; readonly detail: Record<string, unknown> };
}

/**
 * The model: what the saga must do for a schedule, derived from the schedule and each Task's
 * retriers (read from the ASL), independently of the engine.
 */
class OrderSagaModel {
  private readonly retriers: Map<string, Array<{ errors: string[]; maxAttempts: number }>>;

  constructor(definition: AslDefinition) {
    this.retriers = new Map(
      listStates(definition).map(({ name, state }) => [
        name,
        ((state as AslState).Retry as Array<{ ErrorEquals: string[]; MaxAttempts?: number }> | undefined ?? []).map((r) => ({ errors: r.ErrorEquals, maxAttempts: r.MaxAttempts ?? 3 })),
      ]),
    );
  }

  /** The final error of a Task under its fault (undefined: it succeeds, possibly after retries). */
  public finalError(task: string, fault: Fault): string | undefined {
    switch (fault.kind) {
      case 'ok':
        return undefined;
      case 'business':
        return TASKS[task].business;
      case 'timeout':
        return 'States.Timeout';
      case 'transient': {
        const retrier = (this.retriers.get(task) ?? []).find((r) => r.errors.includes(fault.error) || r.errors.includes('States.ALL'));
        return retrier && fault.failures <= retrier.maxAttempts ? undefined : fault.error;
      }
    }
  }

  public expect(schedule: Schedule): Expected {
    const { faults } = schedule;
    const fails = (task: string) => this.finalError(task, faults[task]);
    const path: string[] = ['ValidateOrder'];
    const validation = fails('ValidateOrder');
    if (validation === 'ValidationError') {
      path.push('PublishOrderInvalid', 'OrderInvalid');
      const published = fails('PublishOrderInvalid') ? undefined : { detailType: 'OrderFailed', detail: { orderId: ORDER.orderId, reason: 'ValidationError' } };
      return { path, status: 'FAILED', error: 'ValidationError', published };
    }
    if (validation) return { path, status: 'FAILED', error: validation };
    path.push('CheckFraudRisk');
    const fraudCheck = fails('CheckFraudRisk');
    if (fraudCheck) return { path, status: 'FAILED', error: fraudCheck };

    const done: string[] = [];
    for (const step of STEPS) {
      path.push(step.action);
      const errors = this.stepErrors(step.action, schedule);
      if (errors.length === 0) {
        done.push(step.action);
        continue;
      }
      const ambiguous = errors.every((error) => step.ambiguous.includes(error));
      const undo = [...(ambiguous && step.compensation ? [step.compensation] : []), ...STEPS.filter((s) => done.includes(s.action) && s.compensation).map((s) => s.compensation!).reverse()];
      const compensationErrors: Record<string, string> = {};
      for (const compensation of undo) {
        path.push(compensation);
        const error = fails(compensation);
        if (error) compensationErrors[compensation] = error;
      }
      const needsReconciliation = ambiguous && !step.compensation;
      const [hook, terminal, error, detail] = Object.keys(compensationErrors).length > 0
        ? ['PublishCompensationFailed', 'OrderSaga CompensationFailed', Saga.COMPENSATION_FAILED_ERROR, { reason: 'CompensationFailed', failedStep: step.action, needsReconciliation }]
        : needsReconciliation
          ? ['PublishNeedsReconciliation', 'OrderSaga NeedsReconciliation', Saga.NEEDS_RECONCILIATION_ERROR, { reason: 'NeedsReconciliation', failedStep: step.action }]
          : ['PublishOrderCompensated', 'OrderSaga failed', undefined, { failedStep: step.action, ambiguous }];
      path.push(hook, terminal);
      const hookError = fails(hook);
      return {
        path,
        status: 'FAILED',
        error: error ?? (errors.length === 1 ? errors[0] : undefined),
        saga: { failedStep: step.action, errors, ambiguous, needsReconciliation, compensationErrors, hookError },
        published: hookError ? undefined : { detailType: hook === 'PublishOrderCompensated' ? 'OrderCompensated' : 'OrderFailed', detail: { orderId: ORDER.orderId, ...detail } },
      };
    }
    path.push('PublishOrderCompleted', 'OrderCompleted');
    const published = fails('PublishOrderCompleted') ? undefined : { detailType: 'OrderCompleted', detail: { orderId: ORDER.orderId } };
    return { path, status: 'SUCCEEDED', published };
  }

  /** The errors an action fails with: none when it succeeds; for the notification Parallel, each failed branch's. */
  private stepErrors(action: string, schedule: Schedule): string[] {
    const fails = (task: string) => this.finalError(task, schedule.faults[task]);
    switch (action) {
      case 'ReviewOrder': {
        if (!schedule.reviewRequired) return [];
        const error = fails('ReviewOrder: wait for decision');
        // The review's own catch renames its timeout.
        return error === undefined ? [] : [error === 'States.Timeout' ? 'ApprovalExpired' : error];
      }
      case 'NotifyCustomer':
        return ['SendConfirmation', 'UpdateAnalytics'].map(fails).filter((error): error is string => error !== undefined);
      default: {
        const error = fails(action);
        return error === undefined ? [] : [error];
      }
    }
  }
}

/** One run of a schedule: the stubs, and the outcome events they saw published. */
async function runSchedule(runner: LocalRunner, machine: LocalStateMachine, schedule: Schedule): Promise<{ result: ExecutionResult; published: Array<{ detailType: string; detail: Record<string, unknown> }> }> {
  const published: Array<{ detailType: string; detail: Record<string, unknown> }> = [];
  const results: Record<string, (input: any, context: TaskContext) => unknown> = {
    ValidateOrder: () => ({ totalCents: 3900, currency: 'USD' }),
    // the ids the Orders table's status writes record
    ReserveInventory: () => ({ reservationId: 'RES-4242' }),
    ChargePayment: () => ({ chargeId: 'CH-4242' }),
    CreateShipment: () => ({ trackingNumber: 'PW0000004242' }),
    CheckFraudRisk: () => ({
      ExecutionArn: 'arn:aws:states:us-east-1:123456789012:execution:FraudCheck:1',
      Output: { score: schedule.reviewRequired ? 80 : 0, reasons: [], reviewRequired: schedule.reviewRequired },
    }),
    'ReviewOrder: wait for decision': (_input, context) => {
      runner.sendTaskSuccess(context.taskToken!, JSON.stringify({ approvalId: 'ap-1', decision: 'APPROVED', decidedBy: 'reviewer', decidedAt: '2026-11-03T10:05:00Z', comment: null }));
      return { StatusCode: 200 };
    },
  };
  const tasks: Record<string, TaskHandler> = {};
  for (const task of TASK_NAMES) {
    const fault = schedule.faults[task];
    tasks[task] = (input, context) => {
      if (fault.kind === 'business') {
        if (context.taskToken) {
          runner.sendTaskFailure(context.taskToken, TASKS[task].business, 'rejected by the schedule');
          return { StatusCode: 200 };
        }
        throw new TaskFailure(TASKS[task].business, `${task} fails (schedule)`);
      }
      if (fault.kind === 'timeout') throw new TaskFailure('States.Timeout', `${task} timed out (schedule)`);
      if (fault.kind === 'transient' && context.retryCount < fault.failures) throw new TaskFailure(fault.error, `${task} attempt ${context.retryCount + 1} fails (schedule)`);
      if (task.startsWith('Publish')) {
        for (const entry of input.Entries) published.push({ detailType: entry.DetailType, detail: entry.Detail });
        return { Entries: [{ EventId: 'e-1' }], FailedEntryCount: 0 };
      }
      return results[task]?.(input, context) ?? { ok: true, task };
    };
  }
  const result = await machine.run(ORDER, { tasks, environment: SILENT_LOGS });
  return { result, published };
}

/** Checks one run against the invariants and the model. */
function checkRun(model: OrderSagaModel, schedule: Schedule, result: ExecutionResult, published: Array<{ detailType: string; detail: Record<string, unknown> }>): void {
  const expected = model.expect(schedule);
  const last = result.path[result.path.length - 1];

  // Exactly one terminal outcome, and it is the last state (or the uncaught failure of a step before the saga).
  expect(result.status).toBe(expected.status);
  const terminals = result.path.filter((state) => TERMINALS.includes(state));
  expect(terminals.length).toBeLessThanOrEqual(1);
  if (terminals.length === 1) expect(last).toBe(terminals[0]);
  else expect(['ValidateOrder', 'CheckFraudRisk']).toContain(last);

  // The path the model predicts: actions, each due compensation exactly once and in reverse order, the hook, the terminal.
  expect(result.path.filter((state) => TRACKED.has(state))).toEqual(expected.path);
  for (const compensation of COMPENSATIONS) expect(result.path.filter((state) => state === compensation).length).toBeLessThanOrEqual(1);

  if (expected.error) expect(result.error).toBe(expected.error);
  if (expected.saga) {
    const saga = expected.saga;
    // The input and every error kept, in the cause.
    const cause = JSON.parse(result.cause!);
    expect(cause).toMatchObject(ORDER);
    expect(saga.errors).toContain(cause.sagaError.Error);
    if (result.error !== Saga.COMPENSATION_FAILED_ERROR && result.error !== Saga.NEEDS_RECONCILIATION_ERROR) expect(result.error).toBe(cause.sagaError.Error);
    expect(cause.sagaError).toMatchObject({ failedStep: saga.failedStep, ambiguous: saga.ambiguous, needsReconciliation: saga.needsReconciliation });
    expect(Object.fromEntries(Object.entries(cause.sagaError.compensationErrors as Record<string, { Error: string }>).map(([key, value]) => [key, value.Error]))).toEqual(saga.compensationErrors);
    expect(cause.sagaError.hookError?.Error).toBe(saga.hookError);
    // Ambiguous failures are compensated or reconciled: the step's own compensation ran first, or the run does not end clean.
    if (saga.ambiguous) {
      const own = STEPS.find((step) => step.action === saga.failedStep)!.compensation;
      const undone = result.path.filter((state) => COMPENSATIONS.includes(state));
      if (own) expect(undone[0]).toBe(own);
      else expect(last).not.toBe('OrderSaga failed');
    }
  }

  // At most one outcome event, and nothing published as clean that did not end clean.
  expect(published.length).toBeLessThanOrEqual(1);
  expect(published[0]).toEqual(expected.published === undefined ? undefined : expect.objectContaining({ detailType: expected.published.detailType, detail: expect.objectContaining(expected.published.detail) }));
  for (const event of published) {
    if (event.detailType === 'OrderCompleted') expect(last).toBe('OrderCompleted');
    if (event.detailType === 'OrderCompensated') expect(last).toBe('OrderSaga failed');
  }
}

describe(`order saga under random fault schedules (${RUNS} schedules)`, () => {
  let runner: LocalRunner;
  let machine: LocalStateMachine;
  let model: OrderSagaModel;

  beforeAll(() => {
    runner = LocalRunner.fromStack(addOrderProcessing(new App()));
    machine = runner.stateMachine('OrderWorkflow');
    model = new OrderSagaModel(machine.definition);
  });

  afterAll(() => runner.dispose());

  test('every Task of the order workflow is scheduled, and the model knows the saga as the workflow declares it', () => {
    const taskStates = listStates(machine.definition).filter(({ state }) => state.Type === 'Task').map(({ name }) => name);
    expect(taskStates.sort()).toEqual([...TASK_NAMES, ...ORDER_STATUS_TASKS].sort());
    for (const step of STEPS) {
      const state = listStates(machine.definition).find(({ name }) => name === step.action)!.state as AslState;
      const ambiguousCatch = (state.Catch as Array<{ ErrorEquals: string[] }>).find((c) => !c.ErrorEquals.includes('States.ALL'));
      expect(ambiguousCatch?.ErrorEquals ?? []).toEqual([...step.ambiguous]);
    }
  });

  test('each succeeded-then-undone action is compensated exactly once, in reverse order; ambiguous failures are compensated or reconciled; one terminal keeps the input and every error; nothing clean is published that did not end clean', async () => {
    const started = Date.now();
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(scheduleArbitrary, async (schedule) => {
        const { result, published } = await runSchedule(runner, machine, schedule);
        checkRun(model, schedule, result, published);
        const ambiguous = result.cause?.includes('"ambiguous":true') ? ' (ambiguous failure)' : '';
        const outcome = `${result.status} ${result.path[result.path.length - 1]}${ambiguous}`;
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }),
      { numRuns: RUNS, seed: SEED, examples: ENDINGS.map((ending) => [ending]) },
    );
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `${RUNS} fault schedules in ${seconds.toFixed(1)} s (${Math.round(RUNS / seconds)}/s); outcomes:\n` +
        [...outcomes].sort((a, b) => b[1] - a[1]).map(([outcome, n]) => `  ${String(n).padStart(6)}  ${outcome}`).join('\n'),
    );
    // Every ending was reached (the examples make sure of it).
    expect([...outcomes.keys()].map((outcome) => outcome.replace(/^\w+ | \(ambiguous failure\)$/g, ''))).toEqual(expect.arrayContaining(TERMINALS));
  });

  test('the model is not vacuous: a saga that forgot the ambiguous step\'s own compensation would break it', () => {
    // GIVEN the schedule of the issue: the charge times out
    const schedule = only({ ChargePayment: { kind: 'timeout' } });
    // WHEN the run a saga without ambiguity handling would take (only ReleaseInventory, published clean)
    const expected = model.expect(schedule);
    // THEN the model requires the refund first
    expect(expected.path).toEqual(['ValidateOrder', 'CheckFraudRisk', 'ReserveInventory', 'ReviewOrder', 'ChargePayment', 'RefundPayment', 'ReleaseInventory', 'PublishOrderCompensated', 'OrderSaga failed']);
    expect(expected.published?.detail).toMatchObject({ ambiguous: true });
  });
});
