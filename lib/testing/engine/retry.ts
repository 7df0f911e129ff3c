import { AslErrorHandler } from '../../asl/definition';
import { errorEqualsMatches } from './errors';

/** A retrier with ASL's defaults applied. */
export interface Retrier {
  readonly errorEquals: readonly string[];
  readonly intervalSeconds: number;
  readonly maxAttempts: number;
  readonly backoffRate: number;
  readonly maxDelaySeconds?: number;
  readonly jitter: boolean;
}

/**
 * Reads a state's `Retry` field, applying the defaults (IntervalSeconds 1, MaxAttempts 3,
 * BackoffRate 2.0, no MaxDelaySeconds, JitterStrategy NONE).
 *
 * @see https://states-language.net/spec.html#retrying-after-error
 */
export function compileRetriers(retry: readonly AslErrorHandler[]): Retrier[] {
  return retry.map((retrier) => ({
    errorEquals: retrier.ErrorEquals ?? [],
    intervalSeconds: typeof retrier.IntervalSeconds === 'number' ? retrier.IntervalSeconds : 1,
    maxAttempts: typeof retrier.MaxAttempts === 'number' ? retrier.MaxAttempts : 3,
    backoffRate: typeof retrier.BackoffRate === 'number' ? retrier.BackoffRate : 2,
    maxDelaySeconds: typeof retrier.MaxDelaySeconds === 'number' ? retrier.MaxDelaySeconds : undefined,
    jitter: retrier.JitterStrategy === 'FULL',
  }));
}

/** The index of the first retrier whose ErrorEquals matches `error`, or -1. */
export function matchingRetrier(retriers: readonly Retrier[], error: string): number {
  return retriers.findIndex((retrier) => errorEqualsMatches(retrier.errorEquals, error));
}

/**
 * The delay before retry `attempt` (1 for the first) of a retrier, in milliseconds:
 * IntervalSeconds × BackoffRate^(attempt−1), capped at MaxDelaySeconds, and with FULL jitter
 * a random part of it (`random` in [0, 1)).
 */
export function retryDelayMs(retrier: Retrier, attempt: number, random: () => number): number {
  let seconds = retrier.intervalSeconds * retrier.backoffRate ** (attempt - 1);
  if (retrier.maxDelaySeconds !== undefined) seconds = Math.min(seconds, retrier.maxDelaySeconds);
  if (retrier.jitter) seconds *= random();
  return seconds * 1000;
}
