import { AslDefinition, AslState } from '../../../asl/definition';
import { runGraph } from '../graph';
import { compileProcessing } from '../processing';
import { CompileContext, nextOf } from './compile-context';
import { attemptWithRetries, compileErrorHandling } from './error-handling';
import { fanOut } from './fan-out';
import { CompiledState, enterState } from './state';

/**
 * A Parallel state: every branch gets the effective input and runs at once; the result is
 * the array of their outputs in `Branches` order. A branch that fails stops the others and
 * fails the state with its own error.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-parallel.html
 */
export function compileParallel(name: string, state: AslState, context: CompileContext): CompiledState {
  const processing = compileProcessing(state, context.language);
  const handling = compileErrorHandling(state, context.language);
  const branches = ((state.Branches as AslDefinition[]) ?? []).map((branch, i) => context.compileGraph(branch, `${context.location}/Branches/${i}`, context.language));
  const next = nextOf(state);
  return {
    name,
    type: 'Parallel',
    run: async (input, thread) => {
      const run = enterState(thread, 'Parallel', name, input);
      const history = thread.run.history;
      const failed = () => {
        thread.lastEventId = history.add('ParallelStateFailed', thread.lastEventId);
      };
      return attemptWithRetries(run, 'Parallel', handling, processing, next, async () => {
        const branchInput = await processing.effectiveInput(run);
        thread.lastEventId = history.add('ParallelStateStarted', thread.lastEventId);
        const { outputs, lastEventId } = await fanOut({
          run,
          count: branches.length,
          maxConcurrency: 0,
          variables: () => thread.variables.child(),
          start: (index, branchThread) => runGraph(branches[index], branchInput, branchThread),
        });
        history.add('ParallelStateSucceeded', lastEventId);
        thread.lastEventId = lastEventId;
        return processing.finish(run, undefined, outputs, true);
      }, failed);
    },
  };
}
