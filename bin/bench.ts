#!/usr/bin/env node
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { App } from 'aws-cdk-lib';
import { StateMachine } from 'aws-local-stepfunctions';
import { Command } from 'commander';
import { printHandlerColdLoad } from './bench-handlers';
import { printSagaSynth } from './bench-synth';
import { INTERPRETER_CONTEXT, ORDER_TASK_STUBS } from './bench-stubs';
import { ORDER_WORKFLOW, readOrders, runExampleOrder, SILENT_LOGS } from './example-orders';
import { OrderProcessingStack } from './order-processing-stack';
import { readReviewScript } from './order-review';

/**
 * Benchmark of the example app and of the local runner's ASL engine. Prints numbers and
 * ratios measured side by side in one process (the machine is shared and noisy: compare the
 * ratios, not the absolute figures); no pass/fail.
 *
 * The engine is measured as it is published (dist/lib, compiled by tsc: `npm run bench`
 * builds it first), beside aws-local-stepfunctions, the interpreter the runner used before.
 */
const program = new Command()
  .name('bench')
  .option('--synth-runs <n>', 'in-process synths to time', '3')
  .option('--seconds <s>', 'seconds per measurement round', '2')
  .option('--rounds <n>', 'alternating rounds per comparison (the median is kept)', '3')
  .option('--heap-executions <n>', 'executions for the heap comparison (heap after N vs after N/10)', '100000')
  .option('--orders <dir>', 'folder of order JSON files', 'examples/orders')
  .option('--reviews <file>', 'what the reviewer decides for flagged orders', 'examples/review-decisions.json')
  .parse();

type Testing = typeof import('../lib/testing');
/** The engine as published: the compiled testing entry point. */
const testing: Testing = require(path.join(__dirname, '..', 'dist', 'lib', 'testing'));

interface Options {
  synthRuns: string;
  seconds: string;
  rounds: string;
  heapExecutions: string;
  orders: string;
  reviews: string;
}

async function main(): Promise<void> {
  const options = program.opts<Options>();
  const seconds = Number(options.seconds);
  const rounds = Number(options.rounds);
  const orders = readOrders(options.orders).map(({ order }) => order);
  const happy = orders.find((o) => o.orderId === 'ORD-1001')!;
  const compensated = orders.find((o) => o.orderId === 'ORD-1007')!;
  console.log(`node ${process.version}, ${process.platform}/${process.arch}\n`);

  const { runner, outdir, timings } = synthesize(Number(options.synthRuns));
  console.log(`(a) in-process synth of the example app (9 esbuild bundles), ${timings.length} runs`);
  console.log(`    min ${fmt(Math.min(...timings))} ms   median ${fmt(median(timings))} ms\n`);

  const definition = runner.stateMachine(ORDER_WORKFLOW).resolvedDefinition;
  const engine = testing.LocalRunner.fromDefinition(definition, { tasks: ORDER_TASK_STUBS }).stateMachine();
  const interpreter = new StateMachine(definition as never, { validationOptions: { checkPaths: false } } as never);
  const handlers = Object.fromEntries(Object.entries(ORDER_TASK_STUBS).map(([name, stub]) => [name, async () => stub()]));
  const runEngine = () => engine.run(happy);
  const runInterpreter = () => interpreter.run(happy as never, { overrides: { taskResourceLocalHandlers: handlers }, context: INTERPRETER_CONTEXT } as never).result;
  const trivial = await compare(runEngine, runInterpreter, seconds, rounds);
  console.log(`(b) the order workflow's flattened ASL, happy path (ORD-1001), trivial in-process task handlers, one execution at a time`);
  console.log(`    engine                   ${fmt(trivial[0])} executions/s`);
  console.log(`    aws-local-stepfunctions  ${fmt(trivial[1])} executions/s`);
  console.log(`engine vs aws-local-stepfunctions, same ASL, same process: ${ratio(trivial[0], trivial[1])}\n`);

  const workflow = runner.stateMachine(ORDER_WORKFLOW);
  const real = await compare(repeatedOrder(workflow, happy, 'SUCCEEDED'), runInterpreter, seconds, rounds);
  const realCompensated = await rate(repeatedOrder(workflow, compensated, 'FAILED', 'ShipmentFailed'), seconds);
  console.log('(c) the engine on the real bundled handlers of the cloud assembly');
  console.log(`    happy path (ORD-1001)         ${fmt(real[0])} executions/s`);
  console.log(`    compensation path (ORD-1007)  ${fmt(realCompensated)} executions/s`);
  console.log(`    aws-local-stepfunctions, trivial handlers (same rounds)  ${fmt(real[1])} executions/s`);
  console.log(`engine with the real bundled handlers vs aws-local-stepfunctions with trivial handlers: ${ratio(real[0], real[1])}\n`);

  const mapMs = await inlineMap(10_000);
  console.log('(d) one execution of an inline Map over 10,000 items (a Pass state each; EXPRESS, which has no 25,000-event history limit)');
  console.log(`    ${fmt(mapMs)} ms\n`);

  const heap = await heapGrowth(runEngine, Number(options.heapExecutions));
  console.log(`(e) heap used after ${heap.large.toLocaleString('en')} executions vs after ${heap.small.toLocaleString('en')} (after a full GC; trivial handlers)`);
  console.log(`    ${mb(heap.smallBytes)} MB vs ${mb(heap.largeBytes)} MB`);
  console.log(`heap after ${heap.large.toLocaleString('en')} executions vs after ${heap.small.toLocaleString('en')}: ${(heap.largeBytes / heap.smallBytes).toFixed(2)}×\n`);

  console.log('(f) state transitions per example order (states entered + retries; flagged orders decided by the reviewer script)');
  // A fresh runner: the runs above wrote their orders to its local Orders table.
  const fresh = testing.LocalRunner.fromCloudAssembly(outdir);
  const approvals = testing.LocalApprovals.of(fresh);
  const reviews = readReviewScript(options.reviews);
  for (const order of orders) {
    const { result } = await runExampleOrder(fresh, approvals, order, reviews, { environment: SILENT_LOGS });
    console.log(`    ${String(order.orderId).padEnd(9)} ${String(result.transitions).padStart(3)}  ${result.status}${result.error ? ` ${result.error}` : ''}`);
  }
  console.log('');
  printHandlerColdLoad('(g)');
  printSagaSynth('(h)');
  const memory = process.memoryUsage();
  console.log(`process memory at the end: rss ${mb(memory.rss)} MB, heap used ${mb(memory.heapUsed)} MB`);
}

