import { STEP_FUNCTIONS_PRICES } from './prices';

/** What an Express execution is assumed to use. */
export interface ExpressUsage {
  /** Executions in the period priced (a month, for the GB-second tiers). */
  readonly executions: number;
  /** Average duration of one execution, in seconds. */
  readonly durationSeconds: number;
  /**
   * Average memory of one execution, in MB (Step Functions meters the size of the state data).
   * @default 64
   */
  readonly memoryMb?: number;
}

/** A price in US dollars, with how it was computed. */
export interface CostEstimate {
  /** Total for the executions, in US dollars. */
  readonly totalUsd: number;
  /** One line saying how the total was computed. */
  readonly basis: string;
}

/**
 * The price of Standard executions: each state transition (retries included) at the list
 * price. The monthly free tier is not deducted.
 *
 * @param transitionsPerExecution average state transitions of one execution
 * @param executions how many executions
 * @see https://aws.amazon.com/step-functions/pricing/
 */
export function estimateStandardCost(transitionsPerExecution: number, executions: number): CostEstimate {
  const { perTransition } = STEP_FUNCTIONS_PRICES.standard;
  const transitions = transitionsPerExecution * executions;
  return {
    totalUsd: transitions * perTransition,
    basis: `${formatCount(transitions)} transitions × $${perTransition}`,
  };
}

/**
 * The price of Express executions: a request charge per execution, plus duration (rounded up
 * to 100 ms) × memory (rounded up to 64 MB) in GB-seconds at the tiered price, tiers applied
 * to the total GB-seconds of all the executions.
 *
 * @see https://aws.amazon.com/step-functions/pricing/
 */
export function estimateExpressCost(usage: ExpressUsage): CostEstimate {
  const { perRequest, durationIncrementSeconds, memoryIncrementMb, gbSecondTiers } = STEP_FUNCTIONS_PRICES.express;
  const billedSeconds = Math.ceil(round(usage.durationSeconds / durationIncrementSeconds)) * durationIncrementSeconds;
  const billedMb = Math.ceil((usage.memoryMb ?? 64) / memoryIncrementMb) * memoryIncrementMb;
  const gbSeconds = usage.executions * billedSeconds * (billedMb / 1024);
  let remaining = gbSeconds;
  let previousLimit = 0;
  let durationUsd = 0;
  for (const tier of gbSecondTiers) {
    const inTier = Math.min(remaining, tier.upToGbSeconds - previousLimit);
    durationUsd += inTier * tier.perGbSecond;
    remaining -= inTier;
    previousLimit = tier.upToGbSeconds;
    if (remaining <= 0) break;
  }
  return {
    totalUsd: usage.executions * perRequest + durationUsd,
    basis: `${formatCount(usage.executions)} requests × $${perRequest} + ${formatCount(gbSeconds)} GB-s (${billedSeconds.toFixed(1)} s × ${billedMb} MB each)`,
  };
}

/** Avoids 0.30000000000000004 / 0.1 rounding up to 4 increments. */
function round(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

function formatCount(value: number): string {
  return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}
