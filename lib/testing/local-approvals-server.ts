import { readFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { accessRefusal, ApprovalRecord, ApprovalView, idRefusal, Reviewer } from '../approval/approval-record';
import { approvalsPageFiles } from '../approval/approvals-page-files';
import { approvalsPageHeaders } from '../approval/approvals-page-policy';
import { parseDecisionBody } from '../approval/decision-body';
import { LocalApprovals, LocalDecisionError } from './local-approvals';
import type { LocalRunner } from './local-runner';
import type { LocalReviewer } from './local-reviewer';
import { LocalSignIn, TokenRequestError } from './local-sign-in';
import { AUTHORIZE_PARAMETERS, signInErrorPage, signInPage } from './local-sign-in-page';

/** Options of a {@link LocalApprovalsServer}. */
export interface LocalApprovalsServerOptions {
  /**
   * The loopback port to listen on; 0 picks a free one.
   * @default 0
   */
  readonly port?: number;
  /**
   * The reviewers the local sign-in page offers (any other name and groups can be typed in).
   * @default - one reviewer per approver of the requests so far: a session of each IAM role
   *   approver (`arn:aws:sts::<account>:assumed-role/<role>/local-reviewer`), each IAM user
   *   approver, and `<group>-reviewer` in each approver group
   */
  readonly reviewers?: LocalReviewer[];
}

/** The client id the local page signs in with. */
const CLIENT_ID = 'local-approvals-page';
/** The largest request body read (a decision is at most 1,000 code points of comment). */
const MAX_BODY_BYTES = 16 * 1024;

/** An answer: status, headers and body. */
interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}

/**
 * The approvals web page served locally against a {@link LocalApprovals}: the same page files
 * and security headers as the ApprovalService's hosting, its decision API (`GET /approvals`,
 * `GET /approvals/{id}`, `POST /approvals/{id}/decision`) with the statuses and bodies of the
 * deployed one, and a fake sign-in in place of Cognito (`/oauth2/authorize`: a form that picks a
 * reviewer, no password; `/oauth2/token`: checks the PKCE verifier, issues an opaque access
 * token; `/logout`). Listens on 127.0.0.1 only, and answers only requests addressed to it.
 *
 * ```ts
 * const approvals = LocalApprovals.of(runner);
 * const execution = runner.stateMachine().start(input, { functions: approvals.functions });
 * const server = new LocalApprovalsServer(runner, approvals);
 * console.log(`Open ${await server.start()}`);
 * const result = await execution.result; // continues once decided in the browser
 * await server.stop();
 * ```
 *
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html
 */
export class LocalApprovalsServer {
  private readonly signIn = new LocalSignIn(CLIENT_ID);
  private readonly files = approvalsPageFiles();
  private readonly port: number;
  private server: Server | undefined;
  private origin = '';

  /**
   * @param runner the runner whose clock the approvals' expiry follows
   * @param approvals the approvals to serve: pass `approvals.functions` to the executions
   * @throws Error if the port is not an integer from 0 to 65535
   */
  constructor(
    private readonly runner: LocalRunner,
    private readonly approvals: LocalApprovals,
    private readonly options: LocalApprovalsServerOptions = {},
  ) {
    this.port = options.port ?? 0;
    if (!Number.isInteger(this.port) || this.port < 0 || this.port > 65535) {
      throw new Error(`LocalApprovalsServer: port ${options.port} is not a TCP port; pass an integer from 1 to 65535, or 0 for any free port.`);
    }
  }

  /** The page's address, e.g. `http://127.0.0.1:43117/`, once started. */
  public get url(): string {
    if (!this.server) throw new Error('LocalApprovalsServer: not started; call start() first.');
    return `${this.origin}/`;
  }

  /** The deep link of one approval: `<url>?approval=<approvalId>`. */
  public approvalUrl(approvalId: string): string {
    return `${this.url}?approval=${encodeURIComponent(approvalId)}`;
  }

