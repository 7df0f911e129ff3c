/**
 * The local approvals server without a browser: its fake sign-in (authorization code + PKCE
 * S256), the decision API's statuses and bodies (those of lambda/approval/decide.ts), and what it
 * refuses (wrong host, wrong method, oversized or malformed bodies, paths outside the page).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.6
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html
 */
import { Duration } from 'aws-cdk-lib';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import * as path from 'node:path';
import { contentSecurityPolicy } from '../lib/approval/approvals-page-policy';
import { LocalApprovals, LocalApprovalsServer, LocalExecution, LocalRunner } from '../lib/testing';
import { reviewerSession, reviewWorkflow, startRunner } from './support/approvals-page';

const STACK = reviewWorkflow();
const ORDER = { orderId: 'ORD-7002', totalCents: 5000, note: 'gift' };
/** The approver role's session the fake sign-in offers first. */
const DANA = reviewerSession('dana');

let runner: LocalRunner;
let approvals: LocalApprovals;
let server: LocalApprovalsServer;
let url: string;
let execution: LocalExecution;
let approvalId: string;

beforeEach(async () => {
  ({ runner, approvals } = startRunner(STACK));
  execution = runner.stateMachine().start(ORDER, { functions: approvals.functions });
  approvalId = (await approvals.waitForRequest()).approvalId;
  server = new LocalApprovalsServer(runner, approvals, { reviewers: [{ name: DANA }, { name: 'finance-kim', groups: ['finance'] }] });
  url = await server.start();
});

afterEach(async () => {
  await server.stop();
  execution.abort();
  await runner.dispose();
});

/** A PKCE verifier and its S256 challenge. */
function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeParameters(challenge: string): Record<string, string> {
  return { response_type: 'code', client_id: 'local-approvals-page', redirect_uri: url, scope: 'openid approvals/decide', state: 'st-1', code_challenge: challenge, code_challenge_method: 'S256' };
}

/** The code the local sign-in form gives for the reviewer `choice` (the name of a configured reviewer). */
async function codeFor(challenge: string, choice = DANA): Promise<string> {
  const response = await fetch(`${url}oauth2/authorize`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ ...authorizeParameters(challenge), reviewer: choice }) });
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get('location')!);
  expect(`${location.origin}${location.pathname}`).toBe(url);
  expect(location.searchParams.get('state')).toBe('st-1');
  return location.searchParams.get('code')!;
}

function exchange(code: string, verifier: string): Promise<Response> {
  return fetch(`${url}oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: 'local-approvals-page', code, redirect_uri: url, code_verifier: verifier }),
  });
}

async function tokenFor(choice = DANA): Promise<string> {
  const { verifier, challenge } = pkce();
  const response = await exchange(await codeFor(challenge, choice), verifier);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function api(method: string, path: string, token?: string, body?: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}${path}`, { method, headers: token ? { Authorization: token } : {}, body });
  return { status: response.status, body: await response.json() };
}

