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

/** A stack whose state machines could not be read (a definition that is not JSON once its tokens are flattened, one kept in S3). */
export interface UnreadableStack {
  /** The stack's display name. */
  readonly source: string;
  /** Why. */
  readonly message: string;
}

/**
 * Every state machine of every stack in a cloud assembly directory.
 *
 * @throws Error if the directory is not a cloud assembly, or a stack's state machines cannot be read.
 */
export function readAssemblyWorkflows(directory: string): AssemblyWorkflow[] {
  const { workflows, unreadable } = readAssemblyWorkflowsOrProblems(directory);
  if (unreadable.length > 0) throw new Error(unreadable[0].message);
  return workflows;
}

/**
 * Every state machine of every stack in a cloud assembly directory, and the stacks whose state
 * machines could not be read, each with why (one bad stack does not hide the others).
 *
 * @throws Error if the directory is not a cloud assembly.
 */
export function readAssemblyWorkflowsOrProblems(directory: string): { workflows: AssemblyWorkflow[]; unreadable: UnreadableStack[] } {
  const workflows: AssemblyWorkflow[] = [];
  const unreadable: UnreadableStack[] = [];
  for (const stack of readCloudAssembly(directory)) {
    try {
      workflows.push(...stateMachinesOf(stack).map((machine) => workflowOf(stack, machine)));
    } catch (error) {
      unreadable.push({ source: stack.displayName, message: (error as Error).message });
    }
  }
  return { workflows, unreadable };
}

function workflowOf(stack: AssemblyStack, machine: SynthesizedStateMachine): AssemblyWorkflow {
  const constructPath = machine.constructPath ?? `${stack.displayName}/${machine.logicalId}`;
  return { source: constructPath.replace(/\/StateMachine$/, ''), constructPath, stack, machine };
}
