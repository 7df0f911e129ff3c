import { createHash } from 'node:crypto';
import { Aws, Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { WorkflowConfigurationError } from '../private/errors';
import { acknowledgeNagRules } from '../private/nag-acknowledgements';
import { ReviewerSignIn } from './reviewer-sign-in';

/** The scope every method of the decision API requires, on the service's resource server. */
export const DECIDE_SCOPE = 'decide';

/**
 * A Cognito group name an approval can name: 1–128 characters of letters, marks, symbols,
 * numbers and punctuation (Cognito's pattern), without the comma, brackets or quotes that would
 * make the `cognito:groups` claim ambiguous as API Gateway passes it (a string).
 *
 * @see https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateGroup.html
 */
const GROUP_NAME = /^[^\s,[\]"]{1,128}$/u;
const COGNITO_GROUP_NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u;

/**
 * Checks approver group names for Cognito and for the claim parsing of the decision handler.
 *
 * @throws WorkflowConfigurationError naming `scope`, the prop and the bad name.
 */
export function requireGroupNames(scope: Construct, prop: string, groups: readonly string[]): void {
  for (const group of groups) {
    if (Token.isUnresolved(group)) continue;
    if (!GROUP_NAME.test(group) || !COGNITO_GROUP_NAME.test(group)) {
      throw new WorkflowConfigurationError(
        scope,
        `${prop} names ${JSON.stringify(group)}, which is not a usable Cognito group name.`,
        'use 1 to 128 letters, digits and punctuation, without spaces, commas, brackets or quotes (e.g. "order-reviewers").',
      );
    }
  }
}

/**
 * The Cognito side of an ApprovalService with Cognito sign-in: the user pool (new with secure
 * defaults, or the user's), a resource server with the `decide` scope, the hosted-UI domain, the
 * API Gateway authorizer, and (once the page's URL is known, {@link addPageClient}) the app client.
 */
export class ReviewerPool extends Construct {
  /** The pool reviewers are users of. */
  public readonly userPool: cognito.IUserPool;
  /** Whether this construct created the pool (then it also creates the approver groups). */
  public readonly ownsPool: boolean;
  /** The resource server whose `decide` scope the decision API requires. */
  public readonly resourceServer: cognito.UserPoolResourceServer;
  /** `<resource server id>/decide`. */
  public readonly decideScope: string;
  /** The hosted UI's base URL, e.g. `https://<prefix>.auth.<region>.amazoncognito.com` (no trailing slash). */
  public readonly signInBaseUrl: string;
  /** The Cognito user pools authorizer of every decision API method. */
  public readonly authorizer: apigateway.CognitoUserPoolsAuthorizer;
  /** The approvals page's app client, once added. */
  public client?: cognito.UserPoolClient;

  private readonly groups = new Map<string, cognito.CfnUserPoolGroup>();

  constructor(scope: Construct, id: string, signIn: ReviewerSignIn) {
    super(scope, id);
    if (!signIn.userPool && signIn.userPoolDomain) {
      throw new WorkflowConfigurationError(
        scope,
        `ReviewerSignIn.cognito() was given a domain (${signIn.userPoolDomain.domainName}) but no user pool: a domain belongs to one pool.`,
        'pass the pool the domain belongs to: ReviewerSignIn.cognito(userPool, userPoolDomain), or neither.',
      );
    }
    this.ownsPool = !signIn.userPool;
    this.userPool = signIn.userPool ?? this.createUserPool();
    const serverId = `approvals-${Names.uniqueResourceName(this, { maxLength: 40, separator: '-' }).toLowerCase()}`;
    const decide = new cognito.ResourceServerScope({ scopeName: DECIDE_SCOPE, scopeDescription: 'List, read and decide approval requests' });
    this.resourceServer = this.userPool.addResourceServer('ApprovalsApi', { identifier: serverId, userPoolResourceServerName: 'Approval decisions', scopes: [decide] });
    this.decideScope = cognito.OAuthScope.resourceServer(this.resourceServer, decide).scopeName;
    this.signInBaseUrl = signIn.userPoolDomain ? baseUrlOf(signIn.userPoolDomain) : this.createDomain().baseUrl();
    this.authorizer = new apigateway.CognitoUserPoolsAuthorizer(this, 'Authorizer', {
      cognitoUserPools: [this.userPool],
      identitySource: apigateway.IdentitySource.header('Authorization'),
      resultsCacheTtl: Duration.minutes(5),
    });
  }

  /**
   * The approvals page's app client: a public client (no secret; PKCE) allowed only the
   * authorization code grant, the `openid` and `decide` scopes, and the page as its only
   * callback and sign-out URL; short-lived tokens, no password flows of its own.
   *
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-client-apps.html
   */
  public addPageClient(pageUrl: string): cognito.UserPoolClient {
    const url = `${pageUrl}/`;
    this.client = this.userPool.addClient('ApprovalsPageClient', {
      generateSecret: false,
      authFlows: { userSrp: false },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.custom(this.decideScope)],
        callbackUrls: [url],
        logoutUrls: [url],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      accessTokenValidity: Duration.minutes(15),
      idTokenValidity: Duration.minutes(15),
      refreshTokenValidity: Duration.hours(1),
      authSessionValidity: Duration.minutes(3),
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
    });
    this.client.node.addDependency(this.resourceServer);
    return this.client;
  }

  /**
   * Creates the approver groups in a pool this construct created (once per name); in the
   * user's own pool the groups are the user's to create.
   */
  public ensureGroups(groups: readonly string[]): void {
    if (!this.ownsPool) return;
    for (const name of groups) {
      if (this.groups.has(name)) continue;
      // Named after the group, not its position: another order of approvals keeps each group's logical id.
      const group = new cognito.CfnUserPoolGroup(this, `Group${createHash('sha256').update(name).digest('hex').slice(0, 12)}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: name,
        description: 'Reviewers who may decide approval requests naming this group',
      });
      this.groups.set(name, group);
    }
  }

  /** A pool with secure defaults: administrators create users; strong passwords; TOTP MFA required. */
  private createUserPool(): cognito.UserPool {
    const pool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const plusReason =
      'Threat protection (advanced security, ENFORCED) needs the Cognito Plus feature plan, billed per monthly active user on top of Essentials; ' +
      'reviewers are few, created by an administrator, and must use TOTP MFA. Pass your own Plus pool to ReviewerSignIn.cognito(pool) to enable it.';
    acknowledgeNagRules(pool, { id: 'AwsSolutions-COG3', reason: plusReason }, { id: 'AwsSolutions-COG8', reason: plusReason });
    return pool;
  }

  /**
   * A Cognito hosted-UI domain. Its prefix must be unique among all AWS accounts in the region,
   * lowercase letters, digits and hyphens, and must not contain `aws`, `amazon` or `cognito`:
   * the construct's unique name (cleaned of those words) and the account id.
   *
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-assign-domain-prefix.html
   */
  private createDomain(): cognito.UserPoolDomain {
    const name = Names.uniqueResourceName(this, { maxLength: 36, separator: '-' })
      .toLowerCase()
      .replace(/aws|amazon|cognito/g, '')
      .replace(/[^a-z0-9-]/g, '')
      .replace(/-+/g, '-')
      .replace(/^-|-$/g, '');
    return this.userPool.addDomain('SignInDomain', { cognitoDomain: { domainPrefix: `${name}-${Aws.ACCOUNT_ID}` } });
  }
}

/** The base URL of a domain the user passed: a `UserPoolDomain`'s own, else a custom domain name (with a dot) or a Cognito prefix. */
function baseUrlOf(domain: cognito.IUserPoolDomain): string {
  if (domain instanceof cognito.UserPoolDomain) return domain.baseUrl();
  const name = domain.domainName;
  if (!Token.isUnresolved(name) && name.includes('.')) return `https://${name}`;
  const stack = Stack.of(domain);
  return `https://${name}.auth.${stack.region}.amazoncognito.com`;
}