describe('the fake sign-in', () => {
  test('GIVEN the page config, THEN it points at the server\'s own sign-in endpoints', async () => {
    expect(await (await fetch(`${url}config.json`)).json()).toEqual({
      authorizeUrl: `${url}oauth2/authorize`,
      tokenUrl: `${url}oauth2/token`,
      logoutUrl: `${url}logout`,
      clientId: 'local-approvals-page',
      scope: 'openid approvals/decide',
    });
  });

  test('the authorize page is a labelled no-password form offering the configured reviewers, every value escaped', async () => {
    // WHEN the page asks for sign-in with a state holding markup
    const { challenge } = pkce();
    const query = new URLSearchParams({ ...authorizeParameters(challenge), state: '"><script>x</script>' });
    const response = await fetch(`${url}oauth2/authorize?${query}`);
    const page = await response.text();
    // THEN it says what it is, lists the reviewers, and carries the state through as text
    expect(response.status).toBe(200);
    expect(page).toContain('<h1>Local sign-in, no password</h1>');
    expect(page).toContain(reviewerSession('dana'));
    expect(page).toContain('finance-kim</span> <span class="muted">(groups: finance)');
    expect(page).toContain('value="&#34;&#62;&#60;script&#62;x&#60;/script&#62;"');
    expect(page).not.toContain('<script>');
  });

  test.each([
    ['no PKCE challenge', { code_challenge: '' }, /code_challenge with code_challenge_method S256/],
    ['the plain PKCE method', { code_challenge_method: 'plain' }, /S256/],
    ['another redirect_uri', { redirect_uri: 'https://evil.example/' }, /redirect_uri must be/],
    ['another client', { client_id: 'someone-else' }, /Unknown client_id/],
    ['the implicit grant', { response_type: 'token' }, /response_type must be code/],
  ])('fails when the authorization request has %s (400, no code)', async (_case, change, message) => {
    const { challenge } = pkce();
    const response = await fetch(`${url}oauth2/authorize?${new URLSearchParams({ ...authorizeParameters(challenge), ...change })}`);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(message);
  });

  test('a code gives a token only with its PKCE verifier, once', async () => {
    // GIVEN a code
    const { verifier, challenge } = pkce();
    const code = await codeFor(challenge);
    // WHEN it is exchanged with another verifier, THEN invalid_grant, and the code is spent
    const wrong = await exchange(code, pkce().verifier);
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({ error: 'invalid_grant', error_description: 'code_verifier does not match the code challenge.' });
    expect((await exchange(code, verifier)).status).toBe(400);
    // WHEN a fresh code is exchanged with its verifier, THEN an opaque bearer token
    const fresh = pkce();
    const response = await exchange(await codeFor(fresh.challenge), fresh.verifier);
    const tokens = (await response.json()) as { id_token: string };
    expect(tokens).toEqual({ access_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), id_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.$/), token_type: 'Bearer', expires_in: 3600 });
    // and the ID token, unsigned, only names the reviewer for the page to show
    const [header, claims] = tokens.id_token.split('.').map((part: string) => part && JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header).toEqual({ alg: 'none', typ: 'JWT' });
    expect(claims).toMatchObject({ 'token_use': 'id', 'cognito:username': reviewerSession('dana'), 'cognito:groups': [] });
  });

  test('logout sends the browser back to the page, and only there', async () => {
    const back = await fetch(`${url}logout?client_id=local-approvals-page&logout_uri=${encodeURIComponent(url)}`, { redirect: 'manual' });
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe(url);
    expect((await fetch(`${url}logout?client_id=local-approvals-page&logout_uri=https://evil.example/`, { redirect: 'manual' })).status).toBe(400);
  });
});

