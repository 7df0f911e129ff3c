import { randomUUID } from 'node:crypto';
import type { StatesError } from '../engine/errors';
import type { TaskIntegration } from '../task-host';
import { fromSdkResponse, toSdkRequest } from './attribute-values';
import { taskError, withSdkMetadata } from './service-errors';
import { transactGetItems, transactWriteItems } from './dynamodb-transactions';
import type { LocalDynamoDB } from './local-dynamodb';

const OPTIMIZED = /^arn:[^:]+:states:::dynamodb:(getItem|putItem|updateItem|deleteItem)$/;
const AWS_SDK = /^arn:[^:]+:states:::aws-sdk:dynamodb:([A-Za-z]+)$/;

/**
 * The `aws-sdk:dynamodb` actions the local DynamoDB answers: the item and table-reading API
 * dynalite implements, and the two transaction actions, which {@link transactWriteItems} emulates
 * on top of it.
 */
export const LOCAL_DYNAMODB_ACTIONS = [
  'batchGetItem', 'batchWriteItem', 'deleteItem', 'describeTable', 'describeTimeToLive', 'getItem', 'listTables',
  'putItem', 'query', 'scan', 'transactGetItems', 'transactWriteItems', 'updateItem',
];

/**
 * Runs DynamoDB tasks against the runner's {@link LocalDynamoDB}:
 *
 * - the optimized integration (`arn:aws:states:::dynamodb:getItem|putItem|updateItem|deleteItem`):
 *   `Parameters` are the API request, the result is the API response plus `SdkHttpMetadata` and
 *   `SdkResponseMetadata` (as recorded from AWS); errors are `DynamoDB.<Exception>` with the Java
 *   SDK v1 cause text, and an error DynamoDB does not model (a `ValidationException`) is
 *   `DynamoDB.AmazonDynamoDBException`;
 * - the AWS SDK integration (`arn:aws:states:::aws-sdk:dynamodb:<action>`): the plain API
 *   response; errors are `DynamoDb.<Exception>` with the Java SDK v2 cause text, an unmodelled
 *   one `DynamoDb.DynamoDbException`.
 *
 * Error names and cause texts follow executions recorded against AWS (LocalStack's snapshot
 * tests: `DynamoDB.ResourceNotFoundException`, `DynamoDB.AmazonDynamoDBException`,
 * `DynamoDb.ResourceNotFoundException`, `DynamoDb.DynamoDbException`); that a conditional write
 * fails with `DynamoDB.ConditionalCheckFailedException` (optimized) and
 * `DynamoDb.ConditionalCheckFailedException` (SDK) follows the same rule but was not recorded.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
 */
export function dynamoDbIntegration(database: () => LocalDynamoDB): TaskIntegration {
  return {
    matches: (resource) => OPTIMIZED.test(resource) || AWS_SDK.test(resource),
    problem: (_, state) => {
      const action = AWS_SDK.exec(String(state.Resource))?.[1];
      if (action === undefined || LOCAL_DYNAMODB_ACTIONS.includes(action)) return undefined;
      return `the local DynamoDB does not answer ${action} (it answers ${LOCAL_DYNAMODB_ACTIONS.join(', ')})`;
    },
    invoke: async ({ invocation }) => {
      const optimized = OPTIMIZED.exec(invocation.resource)?.[1];
      const action = optimized ?? AWS_SDK.exec(invocation.resource)![1];
      const db = database();
      const request = toSdkRequest(invocation.input ?? {}, optimized === undefined) as Record<string, unknown>;
      try {
        const { $metadata, ...response } = await callAction(db, pascal(action), request);
        const body = fromSdkResponse(response, optimized === undefined) as Record<string, unknown>;
        return optimized ? withSdkMetadata(body, 'application/x-amz-json-1.0', ($metadata as { requestId?: string } | undefined)?.requestId) : body;
      } catch (error) {
        throw await dynamoDbError(db, error, optimized !== undefined);
      }
    },
  };
}

async function callAction(db: LocalDynamoDB, action: string, request: Record<string, unknown>): Promise<Record<string, unknown>> {
  if (action === 'TransactWriteItems') return transactWriteItems(db, request);
  if (action === 'TransactGetItems') return transactGetItems(db, request);
  return db.send(action, request);
}

/**
 * The task error Step Functions reports for a failed call. Names: the SDK's exception name when
 * DynamoDB models it, else the SDK's base exception (`AmazonDynamoDBException` in v1, used by the
 * optimized integration; `DynamoDbException` in v2, used by the AWS SDK integration).
 */
async function dynamoDbError(db: LocalDynamoDB, thrown: unknown, optimized: boolean): Promise<StatesError> {
  const error = thrown as Error & { $metadata?: { httpStatusCode?: number; requestId?: string }; $fault?: string };
  if (!error?.$metadata) {
    return taskError(optimized ? 'DynamoDB.SdkClientException' : 'DynamoDb.SdkClientException', `Unable to execute HTTP request: ${error?.message}`);
  }
  const sdk = await db.sdk();
  const modelled = typeof sdk[error.name] === 'function' && error.name !== 'DynamoDBServiceException';
  const status = error.$metadata.httpStatusCode ?? 400;
  const requestId = error.$metadata.requestId ?? randomUUID();
  if (optimized) {
    const name = modelled ? error.name : 'AmazonDynamoDBException';
    return taskError(`DynamoDB.${name}`, `${error.message} (Service: AmazonDynamoDBv2; Status Code: ${status}; Error Code: ${error.name}; Request ID: ${requestId}; Proxy: null)`);
  }
  const name = modelled ? error.name : 'DynamoDbException';
  return taskError(`DynamoDb.${name}`, `${error.message} (Service: DynamoDb, Status Code: ${status}, Request ID: ${requestId})`);
}

function pascal(action: string): string {
  return action.charAt(0).toUpperCase() + action.slice(1);
}
