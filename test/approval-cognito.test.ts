import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ApprovalService, ApprovalServiceProps, HumanApproval, HumanApprovalProps, ReviewerSignIn, Workflow } from '../lib';
import { contentSecurityPolicy } from '../lib/approval/approvals-page-policy';
import { flattenIntrinsic, parseFlattenedDefinition } from '../lib/asl/flatten';
import { newStack } from './helpers';

const SUMMARY = sfn.TaskInput.fromObject({ orderId: sfn.JsonPath.stringAt('$.orderId') });

/** A stack with a Cognito approval service and one HumanApproval in a workflow. */
function cognitoStack(service: ApprovalServiceProps = {}, approval: Partial<HumanApprovalProps> = {}, stack: Stack = newStack()) {
  const approvals = new ApprovalService(stack, 'Approvals', { signIn: ReviewerSignIn.cognito(), approverGroups: ['order-reviewers'], ...service });
  const review = new HumanApproval(stack, 'Review', { service: approvals, timeout: Duration.days(2), summary: SUMMARY, ...approval });
  new Workflow(stack, 'Orders', { definition: review, timeout: Duration.days(3) });
  return { stack, approvals, template: Template.fromStack(stack) };
}

describe('ApprovalService with Cognito sign-in (template)', () => {
  const { template, approvals, stack } = cognitoStack({ notificationEmails: ['legal@example.com'] });

  test('a user pool with secure defaults: admin-created users, strong passwords, TOTP MFA required, email verified, retained', () => {
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        MfaConfiguration: 'ON',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        AutoVerifiedAttributes: ['email'],
        DeletionProtection: 'ACTIVE',
        AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
        Policies: { PasswordPolicy: { MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 3 } },
      }),
    });
  });

  test('the page client: public (no secret), authorization code only, openid + decide scope, the page as callback and sign-out URL, short tokens', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', { 'Fn::Join': ['', [{ Ref: Match.stringLikeRegexp('ApprovalsApi') }, '/decide']] }],
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      SupportedIdentityProviders: ['COGNITO'],
      CallbackURLs: [{ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [Match.stringLikeRegexp('ApprovalsPageDistribution'), 'DomainName'] }, '/']] }],
      LogoutURLs: [{ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [Match.stringLikeRegexp('ApprovalsPageDistribution'), 'DomainName'] }, '/']] }],
      AccessTokenValidity: 15,
      IdTokenValidity: 15,
      RefreshTokenValidity: 60,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
      PreventUserExistenceErrors: 'ENABLED',
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', { Scopes: [Match.objectLike({ ScopeName: 'decide' })] });
  });

  test('a hosted-UI domain whose prefix is lowercase, free of reserved words and unique to the account', () => {
    const [domain] = Object.values(template.findResources('AWS::Cognito::UserPoolDomain'));
    const [prefix, account] = domain.Properties.Domain['Fn::Join'][1];
    expect(prefix).toMatch(/^[a-z0-9][a-z0-9-]*-$/);
    expect(prefix).not.toMatch(/aws|amazon|cognito/);
    expect(account).toEqual({ Ref: 'AWS::AccountId' });
  });

  test('the approver groups exist in the pool the service created', () => {
    template.resourceCountIs('AWS::Cognito::UserPoolGroup', 1);
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'order-reviewers', UserPoolId: { Ref: Match.stringLikeRegexp('UserPool') } });
  });

  test('EVERY decision API method requires the Cognito authorizer and the decide scope', () => {
    const [authorizerId] = Object.keys(template.findResources('AWS::ApiGateway::Authorizer', { Properties: { Type: 'COGNITO_USER_POOLS' } }));
    expect(authorizerId).toBeDefined();
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).filter((method) => method.Properties.HttpMethod !== 'OPTIONS');
    expect(methods.map((method) => method.Properties.HttpMethod).sort()).toEqual(['GET', 'GET', 'POST']);
    for (const method of methods) {
      expect(method.Properties).toMatchObject({
        AuthorizationType: 'COGNITO_USER_POOLS',
        AuthorizerId: { Ref: authorizerId },
        AuthorizationScopes: [{ 'Fn::Join': ['', [{ Ref: expect.stringMatching(/ApprovalsApi/) }, '/decide']] }],
      });
    }
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', { IdentitySource: 'method.request.header.Authorization', ProviderARNs: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('UserPool'), 'Arn'] }] });
  });

  test('the decision handler is told reviewers sign in with Cognito', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ REVIEWER_SIGN_IN: 'cognito' }) },
    });
  });

  test('the page bucket is private: all public access blocked, TLS only, encrypted, no website hosting', () => {
    const buckets = template.findResources('AWS::S3::Bucket');
    expect(Object.keys(buckets)).toHaveLength(2);
    for (const bucket of Object.values(buckets)) {
      expect(bucket.Properties).toMatchObject({
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      });
      expect(bucket.Properties.WebsiteConfiguration).toBeUndefined();
    }
    for (const policy of Object.values(template.findResources('AWS::S3::BucketPolicy'))) {
      const statements: any[] = policy.Properties.PolicyDocument.Statement;
      expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
      // no statement lets everyone in: only CloudFront, for this distribution (origin access control)
      for (const statement of statements.filter((s) => s.Effect === 'Allow')) {
        expect(statement.Principal).not.toBe('*');
        expect(statement.Principal).not.toEqual({ AWS: '*' });
      }
    }
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  test('CloudFront: origin access control to S3, index.html at the root, HTTPS only, logging, /approvals* to the API stage uncached with Authorization forwarded', () => {
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', { OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' }) });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        Logging: Match.objectLike({ Bucket: Match.anyValue() }),
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https', AllowedMethods: ['GET', 'HEAD'] }),
        CacheBehaviors: [
          Match.objectLike({
            PathPattern: '/approvals*',
            ViewerProtocolPolicy: 'https-only',
            AllowedMethods: Match.arrayWith(['GET', 'POST']),
            CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
            OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // Managed-AllViewerExceptHostHeader
          }),
        ],
        Origins: Match.arrayWith([
          Match.objectLike({ OriginAccessControlId: Match.anyValue(), S3OriginConfig: { OriginAccessIdentity: '' } }),
          Match.objectLike({
            OriginPath: '/v1',
            DomainName: { 'Fn::Join': ['', Match.arrayWith([{ Ref: Match.stringLikeRegexp('DecisionApi') }, { Ref: 'AWS::URLSuffix' }])] },
            CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
          }),
        ]),
      }),
    });
  });

  test('the response headers policy carries the shared CSP (with the sign-in origin) and the security headers', () => {
    const [policy] = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
    const headers = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = stack.resolve(headers.ContentSecurityPolicy.ContentSecurityPolicy);
    const flat = typeof csp === 'string' ? csp : flattenIntrinsic(csp);
    expect(flat).toContain("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' https://");
    expect(flat).toMatch(/form-action 'self' https:\/\/\S+\.auth\.\S+\.amazoncognito\.com; base-uri 'none'; frame-ancestors 'none'$/);
    expect(headers).toMatchObject({
      ContentSecurityPolicy: { Override: true },
      StrictTransportSecurity: { AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Override: true },
      ContentTypeOptions: { Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
    });
    expect(contentSecurityPolicy('https://x.auth.eu-west-1.amazoncognito.com')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' https://x.auth.eu-west-1.amazoncognito.com; form-action 'self' https://x.auth.eu-west-1.amazoncognito.com; base-uri 'none'; frame-ancestors 'none'",
    );
  });

  test('the page files and a config.json of the contract shape are deployed, the cache invalidated', () => {
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: { Ref: Match.stringLikeRegexp('ApprovalsPageSite') },
      DistributionPaths: ['/*'],
      Prune: true,
      RetainOnDelete: false,
    });
    const [deployment] = Object.values(template.findResources('Custom::CDKBucketDeployment'));
    expect(deployment.Properties.SourceObjectKeys).toHaveLength(2);
    const markers = deployment.Properties.SourceMarkers[1];
    const refs = Object.values(markers).map((value: any) => value.Ref);
    expect(refs.filter((ref) => /SignInDomain/.test(ref))).toHaveLength(3);
    expect(refs.some((ref) => /ApprovalsPageClient/.test(ref))).toBe(true);
  });

  test('the page URL is a property and a stack output; the notifier knows it', () => {
    expect(stack.resolve(approvals.approvalsPageUrl)).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [expect.stringMatching(/ApprovalsPageDistribution/), 'DomainName'] }]] });
    template.hasOutput('*', { Value: stack.resolve(approvals.approvalsPageUrl) });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ APPROVALS_PAGE_URL: stack.resolve(approvals.approvalsPageUrl) }) } });
  });

  test('notificationEmails: an email subscription per address, with a dead-letter queue', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'legal@example.com',
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('EmailDeadLetters'), 'Arn'] } },
    });
  });

  test('the HumanApproval asks by group: approverGroups in the payload, no ARNs', () => {
    const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    const asl = parseFlattenedDefinition(flattenIntrinsic(machine.Properties.DefinitionString)) as any;
    const wait = asl.States.Review.Branches[0].States['Review: wait for decision'];
    expect(wait.Parameters.Payload).toMatchObject({ approvers: [], approverGroups: ['order-reviewers'] });
  });
});

