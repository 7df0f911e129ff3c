import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ApprovalDecision, ApprovalRecord, confirmedStatusOf, DecisionClaim, PENDING_INDEX } from '../../lib/approval/approval-record';

/**
 * The approval store: a DynamoDB table keyed by approval id, with TTL on `expiresAtEpoch` plus
 * the retention period. Conditional writes make the first decision the only one, and move a
 * record only along the transitions of approval-record.ts (`claimedRecord`, `deliveredRecord`,
 * `tokenGoneRecord`), which LocalApprovals applies in memory.
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
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
   * PENDING → DECIDING: keeps the first decision, its first send counted and in progress until
   * `sendingUntil`, if the request is still PENDING and not expired at `now`.
   *
   * @returns false if another decision came first or the request expired
   */
  public async claim(approvalId: string, claim: DecisionClaim, now: string, sendingUntil: string): Promise<boolean> {
    return this.conditionally({
      Key: { approvalId },
      UpdateExpression: 'SET #status = :deciding, decision = :decision, decidedBy = :by, decidedAt = :at, #comment = :comment, unconfirmedSends = :one, sendingUntil = :until',
      ConditionExpression: 'attribute_exists(approvalId) AND #status = :pending AND expiresAt > :now',
      ExpressionAttributeNames: { '#status': 'status', '#comment': 'comment' },
      ExpressionAttributeValues: {
        ':deciding': 'DECIDING',
        ':decision': claim.decision,
        ':by': claim.decidedBy,
        ':at': claim.decidedAt,
        ':comment': claim.comment ?? null,
        ':one': 1,
        ':until': sendingUntil,
        ':pending': 'PENDING',
        ':now': now,
      },
    });
  }

  /**
   * Counts one more send of a DECIDING decision by its decider, if no send is in progress at
   * `now` and the request has not expired.
   *
   * @returns false if the record changed (confirmed, unconfirmed, another send started, expired)
   */
  public async startResend(approvalId: string, decidedBy: string, decision: ApprovalDecision, now: string, sendingUntil: string): Promise<boolean> {
    return this.conditionally({
      Key: { approvalId },
      UpdateExpression: 'SET sendingUntil = :until ADD unconfirmedSends :one',
      ConditionExpression: '#status = :deciding AND decidedBy = :by AND decision = :decision AND expiresAt > :now AND (attribute_not_exists(sendingUntil) OR sendingUntil <= :now)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':until': sendingUntil, ':one': 1, ':deciding': 'DECIDING', ':by': decidedBy, ':decision': decision, ':now': now },
    });
  }

  /** → APPROVED / REJECTED: Step Functions confirmed the decision (a record already confirmed stays as it is). */
  public async confirmDelivery(approvalId: string, decision: ApprovalDecision, deliveredAt: string): Promise<void> {
    await this.conditionally({
      Key: { approvalId },
      UpdateExpression: 'SET #status = :confirmed, deliveredAt = :at REMOVE unconfirmedSends, sendingUntil, deliveryError',
      ConditionExpression: '#status IN (:deciding, :unconfirmed, :expired) AND decision = :decision',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':confirmed': confirmedStatusOf(decision),
        ':at': deliveredAt,
        ':deciding': 'DECIDING',
        ':unconfirmed': 'DELIVERY_UNCONFIRMED',
        ':expired': 'EXPIRED',
        ':decision': decision,
      },
    });
  }

  /** Step Functions refused a send for certain (throttled, denied): it no longer counts as possibly delivered. */
  public async releaseRefusedSend(approvalId: string, errorName: string): Promise<void> {
    await this.conditionally({
      Key: { approvalId },
      UpdateExpression: 'SET deliveryError = :error ADD unconfirmedSends :minusOne REMOVE sendingUntil',
      ConditionExpression: '#status = :deciding',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':error': errorName, ':minusOne': -1, ':deciding': 'DECIDING' },
    });
  }

  /** A send's answer was lost: it stays counted as possibly delivered, and its decider may repeat it. */
  public async releaseUnansweredSend(approvalId: string, errorName: string): Promise<void> {
    await this.conditionally({
      Key: { approvalId },
      UpdateExpression: 'SET deliveryError = :error REMOVE sendingUntil',
      ConditionExpression: '#status = :deciding',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':error': errorName, ':deciding': 'DECIDING' },
    });
  }

  /**
   * Step Functions answered a send with `errorName` (it no longer waits): EXPIRED if that send was
   * the only one counted (none landed), else DELIVERY_UNCONFIRMED. A record no longer DECIDING
   * (confirmed meanwhile) stays as it is.
   */
  public async closeOnTokenGone(approvalId: string, errorName: string): Promise<void> {
    const close = (status: string, condition: string) => this.conditionally({
      Key: { approvalId },
      UpdateExpression: 'SET #status = :status, deliveryError = :error ADD unconfirmedSends :minusOne REMOVE sendingUntil',
      ConditionExpression: `#status = :deciding${condition}`,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': status, ':error': errorName, ':minusOne': -1, ':deciding': 'DECIDING', ...(condition ? { ':one': 1 } : {}) },
    });
    if (!(await close('EXPIRED', ' AND unconfirmedSends = :one'))) await close('DELIVERY_UNCONFIRMED', '');
  }

  /** An update of the table under a condition; false when the condition does not hold. */
  private async conditionally(update: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName'>): Promise<boolean> {
    try {
      await this.client.send(new UpdateCommand({ TableName: this.tableName, ...update }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}
