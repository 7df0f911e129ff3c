import { AslDefinition, AslState } from '../../asl/definition';
import { compileChoice } from './states/choice';
import { CompileContext, QueryLanguage } from './states/compile-context';
import { compileFail } from './states/fail';
import { compileMap } from './states/map';
import { compileParallel } from './states/parallel';
import { compilePass } from './states/pass';
import { CompiledState } from './states/state';
import { compileSucceed } from './states/succeed';
import { compileTask } from './states/task';
import { compileWait } from './states/wait';
import { Thread } from './thread';

/** A compiled set of states: the state machine, a Parallel branch or a Map item processor. */
export interface CompiledGraph {
  readonly startAt: string;
  readonly states: ReadonlyMap<string, CompiledState>;
  /** The query language its states inherit. */
  readonly language: QueryLanguage;
}

const COMPILERS: Record<string, (name: string, state: AslState, context: CompileContext) => CompiledState> = {
  Pass: compilePass,
  Task: compileTask,
  Choice: compileChoice,
  Wait: compileWait,
  Succeed: compileSucceed,
  Fail: compileFail,
  Parallel: compileParallel,
  Map: compileMap,
};

/**
 * Compiles every state of a definition (nested ones through their Parallel or Map state).
 *
 * @throws Error naming the state's location when a field cannot be compiled.
 */
export function compileGraph(definition: AslDefinition, location: string, inherited: QueryLanguage): CompiledGraph {
  const language = (definition.QueryLanguage as QueryLanguage | undefined) ?? inherited;
  const states = new Map<string, CompiledState>();
  for (const [name, state] of Object.entries(definition.States)) {
    const stateLocation = `${location}/States/${name}`;
    const context: CompileContext = {
      language: (state.QueryLanguage as QueryLanguage | undefined) ?? language,
      location: stateLocation,
      compileGraph,
    };
    try {
      states.set(name, COMPILERS[state.Type](name, state, context));
    } catch (error) {
      throw error instanceof StateCompileError ? error : new StateCompileError(stateLocation, error as Error);
    }
  }
  return { startAt: definition.StartAt, states, language };
}

/** A state whose fields cannot be compiled (a bad path, intrinsic or JSONata expression). */
export class StateCompileError extends Error {
  constructor(
    /** Where: `/States/<name>`, nested states below their Parallel or Map. */
    public readonly location: string,
    public readonly reason: Error,
  ) {
    super(`${location}: ${reason.message}`);
    this.name = 'StateCompileError';
  }
}

/**
 * Runs a thread through a graph from its StartAt until a state ends it; returns the last
 * output.
 *
 * @throws StatesError when a state fails uncaught, ThreadCancelled when the thread is stopped.
 */
export async function runGraph(graph: CompiledGraph, input: unknown, thread: Thread): Promise<unknown> {
  let state = graph.states.get(graph.startAt)!;
  let value = input;
  for (;;) {
    thread.cancellation.throwIfCancelled();
    const step = await state.run(value, thread);
    thread.run.checkHistoryLimit();
    if (step.next === undefined) return step.output;
    state = graph.states.get(step.next)!;
    value = step.output;
  }
}
