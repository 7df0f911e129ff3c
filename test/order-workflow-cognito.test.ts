import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { readOrders, SILENT_LOGS } from '../bin/example-orders';
import { orderPlacedEvent } from '../bin/order-events';
import { ORDER_REVIEWERS_GROUP, OrderProcessingStack } from '../bin/order-processing-stack';
import { ReviewerSignIn } from '../lib';
import { contentSecurityPolicy } from '../lib/approval/approvals-page-policy';
import { flattenIntrinsic } from '../lib/asl/flatten';
import { LocalApprovals, LocalRunner } from '../lib/testing';

// The example app's review step with Cognito reviewers and the approvals web page
// (`npx cdk deploy -c reviewers=cognito`): the acceptance of issue 14 on the app itself.

const STACK = 'CognitoOrderProcessing';
const ORDERS = new Map(readOrders(path.join(__dirname, '..', 'examples', 'orders')).map(({ order }) => [order.orderId, order]));

describe('order workflow with Cognito reviewers (example app)', () => {
  let stack: OrderProcessingStack;
  let template: Template;
  let runner: LocalRunner;

  beforeAll(() => {
    const app = new App();
    // Its own stack name, so the run below does not count towards the coverage of the example's
    // OrderProcessing/OrderWorkflow (another definition: the review step asks by group); checked by
    // cdk-nag's AwsSolutions and Serverless packs as addOrderProcessing checks the example.
    stack = new OrderProcessingStack(app, STACK, { reviewerSignIn: ReviewerSignIn.cognito(), reviewerEmails: ['reviews@example.com'] });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
    template = Template.fromStack(stack);
    runner = LocalRunner.fromStack(stack);
  });

  afterAll(() => runner.dispose());

  test('synthesizes clean under cdk-nag AwsSolutions and Serverless, every acknowledgement with a reason', () => {
    const reasons = stack.node.findAll().flatMap((construct) =>
      construct.node.metadata.filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).flatMap((entry) => Object.values<string>(entry.data)),
    );
    expect(reasons.length).toBeGreaterThan(0);
    for (const reason of reasons) expect(reason.length).toBeGreaterThan(30);
  });

  test('a user pool with MFA required and admin-created users, and the order-reviewers group; no reviewer role', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'ON', AdminCreateUserConfig: { AllowAdminCreateUserOnly: true } });
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: ORDER_REVIEWERS_GROUP });
    expect(stack.reviewerRole).toBeUndefined();
    expect(Object.keys(template.findResources('AWS::IAM::Role')).some((id) => id.startsWith('OrderReviewer'))).toBe(false);
  });

  test('the Cognito authorizer and the decide scope on every decision route', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).filter((method) => method.Properties.HttpMethod !== 'OPTIONS');
    expect(methods).toHaveLength(3);
    for (const method of methods) {
      expect(method.Properties).toMatchObject({ AuthorizationType: 'COGNITO_USER_POOLS', AuthorizerId: { Ref: expect.any(String) }, AuthorizationScopes: [expect.anything()] });
    }
  });

  test('the page: private bucket behind CloudFront with origin access control, the CSP response headers, the page URL as an output', () => {
    for (const bucket of Object.values(template.findResources('AWS::S3::Bucket'))) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      expect(bucket.Properties.WebsiteConfiguration).toBeUndefined();
    }
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    const [policy] = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
    const csp = flattenIntrinsic(stack.resolve(policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy));
    expect(csp).toBe(contentSecurityPolicy(csp.match(/connect-src 'self' (\S+);/)![1]));
    template.hasOutput('*', { Value: stack.resolve(stack.approvals.approvalsPageUrl) });
  });

  test('the email subscription option', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'reviews@example.com', TopicArn: { Ref: Match.stringLikeRegexp('ApprovalsNotifications') } });
  });

  test('locally, a flagged order waits for the order-reviewers group: an outsider is refused, a member approves and the order ships', async () => {
    // GIVEN ORD-1010, flagged for review
    const approvals = LocalApprovals.of(runner);
    const [execution] = runner.startFromEvent(
      `${STACK}/OrderWorkflow/OrderPlaced`,
      orderPlacedEvent(ORDERS.get('ORD-1010')!),
      { functions: approvals.functions, environment: SILENT_LOGS },
    );
    const request = await approvals.waitForRequest((r) => r.executionArn === execution.executionArn);
    // THEN the request names the group, and only its members see it
    expect(request).toMatchObject({ approverGroups: [ORDER_REVIEWERS_GROUP], approvers: [] });
    expect(approvals.pendingFor({ decidedBy: 'dana', groups: [ORDER_REVIEWERS_GROUP] }).map((r) => r.approvalId)).toContain(request.approvalId);
    expect(approvals.pendingFor({ decidedBy: 'sam', groups: ['finance'] })).toEqual([]);
    // WHEN an outsider, then a member, decide
    expect(() => approvals.approve(request.approvalId, { decidedBy: 'sam', groups: ['finance'] })).toThrow(expect.objectContaining({ statusCode: 403 }));
    approvals.approve(request.approvalId, { decidedBy: 'dana', groups: [ORDER_REVIEWERS_GROUP], comment: 'checked' });
    // THEN the order continues and ships, recorded as decided by the user name
    const result = await execution.result;
    expect(result.status).toBe('SUCCEEDED');
    expect(result.path).toContain('CreateShipment');
    expect(result.output.review).toMatchObject({ decision: 'APPROVED', decidedBy: 'dana', comment: 'checked' });
  });
});

test('bin/app.ts: -c reviewers takes cognito or iam, and names the choices for anything else', () => {
  // GIVEN / WHEN the app is loaded with an unknown value
  const load = (reviewers: string) => {
    const previous = process.env.CDK_CONTEXT_JSON;
    process.env.CDK_CONTEXT_JSON = JSON.stringify({ reviewers });
    try {
      jest.isolateModules(() => require('../bin/app'));
    } finally {
      if (previous === undefined) delete process.env.CDK_CONTEXT_JSON;
      else process.env.CDK_CONTEXT_JSON = previous;
    }
  };
  // THEN
  expect(() => load('saml')).toThrow(/Context reviewers=saml is not a sign-in: use -c reviewers=cognito .* or -c reviewers=iam/);
});
