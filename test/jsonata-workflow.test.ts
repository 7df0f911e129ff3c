import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { ApprovalService, HumanApproval, LambdaStep, NestedWorkflowStep, PublishEventStep, Saga, StepDefaults, Workflow } from '../lib';
import { checkAslSchema } from '../lib/validation/asl-schema';
import { validateDefinition } from '../lib/validation/validate-definition';
import { Severity } from '../lib/validation/rule';
import { LocalApprovals, LocalRunner, LocalStateMachine, TaskFailure, TaskHandler } from '../lib/testing';
import { inlineFunction, inlineStep, newStack } from './helpers';

// The JSONata forms follow "Transforming data with JSONata in Step Functions" and "Passing data
// between states with variables":
// https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
// https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html

const JSONATA = sfn.QueryLanguage.JSONATA;
const REVIEWER = 'arn:aws:sts::123456789012:assumed-role/Reviewer/dana';
const keep = (field: string) => `{% $merge([$states.input, {"${field}": $states.result}]) %}`;

/** A JSONata order saga: reserve, review (a HumanApproval), charge; release and refund compensate. */
function jsonataOrderStack(app = new App()): { stack: Stack; approval: HumanApproval } {
  const stack = new Stack(app, 'JsonataOrders');
  const steps = new StepDefaults({ timeout: Duration.seconds(10), queryLanguage: JSONATA });
  const step = (id: string, field: string) => steps.lambdaStep(stack, id, { lambdaFunction: inlineFunction(stack, `${id}Function`), outputs: keep(field) });
  const reviewer = new iam.Role(stack, 'Reviewer', { roleName: 'Reviewer', assumedBy: new iam.AccountRootPrincipal() });
  const approval = new HumanApproval(stack, 'Review', {
    service: new ApprovalService(stack, 'Approvals'),
    approvers: [reviewer],
    timeout: Duration.days(2),
    queryLanguage: JSONATA,
    condition: sfn.Condition.jsonata('{% $states.input.total > 100 %}'),
    summary: sfn.TaskInput.fromObject({ orderId: '{% $states.input.orderId %}', total: '{% $states.input.total %}' }),
  });
  const saga = new Saga(stack, 'Order', {
    queryLanguage: JSONATA,
    steps: [
      { action: step('Reserve', 'reservation'), compensation: step('Release', 'release') },
      { action: approval, ambiguousErrors: [] },
      { action: step('Charge', 'charge'), compensation: step('Refund', 'refund') },
    ],
    onCompensated: new PublishEventStep(stack, 'Announce', {
      queryLanguage: JSONATA,
      source: 'shop.orders',
      detailType: 'OrderCompensated',
      detail: sfn.TaskInput.fromObject({ orderId: '{% $states.input.orderId %}', reason: '{% $sagaError.Error %}', failedStep: '{% $sagaError.failedStep %}' }),
    }),
  });
  new Workflow(stack, 'Orders', { definition: saga, timeout: Duration.days(3), queryLanguage: JSONATA });
  return { stack, approval };
}

function failWith(error: string): TaskHandler {
  return () => {
    throw new TaskFailure(error, `${error} injected by the test`);
  };
}