function synthesize(runs: number): { runner: import('../lib/testing').LocalRunner; outdir: string; timings: number[] } {
  const timings: number[] = [];
  let outdir = '';
  for (let run = 0; run < runs; run++) {
    if (outdir) rmSync(outdir, { recursive: true, force: true });
    outdir = mkdtempSync(path.join(tmpdir(), 'bench-'));
    const started = performance.now();
    const app = new App({ outdir });
    new OrderProcessingStack(app, 'OrderProcessing');
    app.synth();
    timings.push(performance.now() - started);
  }
  return { runner: testing.LocalRunner.fromCloudAssembly(outdir), outdir, timings };
}

/**
 * Runs of one example order, each under an order id of its own (`ORD-1001` runs as
 * `ORD-10010000001`, ...: the runner's local Orders table refuses to place an order twice), each
 * checked to end with `status` and `error`: a rate of runs that took another path would be the
 * rate of the wrong path.
 *
 * @throws Error for a run that ends otherwise
 */
function repeatedOrder(workflow: import('../lib/testing').LocalStateMachine, order: { orderId: string }, status: string, error?: string): () => Promise<unknown> {
  let run = 0;
  return async () => {
    const result = await workflow.run({ ...order, orderId: `${order.orderId}${String(++run).padStart(7, '0')}` }, { environment: SILENT_LOGS });
    if (result.status !== status || result.error !== error) {
      throw new Error(`Run ${run} of ${order.orderId} ended ${result.status} ${result.error ?? ''}, not ${status} ${error ?? ''}: the benchmark would time the wrong path.`);
    }
    return result;
  };
}

/** Executions per second of `run`, one at a time, after a warm-up. */
async function rate(run: () => Promise<unknown>, seconds: number): Promise<number> {
  for (let i = 0; i < 50; i++) await run();
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    await run();
    count++;
  }
  return (count * 1000) / (performance.now() - started);
}

/** The median rates of two runs measured in alternating rounds (so that both see the same machine). */
async function compare(a: () => Promise<unknown>, b: () => Promise<unknown>, seconds: number, rounds: number): Promise<[number, number]> {
  const [ratesA, ratesB]: [number[], number[]] = [[], []];
  for (let round = 0; round < rounds; round++) {
    ratesA.push(await rate(a, seconds));
    ratesB.push(await rate(b, seconds));
  }
  return [median(ratesA), median(ratesB)];
}

async function inlineMap(items: number): Promise<number> {
  const definition = {
    StartAt: 'EachItem',
    States: {
      EachItem: {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemProcessor: { StartAt: 'Double', States: { Double: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, $.n)' }, End: true } } },
        End: true,
      },
    },
  };
  const machine = testing.LocalRunner.fromDefinition(definition, { stateMachineType: 'EXPRESS' }).stateMachine();
  const input = { items: Array.from({ length: items }, (_, n) => ({ n })) };
  await machine.run({ items: input.items.slice(0, 100) });
  const started = performance.now();
  const result = await machine.run(input);
  const elapsed = performance.now() - started;
  if (result.status !== 'SUCCEEDED' || result.output.length !== items) throw new Error(`The Map benchmark did not succeed: ${result.status} ${result.error ?? ''}`);
  return elapsed;
}

/** Heap used (after a full GC) after `large` executions and after a tenth of them. */
async function heapGrowth(run: () => Promise<unknown>, large: number): Promise<{ small: number; large: number; smallBytes: number; largeBytes: number }> {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const small = Math.round(large / 10);
  for (let i = 0; i < small; i++) await run();
  gc();
  const smallBytes = process.memoryUsage().heapUsed;
  for (let i = small; i < large; i++) await run();
  gc();
  const largeBytes = process.memoryUsage().heapUsed;
  return { small, large, smallBytes, largeBytes };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (value: number) => value.toFixed(0);
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
