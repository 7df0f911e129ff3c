import { SNSClient } from '@aws-sdk/client-sns';
import { SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { ApprovalStore } from '../lambda/approval/approval-store';
import { DecisionService } from '../lambda/approval/decide';
import { route } from '../lambda/approval/decision-api';
import { handler as notify } from '../lambda/approval/notifier';
import { groupsOfClaim, reviewerOf, signInOf } from '../lambda/approval/reviewer-identity';
import { approvalRequest, REVIEWER, startApprovalTable } from './support/approvals';
import { LocalDynamo } from './support/dynalite';

// Event shapes follow the Lambda proxy integration input format of a REST API
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format):
// with a Cognito user pools authorizer the token's claims are in requestContext.authorizer.claims,
// each value a string (a JWT authorizer keeps their JSON types, so an array is handled too); the
// claims are those of a Cognito access token
// (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html).

const ACCESS_CLAIMS = {
  sub: 'aab1c2d3-0000-4000-8000-111122223333',
  'cognito:groups': 'legal,finance',
  iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab12Cd34E',
  version: '2',
  client_id: '1example23456789',
  origin_jti: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
  event_id: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE22222',
  token_use: 'access',
  scope: 'openid approvals-abc/decide',
  auth_time: '1764496800',
  exp: 'Sun Nov 30 11:00:00 UTC 2026',
  iat: 'Sun Nov 30 10:00:00 UTC 2026',
  jti: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE33333',
  username: 'dana',
};

/** A REST API Lambda proxy event of GET /approvals/{id}, authenticated by a Cognito user pools authorizer. */
function cognitoEvent(claims: Record<string, unknown> | undefined, overrides: Record<string, unknown> = {}): any {
  return {
    resource: '/approvals/{id}',
    path: `/approvals/${'a'.repeat(64)}`,
    httpMethod: 'GET',
    headers: { Authorization: 'eyJraWQiOi...redacted', Host: 'abc123.execute-api.eu-west-1.amazonaws.com' },
    pathParameters: { id: 'a'.repeat(64) },
    body: null,
    isBase64Encoded: false,
    requestContext: {
      resourceId: 'x1y2z3',
      resourcePath: '/approvals/{id}',
      httpMethod: 'GET',
      stage: 'v1',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      identity: { sourceIp: '203.0.113.10', userAgent: 'Mozilla/5.0', userArn: null, accessKey: null, caller: null, user: null },
      ...(claims ? { authorizer: { claims } } : {}),
    },
    ...overrides,
  };
}

/** The same request signed with IAM (SigV4): the caller's ARN in requestContext.identity.userArn. */
function iamEvent(): any {
  const event = cognitoEvent(undefined);
  event.requestContext.identity = { ...event.requestContext.identity, userArn: REVIEWER, caller: 'AROAEXAMPLE:dana', accessKey: 'ASIAEXAMPLE' };
  return event;
}

describe('the reviewer of a request', () => {
  test('Cognito: the access token\'s username, in the groups of its cognito:groups claim', () => {
    expect(reviewerOf(cognitoEvent(ACCESS_CLAIMS), 'cognito')).toEqual({ id: 'dana', groups: ['legal', 'finance'], cognitoUser: true });
  });

  test('Cognito: a user in no group has no claim, and no group', () => {
    const { ['cognito:groups']: _groups, ...claims } = ACCESS_CLAIMS;
    expect(reviewerOf(cognitoEvent(claims), 'cognito')).toEqual({ id: 'dana', groups: [], cognitoUser: true });
  });

  test('IAM: the caller\'s ARN', () => {
    expect(reviewerOf(iamEvent(), 'iam')).toEqual({ id: REVIEWER });
  });

  test.each([
    ['an IAM-signed request to a Cognito API', () => iamEvent(), 'cognito', 403, /takes Cognito access tokens/],
    ['no token at all to a Cognito API', () => cognitoEvent(undefined), 'cognito', 401, /carries no Cognito access token/],
    ['an ID token to a Cognito API', () => cognitoEvent({ ...ACCESS_CLAIMS, token_use: 'id', username: undefined, 'cognito:username': 'dana' }), 'cognito', 401, /not an id token/],
    ['an access token without username', () => cognitoEvent({ ...ACCESS_CLAIMS, username: '' }), 'cognito', 401, /no username claim/],
    ['a Cognito token to an IAM API', () => cognitoEvent(ACCESS_CLAIMS), 'iam', 403, /signed with AWS credentials \(IAM authorization\), not Cognito tokens/],
    ['an unsigned request to an IAM API', () => cognitoEvent(undefined), 'iam', 403, /not signed with AWS credentials/],
  ] as const)('refuses %s', (_case, event, signIn, statusCode, message) => {
    expect(reviewerOf(event(), signIn)).toEqual({ statusCode, body: { message: expect.stringMatching(message) } });
  });

  test('the sign-in is the environment\'s REVIEWER_SIGN_IN, IAM unless it says cognito', () => {
    expect(signInOf({ REVIEWER_SIGN_IN: 'cognito' })).toBe('cognito');
    expect(signInOf({ REVIEWER_SIGN_IN: 'iam' })).toBe('iam');
    expect(signInOf({})).toBe('iam');
  });
});

describe('groupsOfClaim: cognito:groups in each form API Gateway hands it over', () => {
  test.each([
    ['comma-separated string', 'legal,finance', ['legal', 'finance']],
    ['one group', 'legal', ['legal']],
    ['bracketed, space-separated', '[legal finance]', ['legal', 'finance']],
    ['a JSON array as text', '["legal","finance"]', ['legal', 'finance']],
    ['a JSON array (JWT authorizer)', ['legal', 'finance'], ['legal', 'finance']],
    ['an empty string', '', []],
    ['no claim', undefined, []],
    ['a number', 5, []],
    ['an array with a non-string', ['legal', 7, ''], ['legal']],
  ])('%s', (_case, claim, groups) => {
    expect(groupsOfClaim(claim)).toEqual(groups);
  });
});

describe('the decision API with Cognito sign-in (DynamoDB-compatible server)', () => {
  const TABLE = 'approvals-cognito-route';
  mockClient(SFNClient);
  mockClient(SNSClient);
  let dynamo: LocalDynamo;
  beforeAll(async () => {
    dynamo = await startApprovalTable(TABLE);
  });
  afterAll(async () => {
    await dynamo.close();
  });
  const service = () => new DecisionService(new ApprovalStore(TABLE, dynamo.client), new SFNClient({}));

  test('a member of the request\'s group sees it; a member of another group gets 403; an IAM-signed request gets 403', async () => {
    // GIVEN a request for the legal group
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const { approvalId } = await notify(approvalRequest({ approverGroups: ['legal'] }));
    spy.mockRestore();
    const get = (claims?: Record<string, unknown>) => cognitoEvent(claims, { path: `/approvals/${approvalId}`, pathParameters: { id: approvalId } });
    // WHEN / THEN
    expect(await route(service(), get(ACCESS_CLAIMS), 'cognito')).toMatchObject({ statusCode: 200, body: { approval: { approvalId, approverGroups: ['legal'] } } });
    expect(await route(service(), get({ ...ACCESS_CLAIMS, 'cognito:groups': 'finance' }), 'cognito')).toMatchObject({ statusCode: 403, body: { message: expect.stringMatching(/^dana \(in groups finance\) is not an approver/) } });
    const signed = iamEvent();
    signed.pathParameters = { id: approvalId };
    expect((await route(service(), signed, 'cognito')).statusCode).toBe(403);
  });
});
