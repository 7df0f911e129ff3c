import { ArnFormat, Duration, Lazy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { handlerAssetPath } from '../approval/handler-assets';
import { acknowledgeNagRules, acknowledgeXRayWildcard, nagResourceName } from '../private/nag-acknowledgements';
import { STUCK_CHECK_NAMESPACE } from './stuck-check-metrics';


/** What the check needs to know, resolved when the stack synthesizes (steps bind after the check is created). */
export interface StuckExecutionCheckProps {
  readonly stateMachine: sfn.StateMachine;
  /** How often the check runs. */
  readonly interval: Duration;
  /** The bound of a state without its own, in seconds. */
  readonly defaultBound: Duration;
  /** State name → expected seconds, read at synth. */
  readonly stateBounds: () => Record<string, number>;
  /** The approval states, read at synth. */
  readonly approvalStates: () => string[];
}

/**
 * A scheduled check for executions stuck in a state: an EventBridge rule runs the library's
 * pre-bundled `stuck-executions` handler every `interval`; it lists the RUNNING executions,
 * reads each one's newest history events, and publishes `StuckExecutions`, `OpenApprovals`
 * and `UncheckedExecutions` (namespace `CdkSfnWorkflows`, dimension `StateMachineArn`) in
 * CloudWatch's embedded metric format. Its role may only list the state machine's executions
 * and read their histories.
 */
export class StuckExecutionCheck extends Construct {
  public readonly function: lambda.Function;
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: StuckExecutionCheckProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH });
    const role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    const stateMachineArn = props.stateMachine.stateMachineArn;
    this.function = new lambda.Function(this, 'Function', {
      description: `Reports executions of ${scope.node.path} stuck in a state`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(handlerAssetPath('stuck-executions')),
      memorySize: 256,
      timeout: Duration.minutes(1),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      role,
      environment: {
        CONFIG: Lazy.string({
          produce: () => Stack.of(this).toJsonString({
            stateMachineArn,
            defaultBoundSeconds: props.defaultBound.toSeconds(),
            stateBoundsSeconds: props.stateBounds(),
            approvalStates: props.approvalStates(),
          }),
        }),
      },
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['states:ListExecutions'], resources: [stateMachineArn] }));
    const executions = Stack.of(this).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${props.stateMachine.stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['states:GetExecutionHistory'], resources: [executions] }));
    acknowledgeXRayWildcard(role);
    acknowledgeNagRules(role, {
      id: 'AwsSolutions-IAM5',
      reason: 'GetExecutionHistory is authorized on execution ARNs; the wildcard is the execution id under this one state machine (execution:<name>:*).',
      appliesTo: [`Resource::${nagResourceName(Stack.of(this).resolve(executions))}`],
    });
    acknowledgeNagRules(this.function, {
      id: 'Serverless-LambdaDLQ',
      reason: 'Run on a schedule: a lost invocation is one skipped check, the next runs within the interval, and the stuck-executions alarm treats missing data as breaching.',
    });
    this.rule = new events.Rule(this, 'Schedule', {
      description: `Checks ${scope.node.path} for stuck executions`,
      schedule: events.Schedule.rate(props.interval),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 0 })],
    });
    acknowledgeNagRules(this.rule, {
      id: 'Serverless-EventBusDLQ',
      reason: 'A schedule that starts a periodic check: an undelivered run is replaced by the next one within the interval, and the stuck-executions alarm treats missing data as breaching, so a lost run is seen rather than queued.',
    });
  }

  /** The number of executions over their bound, as the last check counted it (Maximum per period). */
  public metricStuckExecutions(stateMachine: sfn.IStateMachine, period: Duration): cloudwatch.Metric {
    return checkMetric('StuckExecutions', stateMachine, period);
  }
}

/** A metric the check publishes for a state machine. */
export function checkMetric(metricName: string, stateMachine: sfn.IStateMachine, period: Duration): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: STUCK_CHECK_NAMESPACE,
    metricName,
    dimensionsMap: { StateMachineArn: stateMachine.stateMachineArn },
    statistic: cloudwatch.Stats.MAXIMUM,
    period,
  });
}