describe('a Saga of LambdaSteps and a HumanApproval in a JSONata Workflow', () => {
  const { stack, approval } = jsonataOrderStack();
  const runner = LocalRunner.fromStack(stack);
  const machine: LocalStateMachine = runner.stateMachine('Orders');
  const definition = machine.definition as any;

  test('synthesizes a JSONata state machine with no JSONPath field anywhere', () => {
    expect(definition.QueryLanguage).toBe('JSONata');
    const text = JSON.stringify(definition);
    for (const field of ['Parameters', 'ResultPath', 'ResultSelector', 'InputPath', 'OutputPath', 'ErrorPath', 'CausePath', '.$"']) expect(text).not.toContain(`"${field}`);
    expect(text).not.toContain('"QueryLanguage":"JSONPath"');
    expect(definition.States.Reserve).toMatchObject({
      Arguments: { input: '{% $states.input %}', correlationId: '{% $states.context.Execution.Id %}' },
      Output: keep('reservation'),
    });
    // The failed step's catch keeps the input as the output and records the error in a variable.
    expect(definition.States.Charge.Catch).toEqual(expect.arrayContaining([
      expect.objectContaining({ ErrorEquals: ['States.ALL'], Output: '{% $states.input %}', Assign: expect.objectContaining({ sagaError: '{% $states.errorOutput %}' }) }),
    ]));
  });

  test('passes asl-validator and every rule', () => {
    expect(checkAslSchema(definition)).toStrictEqual([]);
    expect(validateDefinition({ definition, stateMachineType: 'STANDARD' }).filter((f) => f.severity === Severity.ERROR)).toStrictEqual([]);
  });

  test('approved: the order is charged, the outcome under approval', async () => {
    const approvals = LocalApprovals.of(runner);
    const execution = machine.start({ orderId: 'ORD-1', total: 250 }, { functions: approvals.functions });
    const request = await approvals.waitForRequest();
    expect(request.summary).toEqual({ orderId: 'ORD-1', total: 250 });
    approvals.approve(request.approvalId, { decidedBy: REVIEWER, comment: 'ok' });
    const result = await execution.result;
    expect(result.status).toBe('SUCCEEDED');
    expect(result.path).toEqual(['Reserve', 'Review', 'Review: required?', approval.waitStateName, 'Charge']);
    expect(result.output).toMatchObject({
      orderId: 'ORD-1',
      reservation: { ok: true },
      approval: { approvalId: request.approvalId, decision: 'APPROVED', decidedBy: REVIEWER, comment: 'ok' },
      charge: { ok: true },
    });
  });

  test('not required: a small order passes the review at once', async () => {
    const result = await machine.run({ orderId: 'ORD-2', total: 20 });
    expect(result.path).toEqual(['Reserve', 'Review', 'Review: required?', 'Review: not required', 'Charge']);
    expect(result.output.approval).toEqual({ approvalId: null, decision: 'NOT_REQUIRED', decidedBy: null, decidedAt: null, comment: null });
  });

  test.each([
    ['rejected', 'ApprovalRejected', (a: LocalApprovals, id: string) => a.reject(id, { decidedBy: REVIEWER, comment: 'no' })],
    ['expired', 'ApprovalExpired', (a: LocalApprovals, id: string) => a.expire(id)],
  ])('%s: the reservation is released and the execution fails with %s, the input and the record in the cause', async (_, error, decide) => {
    const approvals = LocalApprovals.of(runner);
    const execution = machine.start({ orderId: 'ORD-3', total: 500 }, { functions: approvals.functions });
    const request = await approvals.waitForRequest();
    decide(approvals, request.approvalId);
    const result = await execution.result;
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe(error);
    expect(result.path.slice(-6)).toEqual(['Order failure record', 'Order compensate', 'Release', 'Order compensation check', 'Announce', 'Order failed']);
    const cause = JSON.parse(result.cause!);
    expect(cause).toMatchObject({
      orderId: 'ORD-3',
      reservation: { ok: true },
      release: { ok: true },
      sagaError: { failedStep: 'Review', Error: error, ambiguous: false, needsReconciliation: false, compensationErrors: {} },
    });
    expect(typeof cause.sagaError.Cause).toBe('string');
  });

  test('a failed compensation does not stop the others: CompensationFailed, with the failed step, its error and the compensation error', async () => {
    const result = await machine.run({ orderId: 'ORD-4', total: 20 }, { tasks: { Charge: failWith('PaymentDeclined'), Release: failWith('WarehouseDown') } });
    expect(result.error).toBe('CompensationFailed');
    expect(result.path.slice(-5)).toEqual(['Order failure record', 'Order compensate', 'Release', 'Order compensation check', 'Order CompensationFailed']);
    const cause = JSON.parse(result.cause!);
    expect(cause.orderId).toBe('ORD-4');
    expect(cause.sagaError).toMatchObject({
      failedStep: 'Charge',
      Error: 'PaymentDeclined',
      compensationErrors: { Release: { Error: 'WarehouseDown', Cause: 'WarehouseDown injected by the test' } },
    });
  });

  test('an ambiguous failure (a timeout) runs the step\'s own compensation first', async () => {
    const result = await machine.run({ orderId: 'ORD-5', total: 20 }, { tasks: { Charge: failWith('States.Timeout') } });
    expect(result.path.filter((name) => ['Refund', 'Release'].includes(name))).toEqual(['Refund', 'Release']);
    expect(JSON.parse(result.cause!).sagaError).toMatchObject({ failedStep: 'Charge', ambiguous: true, Error: 'States.Timeout' });
  });
});