describe('ApprovalService with Cognito sign-in (options)', () => {
  test('a HumanApproval names its own groups; each group is created once', () => {
    const stack = newStack();
    const service = new ApprovalService(stack, 'Approvals', { signIn: ReviewerSignIn.cognito(), approverGroups: ['order-reviewers'] });
    const legal = new HumanApproval(stack, 'Legal', { service, timeout: Duration.days(2), summary: SUMMARY, approverGroups: ['legal', 'order-reviewers'] });
    const finance = new HumanApproval(stack, 'Finance', { service, timeout: Duration.days(2), summary: SUMMARY, approverGroups: ['legal'] });
    new Workflow(stack, 'Orders', { definition: legal.next(finance), timeout: Duration.days(5) });
    const groups = Object.values(Template.fromStack(stack).findResources('AWS::Cognito::UserPoolGroup')).map((group) => group.Properties.GroupName);
    expect(groups.sort()).toEqual(['legal', 'order-reviewers']);
  });

  test("the user's own pool and domain: our client, resource server and authorizer on it; no new pool, domain or groups", () => {
    const stack = newStack();
    const pool = new cognito.UserPool(stack, 'Staff', { mfa: cognito.Mfa.REQUIRED, mfaSecondFactor: { otp: true, sms: false } });
    const domain = pool.addDomain('StaffDomain', { cognitoDomain: { domainPrefix: 'staff-sign-in' } });
    cognitoStack({ signIn: ReviewerSignIn.cognito(pool, domain) }, {}, stack);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
    template.resourceCountIs('AWS::Cognito::UserPoolGroup', 0);
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', { UserPoolId: { Ref: stack.getLogicalId(pool.node.defaultChild as cognito.CfnUserPool) } });
    const [policy] = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
    expect(JSON.stringify(policy)).toContain('.auth.');
  });

  test('an imported custom domain name is the sign-in origin as it is', () => {
    const stack = newStack();
    const pool = cognito.UserPool.fromUserPoolId(stack, 'Staff', 'eu-west-1_Ab12Cd34E');
    const domain = cognito.UserPoolDomain.fromDomainName(stack, 'Domain', 'login.example.com');
    const { template } = cognitoStack({ signIn: ReviewerSignIn.cognito(pool, domain) }, {}, stack);
    const [policy] = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
    expect(policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy).toContain("connect-src 'self' https://login.example.com;");
  });

  test('a custom domain for the page: its name as alias with TLSv1.2_2021, the certificate, and the callback on that name; a web ACL is attached', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:123456789012:certificate/abc');
    const webAclId = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/approvals/1234';
    const { template, approvals } = cognitoStack({ webDomainName: 'approvals.example.com', webCertificate: certificate, webAclId }, {}, stack);
    expect(approvals.approvalsPageUrl).toBe('https://approvals.example.com');
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['approvals.example.com'],
        WebACLId: webAclId,
        ViewerCertificate: { AcmCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc', MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
      }),
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', { CallbackURLs: ['https://approvals.example.com/'], LogoutURLs: ['https://approvals.example.com/'] });
  });

  test('IAM sign-in stays as it was: no pool, no page, IAM on every method, no approverGroups in the payload', () => {
    const stack = newStack();
    const reviewer = new iam.Role(stack, 'Reviewer', { assumedBy: new iam.AccountRootPrincipal() });
    const service = new ApprovalService(stack, 'Approvals', { approvers: [reviewer], notificationEmails: ['ops@example.com'] });
    new Workflow(stack, 'Orders', { definition: new HumanApproval(stack, 'Review', { service, timeout: Duration.days(2), summary: SUMMARY }), timeout: Duration.days(3) });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    template.resourceCountIs('AWS::CloudFront::Distribution', 0);
    template.resourceCountIs('AWS::S3::Bucket', 0);
    for (const method of Object.values(template.findResources('AWS::ApiGateway::Method'))) expect(method.Properties.AuthorizationType).toBe('AWS_IAM');
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    const payload = (parseFlattenedDefinition(flattenIntrinsic(machine.Properties.DefinitionString)) as any).States.Review.Branches[0].States['Review: wait for decision'].Parameters.Payload;
    expect(payload).not.toHaveProperty('approverGroups');
    expect(service.approvalsPageUrl).toBeUndefined();
  });
});

