import {
  accessRefusal,
  ApprovalDecision,
  ApprovalRecord,
  ApprovalRequestEvent,
  ApprovalView,
  claimedRecord,
  closedRefusal,
  DecisionRefusal,
  deliveredRecord,
  idRefusal,
  newApprovalRecord,
  mayAccess,
  planDecision,
  Reviewer,
  taskResponseOf,
  tokenGoneRecord,
  viewOf,
} from '../approval/approval-record';
import { assertStorable } from '../approval/request-size';
import { APPROVAL_NOTIFIER_METADATA } from '../assembly/metadata-keys';
import { LambdaHandler } from './lambda-runtime';
import { LocalRunner } from './local-runner';

/**
 * Who decides, and why, in {@link LocalApprovals.approve} and {@link LocalApprovals.reject}; who
 * asks, in {@link LocalApprovals.pendingFor}. A reviewer is an IAM principal (`decidedBy` an ARN,
 * no `groups`) or a Cognito user (`decidedBy` the user name, `groups` its Cognito groups): a
 * request with approver groups is decided by a member of one of them, any other by the ARN rule.
 */
export interface LocalDecision {
  /**
   * The deciding reviewer, as the decision API would report it: an IAM principal's ARN, or a
   * Cognito user name.
   * @default - with no `groups` either: a member of the request's first approver group
   * (`local-reviewer`), or else a session of its first approver (`arn:aws:sts::<account>:assumed-role/<role>/local`)
   */
  readonly decidedBy?: string;
  /**
   * The reviewer's Cognito groups (the access token's `cognito:groups`). A reviewer with groups
   * (even none: `[]`) is a Cognito user, whom the IAM approvers' ARN rule never lets in, as in AWS.
   * @default - none (an IAM principal), unless `decidedBy` is omitted too (see `decidedBy`)
   */
  readonly groups?: string[];
  /**
   * The reviewer's comment.
   * @default - none
   */
  readonly comment?: string;
}

/**
 * An error of a local decision, with the status the decision API would answer:
 * 400 (malformed approval id), 403 (not an approver), 404 (unknown id), 409 (another decision
 * holds it), 410 (expired).
 */
export class LocalDecisionError extends Error {
  constructor(
    /** The HTTP status the decision API would answer. */
    public readonly statusCode: 400 | 403 | 404 | 409 | 410,
    message: string,
  ) {
    super(message);
    this.name = 'LocalDecisionError';
  }
}