describe('the decision API, as lambda/approval/decide.ts answers', () => {
  test('401 without a valid token, on every route', async () => {
    expect(await api('GET', 'approvals')).toEqual({ status: 401, body: { message: 'Unauthorized' } });
    expect((await api('GET', `approvals/${approvalId}`, 'not-a-token')).status).toBe(401);
    expect((await api('POST', `approvals/${approvalId}/decision`, 'Bearer nope', '{"decision":"APPROVE"}')).status).toBe(401);
    expect(approvals.requests[0].status).toBe('PENDING');
  });

  test('lists and shows what the reviewer may decide; 403 for a reviewer outside the approvers, 404 unknown, 400 malformed', async () => {
    // GIVEN dana (a session of the approver role) and kim (a Cognito-style user in finance)
    const dana = await tokenFor(DANA);
    const kim = await tokenFor('finance-kim');
    // THEN dana sees the request, kim does not
    const list = await api('GET', 'approvals', dana);
    expect(list.status).toBe(200);
    expect(list.body.approvals.map((approval: { approvalId: string }) => approval.approvalId)).toEqual([approvalId]);
    expect(list.body.approvals[0]).not.toHaveProperty('taskToken');
    expect(await api('GET', 'approvals', `Bearer ${kim}`)).toEqual({ status: 200, body: { approvals: [] } });
    expect((await api('GET', `approvals/${approvalId}`, dana)).body.approval).toMatchObject({ approvalId, status: 'PENDING', summary: { orderId: 'ORD-7002', totalCents: 5000, note: 'gift' } });
    expect(await api('GET', `approvals/${approvalId}`, kim)).toEqual({ status: 403, body: { message: `finance-kim is not an approver of ${approvalId}.` } });
    expect(await api('GET', `approvals/${'a'.repeat(64)}`, dana)).toEqual({ status: 404, body: { message: `No approval ${'a'.repeat(64)}.` } });
    expect((await api('GET', 'approvals/..%2F..%2Fpackage.json', dana)).status).toBe(400);
  });

  test('decides once: 200 with the approval, the same decision again 200, another 409 with the approval; the workflow continues', async () => {
    const dana = await tokenFor(DANA);
    // WHEN dana approves
    const approved = await api('POST', `approvals/${approvalId}/decision`, dana, JSON.stringify({ decision: 'APPROVE', comment: 'fine' }));
    // THEN 200 with the confirmed approval
    expect(approved.status).toBe(200);
    expect(approved.body.approval).toMatchObject({ approvalId, status: 'APPROVED', decision: 'APPROVE', decidedBy: reviewerSession('dana'), comment: 'fine', deliveredAt: expect.any(String) });
    expect((await execution.result).status).toBe('SUCCEEDED');
    // and repeating it is 200 again; rejecting now is 409 naming the decision
    expect((await api('POST', `approvals/${approvalId}/decision`, dana, JSON.stringify({ decision: 'APPROVE', comment: 'fine' }))).status).toBe(200);
    const late = await api('POST', `approvals/${approvalId}/decision`, dana, JSON.stringify({ decision: 'REJECT' }));
    expect(late.status).toBe(409);
    expect(late.body.message).toMatch(/was already APPROVED by/);
    expect(late.body.approval).toMatchObject({ status: 'APPROVED' });
  });

  test('410 with the approval once it expired', async () => {
    const dana = await tokenFor(DANA);
    approvals.expire(approvalId);
    const expired = await api('POST', `approvals/${approvalId}/decision`, dana, '{"decision":"APPROVE"}');
    expect(expired.status).toBe(410);
    expect(expired.body.approval).toMatchObject({ approvalId, status: 'EXPIRED' });
    expect((await execution.result).error).toBe('ApprovalExpired');
  });

  test.each([
    ['not JSON', 'approve please', /must be JSON/],
    ['an array', '[]', /must be a JSON object/],
    ['an unknown field', '{"decision":"APPROVE","by":"me"}', /Unknown field "by"/],
    ['a decision of another kind', '{"decision":"MAYBE"}', /decision must be APPROVE or REJECT/],
    ['a comment of 1001 code points', JSON.stringify({ decision: 'APPROVE', comment: '😀'.repeat(1001) }), /at most 1000 characters/],
  ])('fails with 400 for a decision body that is %s, and decides nothing', async (_case, body, message) => {
    const answer = await api('POST', `approvals/${approvalId}/decision`, await tokenFor(DANA), body);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(message);
    expect(approvals.requests[0].status).toBe('PENDING');
  });

  test('a GET of the decision route is no route (404) and decides nothing; an oversized body is 413', async () => {
    const dana = await tokenFor(DANA);
    expect((await api('GET', `approvals/${approvalId}/decision`, dana)).status).toBe(404);
    expect((await api('POST', `approvals/${approvalId}`, dana, '{"decision":"APPROVE"}')).status).toBe(404);
    expect((await api('POST', `approvals/${approvalId}/decision`, dana, JSON.stringify({ decision: 'APPROVE', comment: 'x'.repeat(20_000) }))).status).toBe(413);
    expect(approvals.requests[0].status).toBe('PENDING');
  });

  test('dates its answers by the runner\'s clock, so the page measures expiry as the API does', async () => {
    await runner.advanceTime(Duration.hours(5));
    const response = await fetch(`${url}approvals`, { headers: { Authorization: await tokenFor(DANA) } });
    expect(Date.parse(response.headers.get('date')!)).toBeGreaterThanOrEqual(Date.now() + 5 * 3600_000 - 2000);
  });
});

