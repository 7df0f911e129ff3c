#!/usr/bin/env node
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { renderSvg } from '../lib/diagram';
import { LocalApprovals, LocalRunner } from '../lib/testing';
import { readOrders, runExampleOrder, SILENT_LOGS } from './example-orders';
import { DOCS_DIAGRAMS, DOCS_RUN_ORDER, docsDiagramSources, withSourceHash } from './order-diagrams';
import { addOrderProcessing } from './order-processing-stack';
import { readReviewScript } from './order-review';

/**
 * Regenerates the README's pictures of the example (`npm run docs:diagrams`): the order
 * workflow and ORD-1007's run, as SVG recording the hash of their DOT source, which
 * test/order-workflow-diagram.test.ts compares with the source the code draws today.
 */
async function main(): Promise<void> {
  const root = path.join(__dirname, '..');
  const runner = LocalRunner.fromStack(addOrderProcessing(new App()));
  try {
    const order = readOrders(path.join(root, 'examples', 'orders')).find(({ order }) => order.orderId === DOCS_RUN_ORDER)!.order;
    const reviews = readReviewScript(path.join(root, 'examples', 'review-decisions.json'));
    const { result } = await runExampleOrder(runner, LocalApprovals.of(runner), order, reviews, { environment: SILENT_LOGS });
    const sources = docsDiagramSources(runner, result);
    for (const [name, file] of Object.entries(DOCS_DIAGRAMS) as Array<[keyof typeof DOCS_DIAGRAMS, string]>) {
      const target = path.join(root, file);
      mkdirSync(path.dirname(target), { recursive: true });
      const svg = withSourceHash(await renderSvg(sources[name]), sources[name]);
      const unchanged = readIfExists(target) === svg;
      if (!unchanged) writeFileSync(target, svg);
      console.log(`${file}: ${unchanged ? 'up to date' : 'written'}`);
    }
  } finally {
    runner.dispose();
  }
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
