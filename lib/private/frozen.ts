/**
 * A list constant of the public API, frozen at run time. Typed `string[]` because jsii (the
 * shape the construct entry point keeps for other languages) has no read-only arrays: a change
 * to the returned array throws in strict mode instead of silently altering every later default.
 */
export function frozen(values: string[]): string[] {
  return Object.freeze(values) as string[];
}