describe('the server', () => {
  test('serves the page files with the security headers and the right types; nothing outside them', async () => {
    const index = await fetch(url);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toBe(contentSecurityPolicy(url.slice(0, -1)));
    expect(index.headers.get('x-frame-options')).toBe('DENY');
    expect((await fetch(`${url}app.js`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${url}app.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    for (const path of ['package.json', '..%2Fpackage.json', 'web/approvals/app.js', 'lib/testing/index.ts']) expect((await fetch(`${url}${path}`)).status).toBe(404);
    expect((await fetch(url, { method: 'DELETE' })).status).toBe(405);
  });

  test('binds 127.0.0.1 and refuses requests addressed to another host name (DNS rebinding); localhost is sent to 127.0.0.1', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(url, { headers: { Host: 'attacker.example' } }, (response) => resolve(response.statusCode!));
      request.on('error', reject);
      request.end();
    });
    expect(status).toBe(421);
    // and a page opened as localhost moves to the one origin its sign-in and CSP name
    const localhost = new URL(server.approvalUrl(approvalId));
    localhost.hostname = 'localhost';
    const moved = await fetch(localhost, { redirect: 'manual' });
    expect(moved.status).toBe(308);
    expect(moved.headers.get('location')).toBe(server.approvalUrl(approvalId));
  });

  test('fails when the port is not a port, or taken', async () => {
    expect(() => new LocalApprovalsServer(runner, approvals, { port: 70000 })).toThrow(/port 70000 is not a TCP port/);
    const port = Number(new URL(url).port);
    await expect(new LocalApprovalsServer(runner, approvals, { port }).start()).rejects.toThrow(`Port ${port} of 127.0.0.1 is in use`);
  });

  test('offers one reviewer per approver by default: a session of the approver role', () => {
    expect(new LocalApprovalsServer(runner, approvals).reviewers).toEqual([{ name: reviewerSession('local-reviewer') }]);
  });
});

describe('the page files', () => {
  const directory = path.join(__dirname, '..', 'web', 'approvals');
  const modules = readdirSync(directory).filter((file) => file.endsWith('.js'));

  test('never parse data as HTML, import only their own modules, and hold no inline script or style (the CSP refuses both)', () => {
    // GIVEN the page's modules and its HTML
    const sources = modules.map((file) => ({ file, text: readFileSync(path.join(directory, file), 'utf8') }));
    const html = readFileSync(path.join(directory, 'index.html'), 'utf8');
    // THEN no module writes markup, nor styles elements inline
    expect(sources.filter(({ text }) => /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\.style\.|setAttribute\(\s*['"]style|eval\(|new Function/.test(text)).map(({ file }) => file)).toEqual([]);
    // and every import is a module of the page itself
    const imports = sources.flatMap(({ text }) => [...text.matchAll(/^import [^;]*? from '([^']+)';$/gm)].map((match) => match[1]));
    expect(imports.length).toBeGreaterThan(5);
    expect(imports.filter((specifier) => !/^\.\/[a-z-]+\.js$/.test(specifier) || !modules.includes(specifier.slice(2)))).toEqual([]);
    // and the HTML has one external module script, no inline script, no style element or attribute, no event handler attribute
    expect([...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0])).toEqual(['<script type="module" src="/app.js">']);
    expect(html).not.toMatch(/<script[^>]*>[^<]+<\/script>|<style|\sstyle=|\son[a-z]+=/i);
  });
});

describe('contentSecurityPolicy', () => {
  test('fails when the sign-in origin would add a directive or has a path', () => {
    expect(() => contentSecurityPolicy("https://x.example; script-src 'unsafe-inline'")).toThrow(/is not an origin/);
    expect(() => contentSecurityPolicy('https://x.example/oauth2')).toThrow(/is not an origin/);
    expect(() => contentSecurityPolicy('')).toThrow(/is not an origin/);
    expect(contentSecurityPolicy('https://reviewers.auth.eu-west-1.amazoncognito.com')).toContain("connect-src 'self' https://reviewers.auth.eu-west-1.amazoncognito.com;");
  });
});
