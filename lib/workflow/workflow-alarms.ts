import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/** The ids of the default alarms, as `WorkflowMonitoringProps.disabledAlarms` names them. */
export const ALARM_IDS = {
  EXECUTIONS_FAILED: 'ExecutionsFailed',
  EXECUTIONS_TIMED_OUT: 'ExecutionsTimedOut',
  EXECUTIONS_ABORTED: 'ExecutionsAborted',
  EXECUTIONS_THROTTLED: 'ExecutionsThrottled',
  EXECUTION_DURATION: 'ExecutionDuration',
  STUCK_EXECUTIONS: 'StuckExecutions',
  FUNCTION_ERRORS: 'FunctionErrors',
  FUNCTION_TIMEOUTS: 'FunctionTimeouts',
} as const;

/** A default alarm about to be created. */
export interface AlarmSpec {
  /** Its id in {@link ALARM_IDS}. */
  readonly kind: string;
  /** The construct id (unique in the monitoring construct). */
  readonly constructId: string;
  /** Whether a canary or linear deployment rolls back when it fires: it judges the code, not the load or an operator. */
  readonly rollback: boolean;
  readonly props: cloudwatch.AlarmProps;
}

/** The thresholds the workflow alarms use. */
export interface WorkflowAlarmThresholds {
  readonly failedExecutions: number;
  /** ExecutionTime p99 above this alarms (undefined: no duration alarm, e.g. a token timeout). */
  readonly duration?: Duration;
}

const FIVE_MINUTES = Duration.minutes(5);

/** Sum over 5 minutes ≥ threshold, one period, no data = no executions = fine. */
function countAlarm(kind: string, metric: cloudwatch.IMetric, threshold: number, description: string, rollback: boolean): AlarmSpec {
  return {
    kind,
    constructId: kind,
    rollback,
    props: {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    },
  };
}

/**
 * The state machine alarms (namespace `AWS/States`, dimension `StateMachineArn`): executions
 * failed, timed out (both judge the code, so they roll a deployment back), aborted, throttled,
 * and the p99 duration approaching the workflow timeout.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html
 */
export function workflowAlarmSpecs(stateMachine: sfn.IStateMachine, path: string, thresholds: WorkflowAlarmThresholds): AlarmSpec[] {
  const sum = { period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM };
  const specs = [
    countAlarm(ALARM_IDS.EXECUTIONS_FAILED, stateMachine.metricFailed(sum), thresholds.failedExecutions,
      `${path}: ${thresholds.failedExecutions} or more executions failed in 5 minutes. Open a failed execution in the console, read the error and cause of the failing state, fix or redrive.`, true),
    countAlarm(ALARM_IDS.EXECUTIONS_TIMED_OUT, stateMachine.metricTimedOut(sum), 1,
      `${path}: an execution ran past the workflow timeout (States.Timeout). Find the state it was in; a task without a timeout or a lost callback is the usual cause.`, true),
    countAlarm(ALARM_IDS.EXECUTIONS_ABORTED, stateMachine.metricAborted(sum), 1,
      `${path}: an execution was stopped (StopExecution, or a deletion). Check who stopped it (CloudTrail) and whether its side effects need undoing.`, false),
    countAlarm(ALARM_IDS.EXECUTIONS_THROTTLED, stateMachine.metricThrottled(sum), 1,
      `${path}: Step Functions throttled state transitions or API calls (ExecutionThrottled). Spread the load, or ask for a higher quota.`, false),
  ];
  if (thresholds.duration) {
    specs.push({
      kind: ALARM_IDS.EXECUTION_DURATION,
      constructId: ALARM_IDS.EXECUTION_DURATION,
      rollback: false,
      props: {
        metric: stateMachine.metricTime({ statistic: cloudwatch.Stats.p(99), period: Duration.hours(1) }),
        threshold: thresholds.duration.toMilliseconds(),
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `${path}: the slowest 1% of executions in the hour took ${thresholds.duration.toHumanString()} or more, close to the workflow timeout. Find the slow state (console, Table view) before executions start timing out.`,
      },
    });
  }
  return specs;
}

/**
 * The alarms of one function a step invokes (namespace `AWS/Lambda`): the error rate (errors
 * per invocation, in percent, over 5 minutes) and, when its timeout is known, its slowest
 * invocation reaching 90% of it. Both judge the code, so they roll a deployment back.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
 */
export function functionAlarmSpecs(fn: lambda.IFunction, label: string, errorRatePercent: number): AlarmSpec[] {
  const errors = fn.metricErrors({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM });
  const invocations = fn.metricInvocations({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM });
  const specs: AlarmSpec[] = [{
    kind: ALARM_IDS.FUNCTION_ERRORS,
    constructId: `${label}Errors`,
    rollback: true,
    props: {
      metric: new cloudwatch.MathExpression({
        expression: 'IF(invocations > 0, 100 * errors / invocations, 0)',
        usingMetrics: { errors, invocations },
        period: FIVE_MINUTES,
        label: `${label} error rate (%)`,
      }),
      threshold: errorRatePercent,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `${fn.node.path}: ${errorRatePercent}% or more of its invocations failed in 5 minutes (each failure is retried or caught by its step). Read its logs for the error; a business error (declined, invalid) thrown more often than usual counts too.`,
    },
  }];
  // Lambda's own default is 3 seconds when a Function sets none.
  const timeout = fn instanceof lambda.Function ? (fn.timeout ?? Duration.seconds(3)) : undefined;
  if (timeout && !timeout.isUnresolved()) {
    specs.push({
      kind: ALARM_IDS.FUNCTION_TIMEOUTS,
      constructId: `${label}Timeouts`,
      rollback: true,
      props: {
        metric: fn.metricDuration({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.MAXIMUM }),
        threshold: Math.floor(timeout.toMilliseconds() * 0.9),
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `${fn.node.path}: an invocation ran for 90% or more of its ${timeout.toHumanString()} timeout in 5 minutes (or timed out). Check the dependency it waits on; raise the timeout (and the step's) only if the work really takes longer.`,
      },
    });
  }
  return specs;
}

/** Creates the alarm of a spec in `scope`. */
export function createAlarm(scope: Construct, spec: AlarmSpec): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, spec.constructId, spec.props);
}
