/**
 * Trivial in-process answers for the Task states of the example order workflow, by state
 * name: enough for the happy path (no review, every step succeeds), and nothing else. The
 * benchmark gives the same answers to both interpreters so that it measures the interpreters.
 */
export const ORDER_TASK_STUBS: Record<string, () => unknown> = {
  ValidateOrder: () => ({ valid: true, totalCents: 4599, currency: 'EUR' }),
  CheckFraudRisk: () => ({ ExecutionArn: 'arn:aws:states:us-east-1:123456789012:execution:FraudCheck:1', Output: { score: 0, reviewRequired: false }, Status: 'SUCCEEDED' }),
  ReserveInventory: () => ({ reservationId: 'r-1' }),
  'ReviewOrder: wait for decision': () => ({}),
  ChargePayment: () => ({ chargeId: 'c-1' }),
  SendConfirmation: () => ({ sent: true }),
  UpdateAnalytics: () => ({ recorded: true }),
  CreateShipment: () => ({ shipmentId: 's-1', trackingNumber: 'T-1' }),
  PublishOrderCompleted: () => ({ Entries: [{ EventId: 'e-1' }], FailedEntryCount: 0 }),
  RefundPayment: () => ({}),
  ReleaseInventory: () => ({}),
  PublishOrderCompensated: () => ({ Entries: [{ EventId: 'e-2' }], FailedEntryCount: 0 }),
  PublishCompensationFailed: () => ({ Entries: [{ EventId: 'e-3' }], FailedEntryCount: 0 }),
  PublishOrderInvalid: () => ({ Entries: [{ EventId: 'e-4' }], FailedEntryCount: 0 }),
  // The Orders table's DynamoDB tasks: UpdateItem/PutItem answer {} (plus HTTP metadata) without ReturnValues.
  RecordOrderPlaced: () => ({}),
  RecordOrderReserved: () => ({}),
  RecordOrderCharged: () => ({}),
  RecordOrderShipped: () => ({}),
  RecordOrderCompensated: () => ({}),
};

/**
 * The context object aws-local-stepfunctions is given: it does not build `$$.State` or a real
 * `$$.Execution` itself, which the order workflow's Lambda payloads read.
 */
export const INTERPRETER_CONTEXT = {
  Execution: { Id: 'arn:aws:states:us-east-1:123456789012:execution:OrderWorkflow:bench', Name: 'bench', StartTime: '2026-01-01T00:00:00.000Z' },
  State: { Name: 'State', EnteredTime: '2026-01-01T00:00:00.000Z', RetryCount: 0 },
  StateMachine: { Id: 'arn:aws:states:us-east-1:123456789012:stateMachine:OrderWorkflow', Name: 'OrderWorkflow' },
};
