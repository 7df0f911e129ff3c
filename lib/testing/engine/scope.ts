import type { RandomSource } from './random';

/**
 * What a path, payload template, intrinsic function or JSONata expression reads while it is
 * evaluated: `$` (the value being processed), `$$` (the context object), variables, and the
 * execution's source of randomness (UUIDs, jitter, `$random`).
 */
export interface EvaluationScope {
  /** `$`: the state input, effective input or raw result, depending on the field. */
  readonly input: unknown;
  /** `$$` (JSONPath) or `$states.context` (JSONata): built on first use. */
  context(): Record<string, unknown>;
  /** A variable's value, or NOT_FOUND (from json-path) when it is not assigned in this scope. */
  variable(name: string): unknown;
  /** The execution's random source (seedable, so a run can be repeated). */
  readonly random: RandomSource;
}
