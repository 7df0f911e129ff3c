import {
  accessRefusal,
  ApprovalDecision,
  ApprovalRecord,
  ApprovalRequestEvent,
  ApprovalView,
  closedRefusal,
  DecisionRefusal,
  newApprovalRecord,
  taskResponseOf,
  viewOf,
} from '../approval/approval-record';
import { APPROVAL_NOTIFIER_METADATA } from '../assembly/metadata-keys';
import { LambdaHandler } from './lambda-runtime';
import { LocalRunner } from './local-runner';

/** Who decides, and why, in {@link LocalApprovals.approve} and {@link LocalApprovals.reject}. */
export interface LocalDecision {
  /**
   * The deciding principal, as API Gateway would report it.
   * @default - a session of the request's first approver (`arn:aws:sts::<account>:assumed-role/<role>/local`)
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

  /** Every request so far, as reviewers see them (no task token) at the runner's time, oldest first. */
  public get requests(): ApprovalView[] {
    return [...this.records.values()].map((record) => viewOf(record, this.runner.now()));
  }

  /** Resolves with the first PENDING request (not expired at the runner's time) that matches `filter` (at once if one exists). */
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
    return this.decide(approvalId, 'APPROVE', decision);
  }

  /**
   * Rejects a request: the HumanApproval step fails with `ApprovalRejected`.
   *
   * @throws LocalDecisionError as the decision API would refuse (403, 404, 409, 410)
   */
  public reject(approvalId: string, decision: LocalDecision = {}): ApprovalView {
    return this.decide(approvalId, 'REJECT', decision);
  }

  /**
   * Lets a request expire without waiting: the HumanApproval step fails with `ApprovalExpired`.
   *
   * @throws LocalDecisionError 404 for an unknown id, 409 if it was decided
   */
  public expire(approvalId: string): ApprovalView {
    const record = this.records.get(approvalId);
    refuseIf(record ? closedRefusal(record, this.runner.now()) : accessRefusal(record, approvalId, ''));
    this.records.set(approvalId, { ...record!, status: 'EXPIRED' });
    this.runner.expireTask(record!.taskToken);
    return viewOf(this.records.get(approvalId)!, this.runner.now());
  }

  private store(event: ApprovalRequestEvent): { approvalId: string; expiresAt: string } {
    const record = newApprovalRecord(event, this.runner.now());
    if (!this.records.has(record.approvalId)) this.records.set(record.approvalId, record);
    this.listeners.splice(0).forEach((listener) => listener());
    return { approvalId: record.approvalId, expiresAt: record.expiresAt };
  }

  /** Decides as the decision API does: the same refusals, then the same task response. */
  private decide(approvalId: string, decision: ApprovalDecision, local: LocalDecision): ApprovalView {
    const record = this.records.get(approvalId);
    const decidedBy = local.decidedBy ?? (record ? sessionOf(record.approvers[0]) : '');
    const now = this.runner.now();
    refuseIf(accessRefusal(record, approvalId, decidedBy) ?? closedRefusal(record!, now));
    const decidedAt = now.toISOString();
    const response = taskResponseOf(decision, approvalId, decidedBy, decidedAt, local.comment);
    try {
      if ('output' in response) this.runner.sendTaskSuccess(record!.taskToken, response.output);
      else this.runner.sendTaskFailure(record!.taskToken, response.error, response.cause);
    } catch (error) {
      if ((error as Error).name !== 'TaskTimedOut') throw error;
      this.records.set(approvalId, { ...record!, status: 'EXPIRED' });
      throw new LocalDecisionError(410, `Approval ${approvalId} no longer waits: its task timed out or its execution ended.`);
    }
    const status = decision === 'APPROVE' ? 'APPROVED' : 'REJECTED';
    this.records.set(approvalId, { ...record!, status, decidedBy, decidedAt, comment: local.comment });
    return viewOf(this.records.get(approvalId)!, now);
  }
}

/** A session of an approver as API Gateway reports the caller: an assumed-role session for a role, the ARN otherwise. */
function sessionOf(approver: string | undefined): string {
  const role = /^arn:([^:]+):iam::(\d+):role\/(?:.*\/)?([^/]+)$/.exec(approver ?? '');
  return role ? `arn:${role[1]}:sts::${role[2]}:assumed-role/${role[3]}/local` : (approver ?? '');
}

function refuseIf(refusal: DecisionRefusal | undefined): void {
  if (refusal) throw new LocalDecisionError(refusal.statusCode, refusal.message);
}
