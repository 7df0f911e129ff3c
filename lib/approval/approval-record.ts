import { createHash } from 'node:crypto';

/**
 * Where an approval request stands.
 *
 * - `PENDING`: waiting for a decision.
 * - `DECIDING`: the first decision is recorded and is being (or was, unconfirmed) sent to Step
 *   Functions; nobody else can decide, and only its decider can repeat it.
 * - `APPROVED` / `REJECTED`: Step Functions confirmed the decision (SendTaskSuccess / SendTaskFailure answered).
 * - `EXPIRED`: the workflow stopped waiting and no decision reached it.
 * - `DELIVERY_UNCONFIRMED`: a decision was sent, its answer was lost, and Step Functions then said
 *   it no longer waits: the workflow may or may not have received the decision.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html
 */
export type ApprovalStatus = 'PENDING' | 'DECIDING' | 'APPROVED' | 'REJECTED' | 'EXPIRED' | 'DELIVERY_UNCONFIRMED';

/** The decisions the decision API accepts. */
export const APPROVAL_DECISIONS = ['APPROVE', 'REJECT'] as const;

/** A reviewer's decision, as the decision API accepts it. */
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

/**
 * The longest comment the decision API accepts, in Unicode code points: what the API model's
 * JSON Schema `maxLength` counts (an emoji is one), not UTF-16 units. See {@link commentLength}.
 *
 * @see https://json-schema.org/draft-04/json-schema-validation#rfc.section.5.2.1
 */
export const MAX_COMMENT_LENGTH = 1000;

/** A comment's length as the API model counts it: Unicode code points. */
export function commentLength(comment: string): number {
  let length = 0;
  for (const _codePoint of comment) length++;
  return length;
}

/** The format of an approval id: a hex SHA-256 (64 lowercase hexadecimal characters). See {@link approvalIdFor}. */
export const APPROVAL_ID_PATTERN = /^[0-9a-f]{64}$/;

/** Whether `value` has the format of an approval id (checked before any lookup). */
export function isApprovalId(value: unknown): value is string {
  return typeof value === 'string' && APPROVAL_ID_PATTERN.test(value);
}

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
  /** IAM principal ARNs allowed to decide (ignored when `approverGroups` names any). */
  readonly approvers: string[];
  /**
   * Cognito user pool group names allowed to decide: when it names any, a reviewer decides if
   * one of the access token's `cognito:groups` is among them, and `approvers` is ignored.
   * @default - none: the ARN rule of `approvers` applies
   */
  readonly approverGroups?: string[];
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
  /** IAM principal ARNs allowed to decide (when no `approverGroups`). */
  readonly approvers: string[];
  /** Cognito group names allowed to decide; when it names any, `approvers` is ignored. See {@link mayAccess}. */
  readonly approverGroups?: string[];
  /** When the request was stored (ISO 8601). */
  readonly requestedAt: string;
  /** When the request expires (ISO 8601): the step's timeout after the request. */
  readonly expiresAt: string;
  /** Where the request stands (see {@link ApprovalStatus}); {@link viewOf} applies the expiry. */
  readonly status: ApprovalStatus;
  /** The first decision, kept from DECIDING on: what was (or is being) sent to Step Functions. */
  readonly decision?: ApprovalDecision;
  /** The reviewer who decided (see {@link Reviewer}): an IAM principal ARN, or a Cognito user name. */
  readonly decidedBy?: string;
  /** When it was decided (ISO 8601): also the time the workflow receives. */
  readonly decidedAt?: string;
  /** The reviewer's comment. */
  readonly comment?: string;
  /** When Step Functions confirmed the decision (ISO 8601). */
  readonly deliveredAt?: string;
  /** The last error Step Functions (or the network) answered a delivery with, e.g. `TaskTimedOut`. */
  readonly deliveryError?: string;
  /**
   * Sends of the decision that may have reached Step Functions without a definite answer: counted
   * before each send, taken back when Step Functions refuses it definitely. Internal.
   */
  readonly unconfirmedSends?: number;
  /** Until when (ISO 8601) a send in progress keeps its decider's repeats from sending again. Internal. */
  readonly sendingUntil?: string;
}

