import { Command } from 'commander';
import { addServeCommand } from './approvals-serve-command';
import { regionOfApiUrl, sendSignedRequest, SignedResponse } from './signed-request';
import type { Output } from './program';

/** Options every approvals subcommand takes. */
interface ApiOptions {
  readonly api: string;
  readonly region?: string;
}


/**
 * Adds `approvals list | show <id> | approve <id> | reject <id>` to the program: the decision
 * API of an ApprovalService, called with the caller's AWS credentials; and `approvals serve
 * --local`, the approvals web page served for a local execution.
 */
export function addApprovalsCommand(program: Command, out: Output, setExitCode: (code: number) => void): void {
  const command = program.command('approvals').description("Lists and decides human approvals through an ApprovalService's decision API (IAM-signed), or serves the approvals web page for a local execution.");
  const withApi = (sub: Command) =>
    sub
      .requiredOption('--api <url>', 'the decision API URL, e.g. https://abc123.execute-api.eu-west-1.amazonaws.com/v1/')
      .option('--region <region>', 'the API region (default: from the URL, else AWS_REGION)');
  const call = async (options: ApiOptions, method: 'GET' | 'POST', path: string, body?: unknown) => {
    const region = options.region ?? regionOfApiUrl(options.api) ?? process.env.AWS_REGION;
    if (!region) throw new Error('Cannot tell the API region: pass --region.');
    const response = await sendSignedRequest(method, `${options.api.replace(/\/$/, '')}${path}`, region, body);
    report(response, out, setExitCode);
  };
  withApi(command.command('list').description('the pending approvals you may decide')).action((options: ApiOptions) => call(options, 'GET', '/approvals'));
  withApi(command.command('show').argument('<id>', 'approval id').description('one approval'))
    .action((id: string, options: ApiOptions) => call(options, 'GET', `/approvals/${encodeURIComponent(id)}`));
  for (const decision of ['approve', 'reject'] as const) {
    withApi(command.command(decision).argument('<id>', 'approval id').option('--comment <text>', 'why').description(`${decision} an approval`))
      .action((id: string, options: ApiOptions & { comment?: string }) =>
        call(options, 'POST', `/approvals/${encodeURIComponent(id)}/decision`, {
          decision: decision === 'approve' ? 'APPROVE' : 'REJECT',
          ...(options.comment ? { comment: options.comment } : {}),
        }));
  }
  addServeCommand(command, out, setExitCode);
}

/** Prints the answer; a refusal (409 already decided, 410 expired, 403, 404) prints its message and sets exit code 1. */
function report(response: SignedResponse, out: Output, setExitCode: (code: number) => void): void {
  if (response.status >= 200 && response.status < 300) {
    out(JSON.stringify(response.body, null, 2));
    return;
  }
  const message = typeof response.body === 'object' && response.body?.message ? response.body.message : JSON.stringify(response.body);
  out(`error: ${response.status} ${message}`);
  setExitCode(1);
}
