import { createHash } from 'node:crypto';

/** Where an approval request stands. */
export type ApprovalStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'EXPIRED';

/** The decisions the decision API accepts. */
export const APPROVAL_DECISIONS = ['APPROVE', 'REJECT'] as const;

/** A reviewer's decision, as the decision API accepts it. */
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

/** The longest comment the decision API accepts, in characters. */
export const MAX_COMMENT_LENGTH = 1000;

/**
 * What the HumanApproval task sends its notifier: the task token (which only the approval store
 * keeps) and what the reviewer needs to decide.
 */
export interface ApprovalRequestEvent {
  /** The task token of the waiting step (`$$.Task.Token`): secret, kept only in the store. */
  readonly taskToken: string;
  /** The execution waiting (`$$.Execution.Id`). */
  readonly executionArn: string;
  /** The HumanApproval step's name (`$$.State.Name`). */
  readonly stateName: string;
  /** What the reviewer decides on: the step's `summary`, evaluated on the state input. */
  readonly summary: unknown;
  /** IAM principal ARNs allowed to decide; empty: anyone the decision API lets in. */
  readonly approvers: string[];
  /** Seconds until the request expires (the task's TimeoutSeconds). */
  readonly timeoutSeconds: number;
}

/** An approval as the store keeps it. The task token never leaves the store. */
export interface ApprovalRecord {
  /** The request's id in links and the decision API (see approvalIdFor): not the token. */
  readonly approvalId: string;
  /** The task token the decision is sent with. */
  readonly taskToken: string;
  /** The execution waiting. */
  readonly executionArn: string;
  /** The HumanApproval step's name. */
  readonly stateName: string;
  /** What the reviewer decides on. */
  readonly summary: unknown;
  /** IAM principal ARNs allowed to decide. */
  readonly approvers: string[];
  /** When the request was stored (ISO 8601). */
  readonly requestedAt: string;
  /** When the request expires (ISO 8601): the step's timeout after the request. */
  readonly expiresAt: string;
  /** PENDING until decided; EXPIRED once `expiresAt` has passed undecided. */
  readonly status: ApprovalStatus;
  /** The ARN of the principal who decided, as API Gateway's IAM authorizer reports it. */
  readonly decidedBy?: string;
  /** When it was decided (ISO 8601). */
  readonly decidedAt?: string;
  /** The reviewer's comment. */
  readonly comment?: string;
}

/** An approval as reviewers see it: everything but the task token, with expiry applied. */
export type ApprovalView = Omit<ApprovalRecord, 'taskToken'>;

/**
 * What the HumanApproval step outputs (and SendTaskSuccess sends) once a request is decided:
 * the same shape for every outcome, `null` where a field does not apply.
 */
export interface ApprovalOutcome {
  /** The request's id; null when no approval was required. */
  readonly approvalId: string | null;
  /** APPROVED, or NOT_REQUIRED when the step's condition did not hold (rejection and expiry are errors). */
  readonly decision: 'APPROVED' | 'NOT_REQUIRED';
  /** The ARN of the principal who approved. */
  readonly decidedBy: string | null;
  /** When it was approved (ISO 8601). */
  readonly decidedAt: string | null;
  /** The reviewer's comment. */
  readonly comment: string | null;
}

/** The approval table's index of requests by status and expiry, used to list pending ones. */
export const PENDING_INDEX = 'status-expiresAt';

/** The error a rejected approval fails its step with. */
export const APPROVAL_REJECTED_ERROR = 'ApprovalRejected';
/** The notifier's error when it could not store or announce a request (retried by the step). */
export const NOTIFICATION_FAILED_ERROR = 'ApprovalNotificationFailed';

/** The error an expired approval fails its step with. */
export const APPROVAL_EXPIRED_ERROR = 'ApprovalExpired';

/**
 * The approval id of a task token: opaque and unguessable (a SHA-256 of the token, which is
 * secret), and the same for a retried notification of the same token, so storing is idempotent.
 */
export function approvalIdFor(taskToken: string): string {
  return createHash('sha256').update(taskToken).digest('base64url').slice(0, 32);
}

/** A new PENDING record for a request received at `now`. */
export function newApprovalRecord(event: ApprovalRequestEvent, now: Date): ApprovalRecord {
  return {
    approvalId: approvalIdFor(event.taskToken),
    taskToken: event.taskToken,
    executionArn: event.executionArn,
    stateName: event.stateName,
    summary: event.summary,
    approvers: event.approvers ?? [],
    requestedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + event.timeoutSeconds * 1000).toISOString(),
    status: 'PENDING',
  };
}

