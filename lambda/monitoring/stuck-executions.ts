import { SFNClient } from '@aws-sdk/client-sfn';
import { JsonLogger } from '../approval/logger';
import { STUCK_CHECK_NAMESPACE } from '../../lib/workflow/stuck-check-metrics';
import { checkStuckExecutions, StuckCheckConfig, StuckCheckResult } from './stuck-check';


const logger = new JsonLogger('stuck-executions');
const client = new SFNClient({});

/**
 * The scheduled stuck-execution check: reads `CONFIG` (a {@link StuckCheckConfig}), checks the
 * RUNNING executions, logs each stuck or unchecked execution, and publishes `StuckExecutions`,
 * `OpenApprovals` and `UncheckedExecutions` (dimension `StateMachineArn`) in CloudWatch's
 * embedded metric format (on its JSON log line), so no `cloudwatch:PutMetricData` call or permission is needed.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
export async function handler(): Promise<StuckCheckResult> {
  const config = JSON.parse(process.env.CONFIG ?? '') as StuckCheckConfig;
  const now = new Date();
  const result = await checkStuckExecutions(client, config, now);
  for (const execution of result.stuck) logger.warn('Execution stuck in a state longer than its bound', { ...execution });
  for (const executionArn of result.unchecked) logger.warn('Execution not checked: its open state was not found in the history pages read', { executionArn });
  // The embedded-metric-format members ride on the log line at top level, beside the logger's own keys.
  logger.info('Stuck-execution check', { running: result.running, ...metricRecord(config.stateMachineArn, result, now) });
  return result;
}

/** One embedded-metric-format record of a check's counts. */
export function metricRecord(stateMachineArn: string, result: StuckCheckResult, now: Date): Record<string, unknown> {
  return {
    _aws: {
      Timestamp: now.getTime(),
      CloudWatchMetrics: [{
        Namespace: STUCK_CHECK_NAMESPACE,
        Dimensions: [['StateMachineArn']],
        Metrics: [
          { Name: 'StuckExecutions', Unit: 'Count' },
          { Name: 'OpenApprovals', Unit: 'Count' },
          { Name: 'UncheckedExecutions', Unit: 'Count' },
        ],
      }],
    },
    StateMachineArn: stateMachineArn,
    StuckExecutions: result.stuck.length,
    OpenApprovals: result.openApprovals,
    UncheckedExecutions: result.unchecked.length,
  };
}