/** An approval as reviewers see it: no task token nor delivery bookkeeping, with expiry applied. */
export type ApprovalView = Omit<ApprovalRecord, 'taskToken' | 'unconfirmedSends' | 'sendingUntil'>;

/**
 * What the HumanApproval step outputs (and SendTaskSuccess sends) once a request is decided:
 * the same fields for every outcome, so a later state's JSONPath always finds them.
 *
 * A field that does not apply is `null` in the output. The fields that can be `null` are
 * declared optional (jsii, whose shape the construct entry point keeps, has no `null` type):
 * test them with `== null`, which holds for both `null` and `undefined`.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html
 */
export interface ApprovalOutcome {
  /**
   * The request's id.
   * @default - `null` when no approval was required
   */
  readonly approvalId?: string;
  /**
   * `APPROVED`, or `NOT_REQUIRED` when the step's condition did not hold (rejection and expiry
   * are errors, not outcomes).
   */
  readonly decision: string;
  /**
   * Who approved: the IAM principal's ARN, or the Cognito user name when reviewers sign in with Cognito.
   * @default - `null` when no approval was required
   */
  readonly decidedBy?: string;
  /**
   * When it was approved (ISO 8601).
   * @default - `null` when no approval was required
   */
  readonly decidedAt?: string;
  /**
   * The reviewer's comment.
   * @default - `null` when the reviewer left none or no approval was required
   */
  readonly comment?: string;
}

/** The approval table's index of requests by status and expiry, used to list pending ones. */
export const PENDING_INDEX = 'status-expiresAt';

/** The error a rejected approval fails its step with. */
export const APPROVAL_REJECTED_ERROR = 'ApprovalRejected';
/** The notifier's error when it could not store or announce a request (retried by the step). */
export const NOTIFICATION_FAILED_ERROR = 'ApprovalNotificationFailed';
/** The notifier's error when the summary is too large to store or announce (not retried: it never fits). */
export const SUMMARY_TOO_LARGE_ERROR = 'ApprovalSummaryTooLarge';

/** The error an expired approval fails its step with. */
export const APPROVAL_EXPIRED_ERROR = 'ApprovalExpired';

/**
 * The approval id of a task token: the hex SHA-256 of the token (64 lowercase hexadecimal
 * characters). Opaque and unguessable (the token is secret), and the same for a retried
 * notification of the same token, so storing is idempotent.
 */
export function approvalIdFor(taskToken: string): string {
  return createHash('sha256').update(taskToken).digest('hex');
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
    ...(event.approverGroups && event.approverGroups.length > 0 ? { approverGroups: event.approverGroups } : {}),
    requestedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + event.timeoutSeconds * 1000).toISOString(),
    status: 'PENDING',
  };
}

/**
 * The record as reviewers see it at `now`: no task token nor bookkeeping, and the expiry applied.
 * Past its expiry the workflow no longer waits, so PENDING reads EXPIRED, and DECIDING reads
 * EXPIRED when every send of the decision was refused, DELIVERY_UNCONFIRMED when one may have landed.
 */
export function viewOf(record: ApprovalRecord, now: Date): ApprovalView {
  const { taskToken: _secret, unconfirmedSends: _sends, sendingUntil: _until, ...view } = record;
  return { ...view, status: statusAt(record, now) };
}

function statusAt(record: ApprovalRecord, now: Date): ApprovalStatus {
  if (Date.parse(record.expiresAt) > now.getTime()) return record.status;
  if (record.status === 'PENDING') return 'EXPIRED';
  if (record.status === 'DECIDING') return (record.unconfirmedSends ?? 0) > 0 ? 'DELIVERY_UNCONFIRMED' : 'EXPIRED';
  return record.status;
}

