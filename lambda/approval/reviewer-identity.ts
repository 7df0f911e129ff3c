import type { APIGatewayProxyEvent } from 'aws-lambda';
import { Reviewer } from '../../lib/approval/approval-record';
import type { ApiResult } from './decide';

/**
 * How the decision API authenticates reviewers, from the `REVIEWER_SIGN_IN` environment variable
 * the ApprovalService sets: `cognito` (a Cognito user pools authorizer on every method) or `iam`
 * (SigV4, the default when it is not set).
 */
export type SignInKind = 'iam' | 'cognito';

/** The sign-in the environment names; anything but `cognito` is IAM. */
export function signInOf(environment: NodeJS.ProcessEnv = process.env): SignInKind {
  return environment.REVIEWER_SIGN_IN === 'cognito' ? 'cognito' : 'iam';
}

/**
 * The reviewer of a request as API Gateway authenticated it, or the refusal of a request
 * authenticated the other way (or not at all):
 *
 * - IAM: `requestContext.identity.userArn` is the caller's ARN.
 * - Cognito: a REST API's Cognito user pools authorizer passes the token's claims to a Lambda
 *   proxy integration in `requestContext.authorizer.claims`, every value a string. The token must
 *   be an access token (`token_use` `access`, what the authorizer's OAuth scopes require); the
 *   reviewer is its `username`, in the groups of its `cognito:groups` (see {@link groupsOfClaim}).
 *
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html
 */
export function reviewerOf(event: APIGatewayProxyEvent, signIn: SignInKind): Reviewer | ApiResult {
  const callerArn = event.requestContext?.identity?.userArn;
  const claims = (event.requestContext?.authorizer as { claims?: Record<string, unknown> } | null | undefined)?.claims;
  if (signIn === 'iam') {
    if (callerArn) return { id: callerArn };
    return refusal(403, claims
      ? 'This decision API takes requests signed with AWS credentials (IAM authorization), not Cognito tokens.'
      : 'The request is not signed with AWS credentials (IAM authorization).');
  }
  if (!claims) {
    return callerArn
      ? refusal(403, 'This decision API takes Cognito access tokens (sign in on the approvals page), not requests signed with AWS credentials.')
      : refusal(401, 'Sign in: the request carries no Cognito access token in its Authorization header.');
  }
  if (claims.token_use !== 'access') return refusal(401, `Sign in again: the Authorization header must carry a Cognito access token, not an ${String(claims.token_use ?? 'unknown')} token.`);
  const username = claims.username;
  if (typeof username !== 'string' || username === '') return refusal(401, 'The Cognito access token has no username claim.');
  return { id: username, groups: groupsOfClaim(claims['cognito:groups']), cognitoUser: true };
}

/**
 * The groups of a `cognito:groups` claim as API Gateway passes it: the token has a JSON array,
 * but the authorizer hands every claim over as a string, seen as `a,b`, `[a b]` or `["a","b"]`;
 * an array is taken as it is, and no claim is no group. Group names the ApprovalService accepts
 * hold no comma, space or bracket, so each form splits unambiguously.
 */
export function groupsOfClaim(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((group): group is string => typeof group === 'string' && group !== '');
  if (typeof claim !== 'string') return [];
  const text = claim.trim();
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return groupsOfClaim(parsed);
    } catch {
      // not JSON: the `[a b]` form, split below
    }
  }
  return text.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter((group) => group !== '');
}

function refusal(statusCode: 401 | 403, message: string): ApiResult {
  return { statusCode, body: { message } };
}
