import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import {
  accessRefusal,
  ApprovalDecision,
  ApprovalRecord,
  DecisionPlan,
  DecisionRefusal,
  deliveredRecord,
  idRefusal,
  mayAccess,
  planDecision,
  Reviewer,
  taskResponseOf,
  viewOf,
} from '../../lib/approval/approval-record';
import { ApprovalStore } from './approval-store';
import { classifyDeliveryError, DeliveryFailure } from './delivery-errors';
import { logger } from './logger';

/** An HTTP status and JSON body. */
export interface ApiResult {
  readonly statusCode: number;
  readonly body: Record<string, unknown>;
}

/** Tuning of a {@link DecisionService}. */
export interface DecisionServiceOptions {
  /**
   * How long a send keeps its decider's repeats from sending the decision again: longer than the
   * decision function's timeout (10 s), so a send never outlives it.
   * @default 15,000 ms
   */
  readonly sendWindowMillis?: number;
  /**
   * How many times a send that Step Functions throttled is retried at once, with full-jitter backoff.
   * @default 2
   */
  readonly throttleRetries?: number;
  /**
   * The base of that backoff: retry n waits a random time below base × 2ⁿ.
   * @default 100 ms
   */
  readonly retryBaseMillis?: number;
}

/** Reads and conditional writes a decision may take when other decisions interleave. */
const MAX_ROUNDS = 3;

/**
 * The decision API's logic: who may see and decide which approval, the conditional writes that
 * keep the first decision (and only it) until Step Functions confirms it, and the calls that
 * resume the workflow. Every answer says what is known when it is given (see the README's state
 * table): a decision that may have reached the workflow is never opened to another approver.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html
 */
export class DecisionService {
  private readonly sendWindowMillis: number;
  private readonly throttleRetries: number;
  private readonly retryBaseMillis: number;

  constructor(
    private readonly store: ApprovalStore,
    private readonly stepFunctions: SFNClient,
    private readonly clock: () => Date = () => new Date(),
    options: DecisionServiceOptions = {},
  ) {
    this.sendWindowMillis = options.sendWindowMillis ?? 15_000;
    this.throttleRetries = options.throttleRetries ?? 2;
    this.retryBaseMillis = options.retryBaseMillis ?? 100;
  }

  /** The pending approvals the reviewer may decide (see mayAccess). */
  public async listPending(reviewer: Reviewer): Promise<ApiResult> {
    const now = this.clock();
    const records = await this.store.listPending(now);
    return ok({ approvals: records.filter((record) => mayAccess(record, reviewer)).map((record) => viewOf(record, now)) });
  }

  /** One approval, if the reviewer may decide it: 400 for a malformed id (not looked up), 404, 403. */
  public async show(approvalId: string, reviewer: Reviewer): Promise<ApiResult> {
    const malformed = idRefusal(approvalId);
    if (malformed) return refused(malformed);
    const record = await this.store.get(approvalId);
    const refusal = accessRefusal(record, approvalId, reviewer);
    return refusal ? refused(refusal) : ok({ approval: viewOf(record!, this.clock()) });
  }

