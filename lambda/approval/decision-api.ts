import { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { APPROVAL_DECISIONS, ApprovalDecision, MAX_COMMENT_LENGTH } from '../../lib/approval/approval-record';
import { ApprovalStore } from './approval-store';
import { ApiResult, DecisionService } from './decide';
import { logger } from './logger';

let service: DecisionService | undefined;

/**
 * The decision API (API Gateway REST, IAM authorization):
 * `GET /approvals`, `GET /approvals/{id}`, `POST /approvals/{id}/decision`
 * with `{ "decision": "APPROVE" | "REJECT", "comment": "…" }`.
 */
export const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  service ??= new DecisionService(
    new ApprovalStore(process.env.TABLE_NAME!),
    // well within the function's 10-second timeout, so a slow call fails visibly (503) rather than timing out
    new SFNClient({ maxAttempts: 3, requestHandler: { connectionTimeout: 1000, requestTimeout: 2000 } }),
  );
  const result = await route(service, event).catch((error: Error) => {
    logger.error('Decision API failed', { error: error.name, message: error.message });
    return { statusCode: 500, body: { message: 'Internal error; the approval is unchanged.' } };
  });
  return { statusCode: result.statusCode, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(result.body) };
};

/** Dispatches one request to the decision service. */
export async function route(decisions: DecisionService, event: APIGatewayProxyEvent): Promise<ApiResult> {
  const caller = event.requestContext?.identity?.userArn;
  if (!caller) return { statusCode: 403, body: { message: 'The request is not signed with AWS credentials (IAM authorization).' } };
  const approvalId = event.pathParameters?.id;
  switch (`${event.httpMethod} ${event.resource}`) {
    case 'GET /approvals':
      return decisions.listPending(caller);
    case 'GET /approvals/{id}':
      return decisions.show(approvalId!, caller);
    case 'POST /approvals/{id}/decision': {
      const body = parseDecision(event.body);
      return 'statusCode' in body ? body : decisions.decide(approvalId!, caller, body.decision, body.comment);
    }
    default:
      return { statusCode: 404, body: { message: `No route ${event.httpMethod} ${event.resource}.` } };
  }
}

function parseDecision(text: string | null): { decision: ApprovalDecision; comment?: string } | ApiResult {
  let body: any;
  try {
    body = JSON.parse(text ?? '');
  } catch {
    return badRequest('The body must be JSON: {"decision":"APPROVE"|"REJECT","comment":"..."}.');
  }
  if (!APPROVAL_DECISIONS.includes(body?.decision)) return badRequest(`decision must be ${APPROVAL_DECISIONS.join(' or ')}.`);
  if (body.comment !== undefined && (typeof body.comment !== 'string' || body.comment.length > MAX_COMMENT_LENGTH)) {
    return badRequest(`comment must be a string of at most ${MAX_COMMENT_LENGTH} characters.`);
  }
  return { decision: body.decision, comment: body.comment };
}

function badRequest(message: string): ApiResult {
  return { statusCode: 400, body: { message } };
}
