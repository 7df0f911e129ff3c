import * as path from 'node:path';
import { App, Duration, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { Construct } from 'constructs';
import { OrderStatusTable } from './order-status-table';
import { ApprovalService, ReviewerSignIn, DeadLetterQueue, DeploymentPreference, EventTrigger, HumanApproval, LambdaStep, LambdaStepProps, NestedWorkflowStep, PublishEventStep, RetryPolicy, Saga, Workflow } from '../lib';

const HANDLERS_DIR = path.join(__dirname, '..', 'lambda', 'orders');

/** The state names of the saga's compensations. */
export const ORDER_COMPENSATIONS = ['ReleaseInventory', 'RefundPayment'];

/** The payment provider answered 503: nothing was charged, safe to retry. */
const PAYMENT_UNAVAILABLE = 'PaymentProviderUnavailable';

/** The payment provider did not answer in time: the charge may have been taken (retried with the same key, then refunded). */
const PAYMENT_TIMEOUT = 'PaymentProviderTimeout';

/** Fraud scores from this value up need a manual review. */
export const REVIEW_THRESHOLD = 50;

/** The Cognito group whose members review flagged orders (with `reviewerSignIn: ReviewerSignIn.cognito()`). */
export const ORDER_REVIEWERS_GROUP = 'order-reviewers';

/** How long reviewers have to decide on a flagged order. */
export const REVIEW_TIMEOUT = Duration.days(2);

/** The alias executions start through: a deployment shifts it to the new version with a canary. */
export const LIVE_ALIAS = 'live';

/** The order workflow's canary: 10% of new orders run the new version for 10 minutes, then all of them. */
export const ORDER_CANARY = DeploymentPreference.canary(10, Duration.minutes(10));

/** Where checkout's `OrderPlaced` events come from. */
export const CHECKOUT_SOURCE = 'shop.checkout';

/** The source of the events the order workflow publishes (`OrderCompleted`, `OrderFailed`, `OrderCompensated`). */
export const ORDERS_SOURCE = 'shop.orders';

/** Properties of the {@link OrderProcessingStack}. */
export interface OrderProcessingStackProps extends StackProps {
  /**
   * The query language of the order workflow and the fraud check, and of every state in them:
   * the same workflow, with the same states, outcomes and output, written in JSONPath
   * (`resultPath`, `JsonPath.stringAt`) or in JSONata (`outputs`, `{% %}`, the saga's failure
   * record in the `sagaError` variable).
   * @default sfn.QueryLanguage.JSON_PATH
   */
  readonly queryLanguage?: sfn.QueryLanguage;
  /**
   * How order reviewers sign in: `ReviewerSignIn.iam()` (they assume the OrderReviewer role and
   * use the approver CLI) or `ReviewerSignIn.cognito()` (a Cognito user pool whose
   * `order-reviewers` group decides, and the approvals web page).
   * @default ReviewerSignIn.iam()
   */
  readonly reviewerSignIn?: ReviewerSignIn;
  /**
   * Email addresses told about each flagged order (an SNS email subscription each).
   * @default - none
   */
  readonly reviewerEmails?: string[];
}

/**
 * The example app: an order workflow built from the library's constructs. Started by checkout's
 * `OrderPlaced` events, it validates the order and scores its fraud risk (an EXPRESS child
 * workflow); then, as a saga: reserve inventory (compensation: release it), have a reviewer
 * approve the order if it was flagged, charge the payment (compensation: refund it), notify the
 * customer and analytics in parallel, and create the shipment. An invalid order ends in
 * `OrderInvalid`; a business failure, a rejection or an expired review compensates. A
 * reservation or a charge that may have happened before its step failed (a timeout, a lost
 * reply) is undone by its own compensation too; a shipment that may exist ends the run in
 * `NeedsReconciliation`. Each outcome is published to the orders bus, and failed executions
 * alert a topic.
 */
export class OrderProcessingStack extends Stack {
  /** The order workflow (STANDARD). */
  public readonly workflow: Workflow;
  /** The fraud check (EXPRESS), run by the order workflow as a nested workflow. */
  public readonly fraudCheck: Workflow;
  /** Stores, announces and decides manual reviews. */
  public readonly approvals: ApprovalService;
  /** The role reviewers assume to decide manual reviews (IAM sign-in only). */
  public readonly reviewerRole?: iam.Role;
  /** Checkout's `OrderPlaced` events arrive here; the workflow publishes its outcomes here. */
  public readonly ordersBus: events.EventBus;
  /** Starts the workflow for each `OrderPlaced` event. */
  public readonly orderPlacedTrigger: EventTrigger;
  /** Alerted when an execution fails, times out or is aborted. */
  public readonly alertTopic: sns.Topic;
  /** The query language of both workflows. */
  public readonly queryLanguage: sfn.QueryLanguage;
  /** The Orders table and the DynamoDB tasks that keep each order's status in it. */
  public readonly orderStatus: OrderStatusTable;

  constructor(scope: Construct, id: string, props: OrderProcessingStackProps = {}) {
    super(scope, id, props);
    this.queryLanguage = props.queryLanguage ?? sfn.QueryLanguage.JSON_PATH;
    this.ordersBus = new events.EventBus(this, 'OrdersBus');
    const signIn = props.reviewerSignIn ?? ReviewerSignIn.iam();
    if (signIn.isCognito) {
      this.approvals = new ApprovalService(this, 'Approvals', { signIn, approverGroups: [ORDER_REVIEWERS_GROUP], notificationEmails: props.reviewerEmails });
    } else {
      this.reviewerRole = new iam.Role(this, 'OrderReviewer', {
        roleName: `${this.stackName}-OrderReviewer`,
        assumedBy: new iam.AccountRootPrincipal(),
        description: 'Assumed by the people who review flagged orders',
      });
      this.approvals = new ApprovalService(this, 'Approvals', { approvers: [this.reviewerRole], notificationEmails: props.reviewerEmails });
    }
    this.alertTopic = new sns.Topic(this, 'OrderAlerts', { enforceSSL: true, displayName: 'Order workflow alerts' });
    this.fraudCheck = this.fraudCheckWorkflow();
    this.orderStatus = new OrderStatusTable(this, 'Orders', { queryLanguage: this.queryLanguage });

    const validate = this.step('ValidateOrder', 'validate-order', this.resultAt('validation'));
    validate.addCatch(this.orderInvalid(), { errors: ['ValidationError'], ...this.errorAt('validationError') });
    const checkFraudRisk = new NestedWorkflowStep(this, 'CheckFraudRisk', {
      workflow: this.fraudCheck,
      timeout: Duration.minutes(2),
      queryLanguage: this.queryLanguage,
      ...(this.jsonata
        ? { outputs: '{% $merge([$states.input, {"fraudCheck": {"output": $states.result.Output, "executionArn": $states.result.ExecutionArn}}]) %}' }
        : { resultPath: '$.fraudCheck' }),
    });
    const completed = this.announceThen(
      this.publish('PublishOrderCompleted', 'OrderCompleted', {
        orderId: this.read('orderId'),
        totalCents: this.read('validation.totalCents', 'number'),
        currency: this.read('validation.currency'),
        trackingNumber: this.read('shipment.trackingNumber'),
      }),
      new sfn.Succeed(this, 'OrderCompleted'),
    );

    this.workflow = new Workflow(this, 'OrderWorkflow', {
      definition: sfn.Chain.start(validate).next(checkFraudRisk).next(this.orderSaga()).next(this.recordShipped(completed)).next(completed),
      timeout: Duration.days(3),
      queryLanguage: this.queryLanguage,
      // Deploy through the `live` alias: a new version takes 10% of new orders for 10 minutes and is rolled back if a rollback alarm fires.
      aliasName: LIVE_ALIAS,
      deploymentPreference: ORDER_CANARY,
      monitoring: {
        alarmActions: [new cloudwatchActions.SnsAction(this.alertTopic)],
        // An invalid order ends in a Fail state: a few in 5 minutes is business as usual, not a bad version.
        failedExecutionsThreshold: 5,
      },
    });
    this.orderPlacedTrigger = this.workflow.addEventTrigger('OrderPlaced', {
      eventBus: this.ordersBus,
      eventPattern: { source: [CHECKOUT_SOURCE], detailType: ['OrderPlaced'], detail: { orderId: [{ exists: true }] } },
      input: events.RuleTargetInput.fromEventPath('$.detail'),
      description: 'Starts the order workflow for each order checkout places',
    });
    this.alertOnFailedExecutions();
  }

  /** Reserve, review if flagged, charge, notify, ship; compensate in reverse on failure. */
  private orderSaga(): Saga {
    const notify = new sfn.Parallel(this, 'NotifyCustomer', {
      queryLanguage: this.queryLanguage,
      ...(this.jsonata
        ? { outputs: '{% $merge([$states.input, {"notifications": {"confirmation": $states.result[0], "analytics": $states.result[1]}}]) %}' }
        : { resultSelector: { 'confirmation.$': '$[0]', 'analytics.$': '$[1]' }, resultPath: '$.notifications' }),
    })
      .branch(this.step('SendConfirmation', 'send-confirmation'))
      .branch(this.step('UpdateAnalytics', 'update-analytics'));
    return new Saga(this, 'OrderSaga', {
      queryLanguage: this.queryLanguage,
      steps: [
        // The order's row in the Orders table; undone by marking it COMPENSATED, after every other compensation.
        { action: this.orderStatus.placed(), compensation: this.orderStatus.compensated() },
        // A reservation that timed out may exist: ReleaseInventory releases it by the order's key (default ambiguous errors).
        {
          action: this.step('ReserveInventory', 'reserve-inventory', this.resultAt('reservation')),
          compensation: this.step('ReleaseInventory', 'release-inventory', this.resultAt('release')),
        },
        // A status write needs no undo of its own: RecordOrderCompensated overwrites it.
        { action: this.orderStatus.transition('PLACED', 'RESERVED', { reservationId: 'reservation.reservationId' }), ambiguousErrors: [] },
        // A request that may have been stored and announced needs no undo: its task token dies with the execution.
        { action: this.reviewStep(), ambiguousErrors: [] },
        // A charge that timed out, or whose reply was lost, may have been taken: RefundPayment refunds it by the order's key.
        {
          action: this.step('ChargePayment', 'charge-payment', {
            ...this.resultAt('charge'),
            retryPolicy: RetryPolicy.transient({ additionalErrors: [PAYMENT_UNAVAILABLE, PAYMENT_TIMEOUT] }),
          }),
          compensation: this.step('RefundPayment', 'refund-payment', this.resultAt('refund')),
          ambiguousErrors: [...Saga.DEFAULT_AMBIGUOUS_ERRORS, PAYMENT_TIMEOUT],
        },
        { action: this.orderStatus.transition('RESERVED', 'CHARGED', { chargeId: 'charge.chargeId' }), ambiguousErrors: [] },
        // A confirmation or an analytics record that may exist needs no undo: OrderCompensated tells both the order was cancelled.
        { action: notify, ambiguousErrors: [] },
        // A shipment that timed out may exist, and nothing cancels one: the run ends in NeedsReconciliation (default ambiguous errors).
        { action: this.step('CreateShipment', 'create-shipment', this.resultAt('shipment')) },
      ],
      onCompensated: this.publish('PublishOrderCompensated', 'OrderCompensated', {
        orderId: this.read('orderId'),
        reason: this.readFailure('Error'),
        failedStep: this.readFailure('failedStep'),
        ambiguous: this.readFailure('ambiguous'),
      }),
      onCompensationFailed: this.publish('PublishCompensationFailed', 'OrderFailed', {
        orderId: this.read('orderId'),
        reason: 'CompensationFailed',
        originalError: this.readFailure('Error'),
        failedStep: this.readFailure('failedStep'),
        needsReconciliation: this.readFailure('needsReconciliation'),
        compensationErrors: this.readFailure('compensationErrors', 'object'),
      }),
      onNeedsReconciliation: this.publish('PublishNeedsReconciliation', 'OrderFailed', {
        orderId: this.read('orderId'),
        reason: Saga.NEEDS_RECONCILIATION_ERROR,
        originalError: this.readFailure('Error'),
        failedStep: this.readFailure('failedStep'),
      }),
    });
  }

  /**
   * Records the shipment in the Orders table, then goes on to `next` either way: the order is
   * fulfilled once shipped, so a status write that fails after its retries (the row was taken
   * over by a newer execution) must not compensate it (its error is kept at `$.statusError`).
   */
  private recordShipped(next: sfn.IChainable): sfn.TaskStateBase {
    const shipped = this.orderStatus.transition('CHARGED', 'SHIPPED', { trackingNumber: 'shipment.trackingNumber' });
    shipped.addCatch(next, { errors: [sfn.Errors.ALL], ...this.errorAt('statusError') });
    return shipped;
  }

  /** A reviewer approves flagged orders; rejection and expiry compensate like any failure. */
  private reviewStep(): HumanApproval {
    return new HumanApproval(this, 'ReviewOrder', {
      service: this.approvals,
      queryLanguage: this.queryLanguage,
      condition: this.jsonata
        ? sfn.Condition.jsonata('{% $states.input.fraudCheck.output.reviewRequired = true %}')
        : sfn.Condition.booleanEquals('$.fraudCheck.output.reviewRequired', true),
      timeout: REVIEW_TIMEOUT,
      summary: sfn.TaskInput.fromObject({
        orderId: this.read('orderId'),
        customerId: this.read('customer.id'),
        totalCents: this.read('validation.totalCents', 'number'),
        currency: this.read('validation.currency'),
        riskScore: this.read('fraudCheck.output.score', 'number'),
        riskReasons: this.read('fraudCheck.output.reasons', 'list'),
      }),
      ...(this.jsonata ? { outputs: '{% $merge([$states.input, {"review": $states.result[0]}]) %}' } : { resultPath: '$.review' }),
    });
  }

  /** An invalid order: publish OrderFailed, then fail visibly with the order and the problems in the cause. */
  private orderInvalid(): sfn.IChainable {
    const orderInvalid = new sfn.Fail(this, 'OrderInvalid', this.jsonata
      ? { error: '{% $states.input.validationError.Error %}', cause: '{% $string($states.input) %}' }
      : { errorPath: '$.validationError.Error', causePath: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$')) });
    const announce = this.publish('PublishOrderInvalid', 'OrderFailed', {
      orderId: this.read('orderId'),
      reason: this.read('validationError.Error'),
      cause: this.read('validationError.Cause'),
    });
    return this.announceThen(announce, orderInvalid);
  }

  /**
   * Publishes an outcome, then ends in `end` either way: an event bus that keeps failing after
   * the retries must not turn a fulfilled order into a failed execution (its error is kept at
   * `$.publishError`).
   */
  private announceThen(announce: PublishEventStep, end: sfn.State & sfn.IChainable): sfn.Chain {
    announce.addCatch(end, { errors: [sfn.Errors.ALL], ...this.errorAt('publishError') });
    return announce.next(end);
  }

  /**
   * The fraud check: score the order, then decide in the state machine (where the threshold is
   * visible) whether it needs a manual review. EXPRESS: short, high-volume, no side effects.
   */
  private fraudCheckWorkflow(): Workflow {
    const score = this.step('ScoreRisk', 'score-fraud-risk', this.resultAt('risk'));
    const verdict = (id: string, reviewRequired: boolean) =>
      new sfn.Pass(this, id, this.jsonata
        ? { outputs: { score: this.read('risk.score', 'number'), reasons: this.read('risk.reasons', 'list'), reviewRequired } }
        : { parameters: { 'score.$': '$.risk.score', 'reasons.$': '$.risk.reasons', reviewRequired } });
    const riskHigh = this.jsonata
      ? sfn.Condition.jsonata(`{% $states.input.risk.score >= ${REVIEW_THRESHOLD} %}`)
      : sfn.Condition.numberGreaterThanEquals('$.risk.score', REVIEW_THRESHOLD);
    const decide = new sfn.Choice(this, 'RiskHigh')
      .when(riskHigh, verdict('FlagForReview', true))
      .otherwise(verdict('ClearForFulfilment', false));
    return new Workflow(this, 'FraudCheckWorkflow', {
      definition: score.next(decide),
      stateMachineType: sfn.StateMachineType.EXPRESS,
      timeout: Duration.minutes(1),
      queryLanguage: this.queryLanguage,
      // The order workflow calls it through its alias; a new version takes over at once, rolled back if its alarms fire.
      aliasName: LIVE_ALIAS,
      monitoring: { alarmActions: [new cloudwatchActions.SnsAction(this.alertTopic)] },
    });
  }

  /** Failed, timed-out and aborted executions alert the topic (via an EventBridge rule with its own dead-letter queue, watched with the workflow's alarms). */
  private alertOnFailedExecutions(): void {
    const deadLetters = new DeadLetterQueue(this, 'OrderAlertsDeadLetters', { purpose: 'Order workflow alerts' });
    this.workflow.monitoring.addDeadLetterQueue('OrderAlerts', deadLetters.queue, deadLetters.alarm);
    this.workflow.onExecutionStatusChange('AlertOnFailure', {
      target: new targets.SnsTopic(this.alertTopic, { deadLetterQueue: deadLetters.queue, retryAttempts: 10 }),
    });
  }

  /** Publishes an order event to the orders bus. */
  private publish(id: string, detailType: string, detail: Record<string, unknown>): PublishEventStep {
    return new PublishEventStep(this, id, {
      eventBus: this.ordersBus,
      source: ORDERS_SOURCE,
      detailType,
      detail: sfn.TaskInput.fromObject(detail),
      queryLanguage: this.queryLanguage,
    });
  }

  private get jsonata(): boolean {
    return this.queryLanguage === sfn.QueryLanguage.JSONATA;
  }

  /** A field of the state input (`a.b`): `$.a.b` in JSONPath, `{% $states.input.a.b %}` in JSONata. */
  private read(path: string, kind: 'string' | 'number' | 'list' | 'object' = 'string'): any {
    if (this.jsonata) return `{% $states.input.${path} %}`;
    const jsonPath = `$.${path}`;
    switch (kind) {
      case 'number': return sfn.JsonPath.numberAt(jsonPath);
      case 'list': return sfn.JsonPath.listAt(jsonPath);
      case 'object': return sfn.JsonPath.objectAt(jsonPath);
      default: return sfn.JsonPath.stringAt(jsonPath);
    }
  }

  /** A field of the saga's failure record: in the state at `$.sagaError` (JSONPath), in the `sagaError` variable (JSONata). */
  private readFailure(field: string, kind: 'string' | 'object' = 'string'): any {
    if (this.jsonata) return `{% $sagaError.${field} %}`;
    return kind === 'object' ? sfn.JsonPath.objectAt(`$.sagaError.${field}`) : sfn.JsonPath.stringAt(`$.sagaError.${field}`);
  }

  /** Keeps the state and adds the step's result under `field`. */
  private resultAt(field: string): Partial<LambdaStepProps> {
    return this.jsonata ? { outputs: `{% $merge([$states.input, {"${field}": $states.result}]) %}` } : { resultPath: `$.${field}` };
  }

  /** Keeps the state and adds the caught error under `field`. */
  private errorAt(field: string): Pick<sfn.CatchProps, 'resultPath' | 'outputs'> {
    return this.jsonata ? { outputs: `{% $merge([$states.input, {"${field}": $states.errorOutput}]) %}` } : { resultPath: `$.${field}` };
  }

  /** A LambdaStep running one handler of lambda/orders. */
  private step(id: string, handler: string, props: Partial<LambdaStepProps> = {}): LambdaStep {
    return new LambdaStep(this, id, {
      lambdaFunction: this.orderFunction(`${id}Function`, handler),
      timeout: Duration.seconds(15),
      idempotent: true,
      queryLanguage: this.queryLanguage,
      ...props,
    });
  }

  /**
   * A handler bundled by esbuild, with its own log group and a role limited to writing
   * to it (instead of the AWS-managed AWSLambdaBasicExecutionRole).
   */
  private orderFunction(id: string, handler: string): nodejs.NodejsFunction {
    const logGroup = new logs.LogGroup(this, `${id}Logs`, { retention: logs.RetentionDays.ONE_MONTH });
    const role = new iam.Role(this, `${id}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    const fn = new nodejs.NodejsFunction(this, id, {
      entry: path.join(HANDLERS_DIR, `${handler}.ts`),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(10),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      role,
      environment: { POWERTOOLS_SERVICE_NAME: 'orders', POWERTOOLS_LOG_LEVEL: 'INFO' },
      bundling: { minify: true, sourceMap: true, logLevel: nodejs.LogLevel.WARNING },
    });
    // cdk-nag's findings, acknowledged with aws-cdk-lib's API as any app would.
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions (Resource "*").',
    });
    Validations.of(fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'Invoked synchronously by a Step Functions task, which retries and catches its errors; a dead-letter queue applies to asynchronous invocations only.',
    });
    return fn;
  }
}

/**
 * Adds the example stack (`OrderProcessing`) to an app, checked at synth by cdk-nag's
 * AwsSolutions and Serverless packs: `cdk synth` and the tests check the same app.
 */
export function addOrderProcessing(app: App, props: OrderProcessingStackProps = {}): OrderProcessingStack {
  const stack = new OrderProcessingStack(app, 'OrderProcessing', props);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return stack;
}
