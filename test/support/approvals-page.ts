import { App, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { createHash, randomBytes } from 'node:crypto';
import { Page } from 'playwright-core';
import { ApprovalService, HumanApproval, ReviewerSignIn, Workflow } from '../../lib';
import { LocalApprovals, LocalRunner } from '../../lib/testing';

/** How long the review waits (the HumanApproval's timeout). */
export const REVIEW_TIMEOUT = Duration.days(2);

/**
 * A small order workflow: Review (a HumanApproval whose summary shows the order and its note) →
 * Ship. A rejection or expiry fails the execution (no catch), as the step's errors say. Its
 * reviewers are the OrderReviewer role (IAM sign-in) or the `finance` group (Cognito sign-in).
 */
export function reviewWorkflow(app = new App(), signIn: 'iam' | 'cognito' = 'iam'): Stack {
  const stack = new Stack(app, 'Shop', { env: { account: '123456789012', region: 'eu-west-1' } });
  const service =
    signIn === 'cognito' ? new ApprovalService(stack, 'Approvals', { signIn: ReviewerSignIn.cognito(), approverGroups: ['finance'] }) : new ApprovalService(stack, 'Approvals');
  const review = new HumanApproval(stack, 'Review', {
    service,
    ...(signIn === 'iam' ? { approvers: [new iam.Role(stack, 'Reviewer', { roleName: 'OrderReviewer', assumedBy: new iam.AccountRootPrincipal() })] } : {}),
    timeout: REVIEW_TIMEOUT,
    summary: sfn.TaskInput.fromObject({
      orderId: sfn.JsonPath.stringAt('$.orderId'),
      totalCents: sfn.JsonPath.numberAt('$.totalCents'),
      note: sfn.JsonPath.stringAt('$.note'),
    }),
    resultPath: '$.review',
  });
  new Workflow(stack, 'Orders', { definition: review.next(new sfn.Pass(stack, 'Ship')), timeout: Duration.days(3) });
  return stack;
}

/** The reviewer role's caller ARN for a session named `session`. */
export function reviewerSession(session: string): string {
  return `arn:aws:sts::123456789012:assumed-role/OrderReviewer/${session}`;
}

/** A runner of the review workflow with its approvals emulated. */
export function startRunner(stack: Stack): { runner: LocalRunner; approvals: LocalApprovals } {
  const runner = LocalRunner.fromStack(stack);
  return { runner, approvals: LocalApprovals.of(runner) };
}

/**
 * Signs in on the page at `url` (a deep link or the list): the page's Sign in button, then the
 * local sign-in form, as the reviewer offered with `label` or typed in as `name` with `groups`.
 */
export async function signIn(page: Page, url: string, who: { label?: string; name?: string; groups?: string }): Promise<void> {
  await page.goto(url);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Local sign-in, no password' }).waitFor();
  if (who.label) {
    await page.getByLabel(who.label).check();
  } else {
    await page.getByLabel('Another reviewer (below)').check();
    await page.getByLabel(/^Reviewer name/).fill(who.name ?? '');
    if (who.groups) await page.getByLabel(/^Groups/).fill(who.groups);
  }
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.locator('#session:not([hidden])').waitFor();
}

/**
 * Signs in to a local approvals server without a browser, as the page does: the sign-in form's
 * reviewer `choice` (the name of an offered reviewer), then the code exchanged with its PKCE verifier.
 *
 * @returns the access token
 */
export async function signInOverHttp(url: string, choice: string): Promise<string> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const form = { response_type: 'code', client_id: 'local-approvals-page', redirect_uri: url, scope: 'openid approvals/decide', state: 's', code_challenge: challenge, code_challenge_method: 'S256' };
  const authorized = await fetch(`${url}oauth2/authorize`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ ...form, reviewer: choice }) });
  const code = new URL(authorized.headers.get('location')!).searchParams.get('code')!;
  const token = await fetch(`${url}oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: 'local-approvals-page', code, redirect_uri: url, code_verifier: verifier }),
  });
  return ((await token.json()) as { access_token: string }).access_token;
}