describe('query languages meet', () => {
  test('fails when a step built for JSONPath sits in a JSONata Workflow, naming it and the fix', () => {
    const stack = newStack();
    expect(() => new Workflow(stack, 'W', { definition: inlineStep(stack, 'Charge'), timeout: Duration.minutes(5), queryLanguage: JSONATA })).toThrow(
      /State 'Charge' \(TestStack\/Charge\) is declared JSONPath, but the workflow's queryLanguage is JSONata.*Fix: build the state for JSONata/,
    );
  });

  test('a JSONata step in a JSONPath Workflow says so on its state (AWS allows it)', () => {
    const stack = newStack();
    const step = inlineStep(stack, 'Charge', { queryLanguage: JSONATA, outputs: '{% $states.result.ok %}' });
    new Workflow(stack, 'W', { definition: inlineStep(stack, 'First').next(step), timeout: Duration.minutes(5) });
    const definition = LocalRunner.fromStack(stack).stateMachine('W').definition as any;
    expect(definition.QueryLanguage).toBeUndefined();
    expect(definition.States.First).not.toHaveProperty('QueryLanguage');
    expect(definition.States.Charge).toMatchObject({ QueryLanguage: 'JSONata', Output: '{% $states.result.ok %}' });
  });

  test('a JSONPath workflow renders as before: no QueryLanguage anywhere', () => {
    const stack = newStack();
    new Workflow(stack, 'W', { definition: inlineStep(stack, 'Charge', { resultPath: '$.charge' }), timeout: Duration.minutes(5) });
    const text = JSON.stringify(LocalRunner.fromStack(stack).stateMachine('W').definition);
    expect(text).not.toContain('QueryLanguage');
  });

  test.each([
    ['LambdaStep resultPath', (stack: Stack) => inlineStep(stack, 'S', { queryLanguage: JSONATA, resultPath: '$.x' }), /resultPath is a JSONPath setting.*Fix: shape the result with outputs/],
    ['LambdaStep outputs on JSONPath', (stack: Stack) => inlineStep(stack, 'S', { outputs: '{% 1 %}' }), /outputs is a JSONata setting, but the step is built for JSONPath/],
    ['PublishEventStep resultPath', (stack: Stack) => new PublishEventStep(stack, 'S', { queryLanguage: JSONATA, source: 's', detailType: 'd', detail: sfn.TaskInput.fromObject({}), resultPath: '$.x' }), /resultPath is a JSONPath setting/],
    ['Saga errorPath', (stack: Stack) => new Saga(stack, 'S', { queryLanguage: JSONATA, errorPath: '$.e', steps: [{ action: inlineStep(stack, 'A', { queryLanguage: JSONATA }) }] }), /errorPath \('\$\.e'\) is a JSONPath setting/],
    ['Saga errorVariable on JSONPath', (stack: Stack) => new Saga(stack, 'S', { errorVariable: 'failure', steps: [{ action: inlineStep(stack, 'A') }] }), /errorVariable \('failure'\) is a JSONata setting/],
    ['Saga errorVariable that is no variable name', (stack: Stack) => new Saga(stack, 'S', { queryLanguage: JSONATA, errorVariable: 'states', steps: [{ action: inlineStep(stack, 'A', { queryLanguage: JSONATA }) }] }), /errorVariable 'states' is not a variable name/],
  ])('fails when a setting of the other language is set: %s', (_, build, message) => {
    expect(() => build(newStack())).toThrow(message);
  });

  test('fails when a JSONata saga holds a JSONPath step, or a compensation that would replace the state', () => {
    const stack = newStack();
    expect(() => new Saga(stack, 'S', { queryLanguage: JSONATA, steps: [{ action: inlineStep(stack, 'A') }] })).toThrow(
      /steps\[0\]\.action \(A\) is a JSONPath state, but the saga is JSONata.*Fix: build it with queryLanguage: sfn.QueryLanguage.JSONATA/,
    );
    expect(() => new Saga(stack, 'T', { queryLanguage: JSONATA, steps: [{ action: inlineStep(stack, 'B', { queryLanguage: JSONATA }), compensation: inlineStep(stack, 'Undo', { queryLanguage: JSONATA }) }] })).toThrow(
      /steps\[0\]\.compensation \(Undo\) has no outputs, so in JSONata its result replaces the state.*Fix: give it outputs: '\{% \$states\.input %\}'/,
    );
  });

  test('a NestedWorkflowStep in JSONata passes the state as the child input and outputs { output, executionArn }', () => {
    const stack = newStack();
    const child = new Workflow(stack, 'Child', { definition: new sfn.Pass(stack, 'Echo'), timeout: Duration.minutes(1), stateMachineType: sfn.StateMachineType.EXPRESS });
    new Workflow(stack, 'Parent', {
      definition: new NestedWorkflowStep(stack, 'RunChild', { workflow: child, timeout: Duration.minutes(2), queryLanguage: JSONATA }),
      timeout: Duration.minutes(5),
      queryLanguage: JSONATA,
    });
    const state = (LocalRunner.fromStack(stack).stateMachine('Parent').definition as any).States.RunChild;
    expect(state.Arguments.Input).toBe('{% $states.input %}');
    expect(state.Output).toBe('{% {"output": $states.result.Output, "executionArn": $states.result.ExecutionArn} %}');
  });

  test('errorVariable renames the record variable, in the catches, the routing and the cause', async () => {
    const stack = newStack();
    const saga = new Saga(stack, 'S', {
      queryLanguage: JSONATA,
      errorVariable: 'failure',
      steps: [
        { action: inlineStep(stack, 'A', { queryLanguage: JSONATA, outputs: keep('a') }), compensation: inlineStep(stack, 'UndoA', { queryLanguage: JSONATA, outputs: '{% $states.input %}' }) },
        { action: inlineStep(stack, 'B', { queryLanguage: JSONATA }) },
      ],
    });
    expect(saga.errorVariable).toBe('failure');
    new Workflow(stack, 'W', { definition: saga, timeout: Duration.minutes(5), queryLanguage: JSONATA });
    const machine = LocalRunner.fromStack(stack).stateMachine('W');
    expect(JSON.stringify(machine.definition)).not.toContain('sagaError');
    const result = await machine.run({ id: 1 }, { tasks: { B: failWith('Broken') } });
    expect(result.path).toEqual(['A', 'B', 'S failure record', 'S compensate', 'UndoA', 'S compensation check', 'S failed']);
    expect(JSON.parse(result.cause!)).toMatchObject({ id: 1, a: { ok: true }, failure: { failedStep: 'B', Error: 'Broken' } });
  });

  test('LambdaStep in JSONata with envelope: false passes the state itself', () => {
    const stack = newStack();
    new Workflow(stack, 'W', { definition: new LambdaStep(stack, 'Plain', { lambdaFunction: inlineFunction(stack, 'F'), timeout: Duration.seconds(5), envelope: false, queryLanguage: JSONATA }), timeout: Duration.minutes(5), queryLanguage: JSONATA });
    expect((LocalRunner.fromStack(stack).stateMachine('W').definition as any).States.Plain.Arguments).toBe('{% $states.input %}');
  });

  test('HumanApproval routes in JSONata keep the state and add the error under approval; onRejected takes outputs', async () => {
    // GIVEN
    const stack = newStack();
    const reviewer = new iam.Role(stack, 'Reviewer', { roleName: 'Reviewer', assumedBy: new iam.AccountRootPrincipal() });
    const approval = new HumanApproval(stack, 'Review', {
      service: new ApprovalService(stack, 'Approvals'),
      approvers: [reviewer],
      timeout: Duration.days(1),
      queryLanguage: JSONATA,
      summary: sfn.TaskInput.fromObject({ orderId: '{% $states.input.orderId %}' }),
      assign: { decision: '{% $states.result[0].decision %}' },
    });
    approval.onRejected(new sfn.Pass(stack, 'Rejected'), { outputs: '{% {"orderId": $states.input.orderId, "rejected": $states.errorOutput.Error} %}' });
    approval.onExpired(new sfn.Pass(stack, 'Expired'));
    const approved = new sfn.Pass(stack, 'Approved', { outputs: '{% {"decision": $decision} %}' });
    new Workflow(stack, 'Orders', { definition: approval.next(approved), timeout: Duration.days(2), queryLanguage: JSONATA });
    const local = LocalRunner.fromStack(stack);
    const orders = local.stateMachine('Orders');
    const decide = async (orderId: string, how: (a: LocalApprovals, id: string) => void) => {
      const approvals = LocalApprovals.of(local);
      const execution = orders.start({ orderId }, { functions: approvals.functions });
      how(approvals, (await approvals.waitForRequest()).approvalId);
      return execution.result;
    };
    // WHEN / THEN
    const ok = await decide('A-1', (a, id) => a.approve(id, { decidedBy: REVIEWER }));
    expect(ok.output).toEqual({ decision: 'APPROVED' });
    const rejected = await decide('A-2', (a, id) => a.reject(id, { decidedBy: REVIEWER }));
    expect(rejected.output).toEqual({ orderId: 'A-2', rejected: 'ApprovalRejected' });
    const expired = await decide('A-3', (a, id) => a.expire(id));
    expect(expired.path.slice(-1)).toEqual(['Expired']);
    expect(expired.output).toMatchObject({ orderId: 'A-3', approval: { Error: 'ApprovalExpired' } });
  });

  test('a JSONata LambdaStep synthesizes Arguments with the envelope, its Output and Assign, and no JSONPath field', () => {
    const stack = newStack();
    new Workflow(stack, 'W', {
      definition: inlineStep(stack, 'Charge', { queryLanguage: JSONATA, payload: sfn.TaskInput.fromObject({ orderId: '{% $states.input.orderId %}' }), outputs: keep('charge'), assign: { charged: true } }),
      timeout: Duration.minutes(5),
      queryLanguage: JSONATA,
    });
    const text = JSON.stringify(Template.fromStack(stack).findResources('AWS::StepFunctions::StateMachine'));
    expect(text).toContain('\\"Arguments\\":{\\"input\\":{\\"orderId\\":\\"{% $states.input.orderId %}\\"},\\"correlationId\\":\\"{% $states.context.Execution.Id %}\\"');
    expect(text).toContain('\\"Assign\\":{\\"charged\\":true}');
    expect(text).toContain('\\"QueryLanguage\\":\\"JSONata\\"');
    expect(text).not.toMatch(/Parameters|ResultPath|ResultSelector/);
  });
});
