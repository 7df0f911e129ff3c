import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNServiceException } from '@aws-sdk/client-sfn';
import { ApprovalRequestEvent } from '../../lib/approval/approval-record';
import { ApprovalService } from '../../lib';
import { newStack } from '../helpers';
import { createTableLike, LocalDynamo, startLocalDynamo } from './dynalite';

export const REVIEWER_ROLE = 'arn:aws:iam::123456789012:role/OrderReviewer';
export const FINANCE_ROLE = 'arn:aws:iam::123456789012:role/FinanceLead';
export const REVIEWER = 'arn:aws:sts::123456789012:assumed-role/OrderReviewer/dana';
export const OTHER_REVIEWER = 'arn:aws:sts::123456789012:assumed-role/OrderReviewer/lee';
export const FINANCE = 'arn:aws:sts::123456789012:assumed-role/FinanceLead/kim';
export const OUTSIDER = 'arn:aws:sts::123456789012:assumed-role/Intern/sam';

/** dynalite with a table of the schema the ApprovalService construct deploys, and the handlers' environment pointing at it. */
export async function startApprovalTable(tableName: string): Promise<LocalDynamo> {
  const dynamo = await startLocalDynamo();
  const stack = newStack();
  new ApprovalService(stack, 'Approvals');
  const [table] = Object.values(Template.fromStack(stack).findResources('AWS::DynamoDB::GlobalTable'));
  await createTableLike(dynamo.client, tableName, table.Properties);
  Object.assign(process.env, {
    TABLE_NAME: tableName,
    RETENTION_SECONDS: String(Duration.days(90).toSeconds()),
    DECISION_API_URL: 'https://abc123.execute-api.us-east-1.amazonaws.com/v1/',
    TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:approvals',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    POWERTOOLS_DEV: 'true',
  });
  return dynamo;
}

let requestCount = 0;

/** A HumanApproval's request to its notifier, with a fresh task token. */
export function approvalRequest(overrides: Partial<ApprovalRequestEvent> = {}): ApprovalRequestEvent {
  requestCount++;
  return {
    taskToken: `AQCEAAAAKgAAAAMAAAAAAAAAA-secret-token-${requestCount}-${process.hrtime.bigint()}-${'x'.repeat(40)}`,
    executionArn: `arn:aws:states:us-east-1:123456789012:execution:OrderWorkflow:run-${requestCount}`,
    stateName: 'ReviewOrder: wait for decision',
    summary: { orderId: `ORD-${2000 + requestCount}`, riskScore: 80 },
    approvers: [REVIEWER_ROLE],
    timeoutSeconds: 3600,
    ...overrides,
  };
}

/** An error as the SDK throws it for a Step Functions error response. */
export function sfnError(name: string, httpStatusCode = 400): SFNServiceException {
  return new SFNServiceException({ name, message: `${name} (test)`, $fault: httpStatusCode >= 500 ? 'server' : 'client', $metadata: { httpStatusCode } });
}

/** An error as the SDK throws it when the request left but no answer came back. */
export function lostAnswer(): Error {
  return Object.assign(new Error('Connection timed out after 2000 ms'), { name: 'TimeoutError' });
}

/** A DynamoDB client for dynalite that records the name of every command it sends. */
export function countingClient(dynamo: LocalDynamo): { client: DynamoDBClient; commands: string[] } {
  const commands: string[] = [];
  const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  client.middlewareStack.add(
    (next, context) => (args) => {
      commands.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  return { client, commands };
}