/**
 * The approval service of the runner's assembly, emulated in memory: it stands in for each
 * ApprovalService's notifier (which needs DynamoDB and SNS), keeps the requests, and decides
 * them the way the decision API does (one decision per request, the same refusals and the same
 * record states; approve resumes the workflow with SendTaskSuccess, reject fails it with
 * `ApprovalRejected`), through the runner's task-token API. Local deliveries are confirmed at
 * once: no answer is ever lost, so a request is never left DECIDING or DELIVERY_UNCONFIRMED. A
 * summary too large for the approval store fails the step with `ApprovalSummaryTooLarge`, as the
 * notifier does.
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

  /**
   * The PENDING requests (not expired at the runner's time) that a reviewer may decide, soonest
   * expiry first: what `GET /approvals` answers them (it reads the pending index, sorted by `expiresAt`).
   */
  public pendingFor(reviewer: LocalDecision): ApprovalView[] {
    const asked = reviewerOf(reviewer);
    const now = this.runner.now();
    return [...this.records.values()]
      .filter((record) => mayAccess(record, asked))
      .map((record) => viewOf(record, now))
      .filter((view) => view.status === 'PENDING')
      .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
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
   * Approves a request: the HumanApproval step continues with the decision. Repeating one's own
   * confirmed decision returns it again, as the decision API answers 200.
   *
   * @throws LocalDecisionError as the decision API would refuse (400, 403, 404, 409, 410)
   */
  public approve(approvalId: string, decision: LocalDecision = {}): ApprovalView {
    return this.decide(approvalId, 'APPROVE', decision);
  }

  /**
   * Rejects a request: the HumanApproval step fails with `ApprovalRejected`.
   *
   * @throws LocalDecisionError as the decision API would refuse (400, 403, 404, 409, 410)
   */
  public reject(approvalId: string, decision: LocalDecision = {}): ApprovalView {
    return this.decide(approvalId, 'REJECT', decision);
  }

  /**
   * Lets a request expire without waiting: the HumanApproval step fails with `ApprovalExpired`.
   *
   * @throws LocalDecisionError 400 for a malformed id, 404 for an unknown one, 409 if it was decided, 410 if it expired
   */
  public expire(approvalId: string): ApprovalView {
    const record = this.records.get(approvalId);
    refuseIf(idRefusal(approvalId) ?? (record ? closedRefusal(record, this.runner.now()) : accessRefusal(record, approvalId, { id: '' })));
    this.records.set(approvalId, { ...record!, status: 'EXPIRED' });
    this.runner.expireTask(record!.taskToken);
    return viewOf(this.records.get(approvalId)!, this.runner.now());
  }

  private store(event: ApprovalRequestEvent): { approvalId: string; expiresAt: string } {
    const record = newApprovalRecord(event, this.runner.now());
    assertStorable(record);
    if (!this.records.has(record.approvalId)) this.records.set(record.approvalId, record);
    this.listeners.splice(0).forEach((listener) => listener());
    return { approvalId: record.approvalId, expiresAt: record.expiresAt };
  }

  /**
   * Decides as the decision API does: the same plan (refusals, or 200 again for one's own
   * confirmed decision), the same record transitions, the same task response.
   */
  private decide(approvalId: string, decision: ApprovalDecision, local: LocalDecision): ApprovalView {
    const record = this.records.get(approvalId);
    const reviewer = local.decidedBy === undefined && local.groups === undefined && record ? defaultReviewerOf(record) : reviewerOf(local);
    const decidedBy = reviewer.id;
    const now = this.runner.now();
    const plan = planDecision(record, approvalId, reviewer, decision, now);
    if (plan.action === 'refuse') throw errorOf(plan.refusal);
    if (plan.action === 'confirmed') return plan.approval;
    const claimed = claimedRecord(record!, { decision, decidedBy, decidedAt: now.toISOString(), comment: local.comment }, now.toISOString());
    const response = taskResponseOf(decision, approvalId, decidedBy, claimed.decidedAt!, local.comment);
    try {
      if ('output' in response) this.runner.sendTaskSuccess(claimed.taskToken, response.output);
      else this.runner.sendTaskFailure(claimed.taskToken, response.error, response.cause);
    } catch (error) {
      if ((error as Error).name !== 'TaskTimedOut') throw error;
      const closed = tokenGoneRecord(claimed, 'TaskTimedOut');
      this.records.set(approvalId, closed);
      throw errorOf(closedRefusal(closed, now)!);
    }
    this.records.set(approvalId, deliveredRecord(claimed, now.toISOString()));
    return viewOf(this.records.get(approvalId)!, now);
  }
}

/** The reviewer a LocalDecision names. */
function reviewerOf(local: LocalDecision): Reviewer {
  // A reviewer with groups signed in with Cognito: as in AWS, the ARN rule never applies to them.
  return { id: local.decidedBy ?? '', ...(local.groups ? { groups: local.groups, cognitoUser: true } : {}) };
}

/** Who decides when the LocalDecision names nobody: a member of the first approver group, else the first approver. */
function defaultReviewerOf(record: ApprovalRecord): Reviewer {
  const group = record.approverGroups?.[0];
  return group !== undefined ? { id: 'local-reviewer', groups: [group] } : { id: sessionOf(record.approvers[0]) };
}

/** A session of an approver as API Gateway reports the caller: an assumed-role session for a role, the ARN otherwise. */
function sessionOf(approver: string | undefined): string {
  const role = /^arn:([^:]+):iam::(\d+):role\/(?:.*\/)?([^/]+)$/.exec(approver ?? '');
  return role ? `arn:${role[1]}:sts::${role[2]}:assumed-role/${role[3]}/local` : (approver ?? '');
}

function refuseIf(refusal: DecisionRefusal | undefined): void {
  if (refusal) throw errorOf(refusal);
}

function errorOf(refusal: DecisionRefusal): LocalDecisionError {
  return new LocalDecisionError(refusal.statusCode, refusal.message);
}
