import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { LocalApprovals, LocalRunner, RunOptions } from '../lib/testing';
import { orderPlacedEvent } from './order-events';
import { completeWithReview, ReviewedRun, ReviewInPerson, ReviewScript } from './order-review';

/** The order workflow of the example app, by construct path. */
export const ORDER_WORKFLOW = 'OrderProcessing/OrderWorkflow';

/** The Orders table the order workflow keeps each order's status in, by construct path. */
export const ORDERS_TABLE = 'OrderProcessing/Orders';

/** The EventBridge trigger that starts the order workflow. */
export const ORDER_PLACED_TRIGGER = `${ORDER_WORKFLOW}/OrderPlaced`;

/** Environment variables that silence the order handlers' logs. */
export const SILENT_LOGS: Record<string, string> = { POWERTOOLS_LOG_LEVEL: 'SILENT' };

/** An example order and the file it came from. */
export interface ExampleOrder {
  readonly file: string;
  readonly order: { orderId: string; [field: string]: unknown };
}

/** The orders of a folder of order JSON files (examples/orders), by file name. */
export function readOrders(directory: string): ExampleOrder[] {
  return readdirSync(directory)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, order: JSON.parse(readFileSync(path.join(directory, file), 'utf8')) }));
}

/**
 * Delivers an order's `OrderPlaced` event to the workflow's trigger and follows the execution
 * to its end, deciding a manual review as the reviewer script says (or, with `inPerson`, as a person does).
 *
 * @throws Error if the event does not match the trigger's pattern.
 */
export async function runExampleOrder(
  runner: LocalRunner,
  approvals: LocalApprovals,
  order: ExampleOrder['order'],
  reviews: ReviewScript,
  options: RunOptions = {},
  inPerson?: ReviewInPerson,
): Promise<ReviewedRun> {
  const [execution] = runner.startFromEvent(ORDER_PLACED_TRIGGER, orderPlacedEvent(order), {
    ...options,
    functions: { ...options.functions, ...approvals.functions },
  });
  if (!execution) throw new Error(`The OrderPlaced event of ${order.orderId} does not match the trigger's pattern.`);
  return completeWithReview(execution, approvals, order.orderId, reviews, inPerson);
}
