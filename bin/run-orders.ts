#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { ApprovalView } from '../lib/approval/approval-record';
import { expressBlockers, priceRuns, STEP_FUNCTIONS_PRICES } from '../lib/asl';
import { ExecutionResult, LocalApprovals, LocalApprovalsServer, LocalRunner, LocalStateMachine } from '../lib/testing';
import { ORDER_WORKFLOW, ORDERS_TABLE, readOrders, runExampleOrder, SILENT_LOGS } from './example-orders';
import { orderWorkflowDiagram, writeDiagram } from './order-diagrams';
import { readReviewScript, ReviewInPerson } from './order-review';
import { compensationsOf, OrderOutcome, outcomeOf } from './order-outcome';

/** What examples/order-outcomes.json documents for an order. */
interface ExpectedOutcome {
  readonly outcome: OrderOutcome;
  readonly scenario: string;
}

/** One row of the report. */
interface OrderRun {
  readonly orderId: string;
  readonly result: ExecutionResult;
  readonly review?: ApprovalView;
  readonly expected?: ExpectedOutcome;
}

/** The Express duration the cost comparison assumes (local runs are far faster than AWS). */
const EXPRESS_DURATION_SECONDS = 2;

const program = new Command()
  .name('run-orders')
  .description('Runs every example order through the synthesized order workflow, locally, and prints the outcomes.')
  .option('--assembly <dir>', 'cloud assembly written by cdk synth', 'cdk.out')
  .option('--orders <dir>', 'folder of order JSON files', 'examples/orders')
  .option('--expected <file>', 'documented outcome of each order', 'examples/order-outcomes.json')
  .option('--reviews <file>', 'what the reviewer decides for flagged orders', 'examples/review-decisions.json')
  .option('--verbose', "show the handlers' logs", false)
  .option('--diagrams <dir>', "where to write the workflow's diagram and each order's run diagram (Mermaid and SVG)", 'out')
  .option(
    '--serve-approvals [port]',
    'decide the flagged orders that the reviewer script approves or rejects yourself, on the approvals page served on 127.0.0.1 (also SERVE_APPROVALS=1 or =<port>)',
  )
  .parse();

async function main(): Promise<number> {
  const options = program.opts<{ assembly: string; orders: string; expected: string; reviews: string; verbose: boolean; diagrams: string; serveApprovals?: string | boolean }>();
  const runner = LocalRunner.fromCloudAssembly(options.assembly);
  const workflow = runner.stateMachine(ORDER_WORKFLOW);
  const approvals = LocalApprovals.of(runner);
  const reviews = readReviewScript(options.reviews);
  const expected = JSON.parse(readFileSync(options.expected, 'utf8')) as Record<string, ExpectedOutcome>;
  const environment = options.verbose ? {} : SILENT_LOGS;

  const page = await approvalsPage(runner, approvals, options.serveApprovals ?? process.env.SERVE_APPROVALS);
  const runs: OrderRun[] = [];
  try {
    for (const { order } of readOrders(options.orders)) {
      const { result, review } = await runExampleOrder(runner, approvals, order, reviews, { name: `${order.orderId}-local`, environment }, page?.inPerson);
      runs.push({ orderId: order.orderId, result, review, expected: expected[order.orderId] });
      if (page && review) console.log(`  ${order.orderId}: ${review.status.toLowerCase()}${review.decidedBy ? ` by ${review.decidedBy}` : ''}; ${outcomeOf(result)}.\n`);
    }
  } finally {
    await page?.server.stop();
  }

  console.log(`Order workflow ${ORDER_WORKFLOW}: ${runs.length} orders from ${options.orders}, each delivered as an OrderPlaced event, run locally\n`);
  printTable(runs);
  await printOrderRows(runner, runs);
  printCost(workflow, runs);
  await writeDiagrams(runner, runs, options.diagrams);
  const mismatches = runs.filter((run) => run.expected && outcomeOf(run.result) !== run.expected.outcome);
  console.log(`\n${runs.length - mismatches.length} of ${runs.length} orders ended as ${options.expected} documents.`);
  for (const run of mismatches) {
    console.log(`  ${run.orderId}: expected ${run.expected!.outcome}, got ${outcomeOf(run.result)} (${run.result.error ?? ''})`);
  }
  await runner.dispose();
  return mismatches.length === 0 ? 0 : 1;
}

/**
 * With `--serve-approvals` (or SERVE_APPROVALS=1, or a port): the approvals page on 127.0.0.1,
 * and a reviewer in person who decides each flagged order there (the script's expiries still
 * expire by script: the page cannot make a request expire).
 */
