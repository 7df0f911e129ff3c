import * as path from 'node:path';
import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { acknowledgeNagRules, LambdaStep, LambdaStepProps, RetryPolicy, Saga, Workflow } from '../lib';

const HANDLERS_DIR = path.join(__dirname, '..', 'lambda', 'orders');

/** The state names of the saga's compensations. */
export const ORDER_COMPENSATIONS = ['ReleaseInventory', 'RefundPayment'];

/**
 * The example app: an order workflow built from the library's constructs. Validate the order,
 * then, as a saga, reserve inventory (compensation: release it), charge the payment
 * (compensation: refund it), notify the customer and analytics in parallel, and create the
 * shipment. An invalid order ends in `OrderInvalid`; a business failure compensates.
 */
export class OrderProcessingStack extends Stack {
  /** The order workflow. */
  public readonly workflow: Workflow;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const validate = this.step('ValidateOrder', 'validate-order', { resultPath: '$.validation' });
    const orderInvalid = new sfn.Fail(this, 'OrderInvalid', {
      errorPath: '$.validationError.Error',
      causePath: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$')),
    });
    validate.addCatch(orderInvalid, { errors: ['ValidationError'], resultPath: '$.validationError' });

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
      definition: sfn.Chain.start(validate).next(saga).next(new sfn.Succeed(this, 'OrderCompleted')),
      timeout: Duration.minutes(15),
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
