import type { ExecutionResult } from '../lib/testing';
import { ORDER_COMPENSATIONS } from './order-processing-stack';

/**
 * How an order's execution ended, in the shop's terms. `needs reconciliation`: a step whose
 * effect is unknown (it timed out, its reply was lost) has nothing that undoes it, so an
 * operator must check what it did.
 */
export type OrderOutcome = 'succeeded' | 'invalid' | 'compensated' | 'compensation failed' | 'needs reconciliation' | 'failed';

/** Classifies a run of the order workflow. */
export function outcomeOf(result: ExecutionResult): OrderOutcome {
  if (result.status === 'SUCCEEDED') return 'succeeded';
  const lastState = result.path[result.path.length - 1];
  if (lastState === 'OrderInvalid') return 'invalid';
  if (result.error === 'CompensationFailed') return 'compensation failed';
  if (result.error === 'NeedsReconciliation') return 'needs reconciliation';
  if (lastState === 'OrderSaga failed') return 'compensated';
  return 'failed';
}

/** The compensation states a run entered, in the order they ran. */
export function compensationsOf(result: ExecutionResult): string[] {
  return result.path.filter((state) => ORDER_COMPENSATIONS.includes(state));
}