/** What SendTaskSuccess sends for an approved request. */
export function approvedOutcome(approvalId: string, decidedBy: string, decidedAt: string, comment?: string): Omit<ApprovalOutcome, 'comment'> & { readonly comment: string | null } {
  return { approvalId, decision: 'APPROVED', decidedBy, decidedAt, comment: comment ?? null };
}

/** The cause SendTaskFailure sends for a rejected request (JSON). */
export function rejectionCause(approvalId: string, decidedBy: string, decidedAt: string, comment?: string): string {
  return JSON.stringify({ approvalId, decision: 'REJECTED', decidedBy, decidedAt, comment: comment ?? null });
}

/** Why the decision API refuses a request, with the HTTP status it answers. */
export interface DecisionRefusal {
  /** 400 (malformed id), 403 (not an approver), 404 (unknown id), 409 (another decision holds it) or 410 (expired). */
  readonly statusCode: 400 | 403 | 404 | 409 | 410;
  /** What went wrong, for the caller. */
  readonly message: string;
  /** The approval as it stands, for a 409 or 410 (the caller is one of its approvers). */
  readonly approval?: ApprovalView;
}

/** 400 for a string that is not an approval id (a SHA-256 in hex); undefined for a well-formed one. */
export function idRefusal(approvalId: unknown): DecisionRefusal | undefined {
  if (isApprovalId(approvalId)) return undefined;
  const shown = typeof approvalId === 'string' ? `'${[...approvalId].slice(0, 80).join('')}${commentLength(approvalId) > 80 ? '…' : ''}'` : String(approvalId);
  return { statusCode: 400, message: `${shown} is not an approval id: an approval id is 64 lowercase hexadecimal characters.` };
}

/**
 * Who calls the decision API, as its handler (or LocalApprovals) authenticated them.
 *
 * - IAM sign-in: `id` is the caller's ARN (`requestContext.identity.userArn`), no `groups`.
 * - Cognito sign-in: `id` is the access token's `username` claim, `groups` its `cognito:groups`
 *   claim (empty when the user is in no group), and `cognitoUser` is true.
 */
export interface Reviewer {
  /** The caller's ARN (IAM) or Cognito user name: what `decidedBy` records. */
  readonly id: string;
  /** The caller's Cognito groups. */
  readonly groups?: string[];
  /**
   * The caller signed in with Cognito: the ARN rule never applies to them, since a user name
   * may be written like an ARN (a user pool's user names are chosen by whoever creates the user).
   */
  readonly cognitoUser?: boolean;
}

/**
 * Whether a reviewer may see and decide a request: when the request names `approverGroups`,
 * the reviewer is in one of them; otherwise the reviewer's id passes the ARN rule of
 * {@link mayDecide} (never for a Cognito user). Neither named: nobody.
 */
export function mayAccess(record: Pick<ApprovalRecord, 'approvers' | 'approverGroups'>, reviewer: Reviewer): boolean {
  const groups = record.approverGroups ?? [];
  if (groups.length > 0) return (reviewer.groups ?? []).some((group) => groups.includes(group));
  return !reviewer.cognitoUser && mayDecide(record.approvers ?? [], reviewer.id);
}

/** 404 for an unknown id, 403 for a reviewer who may not decide it; undefined when the reviewer may see it. */
export function accessRefusal(record: ApprovalRecord | undefined, approvalId: string, reviewer: Reviewer): DecisionRefusal | undefined {
  if (!record) return { statusCode: 404, message: `No approval ${approvalId}.` };
  if (!mayAccess(record, reviewer)) return { statusCode: 403, message: `${notApproverSubject(record, reviewer)} is not an approver of ${approvalId}.` };
  return undefined;
}

/** Who was refused, with the groups when the request is decided by group. */
function notApproverSubject(record: ApprovalRecord, reviewer: Reviewer): string {
  if (!record.approverGroups?.length) return reviewer.id;
  const groups = reviewer.groups?.length ? `groups ${reviewer.groups.join(', ')}` : 'no group';
  return `${reviewer.id} (in ${groups})`;
}

