import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import {
  accessRefusal,
  ApprovalDecision,
  ApprovalRecord,
  closedRefusal,
  DecisionRefusal,
  mayDecide,
  taskResponseOf,
  viewOf,
} from '../../lib/approval/approval-record';
import { ApprovalStore } from './approval-store';
import { logger } from './logger';

/** An HTTP status and JSON body. */
export interface ApiResult {
  readonly statusCode: number;
  readonly body: Record<string, unknown>;
}

/** Step Functions errors meaning the execution no longer waits for this token. */
const TOKEN_GONE = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/**
 * The decision API's logic: who may see and decide which approval, the single conditional
 * write that makes the first decision win, and the call that resumes the workflow.
 */
export class DecisionService {
  constructor(
    private readonly store: ApprovalStore,
    private readonly stepFunctions: SFNClient,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** The pending approvals the caller may decide. */
  public async listPending(callerArn: string): Promise<ApiResult> {
    const now = this.clock();
    const records = await this.store.listPending(now);
    return ok({ approvals: records.filter((record) => mayDecide(record.approvers, callerArn)).map((record) => viewOf(record, now)) });
  }

  /** One approval, if the caller may decide it. */
  public async show(approvalId: string, callerArn: string): Promise<ApiResult> {
    const record = await this.store.get(approvalId);
    const refusal = this.refusal(record, approvalId, callerArn);
    return refusal ?? ok({ approval: viewOf(record!, this.clock()) });
  }

  /**
   * Records a decision and resumes the workflow: SendTaskSuccess for APPROVE, SendTaskFailure
   * with `ApprovalRejected` for REJECT. A second decision gets 409, a late one 410. The same
   * caller repeating the same decision (a retry after a timeout) sends it to Step Functions
   * again instead of being refused, so a decision recorded but not delivered is not stuck.
   */
  public async decide(approvalId: string, callerArn: string, decision: ApprovalDecision, comment?: string): Promise<ApiResult> {
    const record = await this.store.get(approvalId);
    const status = decision === 'APPROVE' ? 'APPROVED' : 'REJECTED';
    if (record && record.status === status && record.decidedBy === callerArn) return this.redeliver(record, decision);
    const refusal = this.refusal(record, approvalId, callerArn) ?? this.closed(record!);
    if (refusal) return refusal;
    const decidedAt = this.clock().toISOString();
    if (!(await this.store.decide(approvalId, { status, decidedBy: callerArn, decidedAt, comment }))) {
      return this.closed((await this.store.get(approvalId))!) ?? conflict(`Approval ${approvalId} was decided meanwhile.`);
    }
    try {
      await this.resume(record!.taskToken, decision, approvalId, callerArn, decidedAt, comment);
    } catch (error) {
      return this.undeliverable(approvalId, decidedAt, error as Error);
    }
    logger.info('Approval decided', { approvalId, status, decidedBy: callerArn });
    return ok({ approval: { ...viewOf(record!, this.clock()), status, decidedBy: callerArn, decidedAt, comment } });
  }

  /** Sends a recorded decision to Step Functions again; a task that no longer waits means it was delivered (or expired) before. */
  private async redeliver(record: ApprovalRecord, decision: ApprovalDecision): Promise<ApiResult> {
    try {
      await this.resume(record.taskToken, decision, record.approvalId, record.decidedBy!, record.decidedAt!, record.comment);
    } catch (error) {
      if (!TOKEN_GONE.has((error as Error).name)) return this.undeliverable(record.approvalId, record.decidedAt!, error as Error);
      return conflict(`Approval ${record.approvalId} was already ${record.status} by ${record.decidedBy} at ${record.decidedAt}; Step Functions no longer waits for it.`);
    }
    logger.info('Approval decision delivered again', { approvalId: record.approvalId, status: record.status });
    return ok({ approval: viewOf(record, this.clock()) });
  }

  private async resume(taskToken: string, decision: ApprovalDecision, approvalId: string, decidedBy: string, decidedAt: string, comment?: string): Promise<void> {
    const response = taskResponseOf(decision, approvalId, decidedBy, decidedAt, comment);
    if ('output' in response) await this.stepFunctions.send(new SendTaskSuccessCommand({ taskToken, output: response.output }));
    else await this.stepFunctions.send(new SendTaskFailureCommand({ taskToken, error: response.error, cause: response.cause }));
  }

  /** 404 for an unknown id, 403 for a caller who may not decide it. */
  private refusal(record: ApprovalRecord | undefined, approvalId: string, callerArn: string): ApiResult | undefined {
    return asResult(accessRefusal(record, approvalId, callerArn));
  }

  /** 410 when the request expired, 409 when it was already decided. */
  private closed(record: ApprovalRecord): ApiResult | undefined {
    return asResult(closedRefusal(record, this.clock()));
  }

  /** Step Functions refused the decision: 410 if the task is gone, else 503 with the record reopened. */
  private async undeliverable(approvalId: string, decidedAt: string, error: Error): Promise<ApiResult> {
    if (TOKEN_GONE.has(error.name)) {
      await this.store.markExpired(approvalId);
      logger.warn('Decision came too late', { approvalId, error: error.name });
      return { statusCode: 410, body: { message: `The workflow no longer waits for approval ${approvalId} (${error.name}).` } };
    }
    await this.store.reopen(approvalId, decidedAt);
    logger.error('Could not resume the workflow', { approvalId, error: error.name });
    return { statusCode: 503, body: { message: `Could not reach Step Functions (${error.name}); the approval is still pending, try again.` } };
  }
}

function asResult(refusal: DecisionRefusal | undefined): ApiResult | undefined {
  return refusal && { statusCode: refusal.statusCode, body: { message: refusal.message } };
}

function ok(body: Record<string, unknown>): ApiResult {
  return { statusCode: 200, body };
}

function conflict(message: string): ApiResult {
  return { statusCode: 409, body: { message } };
}
