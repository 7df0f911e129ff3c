/**
 * Step Functions list prices used by the cost estimates, in US dollars, for us-east-1.
 * Other Regions differ; check the pricing page before relying on an estimate.
 *
 * @see https://aws.amazon.com/step-functions/pricing/
 */
export const STEP_FUNCTIONS_PRICES = {
  /** When these prices were read from the pricing page. */
  asOf: '2026-11',
  region: 'us-east-1',
  standard: {
    /** Per state transition (retries included): $0.025 per 1,000. */
    perTransition: 0.000025,
    /** Transitions free each month (not applied to per-execution estimates). */
    freeTransitionsPerMonth: 4000,
  },
  express: {
    /** Per request (execution started): $1.00 per million. */
    perRequest: 0.000001,
    /** Duration is billed in increments of this many seconds (100 ms, rounded up). */
    durationIncrementSeconds: 0.1,
    /** Memory is billed in chunks of this many MB (rounded up). */
    memoryIncrementMb: 64,
    /** Per GB-second, by monthly tier: the first 1,000 GB-hours, the next 4,000, then beyond. */
    gbSecondTiers: [
      { upToGbSeconds: 3_600_000, perGbSecond: 0.00001667 },
      { upToGbSeconds: 18_000_000, perGbSecond: 0.00000833 },
      { upToGbSeconds: Number.POSITIVE_INFINITY, perGbSecond: 0.00000456 },
    ],
  },
} as const;