  /**
   * Decides an approval: the first decision is recorded (DECIDING) and sent to Step Functions,
   * SendTaskSuccess for APPROVE, SendTaskFailure with `ApprovalRejected` for REJECT; confirmed, it
   * becomes APPROVED / REJECTED (200). Its decider repeating it sends the same decision again
   * until it is confirmed; anyone else gets 409 naming it. Answers: 400 malformed id, 403, 404,
   * 409, 410, 502 (Step Functions refuses for good), 503 (throttled, or the answer was lost).
   */
  public async decide(approvalId: string, reviewer: Reviewer, decision: ApprovalDecision, comment?: string): Promise<ApiResult> {
    const malformed = idRefusal(approvalId);
    if (malformed) return refused(malformed);
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const now = this.clock();
      const record = await this.store.get(approvalId);
      const result = await this.follow(planDecision(record, approvalId, reviewer, decision, now), record, now, { decision, reviewer, comment });
      if (result) return result;
    }
    return conflict(`Approval ${approvalId} changed while your decision was being recorded; read it and decide again if it is still PENDING.`);
  }

  /** Carries out a plan; undefined when its conditional write lost to another request (read again). */
  private async follow(
    plan: DecisionPlan,
    record: ApprovalRecord | undefined,
    now: Date,
    asked: { decision: ApprovalDecision; reviewer: Reviewer; comment?: string },
  ): Promise<ApiResult | undefined> {
    const answer = answerOf(plan);
    if (answer) return answer;
    const sendingUntil = new Date(now.getTime() + this.sendWindowMillis).toISOString();
    if (plan.action === 'claim') {
      const claim = { decision: asked.decision, decidedBy: asked.reviewer.id, decidedAt: now.toISOString(), comment: asked.comment };
      if (!(await this.store.claim(record!.approvalId, claim, now.toISOString(), sendingUntil))) return undefined;
      return this.deliver({ ...record!, ...claim, status: 'DECIDING' }, asked.reviewer);
    }
    if (!(await this.store.startResend(record!.approvalId, asked.reviewer.id, asked.decision, now.toISOString(), sendingUntil))) return undefined;
    return this.deliver(record!, asked.reviewer);
  }

  /** Sends the record's decision (made by `decider`) and records what Step Functions answered. */
  private async deliver(record: ApprovalRecord, decider: Reviewer): Promise<ApiResult> {
    const failure = await this.send(record);
    if (!failure) return this.delivered(record);
    logger.warn('Decision not confirmed by Step Functions', { approvalId: record.approvalId, outcome: failure.kind, error: failure.errorName });
    const view = viewOf({ ...record, deliveryError: failure.errorName }, this.clock());
    const subject = `${record.decision} on approval ${record.approvalId}`;
    switch (failure.kind) {
      case 'tokenGone':
        return this.tokenGone(record, decider, failure);
      case 'refused':
        await this.quietly(record, 'releaseRefusedSend', () => this.store.releaseRefusedSend(record.approvalId, failure.errorName));
        return {
          statusCode: 502,
          body: {
            message:
              `The decision ${subject} cannot be delivered: ${failure.reason} (${failure.errorName}). ` +
              'It stays recorded and awaits delivery; repeating it fails the same way until that is fixed.',
            approval: view,
          },
        };
      case 'retryLater':
        await this.quietly(record, 'releaseRefusedSend', () => this.store.releaseRefusedSend(record.approvalId, failure.errorName));
        return unavailable(`Step Functions throttled the decision ${subject} (${failure.errorName}); it was not delivered. It stays recorded for you: repeat it to deliver it.`, view);
      default:
        await this.quietly(record, 'releaseUnansweredSend', () => this.store.releaseUnansweredSend(record.approvalId, failure.errorName));
        return unavailable(
          `Delivery unconfirmed: the answer of Step Functions to the decision ${subject} was lost (${failure.errorName}); it may have been delivered. ` +
            'It stays recorded for you: repeat it to deliver or confirm it.',
          view,
        );
    }
  }

  /** Step Functions confirmed: the record becomes APPROVED / REJECTED (200 even if that write fails: the workflow has the decision). */
  private async delivered(record: ApprovalRecord): Promise<ApiResult> {
    const deliveredAt = this.clock().toISOString();
    await this.quietly(record, 'confirmDelivery', () => this.store.confirmDelivery(record.approvalId, record.decision!, deliveredAt));
    logger.info('Approval decided', { approvalId: record.approvalId, decision: record.decision, decidedBy: record.decidedBy });
    return ok({ approval: viewOf(deliveredRecord(record, deliveredAt), this.clock()) });
  }

  /** The task no longer waits: record EXPIRED or DELIVERY_UNCONFIRMED, then answer from the record as it now stands. */
  private async tokenGone(record: ApprovalRecord, decider: Reviewer, failure: DeliveryFailure): Promise<ApiResult> {
    try {
      await this.store.closeOnTokenGone(record.approvalId, failure.errorName);
    } catch (error) {
      logger.error('Could not record that the task no longer waits', { approvalId: record.approvalId, error: (error as Error).name });
      return unavailable(`Step Functions no longer waits for approval ${record.approvalId} (${failure.errorName}), and that could not be recorded (${(error as Error).name}); repeat the request to see the outcome.`);
    }
    const now = this.clock();
    const plan = planDecision(await this.store.get(record.approvalId), record.approvalId, decider, record.decision!, now);
    return answerOf(plan) ?? conflict(`Approval ${record.approvalId} changed while its delivery was being recorded; read it again.`);
  }

  /** One send, retried at once while Step Functions throttles it; undefined when it was delivered. */
  private async send(record: ApprovalRecord): Promise<DeliveryFailure | undefined> {
    for (let retry = 0; ; retry++) {
      try {
        await this.sendOnce(record);
        return undefined;
      } catch (error) {
        const failure = classifyDeliveryError(error);
        if (failure.kind !== 'retryLater' || retry >= this.throttleRetries) return failure;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * this.retryBaseMillis * 2 ** retry));
      }
    }
  }

  private async sendOnce(record: ApprovalRecord): Promise<void> {
    const { taskToken } = record;
    const response = taskResponseOf(record.decision!, record.approvalId, record.decidedBy!, record.decidedAt!, record.comment ?? undefined);
    if ('output' in response) await this.stepFunctions.send(new SendTaskSuccessCommand({ taskToken, output: response.output }));
    else await this.stepFunctions.send(new SendTaskFailureCommand({ taskToken, error: response.error, cause: response.cause }));
  }

  /** A bookkeeping write after Step Functions answered: its failure is logged, the answer stays what Step Functions said. */
  private async quietly(record: ApprovalRecord, write: string, run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (error) {
      logger.error('Could not record a delivery outcome', { approvalId: record.approvalId, write, error: (error as Error).name });
    }
  }
}

/** The answer of a plan that needs no write: a refusal, or 200 for a decision already confirmed. */
function answerOf(plan: DecisionPlan): ApiResult | undefined {
  if (plan.action === 'refuse') return refused(plan.refusal);
  if (plan.action === 'confirmed') return ok({ approval: plan.approval });
  return undefined;
}

function refused(refusal: DecisionRefusal): ApiResult {
  return { statusCode: refusal.statusCode, body: { message: refusal.message, ...(refusal.approval ? { approval: refusal.approval } : {}) } };
}

function ok(body: Record<string, unknown>): ApiResult {
  return { statusCode: 200, body };
}

function conflict(message: string): ApiResult {
  return { statusCode: 409, body: { message } };
}

function unavailable(message: string, approval?: unknown): ApiResult {
  return { statusCode: 503, body: { message, ...(approval ? { approval } : {}) } };
}