describe('misconfigurations throw at construct time with the path, the value and the fix', () => {
  const role = (stack: Stack) => new iam.Role(stack, 'Reviewer', { assumedBy: new iam.AccountRootPrincipal() });

  test('fails when IAM approvers are given to a Cognito service', () => {
    const stack = newStack();
    expect(() => new ApprovalService(stack, 'Approvals', { signIn: ReviewerSignIn.cognito(), approvers: [role(stack)] })).toThrow(
      /\[TestStack\/Approvals\] approvers names 1 IAM principal\(s\), but reviewers sign in with Cognito.*Fix: name Cognito groups with approverGroups/,
    );
  });

  test('fails when approver groups are given to an IAM service', () => {
    expect(() => new ApprovalService(newStack(), 'Approvals', { approverGroups: ['legal'] })).toThrow(/\[TestStack\/Approvals\] approverGroups \["legal"\] needs Cognito sign-in.*Fix: pass signIn: ReviewerSignIn\.cognito\(\)/);
  });

  test('fails when a HumanApproval names groups on an IAM service, or IAM approvers on a Cognito one', () => {
    const iamStack = newStack();
    const iamService = new ApprovalService(iamStack, 'Approvals', { approvers: [role(iamStack)] });
    expect(() => new HumanApproval(iamStack, 'Review', { service: iamService, timeout: Duration.days(1), summary: SUMMARY, approverGroups: ['legal'] })).toThrow(
      /\[TestStack\/Review\] approverGroups \["legal"\] needs Cognito sign-in/,
    );
    const stack = newStack();
    const service = new ApprovalService(stack, 'Approvals', { signIn: ReviewerSignIn.cognito() });
    expect(() => new HumanApproval(stack, 'Review', { service, timeout: Duration.days(1), summary: SUMMARY, approvers: [role(stack)] })).toThrow(
      /\[TestStack\/Review\] approvers names 1 IAM principal\(s\).*Fix: name Cognito groups with approverGroups/,
    );
  });

  test('fails when neither the HumanApproval nor its Cognito service names a group', () => {
    const stack = newStack();
    const service = new ApprovalService(stack, 'Approvals', { signIn: ReviewerSignIn.cognito() });
    expect(() => new HumanApproval(stack, 'Review', { service, timeout: Duration.days(1), summary: SUMMARY })).toThrow(/\[TestStack\/Review\] HumanApproval has no approverGroups.*Fix: pass approverGroups/);
    expect(() => new HumanApproval(stack, 'Review2', { service, timeout: Duration.days(1), summary: SUMMARY, approverGroups: [] })).toThrow(/has no approverGroups/);
  });

  test.each([['with a comma', 'legal,finance'], ['with a space', 'legal team'], ['empty', ''], ['with a bracket', '[legal]'], ['too long', 'x'.repeat(129)]])('fails for a group name %s', (_case, name) => {
    expect(() => new ApprovalService(newStack(), 'Approvals', { signIn: ReviewerSignIn.cognito(), approverGroups: [name] })).toThrow(/is not a usable Cognito group name.*Fix: use 1 to 128/);
  });

  test('fails for page options without Cognito, a domain without its certificate, a domain without its pool, and a malformed email', () => {
    expect(() => new ApprovalService(newStack(), 'Approvals', { webAclId: 'arn:aws:wafv2:us-east-1:1:global/webacl/x/1' })).toThrow(/webAclId configure the approvals web page, which exists only with Cognito sign-in/);
    expect(() => new ApprovalService(newStack(), 'Approvals', { signIn: ReviewerSignIn.cognito(), webDomainName: 'approvals.example.com' })).toThrow(/webDomainName \(approvals\.example\.com\) and webCertificate \(none\) go together/);
    const stack = newStack();
    expect(() => new ApprovalService(stack, 'Approvals', { signIn: ReviewerSignIn.cognito(undefined, cognito.UserPoolDomain.fromDomainName(stack, 'D', 'x')) })).toThrow(/given a domain \(x\) but no user pool/);
    expect(() => new ApprovalService(newStack(), 'Approvals', { notificationEmails: ['not-an-address'] })).toThrow(/notificationEmails names "not-an-address", which is not an email address/);
  });

  test('grantDecide refuses on a Cognito service and keeps working with IAM', () => {
    const stack = newStack();
    const service = new ApprovalService(stack, 'Approvals', { signIn: ReviewerSignIn.cognito() });
    expect(() => service.grantDecide(role(stack))).toThrow(/reviewers of this approval service sign in with Cognito.*Fix: add the reviewer to an approver group/);
    const iamStack = newStack();
    const iamService = new ApprovalService(iamStack, 'Approvals');
    iamService.grantDecide(role(iamStack));
    Template.fromStack(iamStack).hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: [Match.objectLike({ Action: 'execute-api:Invoke' })] } });
  });
});

describe('cdk-nag', () => {
  test.each([
    ['a new pool, emails, the default *.cloudfront.net name', {}],
    ['a custom domain and a web ACL', { custom: true }],
  ])('AwsSolutions and Serverless report nothing unacknowledged: %s', (_case, variant) => {
    const app = new App();
    const stack = new Stack(app, 'Nagged', { env: { account: '123456789012', region: 'us-east-1' } });
    const extra: ApprovalServiceProps = (variant as { custom?: boolean }).custom
      ? {
        webDomainName: 'approvals.example.com',
        webCertificate: acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:123456789012:certificate/abc'),
        webAclId: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/approvals/1234',
      }
      : {};
    // The checks first: cognitoStack synthesizes the app (Template.fromStack), and a later synth reuses that result.
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
    cognitoStack({ notificationEmails: ['legal@example.com'], ...extra }, {}, stack);
    // an unacknowledged finding throws ValidationFailed at the synth
    expect(() => app.synth()).not.toThrow();
    const reasons = stack.node.findAll().flatMap((construct) =>
      construct.node.metadata.filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).flatMap((entry) => Object.values<string>(entry.data)),
    );
    for (const reason of reasons) expect(reason.length).toBeGreaterThan(30);
  });
});
