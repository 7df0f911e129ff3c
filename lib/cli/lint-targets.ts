import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { AslDefinition } from '../asl/definition';
import { acknowledgedRulesFor } from '../assembly/cloud-assembly';
import { RuleContext } from '../validation/rule';
import { readAssemblyWorkflows } from './assembly-workflows';

/** One state machine to check, with where it came from. */
export interface LintTarget {
  /** The file or construct path it came from. */
  readonly source: string;
  /** What the rules know about it. */
  readonly context: RuleContext;
  /** Rule ids acknowledged for it (in the cloud assembly, with `Validations.of(x).acknowledge`). */
  readonly acknowledged: Set<string>;
}

/**
 * The state machines in a cloud assembly directory (every stack), or the one definition in an
 * ASL JSON file.
 *
 * @param stateMachineType the type of a plain ASL file (an assembly records its own)
 * @throws Error if the path does not exist or the file is not JSON.
 */
export function readLintTargets(input: string, stateMachineType?: string): LintTarget[] {
  if (!existsSync(input)) throw new Error(`${input} does not exist.`);
  if (statSync(input).isDirectory()) {
    return readAssemblyWorkflows(input).map(({ source, constructPath, stack, machine }) => ({
      source,
      context: machine,
      acknowledged: acknowledgedRulesFor(stack, `${constructPath}/Resource`),
    }));
  }
  let definition: AslDefinition;
  try {
    definition = JSON.parse(readFileSync(input, 'utf8'));
  } catch (error) {
    throw new Error(`${input} is not an ASL JSON file: ${(error as Error).message}`);
  }
  return [{ source: path.normalize(input), context: { definition, stateMachineType }, acknowledged: new Set() }];
}
