/**
 * `cdk-sfn-workflows approvals serve --local`: one local execution of a cloud assembly's
 * workflow, its approval decided on the served page's API, and the user's mistakes as messages.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { serveLocally } from '../lib/cli/approvals-serve-command';
import { cli } from './support/cli';
import { reviewerSession, reviewWorkflow, signInOverHttp } from './support/approvals-page';

let assembly: string | undefined;

/** The review workflow (Review → Ship) synthesized into a cloud assembly once. */
function reviewAssembly(): string {
  if (assembly) return assembly;
  const outdir = mkdtempSync(path.join(tmpdir(), 'assembly-'));
  const app = new App({ outdir });
  reviewWorkflow(app);
  app.synth();
  assembly = outdir;
  return outdir;
}

/** Output lines as they come, and a way to wait for one. */
function recorder(): { out: (text: string) => void; text: () => string; waitFor: (pattern: RegExp) => Promise<RegExpExecArray> } {
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  return {
    out: (text) => {
      lines.push(text);
      waiters.splice(0).forEach((wake) => wake());
    },
    text: () => lines.join('\n'),
    waitFor: async (pattern) => {
      for (;;) {
        const match = pattern.exec(lines.join('\n'));
        if (match) return match;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
  };
}

describe('cdk-sfn-workflows approvals serve --local', () => {
  test('serves the page for the execution, prints the deep link, and prints the outcome once the approval is decided on the page\'s API', async () => {
    // GIVEN the command serving an execution of the assembly's workflow
    const output = recorder();
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const input = JSON.stringify({ orderId: 'ORD-9', totalCents: 100, note: 'n' });
    const exit = serveLocally(reviewAssembly(), { local: true, input, name: 'order-9' }, output.out, () => stopped);
    // WHEN the deep link is printed and a reviewer approves through the served API
    const [, url, approvalId] = await output.waitFor(/^ {2}(http:\/\/127\.0\.0\.1:\d+\/)\?approval=([0-9a-f]{64})$/m);
    expect(output.text()).toContain(`sign in as: ${reviewerSession('local-reviewer')}`);
    const token = await signInOverHttp(url, reviewerSession('local-reviewer'));
    const decided = await fetch(`${url}approvals/${approvalId}/decision`, { method: 'POST', headers: { Authorization: token }, body: '{"decision":"APPROVE","comment":"ok"}' });
    expect(decided.status).toBe(200);
    // THEN the command prints the execution's states and its success, and keeps the page up until stopped
    await output.waitFor(/SUCCEEDED after/);
    expect(output.text()).toMatch(/Review: wait for decision\s+Task/);
    expect((await fetch(`${url}approvals/${approvalId}`, { headers: { Authorization: token } })).status).toBe(200);
    stop();
    expect(await exit).toBe(0);
    // and the server is gone
    await expect(fetch(url)).rejects.toThrow();
  });

  test('stopped before the execution ends: the execution is aborted and the exit code is 1', async () => {
    const output = recorder();
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const exit = serveLocally(reviewAssembly(), { local: true, input: '{"orderId":"o","totalCents":1,"note":""}' }, output.out, () => stopped);
    await output.waitFor(/\?approval=/);
    stop();
    expect(await exit).toBe(1);
    expect(output.text()).toContain('Stopped before the execution ended: it was aborted.');
  });

  test.each([
    ['without --local', (dir: string) => ['approvals', 'serve', dir], /approvals serve needs --local/],
    ['for a target that does not exist', () => ['approvals', 'serve', '--local', 'no-such-cdk.out'], /no-such-cdk.out does not exist/],
    ['with input that is not JSON', (dir: string) => ['approvals', 'serve', '--local', dir, '--input', '{"orderId":'], /--input is not valid JSON: it ends too early/],
    ['with a port that is not a port', (dir: string) => ['approvals', 'serve', '--local', dir, '--port', 'http'], /expected a TCP port/],
    ['with a reviewer without a name', (dir: string) => ['approvals', 'serve', '--local', dir, '--reviewer', '=finance'], /--reviewer expects NAME or NAME=GROUP,GROUP/],
  ])('fails %s with a message and exit code 2, no stack', async (_case, argv, message) => {
    const { code, output } = await cli(...argv(reviewAssembly()));
    expect(code).toBe(2);
    expect(output).toMatch(message);
    expect(output).not.toMatch(/\n\s+at /);
  });

  test('fails for a workflow without an approval service, naming the command to use instead', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'asl-')), 'plain.asl.json');
    writeFileSync(file, JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } }));
    const { code, output } = await cli('approvals', 'serve', '--local', file);
    expect(code).toBe(2);
    expect(output).toMatch(/has no ApprovalService: 'approvals serve' serves the approvals of a HumanApproval step\. Use 'run'/);
  });
});
