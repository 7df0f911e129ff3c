import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ApprovalRecord, ApprovalStatus, PENDING_INDEX } from '../../lib/approval/approval-record';

/** What a decision writes, from PENDING. */
export interface DecisionWrite {
  readonly status: Extract<ApprovalStatus, 'APPROVED' | 'REJECTED'>;
  readonly decidedBy: string;
  readonly decidedAt: string;
  readonly comment?: string;
}

/**
 * The approval store: a DynamoDB table keyed by approval id, with TTL on `expiresAtEpoch` plus
 * the retention period. Conditional writes make the first decision the only one.
 */
export class ApprovalStore {
  private readonly client: DynamoDBDocumentClient;

  constructor(
    private readonly tableName: string,
    client: DynamoDBClient = new DynamoDBClient({}),
  ) {
    this.client = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  /**
   * Stores a new request, kept `retentionSeconds` after it expires (DynamoDB TTL); storing the
   * same request again (a retried notification) changes nothing.
   */
  public async create(record: ApprovalRecord, retentionSeconds: number): Promise<void> {
    const expiresAtEpoch = Math.floor(Date.parse(record.expiresAt) / 1000);
    try {
      await this.client.send(new PutCommand({
        TableName: this.tableName,
        Item: { ...record, ttl: expiresAtEpoch + retentionSeconds },
        ConditionExpression: 'attribute_not_exists(approvalId)',
      }));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** The record, or undefined for an unknown id. */
  public async get(approvalId: string): Promise<ApprovalRecord | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { approvalId }, ConsistentRead: true }));
    return result.Item as ApprovalRecord | undefined;
  }

  /** PENDING records not yet expired at `now`, soonest expiry first (every page of the index). */
  public async listPending(now: Date): Promise<ApprovalRecord[]> {
    const records: ApprovalRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(new QueryCommand({
        TableName: this.tableName,
        IndexName: PENDING_INDEX,
        KeyConditionExpression: '#status = :pending AND expiresAt > :now',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pending': 'PENDING', ':now': now.toISOString() },
        ExclusiveStartKey: startKey,
      }));
      records.push(...((page.Items ?? []) as ApprovalRecord[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return records;
  }

  /** Removes a request nobody was told about (its announcement failed), so it is never listed. */
  public async remove(approvalId: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { approvalId }, ConditionExpression: '#status = :pending', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':pending': 'PENDING' } }));
  }

  /**
   * Records a decision if the request is still PENDING and not expired at `decidedAt`.
   *
   * @returns false if another decision came first or the request expired
   */
  public async decide(approvalId: string, write: DecisionWrite): Promise<boolean> {
    try {
      await this.client.send(new UpdateCommand({
        TableName: this.tableName,
        Key: { approvalId },
        UpdateExpression: 'SET #status = :status, decidedBy = :by, decidedAt = :at, #comment = :comment',
        ConditionExpression: 'attribute_exists(approvalId) AND #status = :pending AND expiresAt > :at',
        ExpressionAttributeNames: { '#status': 'status', '#comment': 'comment' },
        ExpressionAttributeValues: {
          ':status': write.status,
          ':by': write.decidedBy,
          ':at': write.decidedAt,
          ':comment': write.comment ?? null,
          ':pending': 'PENDING',
        },
      }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Marks a request EXPIRED (Step Functions no longer waits for it), whatever it was. */
  public async markExpired(approvalId: string): Promise<void> {
    await this.client.send(new UpdateCommand({
      TableName: this.tableName,
      Key: { approvalId },
      UpdateExpression: 'SET #status = :expired',
      ConditionExpression: 'attribute_exists(approvalId)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':expired': 'EXPIRED' },
    }));
  }

  /** Puts a decided record back to PENDING when Step Functions could not be told (a retry may then succeed). */
  public async reopen(approvalId: string, decidedAt: string): Promise<void> {
    await this.client.send(new UpdateCommand({
      TableName: this.tableName,
      Key: { approvalId },
      UpdateExpression: 'SET #status = :pending REMOVE decidedBy, decidedAt, #comment',
      ConditionExpression: 'decidedAt = :at',
      ExpressionAttributeNames: { '#status': 'status', '#comment': 'comment' },
      ExpressionAttributeValues: { ':pending': 'PENDING', ':at': decidedAt },
    }));
  }
}
