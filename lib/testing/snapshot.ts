import { maskContentHashes } from '../asl/content-hashes';
import { AslDefinition } from '../asl/definition';

/**
 * A definition ready for a reviewed snapshot: references stay as `${LogicalId.Attribute}`
 * (stable across synths) and anything that looks like an asset or version hash (a run of 32
 * or more hex digits, as in `FnCurrentVersion<hash>`) becomes `[HASH]`, so a code change
 * alone does not churn the snapshot.
 *
 * ```ts
 * expect(aslSnapshot(runner.stateMachine('Orders').definition)).toMatchSnapshot();
 * ```
 */
export function aslSnapshot(definition: AslDefinition): AslDefinition {
  return JSON.parse(maskContentHashes(JSON.stringify(definition))) as AslDefinition;
}
