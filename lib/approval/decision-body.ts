import { APPROVAL_DECISIONS, ApprovalDecision, commentLength, MAX_COMMENT_LENGTH } from './approval-record';

/** A decision request's body, validated. */
export interface DecisionBody {
  readonly decision: ApprovalDecision;
  readonly comment?: string;
}

/** A refusal of a decision body: 400 and the reason. */
export interface DecisionBodyRefusal {
  readonly statusCode: 400;
  readonly body: { readonly message: string };
}

/**
 * Validates a decision body exactly as the API model does (approval-service.ts): a JSON object
 * with `decision` APPROVE or REJECT, an optional string `comment` of at most
 * {@link MAX_COMMENT_LENGTH} code points, and no other field; anything else is a 400. Shared by
 * the decision handler and the local approvals server, so both answer alike.
 */
export function parseDecisionBody(text: unknown): DecisionBody | DecisionBodyRefusal {
  let body: unknown;
  try {
    body = JSON.parse(typeof text === 'string' ? text : '');
  } catch {
    return badRequest('The body must be JSON: {"decision":"APPROVE"|"REJECT","comment":"..."}.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return badRequest('The body must be a JSON object: {"decision":"APPROVE"|"REJECT","comment":"..."}.');
  const fields = body as Record<string, unknown>;
  const unknownField = Object.keys(fields).find((field) => field !== 'decision' && field !== 'comment');
  if (unknownField !== undefined) return badRequest(`Unknown field ${JSON.stringify(unknownField).slice(0, 100)}: a decision has only decision and comment.`);
  if (!APPROVAL_DECISIONS.includes(fields.decision as ApprovalDecision)) return badRequest(`decision must be ${APPROVAL_DECISIONS.join(' or ')}.`);
  if (fields.comment !== undefined && (typeof fields.comment !== 'string' || commentLength(fields.comment) > MAX_COMMENT_LENGTH)) {
    return badRequest(`comment must be a string of at most ${MAX_COMMENT_LENGTH} characters (Unicode code points).`);
  }
  return { decision: fields.decision as ApprovalDecision, comment: fields.comment as string | undefined };
}

function badRequest(message: string): DecisionBodyRefusal {
  return { statusCode: 400, body: { message } };
}
