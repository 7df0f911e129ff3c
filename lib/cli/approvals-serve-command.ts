import { Command, InvalidArgumentError } from 'commander';
import type { ApprovalView } from '../approval/approval-record';
import { LocalApprovals } from '../testing/local-approvals';
import { LocalApprovalsServer } from '../testing/local-approvals-server';
import type { LocalReviewer } from '../testing/local-reviewer';
import type { ExecutionResult } from '../testing/execution-result';
import type { LocalRunner } from '../testing/local-runner';
import type { Output } from './program';
import { collect, exitWithUsageCode, formatRunText, openStateMachine, readInput, RUN_EXIT_CODES, startExecution, UsageError, withExecutionOptions } from './run-command';

/** Options of `approvals serve`, as the command line gives them. */
export interface ServeCommandOptions {
  /** Serve against a local run (the only mode: a deployed page is served by the ApprovalService). */
  readonly local?: boolean;
  /** Which state machine of a cloud assembly (construct path, logical id or name). */
  readonly stateMachine?: string;
  /** The execution input: a JSON file, or JSON text. */
  readonly input?: string;
  /** The execution name. */
  readonly name?: string;
  /** The loopback port. */
  readonly port?: number;
  /** `NAME` or `NAME=GROUP,GROUP` reviewers the sign-in page offers. */
  readonly reviewer?: string[];
}

const HELP_AFTER = `
Runs one execution locally (as 'run' does) and serves the approvals web page on 127.0.0.1
against it: open the address printed, sign in (a local form, no password: pick a reviewer),
and approve or reject the request the workflow's HumanApproval step sends. The execution
continues with your decision; its states and outcome are printed when it ends. The page then
stays up to show the decision until Ctrl+C.

Reviewers: by default the sign-in page offers one per approver of the requests (a session of
each approver role, a member of each approver group); --reviewer NAME=GROUP,GROUP adds your own.

Exit codes: 0 the execution SUCCEEDED, 1 it ended otherwise, 2 a usage mistake.

Example (the example app's flagged order):
  $ npx cdk synth --quiet
  $ cdk-sfn-workflows approvals serve --local cdk.out --state-machine OrderProcessing/OrderWorkflow \\
      --input examples/orders/ORD-1010.json --port 8080`;

/**
 * Adds `approvals serve --local <cdk.out | file.asl.json>` to the approvals command: one local
 * execution whose approvals are decided on the web page, served on a loopback port.
 */
export function addServeCommand(approvals: Command, out: Output, setExitCode: (code: number) => void, stopped: () => Promise<void> = untilInterrupted): void {
  const command = approvals
    .command('serve')
    .description('Serves the approvals web page locally (127.0.0.1) for one local execution of a workflow with a HumanApproval.')
    .argument('<target>', 'a cdk.out directory or an .asl.json file')
    .option('--local', 'serve against a local execution (required: the deployed page is served by the ApprovalService)');
  withExecutionOptions(command)
    .option('--port <port>', 'the loopback port (default: any free port)', parsePort)
    .option('--reviewer <name[=groups]>', 'a reviewer the sign-in page offers, with comma-separated groups (repeatable)', collect)
    .addHelpText('after', HELP_AFTER)
    .exitOverride(exitWithUsageCode)
    .action(async (target: string, options: ServeCommandOptions) => {
      try {
        setExitCode(await serveLocally(target, options, out, stopped));
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        out(`error: ${error.message}`);
        setExitCode(RUN_EXIT_CODES.usage);
      }
    });
}

/**
 * Runs the execution and serves its approvals until `stopped` resolves (after the execution ends,
 * or earlier: the execution is then aborted).
 *
 * @returns the exit code: 0 SUCCEEDED, 1 ended otherwise (or stopped before its end)
 * @throws UsageError for a mistake of the command line (no --local, a missing file, a state
 *   machine without an approval service, a port in use, ...)
 */
