#!/usr/bin/env node
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { chromium } from 'playwright-core';
import { ReviewerSignIn } from '../lib';
import { LocalApprovals, LocalApprovalsServer, LocalRunner } from '../lib/testing';
import { ORDER_PLACED_TRIGGER, readOrders, SILENT_LOGS } from './example-orders';
import { orderPlacedEvent } from './order-events';
import { addOrderProcessing, ORDER_REVIEWERS_GROUP } from './order-processing-stack';

/** The flagged example orders whose reviews the list shows, and the one the decision page shows. */
const FLAGGED = ['ORD-1010', 'ORD-1011', 'ORD-1012'];
const SHOWN = 'ORD-1011';

/**
 * Regenerates the README's screenshots of the approvals page (`npm run docs:screenshots`): the
 * example's flagged orders wait for review on the local approvals server, and headless Chromium
 * (Debian's, `apt-get install -y chromium`; CHROMIUM_PATH to use another) signs in and captures
 * the list (docs/approvals-list.png) and one order's decision page (docs/approvals-decision.png).
 */
async function main(): Promise<void> {
  const docs = path.join(__dirname, '..', 'docs');
  const runner = LocalRunner.fromStack(addOrderProcessing(new App(), { reviewerSignIn: ReviewerSignIn.cognito() }));
  const approvals = LocalApprovals.of(runner);
  const orders = readOrders(path.join(__dirname, '..', 'examples', 'orders')).filter(({ order }) => FLAGGED.includes(order.orderId));
  const executions = orders.flatMap(({ order }) =>
    runner.startFromEvent(ORDER_PLACED_TRIGGER, orderPlacedEvent(order), { name: `${order.orderId}-local`, environment: SILENT_LOGS, functions: approvals.functions }),
  );
  for (const execution of executions) await approvals.waitForRequest((request) => request.executionArn === execution.executionArn);
  const shown = approvals.requests.find((request) => (request.summary as { orderId: string }).orderId === SHOWN)!;
  const server = new LocalApprovalsServer(runner, approvals, { reviewers: [{ name: 'dana.scully', groups: [ORDER_REVIEWERS_GROUP] }] });
  const url = await server.start();
  const profile = mkdtempSync(path.join(tmpdir(), 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 900, height: 700 },
    deviceScaleFactor: 1,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--lang=en-US'],
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  try {
    const page = await context.newPage();
    await page.goto(url);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Pending approvals' }).waitFor();
    await page.screenshot({ path: path.join(docs, 'approvals-list.png'), fullPage: true });
    await page.getByRole('link', { name: new RegExp(`orderId: ${SHOWN}`) }).click();
    await page.getByRole('heading', { name: 'What you are asked to decide' }).waitFor();
    await page.getByLabel(/^Comment/).fill('Disposable email, first order, mixed high-value goods to a freight forwarder.');
    await page.screenshot({ path: path.join(docs, 'approvals-decision.png'), fullPage: true });
    console.log(`Wrote docs/approvals-list.png and docs/approvals-decision.png (approval ${shown.approvalId} of ${SHOWN}).`);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    await server.stop();
    executions.forEach((execution) => execution.abort());
    await runner.dispose();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