  /**
   * Starts listening on 127.0.0.1.
   *
   * @returns the page's address
   * @throws Error if the port is taken (or the server was started already)
   */
  public async start(): Promise<string> {
    if (this.server) throw new Error('LocalApprovalsServer: already started.');
    const server = createServer((request, response) => this.handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(new Error(error.code === 'EADDRINUSE' ? `Port ${this.port} of 127.0.0.1 is in use: pick another, or 0 for any free port.` : `Cannot listen on 127.0.0.1:${this.port}: ${error.message}`)),
      );
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  /** Stops listening and closes open connections. */
  public async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** The reviewers the sign-in page offers: the configured ones, or one per approver of the requests so far. */
  public get reviewers(): LocalReviewer[] {
    return this.options.reviewers ?? defaultReviewers(this.approvals.requests);
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    this.answer(request)
      .catch((error: Error): Answer =>
        error instanceof BodyTooLarge ? json(413, { message: error.message }) : json(500, { message: `Internal error of the local approvals server (${error.name}: ${error.message}).` }),
      )
      .then((answer) => this.send(response, answer))
      .catch(() => response.destroy());
  }

  private send(response: ServerResponse, answer: Answer): void {
    response.writeHead(answer.status, {
      ...approvalsPageHeaders(this.origin),
      'Cache-Control': 'no-store',
      ...answer.headers,
    });
    response.end(answer.body);
  }

  private async answer(request: IncomingMessage): Promise<Answer> {
    const host = request.headers.host ?? '';
    const port = this.origin.slice(this.origin.lastIndexOf(':') + 1);
    const url = new URL(request.url ?? '/', this.origin);
    const method = request.method ?? 'GET';
    if (host === `localhost:${port}` && (method === 'GET' || method === 'HEAD')) {
      // One origin only: the sign-in redirect and the CSP name 127.0.0.1.
      return { status: 308, headers: { Location: `${this.origin}${url.pathname}${url.search}` } };
    }
    if (host !== `127.0.0.1:${port}`) return text(421, `This server answers requests to 127.0.0.1:${port} only.`);
    const route = url.pathname;
    if (route === '/approvals' || route.startsWith('/approvals/')) return this.api(request, method, route);
    switch (route) {
      case '/config.json':
        return only(method, ['GET', 'HEAD']) ?? json(200, this.config());
      case '/oauth2/authorize':
        if (method === 'POST') return this.authorize(new URLSearchParams(await readBody(request, MAX_BODY_BYTES)));
        return only(method, ['GET', 'HEAD', 'POST']) ?? this.authorizeForm(url.searchParams);
      case '/oauth2/token':
        return only(method, ['POST']) ?? this.token(await readBody(request, MAX_BODY_BYTES));
      case '/logout':
        return only(method, ['GET', 'HEAD']) ?? this.logout(url.searchParams);
      default:
        return this.file(method, route);
    }
  }

  /** The page's `/config.json`, pointing at this server's own sign-in endpoints. */
  private config(): Record<string, string> {
    return {
      authorizeUrl: `${this.origin}/oauth2/authorize`,
      tokenUrl: `${this.origin}/oauth2/token`,
      logoutUrl: `${this.origin}/logout`,
      clientId: CLIENT_ID,
      scope: 'openid approvals/decide',
    };
  }

  private file(method: string, route: string): Answer {
    const file = this.files.get(route);
    if (!file) return text(404, `Not found: ${route.slice(0, 200)}`);
    return only(method, ['GET', 'HEAD']) ?? { status: 200, headers: { 'Content-Type': file.contentType, 'Cache-Control': 'no-cache' }, body: method === 'HEAD' ? undefined : readFileSync(file.file) };
  }

  // -------------------------------------------------------------------------------------
  // Fake sign-in

  /** Why an authorization request is refused, as Cognito would refuse it; undefined when it is well formed. */
  private authorizeProblem(parameters: URLSearchParams): string | undefined {
    if (parameters.get('response_type') !== 'code') return 'response_type must be code (the authorization code grant).';
    if (parameters.get('client_id') !== CLIENT_ID) return `Unknown client_id: the local page signs in as ${CLIENT_ID}.`;
    if (parameters.get('redirect_uri') !== `${this.origin}/`) return `redirect_uri must be ${this.origin}/.`;
    if (parameters.get('code_challenge_method') !== 'S256' || !LocalSignIn.isChallenge(parameters.get('code_challenge'))) {
      return 'A PKCE code_challenge with code_challenge_method S256 is required.';
    }
    if (!parameters.get('state')) return 'state is required.';
    return undefined;
  }

  private authorizeForm(parameters: URLSearchParams): Answer {
    const problem = this.authorizeProblem(parameters);
    if (problem) return html(400, signInErrorPage(problem));
    return html(200, signInPage(this.reviewers, parameters));
  }

  private authorize(form: URLSearchParams): Answer {
    const parameters = new URLSearchParams(AUTHORIZE_PARAMETERS.map((name): [string, string] => [name, form.get(name) ?? '']));
    const problem = this.authorizeProblem(parameters);
    if (problem) return html(400, signInErrorPage(problem));
    const reviewer = this.chosenReviewer(form);
    if (!reviewer) return html(400, signInErrorPage('Pick a reviewer, or type a reviewer name.'));
    const code = this.signIn.issueCode(reviewer, parameters.get('redirect_uri')!, parameters.get('code_challenge')!);
    const back = new URL(parameters.get('redirect_uri')!);
    back.search = new URLSearchParams({ code, state: parameters.get('state')! }).toString();
    return { status: 302, headers: { Location: back.toString() } };
  }

  private chosenReviewer(form: URLSearchParams): LocalReviewer | undefined {
    const choice = form.get('reviewer');
    if (choice !== 'other' && choice !== null) return this.reviewers.find((reviewer) => reviewer.name === choice);
    const name = (form.get('name') ?? '').trim();
    if (name === '' || name.length > 512) return undefined;
    const groups = (form.get('groups') ?? '').split(',').map((group) => group.trim()).filter((group) => group !== '');
    return { name, ...(groups.length > 0 ? { groups } : {}) };
  }

  private token(body: string): Answer {
    try {
      return json(200, this.signIn.exchange(new URLSearchParams(body)));
    } catch (error) {
      if (!(error instanceof TokenRequestError)) throw error;
      return json(400, { error: error.error, error_description: error.message });
    }
  }

  private logout(parameters: URLSearchParams): Answer {
    if (parameters.get('client_id') !== CLIENT_ID || parameters.get('logout_uri') !== `${this.origin}/`) {
      return html(400, signInErrorPage(`Sign-out needs client_id ${CLIENT_ID} and logout_uri ${this.origin}/.`));
    }
    return { status: 302, headers: { Location: `${this.origin}/` } };
  }

  // -------------------------------------------------------------------------------------
  // Decision API

  private async api(request: IncomingMessage, method: string, route: string): Promise<Answer> {
    const segments = route.split('/').slice(1);
    const resource = segments.length === 1 ? '/approvals' : segments.length === 2 ? '/approvals/{id}' : segments.length === 3 && segments[2] === 'decision' ? '/approvals/{id}/decision' : undefined;
    const allowed = resource === '/approvals/{id}/decision' ? ['POST'] : ['GET', 'HEAD'];
    if (!resource || (method !== allowed[0] && !(method === 'HEAD' && allowed.includes('HEAD')))) {
      return this.apiJson(404, { message: `No route ${method} ${route.slice(0, 200)}.` });
    }
    const reviewer = this.signIn.reviewerOf(request.headers.authorization);
    if (!reviewer) return this.apiJson(401, { message: 'Unauthorized' });
    const approvalId = safeDecode(segments[1] ?? '');
    if (resource === '/approvals') return this.apiJson(200, { approvals: this.pendingFor(reviewer) });
    if (resource === '/approvals/{id}') return this.show(approvalId, reviewer);
    const body = parseDecisionBody(await readBody(request, MAX_BODY_BYTES));
    if ('statusCode' in body) return this.apiJson(body.statusCode, body.body);
    return this.decide(approvalId, reviewer, body.decision, body.comment);
  }

  /** What GET /approvals lists: PENDING requests the reviewer may decide, soonest expiry first. */
  private pendingFor(reviewer: LocalReviewer): ApprovalView[] {
    return this.approvals.pendingFor(decisionOf(reviewer));
  }

  private show(approvalId: string, reviewer: LocalReviewer): Answer {
    const refusal = idRefusal(approvalId) ?? accessRefusal(this.recordOf(approvalId), approvalId, reviewerIdentity(reviewer));
    if (refusal) return this.apiJson(refusal.statusCode, { message: refusal.message });
    return this.apiJson(200, { approval: this.viewOf(approvalId) });
  }

  private decide(approvalId: string, reviewer: LocalReviewer, decision: 'APPROVE' | 'REJECT', comment: string | undefined): Answer {
    const local = { ...decisionOf(reviewer), ...(comment !== undefined ? { comment } : {}) };
    try {
      const approval = decision === 'APPROVE' ? this.approvals.approve(approvalId, local) : this.approvals.reject(approvalId, local);
      return this.apiJson(200, { approval });
    } catch (error) {
      if (!(error instanceof LocalDecisionError)) throw error;
      const approval = error.statusCode === 409 || error.statusCode === 410 ? this.viewOf(approvalId) : undefined;
      return this.apiJson(error.statusCode, { message: error.message, ...(approval ? { approval } : {}) });
    }
  }

  private viewOf(approvalId: string): ApprovalView | undefined {
    return this.approvals.requests.find((request) => request.approvalId === approvalId);
  }

  /** The request as the access check reads it (approvers only; the token stays inside LocalApprovals). */
  private recordOf(approvalId: string): ApprovalRecord | undefined {
    const view = this.viewOf(approvalId);
    return view ? { ...view, taskToken: '' } : undefined;
  }

  /** A JSON answer of the decision API, dated by the runner's clock so the page measures expiry as the API does. */
  private apiJson(status: number, body: unknown): Answer {
    return { ...json(status, body), headers: { 'Content-Type': 'application/json', Date: this.runner.now().toUTCString() } };
  }
}

/** The reviewer as LocalApprovals takes it (the same rule as the decision API: groups when the request names any, else the ARN rule). */
function decisionOf(reviewer: LocalReviewer): { decidedBy: string; groups?: string[] } {
  return { decidedBy: reviewer.name, ...(reviewer.groups ? { groups: reviewer.groups } : {}) };
}

/** The reviewer as the access check takes it, the way LocalApprovals builds it from a LocalDecision. */
function reviewerIdentity(reviewer: LocalReviewer): Reviewer {
  return { id: reviewer.name, ...(reviewer.groups ? { groups: reviewer.groups, cognitoUser: true } : {}) };
}

/** One reviewer per approver of the requests: a session of each role, each user, a member of each group. */
function defaultReviewers(requests: ApprovalView[]): LocalReviewer[] {
  const reviewers = new Map<string, LocalReviewer>();
  for (const request of requests) {
    for (const approver of request.approvers) {
      const name = callerOf(approver);
      if (name) reviewers.set(name, { name });
    }
    const groups = request.approverGroups ?? [];
    for (const group of groups) reviewers.set(`${group}-reviewer`, { name: `${group}-reviewer`, groups: [group] });
  }
  return [...reviewers.values()];
}

/** The caller ARN a principal ARN signs in as: a session of a role, the user itself; undefined for an account root. */
function callerOf(approver: string): string | undefined {
  const role = /^arn:([^:]+):iam::(\d+):role\/(?:.*\/)?([^/]+)$/.exec(approver);
  if (role) return `arn:${role[1]}:sts::${role[2]}:assumed-role/${role[3]}/local-reviewer`;
  if (/^arn:[^:]+:iam::\d+:user\//.test(approver)) return approver;
  const root = /^arn:([^:]+):iam::(\d+):root$/.exec(approver);
  return root ? `arn:${root[1]}:iam::${root[2]}:user/local-reviewer` : undefined;
}

/** 405 with `Allow` unless `method` is one of `allowed`. */
function only(method: string, allowed: string[]): Answer | undefined {
  return allowed.includes(method) ? undefined : { ...text(405, `Method ${method.slice(0, 20)} not allowed.`), headers: { 'Content-Type': 'text/plain; charset=utf-8', Allow: allowed.join(', ') } };
}

function json(status: number, body: unknown): Answer {
  return { status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
}

function text(status: number, body: string): Answer {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body };
}

function html(status: number, body: string): Answer {
  return { status, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The request body as text; a larger one than `maxBytes` is refused with 413. */
async function readBody(request: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request) {
    length += (chunk as Buffer).length;
    if (length > maxBytes) throw new BodyTooLarge(maxBytes);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

class BodyTooLarge extends Error {
  constructor(maxBytes: number) {
    super(`The request body is larger than ${maxBytes} bytes.`);
    this.name = 'BodyTooLarge';
  }
}
