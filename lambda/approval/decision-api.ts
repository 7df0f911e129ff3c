import { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { parseDecisionBody } from '../../lib/approval/decision-body';
import { ApprovalStore } from './approval-store';
import { ApiResult, DecisionService } from './decide';
import { classifyDeliveryError } from './delivery-errors';
import { logger } from './logger';
import { reviewerOf, signInOf, SignInKind } from './reviewer-identity';

let service: DecisionService | undefined;

/**
 * The decision API (API Gateway REST; IAM authorization, or a Cognito user pools authorizer
 * when `REVIEWER_SIGN_IN` is `cognito`):
 * `GET /approvals`, `GET /approvals/{id}`, `POST /approvals/{id}/decision`
 * with `{ "decision": "APPROVE" | "REJECT", "comment": "…" }`. An unexpected error is 503 when
 * an AWS service was unavailable or did not answer, 500 only for a fault of the handler itself.
 */
export const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  service ??= new DecisionService(
    new ApprovalStore(process.env.TABLE_NAME!),
    // One attempt per send, well within the function's 10-second timeout: the service retries
    // only sends Step Functions refused for certain (throttling), never one whose answer was lost.
    new SFNClient({ maxAttempts: 1, requestHandler: { connectionTimeout: 1000, requestTimeout: 2000 } }),
  );
  const result = await route(service, event).catch(unexpected);
  return { statusCode: result.statusCode, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(result.body) };
};

function unexpected(error: Error): ApiResult {
  logger.error('Decision API failed', { error: error.name, message: error.message });
  const kind = classifyDeliveryError(error).kind;
  if (kind === 'retryLater' || kind === 'unknown') {
    return { statusCode: 503, body: { message: `An AWS service did not answer (${error.name}); read the approval and repeat the request.` } };
  }
  return { statusCode: 500, body: { message: `Internal error (${error.name}); read the approval before repeating the request.` } };
}

/**
 * Dispatches one request to the decision service, as the reviewer the API's sign-in
 * authenticated (a request authenticated otherwise is refused 401 or 403).
 */
export async function route(decisions: DecisionService, event: APIGatewayProxyEvent, signIn: SignInKind = signInOf()): Promise<ApiResult> {
  const caller = reviewerOf(event, signIn);
  if ('statusCode' in caller) return caller;
  const approvalId = event.pathParameters?.id ?? '';
  switch (`${event.httpMethod} ${event.resource}`) {
    case 'GET /approvals':
      return decisions.listPending(caller);
    case 'GET /approvals/{id}':
      return decisions.show(approvalId, caller);
    case 'POST /approvals/{id}/decision': {
      const body = parseDecisionBody(event.body);
      return 'statusCode' in body ? body : decisions.decide(approvalId, caller, body.decision, body.comment);
    }
    default:
      return { statusCode: 404, body: { message: `No route ${event.httpMethod} ${event.resource}.` } };
  }
}
