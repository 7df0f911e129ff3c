import { readFileSync } from 'node:fs';
import { ApprovalView } from '../lib/approval/approval-record';
import { ExecutionResult, LocalApprovals, LocalExecution } from '../lib/testing';

/** What the reviewer does with a flagged order (examples/review-decisions.json). */
export interface ReviewDecision {
  readonly action: 'approve' | 'reject' | 'expire';
  readonly comment?: string;
}

/** The reviewer script: who reviews, and the decision for each flagged order. */
export interface ReviewScript {
  readonly reviewer: string;
  readonly decisions: Record<string, ReviewDecision>;
}

/** An order's run, with the review it went through, if any. */
export interface ReviewedRun {
  readonly result: ExecutionResult;
  readonly review?: ApprovalView;
}

/** Reads a reviewer script. */
export function readReviewScript(file: string): ReviewScript {
  return JSON.parse(readFileSync(file, 'utf8')) as ReviewScript;
}

/**
 * Leaves a review to a person instead of the script (on the approvals page): tells them where
 * to decide, given the request and what the script would decide. The run continues once they do.
 */
export type ReviewInPerson = (request: ApprovalView, scripted: ReviewDecision) => void;

/**
 * Follows an order's execution to its end; when it waits for a manual review, decides it as
 * the reviewer script says (approve, reject, or let it expire without waiting), or, with
 * `inPerson`, leaves an approve or reject to a person. Start the execution with
 * `approvals.functions` among its run options.
 *
 * @throws Error if the order is flagged for review and the script has no decision for it.
 */
export async function completeWithReview(
  execution: LocalExecution,
  approvals: LocalApprovals,
  orderId: string,
  script: ReviewScript,
  inPerson?: ReviewInPerson,
): Promise<ReviewedRun> {
  const flagged = await Promise.race([
    execution.result.then(() => undefined),
    approvals.waitForRequest((request) => request.executionArn === execution.executionArn),
  ]);
  if (!flagged) return { result: await execution.result };
  const decision = script.decisions[orderId];
  if (!decision) {
    execution.abort();
    throw new Error(`${orderId} waits for a review, but the reviewer script has no decision for it.`);
  }
  if (inPerson && decision.action !== 'expire') {
    inPerson(flagged, decision);
    const result = await execution.result;
    return { result, review: approvals.requests.find((request) => request.approvalId === flagged.approvalId) };
  }
  const decidedBy = script.reviewer;
  if (decision.action === 'approve') approvals.approve(flagged.approvalId, { decidedBy, comment: decision.comment });
  if (decision.action === 'reject') approvals.reject(flagged.approvalId, { decidedBy, comment: decision.comment });
  if (decision.action === 'expire') approvals.expire(flagged.approvalId);
  const result = await execution.result;
  return { result, review: approvals.requests.find((request) => request.approvalId === flagged.approvalId) };
}
