#!/usr/bin/env node
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { App } from 'aws-cdk-lib';
import { Command } from 'commander';
import { LocalApprovals, LocalRunner, LocalStateMachine } from '../lib/testing';
import { ORDER_WORKFLOW, readOrders, runExampleOrder, SILENT_LOGS } from './example-orders';
import { OrderProcessingStack } from './order-processing-stack';
import { readReviewScript } from './order-review';

/**
 * Benchmark of the example app: synth time, local executions per second (happy path and
 * compensation path) and state transitions per example order. Prints numbers; no pass/fail.
 */
const program = new Command()
  .name('bench')
  .option('--synth-runs <n>', 'in-process synths to time', '3')
  .option('--seconds <s>', 'seconds to spend on each execution benchmark', '3')
  .option('--orders <dir>', 'folder of order JSON files', 'examples/orders')
  .option('--reviews <file>', 'what the reviewer decides for flagged orders', 'examples/review-decisions.json')
  .parse();


async function main(): Promise<void> {
  const options = program.opts<{ synthRuns: string; seconds: string; orders: string; reviews: string }>();
  const orders = readOrders(options.orders).map(({ order }) => order);

  console.log(`node ${process.version}, ${process.platform}/${process.arch}\n`);
  const { runner, timings } = synthesize(Number(options.synthRuns));
  const workflow = runner.stateMachine(ORDER_WORKFLOW);
  console.log(`(a) in-process synth of the example app (9 esbuild bundles), ${timings.length} runs`);
  console.log(`    min ${fmt(Math.min(...timings))} ms   median ${fmt(median(timings))} ms\n`);

  console.log(`(b) local executions per second, one at a time, ${options.seconds} s each`);
  for (const [label, orderId] of [['happy path', 'ORD-1001'], ['compensation path', 'ORD-1007']]) {
    const order = orders.find((o) => o.orderId === orderId);
    const { perSecond, meanMs } = await throughput(workflow, order, Number(options.seconds));
    console.log(`    ${label.padEnd(18)} (${orderId})  ${fmt(perSecond)} executions/s   ${meanMs.toFixed(2)} ms mean`);
  }
  const memory = process.memoryUsage();
  console.log(`    process memory after the runs: rss ${mb(memory.rss)} MB, heap used ${mb(memory.heapUsed)} MB\n`);

  console.log('(c) state transitions per example order (states entered + retries; flagged orders decided by the reviewer script)');
  const approvals = LocalApprovals.of(runner);
  const reviews = readReviewScript(options.reviews);
  for (const order of orders) {
    const { result } = await runExampleOrder(runner, approvals, order, reviews, { environment: SILENT_LOGS });
    console.log(`    ${String(order.orderId).padEnd(9)} ${String(result.transitions).padStart(3)}  ${result.status}${result.error ? ` ${result.error}` : ''}`);
  }
}

function synthesize(runs: number): { runner: LocalRunner; timings: number[] } {
  const timings: number[] = [];
  let runner: LocalRunner | undefined;
  for (let run = 0; run < runs; run++) {
    const outdir = mkdtempSync(path.join(tmpdir(), 'bench-'));
    const started = performance.now();
    const app = new App({ outdir });
    new OrderProcessingStack(app, 'OrderProcessing');
    app.synth();
    timings.push(performance.now() - started);
    if (run < runs - 1) rmSync(outdir, { recursive: true, force: true });
    else runner = LocalRunner.fromCloudAssembly(outdir);
  }
  return { runner: runner!, timings };
}

async function throughput(workflow: LocalStateMachine, order: unknown, seconds: number): Promise<{ perSecond: number; meanMs: number }> {
  for (let i = 0; i < 20; i++) await workflow.run(order, { environment: SILENT_LOGS });
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    await workflow.run(order, { environment: SILENT_LOGS });
    count++;
  }
  const elapsed = performance.now() - started;
  return { perSecond: (count * 1000) / elapsed, meanMs: elapsed / count };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (value: number) => value.toFixed(0);
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
