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
import { ApprovalService, DeadLetterQueue, DeploymentPreference, EventTrigger, HumanApproval, LambdaStep, LambdaStepProps, NestedWorkflowStep, PublishEventStep, RetryPolicy, Saga, Workflow } from '../lib';

const HANDLERS_DIR = path.join(__dirname, '..', 'lambda', 'orders');

/** The state names of the saga's compensations. */
export const ORDER_COMPENSATIONS = ['ReleaseInventory', 'RefundPayment'];

/** The payment provider answered 503: nothing was charged, safe to retry. */
const PAYMENT_UNAVAILABLE = 'PaymentProviderUnavailable';

/** The payment provider did not answer in time: the charge may have been taken (retried with the same key, then refunded). */
const PAYMENT_TIMEOUT = 'PaymentProviderTimeout';

/** Fraud scores from this value up need a manual review. */
export const REVIEW_THRESHOLD = 50;

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
  /** The role reviewers assume to decide manual reviews. */
  public readonly reviewerRole: iam.Role;
  /** Checkout's `OrderPlaced` events arrive here; the workflow publishes its outcomes here. */
  public readonly ordersBus: events.EventBus;
  /** Starts the workflow for each `OrderPlaced` event. */
  public readonly orderPlacedTrigger: EventTrigger;
  /** Alerted when an execution fails, times out or is aborted. */
  public readonly alertTopic: sns.Topic;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.ordersBus = new events.EventBus(this, 'OrdersBus');
    this.reviewerRole = new iam.Role(this, 'OrderReviewer', {
      roleName: `${this.stackName}-OrderReviewer`,
      assumedBy: new iam.AccountRootPrincipal(),
      description: 'Assumed by the people who review flagged orders',
    });
    this.approvals = new ApprovalService(this, 'Approvals', { approvers: [this.reviewerRole] });
    this.alertTopic = new sns.Topic(this, 'OrderAlerts', { enforceSSL: true, displayName: 'Order workflow alerts' });
    this.fraudCheck = this.fraudCheckWorkflow();

    const validate = this.step('ValidateOrder', 'validate-order', { resultPath: '$.validation' });
    validate.addCatch(this.orderInvalid(), { errors: ['ValidationError'], resultPath: '$.validationError' });
    const checkFraudRisk = new NestedWorkflowStep(this, 'CheckFraudRisk', {
      workflow: this.fraudCheck,
      timeout: Duration.minutes(2),
      resultPath: '$.fraudCheck',
    });
    const completed = this.announceThen(
      this.publish('PublishOrderCompleted', 'OrderCompleted', {
        orderId: sfn.JsonPath.stringAt('$.orderId'),
        totalCents: sfn.JsonPath.numberAt('$.validation.totalCents'),
        currency: sfn.JsonPath.stringAt('$.validation.currency'),
        trackingNumber: sfn.JsonPath.stringAt('$.shipment.trackingNumber'),
      }),
      new sfn.Succeed(this, 'OrderCompleted'),
    );

    this.workflow = new Workflow(this, 'OrderWorkflow', {
      definition: sfn.Chain.start(validate).next(checkFraudRisk).next(this.orderSaga()).next(completed),
      timeout: Duration.days(3),
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
      resultSelector: { 'confirmation.$': '$[0]', 'analytics.$': '$[1]' },
      resultPath: '$.notifications',
    })
      .branch(this.step('SendConfirmation', 'send-confirmation'))
      .branch(this.step('UpdateAnalytics', 'update-analytics'));
    return new Saga(this, 'OrderSaga', {
      steps: [
        // A reservation that timed out may exist: ReleaseInventory releases it by the order's key (default ambiguous errors).
        {
          action: this.step('ReserveInventory', 'reserve-inventory', { resultPath: '$.reservation' }),
          compensation: this.step('ReleaseInventory', 'release-inventory', { resultPath: '$.release' }),
        },
        // A request that may have been stored and announced needs no undo: its task token dies with the execution.
        { action: this.reviewStep(), ambiguousErrors: [] },
        // A charge that timed out, or whose reply was lost, may have been taken: RefundPayment refunds it by the order's key.
        {
          action: this.step('ChargePayment', 'charge-payment', {
            resultPath: '$.charge',
            retryPolicy: RetryPolicy.transient({ additionalErrors: [PAYMENT_UNAVAILABLE, PAYMENT_TIMEOUT] }),
          }),
          compensation: this.step('RefundPayment', 'refund-payment', { resultPath: '$.refund' }),
          ambiguousErrors: [...Saga.DEFAULT_AMBIGUOUS_ERRORS, PAYMENT_TIMEOUT],
        },
        // A confirmation or an analytics record that may exist needs no undo: OrderCompensated tells both the order was cancelled.
        { action: notify, ambiguousErrors: [] },
        // A shipment that timed out may exist, and nothing cancels one: the run ends in NeedsReconciliation (default ambiguous errors).
        { action: this.step('CreateShipment', 'create-shipment', { resultPath: '$.shipment' }) },
      ],
      onCompensated: this.publish('PublishOrderCompensated', 'OrderCompensated', {
        orderId: sfn.JsonPath.stringAt('$.orderId'),
        reason: sfn.JsonPath.stringAt('$.sagaError.Error'),
        failedStep: sfn.JsonPath.stringAt('$.sagaError.failedStep'),
        ambiguous: sfn.JsonPath.stringAt('$.sagaError.ambiguous'),
      }),
      onCompensationFailed: this.publish('PublishCompensationFailed', 'OrderFailed', {
        orderId: sfn.JsonPath.stringAt('$.orderId'),
        reason: 'CompensationFailed',
        originalError: sfn.JsonPath.stringAt('$.sagaError.Error'),
        failedStep: sfn.JsonPath.stringAt('$.sagaError.failedStep'),
        needsReconciliation: sfn.JsonPath.stringAt('$.sagaError.needsReconciliation'),
        compensationErrors: sfn.JsonPath.objectAt('$.sagaError.compensationErrors'),
      }),
      onNeedsReconciliation: this.publish('PublishNeedsReconciliation', 'OrderFailed', {
        orderId: sfn.JsonPath.stringAt('$.orderId'),
        reason: Saga.NEEDS_RECONCILIATION_ERROR,
        originalError: sfn.JsonPath.stringAt('$.sagaError.Error'),
        failedStep: sfn.JsonPath.stringAt('$.sagaError.failedStep'),
      }),
    });
  }

  /** A reviewer approves flagged orders; rejection and expiry compensate like any failure. */
  private reviewStep(): HumanApproval {
    return new HumanApproval(this, 'ReviewOrder', {
      service: this.approvals,
      condition: sfn.Condition.booleanEquals('$.fraudCheck.output.reviewRequired', true),
      timeout: REVIEW_TIMEOUT,
      summary: sfn.TaskInput.fromObject({
        orderId: sfn.JsonPath.stringAt('$.orderId'),
        customerId: sfn.JsonPath.stringAt('$.customer.id'),
        totalCents: sfn.JsonPath.numberAt('$.validation.totalCents'),
        currency: sfn.JsonPath.stringAt('$.validation.currency'),
        riskScore: sfn.JsonPath.numberAt('$.fraudCheck.output.score'),
        riskReasons: sfn.JsonPath.listAt('$.fraudCheck.output.reasons'),
      }),
      resultPath: '$.review',
    });
  }

  /** An invalid order: publish OrderFailed, then fail visibly with the order and the problems in the cause. */
  private orderInvalid(): sfn.IChainable {
    const orderInvalid = new sfn.Fail(this, 'OrderInvalid', {
      errorPath: '$.validationError.Error',
      causePath: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$')),
    });
    const announce = this.publish('PublishOrderInvalid', 'OrderFailed', {
      orderId: sfn.JsonPath.stringAt('$.orderId'),
      reason: sfn.JsonPath.stringAt('$.validationError.Error'),
      cause: sfn.JsonPath.stringAt('$.validationError.Cause'),
    });
    return this.announceThen(announce, orderInvalid);
  }

  /**
   * Publishes an outcome, then ends in `end` either way: an event bus that keeps failing after
   * the retries must not turn a fulfilled order into a failed execution (its error is kept at
   * `$.publishError`).
   */
  private announceThen(announce: PublishEventStep, end: sfn.State & sfn.IChainable): sfn.Chain {
    announce.addCatch(end, { errors: [sfn.Errors.ALL], resultPath: '$.publishError' });
    return announce.next(end);
  }

  /**
   * The fraud check: score the order, then decide in the state machine (where the threshold is
   * visible) whether it needs a manual review. EXPRESS: short, high-volume, no side effects.
   */
  private fraudCheckWorkflow(): Workflow {
    const score = this.step('ScoreRisk', 'score-fraud-risk', { resultPath: '$.risk' });
    const verdict = (id: string, reviewRequired: boolean) =>
      new sfn.Pass(this, id, { parameters: { 'score.$': '$.risk.score', 'reasons.$': '$.risk.reasons', reviewRequired } });
    const decide = new sfn.Choice(this, 'RiskHigh')
      .when(sfn.Condition.numberGreaterThanEquals('$.risk.score', REVIEW_THRESHOLD), verdict('FlagForReview', true))
      .otherwise(verdict('ClearForFulfilment', false));
    return new Workflow(this, 'FraudCheckWorkflow', {
      definition: score.next(decide),
      stateMachineType: sfn.StateMachineType.EXPRESS,
      timeout: Duration.minutes(1),
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
    return new PublishEventStep(this, id, { eventBus: this.ordersBus, source: ORDERS_SOURCE, detailType, detail: sfn.TaskInput.fromObject(detail) });
  }

  /** A LambdaStep running one handler of lambda/orders. */
  private step(id: string, handler: string, props: Partial<LambdaStepProps> = {}): LambdaStep {
    return new LambdaStep(this, id, {
      lambdaFunction: this.orderFunction(`${id}Function`, handler),
      timeout: Duration.seconds(15),
      idempotent: true,
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
export function addOrderProcessing(app: App, props: StackProps = {}): OrderProcessingStack {
  const stack = new OrderProcessingStack(app, 'OrderProcessing', props);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return stack;
}