/**
 * Why nobody can make a new decision on the request at `now`: 410 when it expired, 409 when a
 * decision holds it (awaiting confirmation, confirmed, or unconfirmed); undefined while it is PENDING.
 */
export function closedRefusal(record: ApprovalRecord, now: Date): DecisionRefusal | undefined {
  const view = viewOf(record, now);
  switch (view.status) {
    case 'PENDING':
      return undefined;
    case 'EXPIRED':
      return { statusCode: 410, message: expiredMessage(view, record.status === 'EXPIRED'), approval: view };
    case 'DECIDING':
      return {
        statusCode: 409,
        message: `Approval ${view.approvalId} is being decided: ${decisionOf(view)} by ${view.decidedBy} at ${view.decidedAt} awaits confirmation from Step Functions. Nobody else can decide it.`,
        approval: view,
      };
    case 'DELIVERY_UNCONFIRMED':
      return { statusCode: 409, message: unconfirmedMessage(view, record.status === 'DELIVERY_UNCONFIRMED'), approval: view };
    default:
      return { statusCode: 409, message: `Approval ${view.approvalId} was already ${view.status} by ${view.decidedBy} at ${view.decidedAt}.`, approval: view };
  }
}

/** What the decision API does with a decision on a request: the outcome of {@link planDecision}. */
export type DecisionPlan =
  /** The request is PENDING: record the decision (DECIDING), then send it. */
  | { readonly action: 'claim' }
  /** The caller's own decision awaits confirmation and no send is in progress: send it again. */
  | { readonly action: 'redeliver' }
  /** The caller's own decision was already confirmed: answer 200 again, send nothing. */
  | { readonly action: 'confirmed'; readonly approval: ApprovalView }
  /** Refuse with this status and message. */
  | { readonly action: 'refuse'; readonly refusal: DecisionRefusal };

/**
 * What a decision by `reviewer` on the request meets at `now`, shared by the decision handler
 * and LocalApprovals so both answer alike: 400 for a malformed id, 404, 403, then by status
 * (see the README's state table). Repeating one's own decision is never refused for being a
 * repeat: it is sent again while unconfirmed, and answered 200 once confirmed.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html
 */
export function planDecision(record: ApprovalRecord | undefined, approvalId: string, reviewer: Reviewer, decision: ApprovalDecision, now: Date): DecisionPlan {
  const refusal = idRefusal(approvalId) ?? accessRefusal(record, approvalId, reviewer);
  if (refusal) return { action: 'refuse', refusal };
  const view = viewOf(record!, now);
  if (view.status === 'PENDING') return { action: 'claim' };
  const own = view.decidedBy === reviewer.id;
  const repeat = own && view.decision === decision;
  if (repeat && (view.status === 'APPROVED' || view.status === 'REJECTED')) return { action: 'confirmed', approval: view };
  if (own && view.status === 'DECIDING') return ownDecidingPlan(record!, view, repeat, now);
  return { action: 'refuse', refusal: closedRefusal(record!, now)! };
}

/** The decider's repeat is sent again unless a send is in progress; another decision of theirs is refused. */
function ownDecidingPlan(record: ApprovalRecord, view: ApprovalView, repeat: boolean, now: Date): DecisionPlan {
  if (!repeat) {
    const message = `Your decision ${view.decision} on approval ${view.approvalId} (at ${view.decidedAt}) awaits confirmation from Step Functions and cannot be changed; repeat it to deliver it.`;
    return { action: 'refuse', refusal: { statusCode: 409, message, approval: view } };
  }
  if (record.sendingUntil && Date.parse(record.sendingUntil) > now.getTime()) {
    const message =
      `Your decision ${view.decision} on approval ${view.approvalId} is being sent to Step Functions by an earlier request; ` +
      `if that request does not answer 200, repeat it after ${record.sendingUntil}.`;
    return { action: 'refuse', refusal: { statusCode: 409, message, approval: view } };
  }
  return { action: 'redeliver' };
}

