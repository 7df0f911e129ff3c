import * as path from 'node:path';
import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { acknowledgeNagRules, ApprovalService, HumanApproval, LambdaStep, LambdaStepProps, NestedWorkflowStep, RetryPolicy, Saga, Workflow } from '../lib';

const HANDLERS_DIR = path.join(__dirname, '..', 'lambda', 'orders');

/** The state names of the saga's compensations. */
export const ORDER_COMPENSATIONS = ['ReleaseInventory', 'RefundPayment'];

/** Fraud scores from this value up need a manual review. */
export const REVIEW_THRESHOLD = 50;

/** How long reviewers have to decide on a flagged order. */
export const REVIEW_TIMEOUT = Duration.days(2);

/**
 * The example app: an order workflow built from the library's constructs. Validate the order
 * and score its fraud risk (an EXPRESS child workflow); then, as a saga: reserve inventory
 * (compensation: release it), have a reviewer approve the order if it was flagged, charge the
 * payment (compensation: refund it), notify the customer and analytics in parallel, and create
 * the shipment. An invalid order ends in `OrderInvalid`; a business failure, a rejection or an
 * expired review compensates.
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

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const validate = this.step('ValidateOrder', 'validate-order', { resultPath: '$.validation' });
    const orderInvalid = new sfn.Fail(this, 'OrderInvalid', {
      errorPath: '$.validationError.Error',
      causePath: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$')),
    });
    validate.addCatch(orderInvalid, { errors: ['ValidationError'], resultPath: '$.validationError' });

    this.fraudCheck = this.fraudCheckWorkflow();
    const checkFraudRisk = new NestedWorkflowStep(this, 'CheckFraudRisk', {
      workflow: this.fraudCheck,
      timeout: Duration.minutes(2),
      resultPath: '$.fraudCheck',
    });

    this.reviewerRole = new iam.Role(this, 'OrderReviewer', {
      roleName: 'OrderReviewer',
      assumedBy: new iam.AccountRootPrincipal(),
      description: 'Assumed by the people who review flagged orders',
    });
    this.approvals = new ApprovalService(this, 'Approvals');
    const review = new HumanApproval(this, 'ReviewOrder', {
      service: this.approvals,
      approvers: [this.reviewerRole],
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

    const notify = new sfn.Parallel(this, 'NotifyCustomer', {
      resultSelector: { 'confirmation.$': '$[0]', 'analytics.$': '$[1]' },
      resultPath: '$.notifications',
    })
      .branch(this.step('SendConfirmation', 'send-confirmation'))
      .branch(this.step('UpdateAnalytics', 'update-analytics'));

    const saga = new Saga(this, 'OrderSaga', {
      steps: [
        {
          action: this.step('ReserveInventory', 'reserve-inventory', { resultPath: '$.reservation' }),
          compensation: this.step('ReleaseInventory', 'release-inventory', { resultPath: '$.release' }),
        },
        { action: review },
        {
          action: this.step('ChargePayment', 'charge-payment', {
            resultPath: '$.charge',
            retryPolicy: RetryPolicy.transient({ additionalErrors: ['PaymentProviderUnavailable'] }),
          }),
          compensation: this.step('RefundPayment', 'refund-payment', { resultPath: '$.refund' }),
        },
        { action: notify },
        { action: this.step('CreateShipment', 'create-shipment', { resultPath: '$.shipment' }) },
      ],
    });

    this.workflow = new Workflow(this, 'OrderWorkflow', {
      definition: sfn.Chain.start(validate).next(checkFraudRisk).next(saga).next(new sfn.Succeed(this, 'OrderCompleted')),
      timeout: Duration.days(3),
    });
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
    });
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
    acknowledgeNagRules(role, {
      id: 'AwsSolutions-IAM5',
      reason: 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions (Resource "*").',
      appliesTo: ['Resource::*'],
    });
    return fn;
  }
}
