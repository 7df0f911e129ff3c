import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { ApprovalRecord, ApprovalRequestEvent, newApprovalRecord, NOTIFICATION_FAILED_ERROR } from '../../lib/approval/approval-record';
import { assertStorable } from '../../lib/approval/request-size';
import { ApprovalStore } from './approval-store';
import { logger } from './logger';
import { deepLinkOf, emailSubjectOf, emailTextOf, snsMessageOf } from './notification-email';

/** The announcement of a request: everything a reviewer needs, and no task token. */
export interface ApprovalNotification {
  readonly type: 'ApprovalRequested';
  readonly approvalId: string;
  readonly stateName: string;
  readonly executionArn: string;
  readonly summary: unknown;
  readonly requestedAt: string;
  readonly expiresAt: string;
  readonly decisionUrl: string;
  /** The request on the approvals page (Cognito sign-in): opening it decides nothing. */
  readonly approvalPageUrl?: string;
  readonly howToDecide: string;
}

const sns = new SNSClient({});
const eventBridge = new EventBridgeClient({});

/**
 * The request could not be stored or announced (a throttled or unavailable AWS service). The
 * HumanApproval step retries it; a retry carries a new task token, so a new request.
 */
export class ApprovalNotificationFailed extends Error {
  public readonly name = NOTIFICATION_FAILED_ERROR;
}

/**
 * The HumanApproval task's notifier: stores the request (the only place the task token is
 * kept) and announces it on the SNS topic and/or event bus, by approval id. A summary too large
 * to store or announce fails at once with `ApprovalSummaryTooLarge` (not retried: it never fits).
 * If storing or the announcement fails, the stored request is removed (nobody could decide it)
 * and the error is `ApprovalNotificationFailed`, which the step retries.
 */
export const handler = async (event: ApprovalRequestEvent): Promise<{ approvalId: string; expiresAt: string }> => {
  const store = new ApprovalStore(requiredEnv('TABLE_NAME'));
  const record = newApprovalRecord(event, new Date());
  try {
    assertStorable(record);
  } catch (error) {
    logger.error('Approval request too large', { approvalId: record.approvalId, stateName: record.stateName, message: (error as Error).message });
    throw error;
  }
  try {
    await store.create(record, Number(requiredEnv('RETENTION_SECONDS')));
    const place = { apiUrl: requiredEnv('DECISION_API_URL'), pageUrl: process.env.APPROVALS_PAGE_URL || undefined };
    await announce(notificationOf(record, place.apiUrl, place.pageUrl), emailTextOf(record, place)).catch(async (error: Error) => {
      await store.remove(record.approvalId);
      throw error;
    });
  } catch (error) {
    logger.error('Approval request not announced', { approvalId: record.approvalId, error: (error as Error).name });
    throw new ApprovalNotificationFailed(`Could not store or announce approval ${record.approvalId}: ${(error as Error).name}`);
  }
  logger.info('Approval requested', { approvalId: record.approvalId, stateName: record.stateName, executionArn: record.executionArn, expiresAt: record.expiresAt });
  return { approvalId: record.approvalId, expiresAt: record.expiresAt };
};

/** The notification for a stored request; with an approvals page, how to decide points there. */
export function notificationOf(record: ApprovalRecord, apiUrl: string, pageUrl?: string): ApprovalNotification {
  const decisionUrl = `${apiUrl.replace(/\/$/, '')}/approvals/${record.approvalId}`;
  const request = {
    type: 'ApprovalRequested' as const,
    approvalId: record.approvalId,
    stateName: record.stateName,
    executionArn: record.executionArn,
    summary: record.summary,
    requestedAt: record.requestedAt,
    expiresAt: record.expiresAt,
    decisionUrl,
  };
  if (pageUrl) {
    const approvalPageUrl = deepLinkOf(pageUrl, record.approvalId);
    return {
      ...request,
      approvalPageUrl,
      howToDecide: `Open ${approvalPageUrl}, sign in (Cognito) and approve or reject; the decision API at ${decisionUrl} takes a Cognito access token with the decide scope.`,
    };
  }
  return {
    ...request,
    howToDecide:
      `POST ${decisionUrl}/decision with {"decision":"APPROVE"} or {"decision":"REJECT","comment":"..."}, signed with your AWS credentials ` +
      `(npx cdk-sfn-workflows approvals approve ${record.approvalId} --api ${apiUrl})`,
  };
}

async function announce(notification: ApprovalNotification, emailText: string): Promise<void> {
  const message = JSON.stringify(notification);
  if (process.env.TOPIC_ARN) {
    await sns.send(new PublishCommand({
      TopicArn: process.env.TOPIC_ARN,
      Subject: emailSubjectOf(notification.stateName),
      ...snsMessageOf(message, emailText),
    }));
  }
  if (process.env.EVENT_BUS_NAME) {
    const result = await eventBridge.send(new PutEventsCommand({
      Entries: [{ EventBusName: process.env.EVENT_BUS_NAME, Source: 'cdk-sfn-workflows.approvals', DetailType: 'Approval Requested', Detail: message }],
    }));
    if (result.FailedEntryCount) throw new Error(`EventBridge rejected the approval event: ${result.Entries?.[0]?.ErrorCode}`);
  }
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set.`);
  return value;
}
