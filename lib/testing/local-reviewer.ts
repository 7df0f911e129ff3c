/** A reviewer of the local approvals server's fake sign-in. */
export interface LocalReviewer {
  /**
   * Who the reviewer is to the decision API: a user name (as a Cognito access token's
   * `username` claim names it), or, for requests whose approvers are IAM principals, the
   * caller ARN API Gateway would report (e.g. `arn:aws:sts::123456789012:assumed-role/Reviewer/dana`).
   */
  readonly name: string;
  /**
   * The reviewer's groups (a Cognito access token's `cognito:groups` claim): a reviewer with groups
   * (even none: `[]`) is a Cognito user, whom the ARN rule of IAM approvers never lets in.
   * @default - none
   */
  readonly groups?: string[];
}