/** The record as reviewers see it: no task token, and PENDING past its expiry reads EXPIRED. */
export function viewOf(record: ApprovalRecord, now: Date): ApprovalView {
  const { taskToken: _secret, ...view } = record;
  return record.status === 'PENDING' && Date.parse(record.expiresAt) <= now.getTime() ? { ...view, status: 'EXPIRED' } : view;
}

/** What SendTaskSuccess sends for an approved request. */
export function approvedOutcome(approvalId: string, decidedBy: string, decidedAt: string, comment?: string): ApprovalOutcome {
  return { approvalId, decision: 'APPROVED', decidedBy, decidedAt, comment: comment ?? null };
}

/** The cause SendTaskFailure sends for a rejected request (JSON). */
export function rejectionCause(approvalId: string, decidedBy: string, decidedAt: string, comment?: string): string {
  return JSON.stringify({ approvalId, decision: 'REJECTED', decidedBy, decidedAt, comment: comment ?? null });
}

/** Why the decision API refuses a request, with the HTTP status it answers. */
export interface DecisionRefusal {
  /** 403 (not an approver), 404 (unknown id), 409 (already decided) or 410 (expired). */
  readonly statusCode: 403 | 404 | 409 | 410;
  /** What went wrong, for the caller. */
  readonly message: string;
}

/** 404 for an unknown id, 403 for a caller who may not decide it; undefined when the caller may see it. */
export function accessRefusal(record: ApprovalRecord | undefined, approvalId: string, callerArn: string): DecisionRefusal | undefined {
  if (!record) return { statusCode: 404, message: `No approval ${approvalId}.` };
  if (!mayDecide(record.approvers, callerArn)) return { statusCode: 403, message: `${callerArn} is not an approver of ${approvalId}.` };
  return undefined;
}

/** 410 when the request expired at `now`, 409 when it was already decided; undefined while it is PENDING. */
export function closedRefusal(record: ApprovalRecord, now: Date): DecisionRefusal | undefined {
  const view = viewOf(record, now);
  if (view.status === 'EXPIRED') {
    return { statusCode: 410, message: `Approval ${record.approvalId} expired at ${record.expiresAt}; the workflow no longer waits for a decision.` };
  }
  if (view.status !== 'PENDING') {
    return { statusCode: 409, message: `Approval ${record.approvalId} was already ${view.status} by ${view.decidedBy} at ${view.decidedAt}.` };
  }
  return undefined;
}

/**
 * What the decision sends Step Functions: SendTaskSuccess `output` for APPROVE, SendTaskFailure
 * `error` (`ApprovalRejected`) and `cause` for REJECT.
 */
export function taskResponseOf(
  decision: ApprovalDecision,
  approvalId: string,
  decidedBy: string,
  decidedAt: string,
  comment?: string,
): { readonly output: string } | { readonly error: string; readonly cause: string } {
  return decision === 'APPROVE'
    ? { output: JSON.stringify(approvedOutcome(approvalId, decidedBy, decidedAt, comment)) }
    : { error: APPROVAL_REJECTED_ERROR, cause: rejectionCause(approvalId, decidedBy, decidedAt, comment) };
}

/**
 * Whether a caller may decide: the caller is one of the approvers (none listed: nobody). An IAM role
 * session (`arn:aws:sts::<account>:assumed-role/<role>/<session>`) matches its role ARN; an
 * account root ARN (`arn:aws:iam::<account>:root`) matches every caller of that account.
 *
 * @param callerArn the authenticated caller, as API Gateway reports it (`requestContext.identity.userArn`)
 */
export function mayDecide(approvers: string[], callerArn: string): boolean {
  const caller = parseCaller(callerArn);
  return approvers.some((approver) => {
    if (approver === callerArn) return true;
    const match = /^arn:[^:]+:iam::(\d+):(root|role\/(?:.*\/)?([^/]+)|user\/(?:.*\/)?([^/]+))$/.exec(approver);
    if (!match || !caller || match[1] !== caller.account) return false;
    if (match[2] === 'root') return true;
    return match[3] !== undefined ? caller.role === match[3] : caller.user === match[4];
  });
}

function parseCaller(callerArn: string): { account: string; role?: string; user?: string } | undefined {
  const role = /^arn:[^:]+:sts::(\d+):assumed-role\/([^/]+)\//.exec(callerArn);
  if (role) return { account: role[1], role: role[2] };
  const user = /^arn:[^:]+:iam::(\d+):user\/(?:.*\/)?([^/]+)$/.exec(callerArn);
  return user ? { account: user[1], user: user[2] } : undefined;
}