async function approvalsPage(runner: LocalRunner, approvals: LocalApprovals, asked: string | boolean | undefined): Promise<{ server: LocalApprovalsServer; inPerson: ReviewInPerson } | undefined> {
  if (asked === undefined || asked === false || asked === '' || asked === '0') return undefined;
  const port = asked === true || asked === '1' ? 0 : Number(asked);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--serve-approvals ${asked}: expected a TCP port (or nothing, for any free port).`);
  const server = new LocalApprovalsServer(runner, approvals, { port });
  console.log(`Approvals page: ${await server.start()} (local sign-in, no password; 127.0.0.1 only)\n`);
  const inPerson: ReviewInPerson = (request, scripted) => {
    const summary = request.summary as { orderId?: string };
    console.log(
      `Order ${summary.orderId ?? ''} waits for your review: ${server.approvalUrl(request.approvalId)}\n` +
        `  sign in as ${server.reviewers.map((reviewer) => reviewer.name).join(' or ')}; ` +
        `the documented outcome expects you to ${scripted.action}${scripted.comment ? ` ("${scripted.comment}")` : ''}. Waiting for the decision…`,
    );
  };
  return { server, inPerson };
}

function printTable(runs: OrderRun[]): void {
  const rows = runs.map((run) => [
    run.orderId,
    `${outcomeOf(run.result)}${run.expected ? (outcomeOf(run.result) === run.expected.outcome ? ' ✓' : ' ✗') : ''}`,
    run.result.error ?? '',
    run.review ? run.review.status.toLowerCase() : '-',
    compensationsOf(run.result).join(', ') || '-',
    run.result.publishedEvents.map((event) => event.detailType).join(', ') || '-',
    String(run.result.retries.length),
    String(run.result.transitions),
    run.result.path.join(' → '),
  ]);
  const header = ['ORDER', 'OUTCOME', 'ERROR', 'REVIEW', 'COMPENSATIONS', 'PUBLISHED', 'RETRIES', 'TRANSITIONS', 'PATH'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  for (const row of [header, ...rows]) {
    console.log(row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join('  '));
  }
}

/** The Orders table's rows the runs wrote (the local DynamoDB the runner started for the workflow's DynamoDB tasks). */
async function printOrderRows(runner: LocalRunner, runs: OrderRun[]): Promise<void> {
  const table = runner.dynamoDb.tableName(ORDERS_TABLE);
  const rows = await runner.dynamoDb.items(ORDERS_TABLE);
  const byOrder = new Map(rows.map((row) => [String(row.orderId), row]));
  console.log(`\nOrders table (${table}, local DynamoDB): ${rows.length} rows written by the workflow's DynamoDB tasks`);
  const columns = ['orderId', 'status', 'reservationId', 'chargeId', 'trackingNumber', 'totalCents', 'currency', 'updatedAt'];
  const lines = runs.map((run) => byOrder.get(run.orderId)).map((row) => columns.map((column) => (row ? String(row[column] ?? '-') : column === 'orderId' ? '' : '-')));
  runs.forEach((run, index) => (lines[index][0] = byOrder.has(run.orderId) ? run.orderId : `${run.orderId} (no row)`));
  const header = columns.map((column) => column.toUpperCase());
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column].length)));
  for (const line of [header, ...lines]) console.log(line.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd());
}

/** What the batch, and a million orders like it, would cost as STANDARD and as EXPRESS. */
function printCost(workflow: LocalStateMachine, runs: OrderRun[]): void {
  const express = { durationSeconds: EXPRESS_DURATION_SECONDS };
  const batch = priceRuns(runs.map((run) => run.result), express);
  const perMillion = (usd: number) => formatUsd((usd / runs.length) * 1_000_000);
  const blockers = expressBlockers(workflow.definition);
  console.log(
    `\nCost (${STEP_FUNCTIONS_PRICES.region} list prices, ${STEP_FUNCTIONS_PRICES.asOf}): ${batch.transitions} transitions for ${runs.length} orders.\n` +
      `  as STANDARD: ${formatUsd(batch.standard.totalUsd)} for the batch, ${perMillion(batch.standard.totalUsd)} per million such orders\n` +
      `  as EXPRESS:  ${formatUsd(batch.express.totalUsd)} for the batch, ${perMillion(batch.express.totalUsd)} per million ` +
      `(assuming ${EXPRESS_DURATION_SECONDS} s and 64 MB per execution)` +
      (blockers.length > 0 ? `\n  EXPRESS is not an option for this workflow: ${blockers.join(' ')}` : ''),
  );
}

/** The workflow's diagram, and each order's run drawn over it, as Mermaid and SVG. */
async function writeDiagrams(runner: LocalRunner, runs: OrderRun[], directory: string): Promise<void> {
  const diagram = orderWorkflowDiagram(runner);
  await writeDiagram(diagram, path.join(directory, 'order-workflow'));
  for (const run of runs) await writeDiagram(diagram.withRun(run.result), path.join(directory, 'runs', run.orderId));
  console.log(`\nDiagrams: ${path.join(directory, 'order-workflow.svg')} (and .mmd), and each order's run in ${path.join(directory, 'runs')}/`);
}

function formatUsd(value: number): string {
  return `$${value < 0.01 ? value.toFixed(6) : value.toFixed(2)}`;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
