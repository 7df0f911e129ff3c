import { AssemblyStack, readCloudAssembly } from '../assembly/cloud-assembly';
import { stateMachinesOf, SynthesizedStateMachine } from '../assembly/stack-resources';

/** A state machine of a cloud assembly, with the path the CLI names it by. */
export interface AssemblyWorkflow {
  /** The construct path of the Workflow (or of the state machine when it is not in one). */
  readonly source: string;
  /** The construct path of the state machine itself. */
  readonly constructPath: string;
  readonly stack: AssemblyStack;
  readonly machine: SynthesizedStateMachine;
}

/**
 * Every state machine of every stack in a cloud assembly directory.
 *
 * @throws Error if the directory is not a cloud assembly.
 */
export function readAssemblyWorkflows(directory: string): AssemblyWorkflow[] {
  return readCloudAssembly(directory).flatMap((stack) =>
    stateMachinesOf(stack).map((machine) => {
      const constructPath = machine.constructPath ?? `${stack.displayName}/${machine.logicalId}`;
      return { source: constructPath.replace(/\/StateMachine$/, ''), constructPath, stack, machine };
    }),
  );
}
