import {
  APPROVAL_REJECTED_ERROR,
  ApprovalRecord,
  ApprovalRequestEvent,
  ApprovalView,
  approvedOutcome,
  mayDecide,
  newApprovalRecord,
  rejectionCause,
  viewOf,
} from '../approval/approval-record';
import { APPROVAL_NOTIFIER_METADATA } from '../assembly/metadata-keys';
import { LambdaHandler } from './lambda-runtime';
import { LocalRunner } from './local-runner';

/** Who decides, and why, in {@link LocalApprovals.approve} and {@link LocalApprovals.reject}. */
export interface LocalDecision {
  /**
   * The deciding principal, as API Gateway would report it.
   * @default 'arn:aws:sts::123456789012:assumed-role/Reviewer/local'
   */
  readonly decidedBy?: string;
  /**
   * The reviewer's comment.
   * @default - none
   */
  readonly comment?: string;
}

/**
 * An error of a local decision, with the status the decision API would answer:
 * 403 (not an approver), 404 (unknown id), 409 (already decided), 410 (expired).
 */
export class LocalDecisionError extends Error {
  constructor(
    public readonly statusCode: 403 | 404 | 409 | 410,
    message: string,
  ) {
    super(message);
    this.name = 'LocalDecisionError';
  }
}

const DEFAULT_REVIEWER = 'arn:aws:sts::123456789012:assumed-role/Reviewer/local';

/**
 * The approval service of the runner's assembly, emulated in memory: it stands in for each
 * ApprovalService's notifier (which needs DynamoDB and SNS), keeps the requests, and decides
 * them the way the decision API does (one decision per request; approve resumes the workflow
 * with SendTaskSuccess, reject fails it with `ApprovalRejected`), through the runner's
 * task-token API.
 *
 * ```ts
 * const approvals = LocalApprovals.of(runner);
 * const execution = machine.start(order, { functions: approvals.functions });
 * const request = await approvals.waitForRequest();
 * approvals.approve(request.approvalId, { comment: 'checked with the customer' });
 * ```
 */
export class LocalApprovals {
  /**
   * Emulates every approval service of the runner's assembly.
   *
   * @throws Error if the assembly has no approval service.
   */
  public static of(runner: LocalRunner): LocalApprovals {
    const notifiers = runner.lambdaFunctions.filter((fn) => fn.metadata[APPROVAL_NOTIFIER_METADATA]);
    if (notifiers.length === 0) throw new Error('The cloud assembly has no ApprovalService (no approval notifier function).');
    return new LocalApprovals(runner, notifiers.map((fn) => fn.constructPath ?? fn.logicalId));
  }

  /** Replacements for the notifier functions: pass them as `RunOptions.functions`. */
  public readonly functions: Record<string, LambdaHandler>;

  private readonly records = new Map<string, ApprovalRecord>();
  private readonly listeners: Array<() => void> = [];

  private constructor(
    private readonly runner: LocalRunner,
    notifierKeys: string[],
  ) {
    const notify: LambdaHandler = (event) => this.store(event as ApprovalRequestEvent);
    this.functions = Object.fromEntries(notifierKeys.map((key) => [key, notify]));
  }

  /** Every request so far, as reviewers see them (no task token), oldest first. */
  public get requests(): ApprovalView[] {
    return [...this.records.values()].map((record) => viewOf(record, new Date()));
  }

  /** Resolves with the first PENDING request that matches `filter` (at once if one exists). */
  public async waitForRequest(filter: (request: ApprovalView) => boolean = () => true): Promise<ApprovalView> {
    for (;;) {
      const found = this.requests.find((request) => request.status === 'PENDING' && filter(request));
      if (found) return found;
      await new Promise<void>((resolve) => this.listeners.push(resolve));
    }
  }

  /**
   * Approves a request: the HumanApproval step continues with the decision.
   *
   * @throws LocalDecisionError as the decision API would refuse (403, 404, 409, 410)
   */
  public approve(approvalId: string, decision: LocalDecision = {}): ApprovalView {
    return this.decide(approvalId, 'APPROVED', decision);
  }

  /**
   * Rejects a request: the HumanApproval step fails with `ApprovalRejected`.
   *
   * @throws LocalDecisionError as the decision API would refuse (403, 404, 409, 410)
   */
  public reject(approvalId: string, decision: LocalDecision = {}): ApprovalView {
    return this.decide(approvalId, 'REJECTED', decision);
  }

  /**
   * Lets a request expire without waiting: the HumanApproval step fails with `ApprovalExpired`.
   *
   * @throws LocalDecisionError 404 for an unknown id, 409 if it was decided
   */
  public expire(approvalId: string): ApprovalView {
    const record = this.pending(approvalId);
    this.records.set(approvalId, { ...record, status: 'EXPIRED' });
    this.runner.expireTask(record.taskToken);
    return viewOf(this.records.get(approvalId)!, new Date());
  }

  private store(event: ApprovalRequestEvent): { approvalId: string; expiresAt: string } {
    const record = newApprovalRecord(event, new Date());
    if (!this.records.has(record.approvalId)) this.records.set(record.approvalId, record);
    this.listeners.splice(0).forEach((listener) => listener());
    return { approvalId: record.approvalId, expiresAt: record.expiresAt };
  }

  private decide(approvalId: string, status: 'APPROVED' | 'REJECTED', decision: LocalDecision): ApprovalView {
    const record = this.pending(approvalId);
    const decidedBy = decision.decidedBy ?? DEFAULT_REVIEWER;
    if (!mayDecide(record.approvers, decidedBy)) throw new LocalDecisionError(403, `${decidedBy} is not an approver of ${approvalId}.`);
    const decidedAt = new Date().toISOString();
    try {
      this.sendDecision(record, status, decidedBy, decidedAt, decision.comment);
    } catch (error) {
      if ((error as Error).name !== 'TaskTimedOut') throw error;
      this.records.set(approvalId, { ...record, status: 'EXPIRED' });
      throw new LocalDecisionError(410, `Approval ${approvalId} no longer waits: its task timed out or its execution ended.`);
    }
    this.records.set(approvalId, { ...record, status, decidedBy, decidedAt, comment: decision.comment });
    return viewOf(this.records.get(approvalId)!, new Date());
  }

  private sendDecision(record: ApprovalRecord, status: 'APPROVED' | 'REJECTED', decidedBy: string, decidedAt: string, comment?: string): void {
    const { approvalId, taskToken } = record;
    if (status === 'APPROVED') {
      this.runner.sendTaskSuccess(taskToken, JSON.stringify(approvedOutcome(approvalId, decidedBy, decidedAt, comment)));
    } else {
      this.runner.sendTaskFailure(taskToken, APPROVAL_REJECTED_ERROR, rejectionCause(approvalId, decidedBy, decidedAt, comment));
    }
  }

  /** The record of a request that can still be decided. */
  private pending(approvalId: string): ApprovalRecord {
    const record = this.records.get(approvalId);
    if (!record) throw new LocalDecisionError(404, `No approval ${approvalId}.`);
    const view = viewOf(record, new Date());
    if (view.status === 'EXPIRED') throw new LocalDecisionError(410, `Approval ${approvalId} expired at ${record.expiresAt}.`);
    if (view.status !== 'PENDING') throw new LocalDecisionError(409, `Approval ${approvalId} was already ${view.status} by ${view.decidedBy} at ${view.decidedAt}.`);
    return record;
  }
}