/** The decision a reviewer makes, as the record keeps it from DECIDING on. */
export interface DecisionClaim {
  /** APPROVE or REJECT. */
  readonly decision: ApprovalDecision;
  /** The deciding reviewer's id (ARN or Cognito user name). */
  readonly decidedBy: string;
  /** When (ISO 8601). */
  readonly decidedAt: string;
  /** The reviewer's comment. */
  readonly comment?: string;
}

/** PENDING → DECIDING: the first decision is kept, with its first send counted and in progress until `sendingUntil`. */
export function claimedRecord(record: ApprovalRecord, claim: DecisionClaim, sendingUntil: string): ApprovalRecord {
  return { ...record, ...claim, status: 'DECIDING', unconfirmedSends: 1, sendingUntil };
}

/** The status a confirmed decision gives the request. */
export function confirmedStatusOf(decision: ApprovalDecision): 'APPROVED' | 'REJECTED' {
  return decision === 'APPROVE' ? 'APPROVED' : 'REJECTED';
}

/**
 * DECIDING (or DELIVERY_UNCONFIRMED) → APPROVED / REJECTED: Step Functions confirmed the decision
 * at `deliveredAt` (SendTaskSuccess / SendTaskFailure answered 200).
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html
 */
export function deliveredRecord(record: ApprovalRecord, deliveredAt: string): ApprovalRecord {
  const { unconfirmedSends: _sends, sendingUntil: _until, deliveryError: _error, ...rest } = record;
  return { ...rest, status: confirmedStatusOf(record.decision!), deliveredAt };
}

/**
 * DECIDING → EXPIRED or DELIVERY_UNCONFIRMED: Step Functions answered a send with `errorName`
 * (TaskTimedOut, InvalidToken): it no longer waits. EXPIRED if that send was the only one that may
 * have landed (so none did); DELIVERY_UNCONFIRMED if an earlier one may have: TaskTimedOut also
 * answers a token already closed, by that earlier send for all anyone knows.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html#API_SendTaskSuccess_Errors
 */
export function tokenGoneRecord(record: ApprovalRecord, errorName: string): ApprovalRecord {
  const { sendingUntil: _until, ...rest } = record;
  const sends = (record.unconfirmedSends ?? 1) - 1;
  return { ...rest, status: sends === 0 ? 'EXPIRED' : 'DELIVERY_UNCONFIRMED', unconfirmedSends: sends, deliveryError: errorName };
}

/** What is known of a decision whose delivery is unconfirmed: Step Functions said the token was gone (`closed`), or the expiry passed. */
function unconfirmedMessage(view: ApprovalView, closed: boolean): string {
  const why = closed ? `Step Functions answered ${view.deliveryError}` : `its expiry ${view.expiresAt} passed`;
  return (
    `Approval ${view.approvalId}: ${decisionOf(view)} by ${view.decidedBy} at ${view.decidedAt} was sent to Step Functions, which no longer waits for it (${why}); ` +
    `whether the workflow received it is unknown (delivery unconfirmed). See the history of ${view.executionArn}.`
  );
}

/** Why a request reads EXPIRED: Step Functions said the token was gone (`closed`), or its expiry passed. */
function expiredMessage(view: ApprovalView, closed: boolean): string {
  const decided = view.decision ? `${view.decision} by ${view.decidedBy} at ${view.decidedAt}` : undefined;
  if (closed && view.deliveryError && decided) {
    return `Approval ${view.approvalId} no longer waits for a decision: Step Functions answered ${view.deliveryError} (the step timed out or its execution ended); ${decided} did not reach the workflow.`;
  }
  const base = `Approval ${view.approvalId} expired at ${view.expiresAt}; the workflow no longer waits for a decision.`;
  if (!decided) return base;
  return `${base} ${decided} was never delivered${view.deliveryError ? ` (Step Functions last answered ${view.deliveryError})` : ''}.`;
}

function decisionOf(view: ApprovalView): string {
  return view.decision ?? 'The decision';
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
