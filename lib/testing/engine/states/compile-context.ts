import { AslDefinition, AslState } from '../../../asl/definition';
import type { CompiledGraph } from '../graph';

/** The query languages of ASL. */
export type QueryLanguage = 'JSONPath' | 'JSONata';

/** What compiling one state needs to know about where it is. */
export interface CompileContext {
  /** The state's query language (its own, else the state machine's). */
  readonly language: QueryLanguage;
  /** The state's location in the definition, e.g. `/States/Charge` (for errors). */
  readonly location: string;
  /** Compiles a nested definition (a Parallel branch, a Map item processor). */
  compileGraph(definition: AslDefinition, location: string, language: QueryLanguage): CompiledGraph;
}

/** The state a state transitions to: `Next`, or none for `End`. */
export function nextOf(state: AslState): string | undefined {
  return state.End === true ? undefined : (state.Next as string | undefined);
}
