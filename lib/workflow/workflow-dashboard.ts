import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { STEP_FUNCTIONS_PRICES } from '../cost/prices';
import { checkMetric } from './stuck-execution-check';

/** What the dashboard shows. */
export interface DashboardContent {
  readonly stateMachine: sfn.IStateMachine;
  readonly stateMachineType: sfn.StateMachineType;
  /** The execution log group, when it logs every event (level ALL): the source of failures by error and transitions. */
  readonly logGroup?: logs.ILogGroup;
  /** Functions the steps invoke, with a label each. */
  readonly functions: Array<{ readonly label: string; readonly fn: lambda.IFunction }>;
  /** Whether the stuck-execution check publishes (STANDARD workflows with the check). */
  readonly stuckCheck: boolean;
  /** Whether the workflow has approval states. */
  readonly approvals: boolean;
}

const FIVE_MINUTES = Duration.minutes(5);
const WIDTH = 12;

/** The first rows of a workflow's dashboard: executions, durations, failures by error, transitions and their cost, steps, approvals. */
export function dashboardRows(content: DashboardContent): cloudwatch.IWidget[][] {
  const { stateMachine } = content;
  const sum = { period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM };
  const rows: cloudwatch.IWidget[][] = [
    [
      new cloudwatch.GraphWidget({
        title: 'Executions (per 5 minutes)',
        width: WIDTH,
        left: [
          stateMachine.metricStarted({ ...sum, label: 'Started' }),
          stateMachine.metricSucceeded({ ...sum, label: 'Succeeded' }),
          stateMachine.metricFailed({ ...sum, label: 'Failed' }),
          stateMachine.metricTimedOut({ ...sum, label: 'Timed out' }),
          stateMachine.metricAborted({ ...sum, label: 'Aborted' }),
          stateMachine.metricThrottled({ ...sum, label: 'Throttled' }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Execution duration (ms)',
        width: WIDTH,
        left: ['p50', 'p90', 'p99'].map((percentile) => stateMachine.metricTime({ statistic: percentile, period: FIVE_MINUTES, label: percentile })),
      }),
    ],
    [failuresByError(content), transitionsAndCost(content)],
  ];
  if (content.functions.length > 0) rows.push(stepRows(content));
  const checks = checkWidgets(content);
  if (checks.length > 0) rows.push(checks);
  return rows;
}

function failuresByError(content: DashboardContent): cloudwatch.IWidget {
  if (!content.logGroup) return unavailable('Failed executions by error', 'the workflow does not log to CloudWatch Logs');
  return new cloudwatch.LogQueryWidget({
    title: 'Failed executions by error (from the execution logs)',
    width: WIDTH,
    logGroupNames: [content.logGroup.logGroupName],
    view: cloudwatch.LogQueryVisualizationType.TABLE,
    queryLines: ['filter type = "ExecutionFailed"', 'stats count(*) as failures by details.error as error', 'sort failures desc'],
  });
}

function transitionsAndCost(content: DashboardContent): cloudwatch.IWidget {
  if (content.stateMachineType === sfn.StateMachineType.EXPRESS) {
    const started = content.stateMachine.metricStarted({ period: Duration.days(1), statistic: cloudwatch.Stats.SUM });
    return new cloudwatch.GraphWidget({
      title: 'Requests per day and their estimated cost (USD, duration not included)',
      width: WIDTH,
      left: [started.with({ label: 'Requests' })],
      right: [new cloudwatch.MathExpression({
        expression: `started * ${STEP_FUNCTIONS_PRICES.express.perRequest}`,
        usingMetrics: { started },
        period: Duration.days(1),
        label: `Estimated request cost (USD, ${STEP_FUNCTIONS_PRICES.region} ${STEP_FUNCTIONS_PRICES.asOf} prices)`,
      })],
    });
  }
  if (!content.logGroup) return unavailable('State transitions per day', 'the workflow does not log every event (log level ALL)');
  const price = STEP_FUNCTIONS_PRICES.standard.perTransition;
  return new cloudwatch.LogQueryWidget({
    title: `State transitions per day and estimated cost (USD at ${price} per transition, ${STEP_FUNCTIONS_PRICES.region} ${STEP_FUNCTIONS_PRICES.asOf}; free tier not deducted)`,
    width: WIDTH,
    logGroupNames: [content.logGroup.logGroupName],
    view: cloudwatch.LogQueryVisualizationType.TABLE,
    queryLines: [
      'filter type like /StateEntered$/',
      `stats count(*) as transitions, count(*) * ${price} as estimatedUsd by bin(1d) as day`,
      'sort day desc',
    ],
  });
}

/** Per step function: invocations, errors (each a failed attempt, then retried or caught) and throttles. */
function stepRows(content: DashboardContent): cloudwatch.IWidget[] {
  const sum = { period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM };
  return [
    new cloudwatch.GraphWidget({
      title: 'Step attempts per function (a retry is a new invocation)',
      width: WIDTH,
      left: content.functions.map(({ label, fn }) => fn.metricInvocations({ ...sum, label })),
    }),
    new cloudwatch.GraphWidget({
      title: 'Failed step attempts per function (errors and throttles; each is retried or caught)',
      width: WIDTH,
      left: content.functions.flatMap(({ label, fn }) => [fn.metricErrors({ ...sum, label: `${label} errors` }), fn.metricThrottles({ ...sum, label: `${label} throttles` })]),
    }),
  ];
}

function checkWidgets(content: DashboardContent): cloudwatch.IWidget[] {
  if (!content.stuckCheck) return [];
  const widgets: cloudwatch.IWidget[] = [
    new cloudwatch.GraphWidget({
      title: 'Stuck and unchecked executions (stuck-execution check)',
      width: WIDTH,
      left: [
        checkMetric('StuckExecutions', content.stateMachine, FIVE_MINUTES).with({ label: 'Stuck' }),
        checkMetric('UncheckedExecutions', content.stateMachine, FIVE_MINUTES).with({ label: 'Unchecked' }),
      ],
    }),
  ];
  if (content.approvals) {
    widgets.push(new cloudwatch.SingleValueWidget({
      title: 'Open approvals (waiting for a decision)',
      width: WIDTH,
      metrics: [checkMetric('OpenApprovals', content.stateMachine, FIVE_MINUTES).with({ label: 'Open approvals' })],
    }));
  }
  return widgets;
}

function unavailable(title: string, reason: string): cloudwatch.IWidget {
  return new cloudwatch.TextWidget({ markdown: `### ${title}\nNot shown: ${reason}.`, width: WIDTH, height: 6 });
}

/** A row with the depth of each dead-letter queue of the workflow's triggers. */
export function deadLetterWidget(queues: Array<{ readonly label: string; readonly metric: cloudwatch.IMetric }>): cloudwatch.IWidget {
  return new cloudwatch.GraphWidget({
    title: 'Dead-letter queue depth (starts that failed after their retries)',
    width: WIDTH,
    left: queues.map(({ metric }) => metric),
  });
}
