import * as cognito from 'aws-cdk-lib/aws-cognito';

/**
 * How reviewers authenticate to an {@link ApprovalService}'s decision API.
 *
 * - `ReviewerSignIn.iam()`: AWS credentials (SigV4-signed requests, the approver CLI); approvers
 *   are IAM roles and users, granted `execute-api:Invoke`.
 * - `ReviewerSignIn.cognito()`: people without AWS credentials sign in to an Amazon Cognito user
 *   pool through its hosted UI (OAuth 2.0 authorization code with PKCE) on the approvals web page
 *   the service deploys; approvers are named by Cognito group (`approverGroups`), and every
 *   method of the decision API requires an access token with the service's `decide` scope.
 *
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-app-integration.html
 */
export class ReviewerSignIn {
  /** AWS credentials (IAM authorization): today's behaviour, and the default. */
  public static iam(): ReviewerSignIn {
    return new ReviewerSignIn('IAM');
  }

  /**
   * An Amazon Cognito user pool, and the approvals web page.
   *
   * @param userPool the pool reviewers are users of; the service adds its app client and
   *   resource server to it (and a hosted-UI domain unless `userPoolDomain` is given). Groups
   *   named in `approverGroups` must exist in it: the service creates them only in a pool it creates.
   *   Default: a new pool with secure defaults (no self sign-up, users created by an
   *   administrator, a 12-character password with every character class, MFA required with
   *   an authenticator app (TOTP), email verified, deletion protection, retained on stack deletion).
   * @param userPoolDomain the pool's hosted-UI domain (a `UserPoolDomain`, or one imported with
   *   `UserPoolDomain.fromDomainName`: a prefix of `<prefix>.auth.<region>.amazoncognito.com`, or a
   *   custom domain name with a dot). Default: a new Cognito domain whose prefix is unique to the
   *   stack, the construct and the account.
   */
  public static cognito(userPool?: cognito.IUserPool, userPoolDomain?: cognito.IUserPoolDomain): ReviewerSignIn {
    return new ReviewerSignIn('COGNITO', userPool, userPoolDomain);
  }

  /** `IAM` or `COGNITO`. */
  public readonly kind: string;
  /**
   * The user's own pool.
   * @default - a new pool (Cognito), none (IAM)
   */
  public readonly userPool?: cognito.IUserPool;
  /**
   * The user's own hosted-UI domain.
   * @default - a new Cognito domain (Cognito), none (IAM)
   */
  public readonly userPoolDomain?: cognito.IUserPoolDomain;

  private constructor(kind: string, userPool?: cognito.IUserPool, userPoolDomain?: cognito.IUserPoolDomain) {
    this.kind = kind;
    this.userPool = userPool;
    this.userPoolDomain = userPoolDomain;
  }

  /** Whether reviewers sign in with Cognito. */
  public get isCognito(): boolean {
    return this.kind === 'COGNITO';
  }
}
