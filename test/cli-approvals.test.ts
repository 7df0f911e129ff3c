import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { cli } from './support/cli';

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** A stand-in for the decision API on loopback: records requests, answers with `reply`. */
async function fakeApi(reply: (request: Received) => { status: number; body: unknown }): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const request = { method: req.method!, url: req.url!, headers: req.headers, body };
      received.push(request);
      const answer = reply(request);
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`, received, server };
}

describe('cdk-sfn-workflows approvals', () => {
  const saved = { ...process.env };
  beforeAll(() => Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'session' }));
  afterAll(() => {
    process.env = saved;
  });

  test('approve sends a SigV4-signed decision with the comment', async () => {
    const api = await fakeApi(() => ({ status: 200, body: { approval: { approvalId: 'abc', status: 'APPROVED' } } }));
    const { code, output } = await cli('approvals', 'approve', 'abc', '--api', api.url, '--region', 'eu-west-1', '--comment', 'verified by phone');
    api.server.close();
    expect(code).toBe(0);
    expect(JSON.parse(output)).toEqual({ approval: { approvalId: 'abc', status: 'APPROVED' } });
    const [request] = api.received;
    expect(request).toMatchObject({ method: 'POST', url: '/v1/approvals/abc/decision' });
    expect(JSON.parse(request.body)).toEqual({ decision: 'APPROVE', comment: 'verified by phone' });
    expect(request.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=.*host.*, Signature=[0-9a-f]{64}$/);
    expect(request.headers['x-amz-security-token']).toBe('session');
  });

  test('a refused decision prints the API message and exits 1', async () => {
    const api = await fakeApi(() => ({ status: 409, body: { message: 'Approval abc was already APPROVED by someone.' } }));
    const { code, output } = await cli('approvals', 'reject', 'abc', '--api', api.url, '--region', 'eu-west-1');
    api.server.close();
    expect(code).toBe(1);
    expect(output).toBe('error: 409 Approval abc was already APPROVED by someone.');
    expect(JSON.parse(api.received[0].body)).toEqual({ decision: 'REJECT' });
  });

  test('list and show call the read methods', async () => {
    const api = await fakeApi((request) => ({ status: 200, body: { path: request.url } }));
    await cli('approvals', 'list', '--api', api.url, '--region', 'us-east-1');
    await cli('approvals', 'show', 'x/y', '--api', api.url, '--region', 'us-east-1');
    api.server.close();
    expect(api.received.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /v1/approvals', 'GET /v1/approvals/x%2Fy']);
  });

  test('needs the region when the URL does not name one', async () => {
    delete process.env.AWS_REGION;
    const { code, output } = await cli('approvals', 'list', '--api', 'http://127.0.0.1:1/v1/');
    expect(code).toBe(1);
    expect(output).toMatch(/pass --region/);
  });
});
