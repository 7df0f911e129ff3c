/**
 * The approvals web page in a real browser (headless Debian Chromium, driven by playwright-core)
 * against the local approvals server and real LocalRunner executions of a workflow with a
 * HumanApproval: sign in (code + PKCE), list, decide, and every refusal a reviewer can meet.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html
 */
import { Duration } from 'aws-cdk-lib';
import { BrowserContext, Page, Request } from 'playwright-core';
import { LocalApprovals, LocalApprovalsServer, LocalExecution, LocalRunner } from '../lib/testing';
import { browserAvailable, launchBrowser } from './support/browser';
import { REVIEW_TIMEOUT, reviewerSession, reviewWorkflow, signIn, startRunner } from './support/approvals-page';

const STACK = reviewWorkflow();
const COGNITO_STACK = reviewWorkflow(undefined, 'cognito');
const ORDER = { orderId: 'ORD-7001', totalCents: 129900, note: '<img src=x onerror="window.pwned=1"> rush, please' };
const describeInBrowser = browserAvailable() ? describe : describe.skip;

describeInBrowser('the approvals page in Chromium, against the local approvals server', () => {
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let runner: LocalRunner;
  let approvals: LocalApprovals;
  let server: LocalApprovalsServer;
  let page: Page;
  let requests: Request[];

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    ({ runner, approvals } = startRunner(STACK));
    page = await browser.context.newPage();
    requests = [];
    page.on('request', (request) => requests.push(request));
  });
  afterEach(async () => {
    await page.close();
    await server?.stop();
    await runner.dispose();
  });

  /** An execution of the review workflow, waiting for its review, and the server started once the request is stored. */
  async function pendingReview(options: { reviewers?: Array<{ name: string; groups?: string[] }> } = {}): Promise<{ execution: LocalExecution; approvalId: string; url: string }> {
    const execution = runner.stateMachine().start(ORDER, { functions: approvals.functions });
    const request = await approvals.waitForRequest((candidate) => candidate.executionArn === execution.executionArn);
    server = new LocalApprovalsServer(runner, approvals, options);
    const url = await server.start();
    return { execution, approvalId: request.approvalId, url };
  }

  test('a reviewer signs in, sees the pending request, approves it with the keyboard, and the workflow continues with the decision', async () => {
    // GIVEN an execution waiting for its review
    const { execution, approvalId, url } = await pendingReview();
    // WHEN the reviewer signs in as the role's session the sign-in page offers
    await signIn(page, url, { label: reviewerSession('local-reviewer') });
    // THEN the list shows the request: its summary, step, execution and expiry
    await page.getByRole('heading', { name: 'Pending approvals', level: 1 }).waitFor();
    expect(await page.locator('#list-count').textContent()).toBe('1 request waits for your decision, soonest expiry first.');
    expect(await page.locator('#session-user').textContent()).toBe(`Signed in as ${reviewerSession('local-reviewer')}`);
    const card = page.locator('.approval-list li');
    expect(await card.count()).toBe(1);
    const cardText = await card.textContent();
    expect(cardText).toContain('orderId: ORD-7001');
    expect(cardText).toContain('Review: wait for decision');
    expect(cardText).toContain(execution.executionArn.split(':').pop());
    expect(cardText).toMatch(/Expires.*\(in 2 days\)/);
    // and the code, the state and the token are nowhere the page keeps them
    expect(new URL(page.url()).search).toBe('');
    expect(await page.evaluate('({ local: localStorage.length, session: sessionStorage.length })')).toEqual({ local: 0, session: 0 });
    // WHEN the reviewer opens it: focus moves to its heading
    await card.getByRole('link').click();
    await page.getByRole('heading', { name: 'What you are asked to decide' }).waitFor();
    expect(new URL(page.url()).searchParams.get('approval')).toBe(approvalId);
    expect(await page.evaluate('document.activeElement?.tagName')).toBe('H1');
    // THEN the summary is shown as text: the note's markup is not HTML
    expect(await page.locator('.summary').textContent()).toContain('<img src=x onerror="window.pwned=1"> rush, please');
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.evaluate('window.pwned')).toBeUndefined();
    // WHEN the reviewer writes a comment and approves, with the keyboard only
    await page.getByLabel(/^Comment/).focus();
    await page.keyboard.type('Checked with the customer 📞');
    expect(await page.locator('#comment-count').textContent()).toBe('27 of 1000 characters');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Approve');
    await page.keyboard.press('Enter');
    // THEN the page confirms it, in the live region too, and the workflow continues past the review
    await page.getByRole('heading', { name: 'You approved this request' }).waitFor();
    // (a locator, not waitForFunction: polling a string predicate needs eval, which the page's CSP forbids)
    await page.locator('#announcer', { hasText: /^Approved\. The workflow continues\.$/ }).waitFor();
    const result = await execution.result;
    expect(result.status).toBe('SUCCEEDED');
    expect(result.path).toEqual(['Review', 'Review: wait for decision', 'Ship']);
    expect((result.output as { review: unknown }).review).toEqual({
      approvalId,
      decision: 'APPROVED',
      decidedBy: reviewerSession('local-reviewer'),
      decidedAt: expect.any(String),
      comment: 'Checked with the customer 📞',
    });
    // and the history on the page says who decided and that it was delivered
    const history = await page.locator('.history').textContent();
    expect(history).toContain(`Approved by ${reviewerSession('local-reviewer')}`);
    expect(history).toContain('Delivered to the workflow');
    expect(await page.locator('form.decision').count()).toBe(0);
  });

  test('a rejection fails the workflow with ApprovalRejected and the comment in its cause', async () => {
    // GIVEN a request, opened by its deep link before signing in (the link survives the sign-in redirect)
    const { execution, approvalId, url } = await pendingReview();
    await signIn(page, server.approvalUrl(approvalId), { label: reviewerSession('local-reviewer') });
    await page.getByRole('heading', { name: 'What you are asked to decide' }).waitFor();
    expect(page.url()).toBe(`${url}?approval=${approvalId}`);
    // WHEN the reviewer rejects it with a comment
    await page.getByLabel(/^Comment/).fill('Freight forwarder address');
    await page.getByRole('button', { name: 'Reject' }).click();
    // THEN the page confirms the rejection and the execution fails with ApprovalRejected
    await page.getByRole('heading', { name: 'You rejected this request' }).waitFor();
    const result = await execution.result;
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('ApprovalRejected');
    expect(JSON.parse(result.cause!)).toMatchObject({ approvalId, decision: 'REJECTED', decidedBy: reviewerSession('local-reviewer'), comment: 'Freight forwarder address' });
  });

  test('a second reviewer who had the request open sees "already decided" with who decided, and the workflow keeps the first decision', async () => {
    // GIVEN two reviewers of the same role, each with the request open
    const dana = reviewerSession('dana');
    const lee = reviewerSession('lee');
    const { execution, approvalId } = await pendingReview({ reviewers: [{ name: dana }, { name: lee }] });
    const other = await browser.context.newPage();
    try {
      await signIn(page, server.approvalUrl(approvalId), { label: dana });
      await signIn(other, server.approvalUrl(approvalId), { label: lee });
      await other.getByRole('heading', { name: 'What you are asked to decide' }).waitFor();
      // WHEN dana approves, then lee rejects from the page still open
      await page.getByRole('button', { name: 'Approve' }).click();
      await page.getByRole('heading', { name: 'You approved this request' }).waitFor();
      await other.getByRole('button', { name: 'Reject' }).click();
      // THEN lee is told it was already decided, by whom, and sees the request as it stands
      await other.getByRole('heading', { name: 'Already decided', level: 1 }).waitFor();
      expect(await other.locator('[data-problem="decided"]').textContent()).toContain(`was already APPROVED by ${dana}`);
      expect(await other.locator('.badge').textContent()).toBe('Approved');
      // and the workflow went on with dana's approval
      const result = await execution.result;
      expect(result.status).toBe('SUCCEEDED');
      expect((result.output as { review: { decidedBy: string } }).review.decidedBy).toBe(dana);
      // and lee's list no longer offers it
      await other.getByRole('link', { name: 'All pending approvals' }).click();
      await other.getByText('Nothing waits for your decision.').waitFor();
    } finally {
      await other.close();
    }
  });

  test('an expired request cannot be decided: the page says so and the workflow fails with ApprovalExpired', async () => {
    // GIVEN the reviewer has the request open
    const { execution, approvalId } = await pendingReview();
    await signIn(page, server.approvalUrl(approvalId), { label: reviewerSession('local-reviewer') });
    await page.getByRole('heading', { name: 'What you are asked to decide' }).waitFor();
    // WHEN its timeout passes (virtual time), then the reviewer approves
    await runner.advanceTime(REVIEW_TIMEOUT.plus(Duration.minutes(1)));
    await page.getByRole('button', { name: 'Approve' }).click();
    // THEN the page says it expired, and the execution failed with ApprovalExpired
    await page.getByRole('heading', { name: 'This request has expired', level: 1 }).waitFor();
    expect(await page.locator('[data-problem="expired"]').textContent()).toContain('no longer waits for a decision');
    const result = await execution.result;
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('ApprovalExpired');
  });

  test('opening or prefetching the deep link decides nothing: plain GETs, HEAD, and the page itself signed in', async () => {
    // GIVEN a pending request and its deep link
    const { approvalId } = await pendingReview();
    const link = server.approvalUrl(approvalId);
    // WHEN a mail scanner fetches it, follows its assets, and even guesses at the decision route with GET
    const fetched = await fetch(link);
    expect(fetched.status).toBe(200);
    expect(await fetched.text()).toContain('<script type="module" src="/app.js"></script>');
    expect((await fetch(link, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${server.url}approvals/${approvalId}/decision`)).status).toBe(404);
    expect((await fetch(`${server.url}approvals/${approvalId}/decision?decision=APPROVE`)).status).toBe(404);
    // and a browser opens it, unsigned, then signed in
    await page.goto(link);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await signIn(page, link, { label: reviewerSession('local-reviewer') });
    await page.getByRole('heading', { name: 'What you are asked to decide' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    // THEN the request is still pending, and the browser never sent a POST to the API
    expect(approvals.requests.map((request) => request.status)).toEqual(['PENDING']);
    expect(requests.filter((request) => request.method() === 'POST').map((request) => new URL(request.url()).pathname)).toEqual(['/oauth2/authorize', '/oauth2/token']);
  });

  test('the page is served with its Content-Security-Policy and loads only same-origin modules; no token in storage or URLs', async () => {
    // GIVEN a pending request
    const { url } = await pendingReview();
    // WHEN the reviewer signs in and opens the list
    const response = await page.goto(url);
    const headers = response!.headers();
    expect(headers['content-security-policy']).toBe(
      `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ${url.slice(0, -1)}; form-action 'self' ${url.slice(0, -1)}; base-uri 'none'; frame-ancestors 'none'`,
    );
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['x-frame-options']).toBe('DENY');
    const violations: string[] = [];
    page.on('console', (message) => message.type() === 'error' && violations.push(message.text()));
    await signIn(page, url, { label: reviewerSession('local-reviewer') });
    await page.getByRole('heading', { name: 'Pending approvals' }).waitFor();
    // THEN every request went to the page's own origin, scripts were its own modules, and nothing was refused by the policy
    expect(requests.filter((request) => !request.url().startsWith(url) && !request.url().startsWith('data:')).map((request) => request.url())).toEqual([]);
    const scripts = [...new Set(requests.filter((request) => request.resourceType() === 'script').map((request) => new URL(request.url()).pathname))].sort();
    expect(scripts).toEqual(['/api.js', '/app.js', '/auth.js', '/dom.js', '/format.js', '/states.js', '/views.js']);
    expect(violations).toEqual([]);
    // and the access token is in no URL, no storage
    const token = await tokenSentWith(requests);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(requests.filter((request) => request.url().includes(token))).toEqual([]);
    expect(page.url()).not.toContain(token);
    const stored = await page.evaluate('JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie');
    expect(stored).toBe('{}{}');
  });

  test('a reviewer who is not an approver sees "not allowed", an unknown id "not found", and a malformed link "not valid"', async () => {
    // GIVEN a pending request, and someone signed in who is no approver
    const { approvalId, url } = await pendingReview();
    await signIn(page, server.approvalUrl(approvalId), { name: 'intern', groups: 'interns' });
    // THEN the deep link says they may not decide it
    await page.getByRole('heading', { name: 'You may not decide this approval', level: 1 }).waitFor();
    expect(await page.locator('[data-problem="forbidden"]').textContent()).toContain(`intern is not an approver of ${approvalId}`);
    // and their list is empty
    await page.getByRole('link', { name: 'All pending approvals' }).click();
    await page.getByText('Nothing waits for your decision.').waitFor();
    // WHEN links name no such approval, or no approval id at all
    await visitWithinPage(page, `/?approval=${'0'.repeat(64)}`);
    await page.getByRole('heading', { name: 'Approval not found', level: 1 }).waitFor();
    await visitWithinPage(page, '/?approval=not-an-id');
    await page.getByRole('heading', { name: 'This request is not valid', level: 1 }).waitFor();
    expect(url).toBeDefined();
  });

  test('a session that ended asks to sign in again and keeps the deep link; no answer at all says so; signing out ends at the sign-in page', async () => {
    // GIVEN a reviewer with the request open
    const { approvalId } = await pendingReview();
    await signIn(page, server.approvalUrl(approvalId), { label: reviewerSession('local-reviewer') });
    await page.getByRole('heading', { name: 'What you are asked to decide' }).waitFor();
    // WHEN the API answers 401 (the token expired) to the decision
    await page.route('**/approvals/*/decision', (route) => route.fulfill({ status: 401, contentType: 'application/json', body: '{"message":"Unauthorized"}' }));
    await page.getByRole('button', { name: 'Approve' }).click();
    // THEN the page asks to sign in again, nothing was decided, and the deep link is still the address
    await page.getByRole('heading', { name: 'Your session has ended', level: 1 }).waitFor();
    expect(new URL(page.url()).searchParams.get('approval')).toBe(approvalId);
    expect(approvals.requests[0].status).toBe('PENDING');
    // WHEN the reviewer signs in again and the network then fails
    await page.unroute('**/approvals/*/decision');
    await signIn(page, page.url(), { label: reviewerSession('local-reviewer') });
    await page.getByRole('heading', { name: 'What you are asked to decide' }).waitFor();
    await page.route('**/approvals/*/decision', (route) => route.abort('internetdisconnected'));
    await page.getByRole('button', { name: 'Approve' }).click();
    // THEN the page says the decision may not have been recorded, and offers to check
    await page.getByRole('heading', { name: 'Your decision may not have been recorded', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Check the approval' }).click();
    await page.getByRole('heading', { name: 'What you are asked to decide' }).waitFor();
    // WHEN the reviewer signs out
    await page.getByRole('button', { name: 'Sign out' }).click();
    // THEN the sign-in domain sends the browser back to the page, signed out, with nothing kept
    await page.getByRole('heading', { name: 'Sign in to review approvals' }).waitFor();
    expect(page.url()).toBe(server.url);
    expect(await page.evaluate('sessionStorage.length + localStorage.length')).toBe(0);
    const logout = requests.find((request) => new URL(request.url()).pathname === '/logout')!;
    expect(Object.fromEntries(new URL(logout.url()).searchParams)).toEqual({ client_id: 'local-approvals-page', logout_uri: server.url });
  });

  test('Cognito reviewers decide by group: a member of the approver group approves, a member of another group may not', async () => {
    // GIVEN the workflow asking the finance group (Cognito sign-in), and the sign-in page's default reviewers
    await runner.dispose();
    ({ runner, approvals } = startRunner(COGNITO_STACK));
    const { execution, approvalId } = await pendingReview();
    expect(server.reviewers).toEqual([{ name: 'finance-reviewer', groups: ['finance'] }]);
    // WHEN someone in the sales group opens the deep link
    const other = await browser.context.newPage();
    try {
      await signIn(other, server.approvalUrl(approvalId), { name: 'lee', groups: 'sales' });
      // THEN they may not decide it
      await other.getByRole('heading', { name: 'You may not decide this approval', level: 1 }).waitFor();
      expect(await other.locator('[data-problem="forbidden"]').textContent()).toContain(`lee (in groups sales) is not an approver of ${approvalId}`);
    } finally {
      await other.close();
    }
    // WHEN kim of finance signs in (typed in) and approves
    await signIn(page, server.url, { name: 'kim', groups: 'finance' });
    await page.getByRole('link', { name: /orderId: ORD-7001/ }).click();
    expect(await page.locator('.meta').textContent()).toContain('Approversmembers of finance');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('heading', { name: 'You approved this request' }).waitFor();
    // THEN the workflow continues with kim's approval
    const result = await execution.result;
    expect(result.status).toBe('SUCCEEDED');
    expect((result.output as { review: { decidedBy: string } }).review.decidedBy).toBe('kim');
  });

  test('every text on the sign-in page, the list, an approval, a confirmation and a refusal has a contrast of at least 4.5:1 (WCAG 2.2 AA)', async () => {
    // GIVEN a pending request
    const { approvalId, url } = await pendingReview();
    const lowContrast: string[] = [];
    const check = async (view: string) => lowContrast.push(...((await page.evaluate(CONTRAST_PROBLEMS)) as string[]).map((problem) => `${view}: ${problem}`));
    // WHEN each view is shown
    await page.goto(url);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await check('signed out');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Local sign-in, no password' }).waitFor();
    await check('local sign-in');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Pending approvals' }).waitFor();
    await check('list');
    await visitWithinPage(page, `/?approval=${approvalId}`);
    await page.getByRole('heading', { name: 'What you are asked to decide' }).waitFor();
    await page.getByLabel(/^Comment/).fill('😀'.repeat(1001));
    await check('approval');
    await page.getByLabel(/^Comment/).fill('ok');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('heading', { name: 'You approved this request' }).waitFor();
    await check('approved');
    await visitWithinPage(page, `/?approval=${'0'.repeat(64)}`);
    await page.getByRole('heading', { name: 'Approval not found' }).waitFor();
    await check('not found');
    // THEN no text is below 4.5:1 against what is behind it
    expect(lowContrast).toEqual([]);
  });

  test('works at 320 CSS pixels wide: nothing scrolls sideways, and the comment over 1000 characters is refused before sending', async () => {
    // GIVEN a narrow window
    const { approvalId } = await pendingReview();
    await page.setViewportSize({ width: 320, height: 700 });
    await signIn(page, server.approvalUrl(approvalId), { label: reviewerSession('local-reviewer') });
    await page.getByRole('heading', { name: 'What you are asked to decide' }).waitFor();
    // THEN the page fits its width (long ids wrap)
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(320);
    // WHEN the comment is 1001 code points
    await page.getByLabel(/^Comment/).fill('😀'.repeat(1001));
    // THEN the page says it is too long and sends nothing
    expect(await page.locator('#comment-error').textContent()).toBe('The comment is 1 character too long.');
    await page.getByRole('button', { name: 'Approve' }).click();
    expect(requests.filter((request) => request.method() === 'POST' && request.url().includes('/decision'))).toEqual([]);
    expect(await page.evaluate('document.activeElement?.id')).toBe('comment');
  });
});

/**
 * In the page: each visible element with text of its own whose colour has a contrast below 4.5:1
 * with its background (the nearest opaque background up the tree), as "tag 'text' ratio".
 *
 * @see https://www.w3.org/TR/WCAG22/#contrast-minimum
 */
const CONTRAST_PROBLEMS = `(() => {
  const rgba = (value) => (value.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const background = (element) => {
    for (let current = element; current; current = current.parentElement) {
      const [r, g, b, a = 1] = rgba(getComputedStyle(current).backgroundColor);
      if (a > 0.99) return [r, g, b];
    }
    return [255, 255, 255];
  };
  const problems = [];
  for (const element of document.body.querySelectorAll('*')) {
    const own = [...element.childNodes].filter((node) => node.nodeType === 3 && node.textContent.trim()).map((node) => node.textContent.trim()).join(' ');
    if (!own || element.closest('[hidden], .announcer, .skip-link') || element.getClientRects().length === 0) continue;
    const style = getComputedStyle(element);
    if (style.visibility === 'hidden' || element.closest('button:disabled')) continue;
    const [r, g, b] = rgba(style.color);
    const [l1, l2] = [luminance([r, g, b]), luminance(background(element))].sort((x, y) => y - x);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    if (ratio < 4.5) problems.push(element.tagName.toLowerCase() + " '" + own.slice(0, 40) + "' " + ratio.toFixed(2));
  }
  return problems;
})()`;

/** The access token the page sent to the API (its Authorization header). */
async function tokenSentWith(requests: Request[]): Promise<string> {
  const api = requests.find((request) => new URL(request.url()).pathname === '/approvals');
  return (await api!.allHeaders()).authorization ?? '';
}

/** Goes to `href` as the page's own links do (no reload, so the in-memory sign-in stays). */
async function visitWithinPage(page: Page, href: string): Promise<void> {
  await page.evaluate(`history.pushState(null, '', ${JSON.stringify(href)}); dispatchEvent(new PopStateEvent('popstate'))`);
}