export async function serveLocally(target: string, options: ServeCommandOptions, out: Output, stopped: () => Promise<void>): Promise<number> {
  if (!options.local) throw new UsageError('approvals serve needs --local: it serves the page against a local execution. A deployed page is served by the ApprovalService itself.');
  const input = readInput(options.input);
  const reviewers = (options.reviewer ?? []).map(parseReviewer);
  const { runner, machine, source } = openStateMachine(target, { stateMachine: options.stateMachine });
  const server = await startServer(runner, source, options.port, reviewers);
  try {
    const approvals = server.approvals;
    const execution = startExecution(machine, { functions: approvals.functions, name: options.name }, input, source);
    out(`Approvals page: ${server.page.url} (local sign-in, no password; 127.0.0.1 only)`);
    out(`Execution ${execution.executionArn.split(':').pop()} of ${source} started; waiting for its approvals.`);
    const stop = stopped();
    const ended = await Promise.race([announceRequests(approvals, server.page, execution.executionArn, execution.result, out), stop.then(() => undefined)]);
    if (!ended) {
      execution.abort();
      out('Stopped before the execution ended: it was aborted.');
      return RUN_EXIT_CODES.endedOtherwise;
    }
    out(`\n${formatRunText({ source, stateMachineName: machine.name, result: ended, unansweredCallbacks: [] })}`);
    out('\nThe page stays up to show the decision; press Ctrl+C to stop.');
    await stop;
    return ended.status === 'SUCCEEDED' ? RUN_EXIT_CODES.succeeded : RUN_EXIT_CODES.endedOtherwise;
  } finally {
    await server.page.stop();
    await runner.dispose();
  }
}

/** The approvals of the runner and the page serving them; a runner without an approval service, or a port in use, is a usage error. */
async function startServer(
  runner: LocalRunner,
  source: string,
  port: number | undefined,
  reviewers: LocalReviewer[],
): Promise<{ approvals: LocalApprovals; page: LocalApprovalsServer }> {
  let approvals: LocalApprovals;
  try {
    approvals = LocalApprovals.of(runner);
  } catch {
    await runner.dispose();
    throw new UsageError(`${source} has no ApprovalService: 'approvals serve' serves the approvals of a HumanApproval step. Use 'run' for a workflow without one.`);
  }
  const page = new LocalApprovalsServer(runner, approvals, { port, reviewers: reviewers.length > 0 ? reviewers : undefined });
  try {
    await page.start();
  } catch (error) {
    await runner.dispose();
    throw new UsageError((error as Error).message);
  }
  return { approvals, page };
}

/** Prints each approval request of the execution as it arrives, with its deep link; resolves with the execution's result. */
async function announceRequests(
  approvals: LocalApprovals,
  page: LocalApprovalsServer,
  executionArn: string,
  result: Promise<ExecutionResult>,
  out: Output,
): Promise<ExecutionResult> {
  const seen = new Set<string>();
  const ended = result.then(() => undefined);
  for (;;) {
    const request: ApprovalView | undefined = await Promise.race([approvals.waitForRequest((candidate) => candidate.executionArn === executionArn && !seen.has(candidate.approvalId)), ended]);
    if (!request) return result;
    seen.add(request.approvalId);
    const who = page.reviewers.map((reviewer) => `${reviewer.name}${reviewer.groups?.length ? ` (groups ${reviewer.groups.join(', ')})` : ''}`);
    out(
      [
        `Approval requested by step '${request.stateName}', expires ${request.expiresAt}:`,
        `  ${page.approvalUrl(request.approvalId)}`,
        `  sign in as: ${who.join('; ') || 'any name you type (the request names no approver: nobody may decide it)'}`,
      ].join('\n'),
    );
  }
}

/** `NAME` or `NAME=GROUP,GROUP`. */
function parseReviewer(value: string): LocalReviewer {
  const at = value.indexOf('=');
  const name = (at < 0 ? value : value.slice(0, at)).trim();
  if (name === '') throw new UsageError(`--reviewer expects NAME or NAME=GROUP,GROUP, got '${value}'.`);
  const groups = at < 0 ? [] : value.slice(at + 1).split(',').map((group) => group.trim()).filter((group) => group !== '');
  return { name, ...(groups.length > 0 ? { groups } : {}) };
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('expected a TCP port from 0 to 65535.');
  return port;
}

/** Resolves at Ctrl+C (SIGINT) or SIGTERM, and keeps the process alive until then. */
function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => undefined, 60_000);
    const stop = () => {
      clearInterval(timer);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
