import { AslDefinition, AslState, isDistributedMap } from '../../../asl/definition';
import { runGraph } from '../graph';
import { compileProcessing } from '../processing';
import { CompileContext, nextOf } from './compile-context';
import { runDistributed } from './distributed-map';
import { attemptWithRetries, compileErrorHandling } from './error-handling';
import { fanOut } from './fan-out';
import { compileMapSettings } from './map-settings';
import { CompiledState, enterState } from './state';

/**
 * A Map state: runs its item processor for each item, inline (iterations in this execution)
 * or distributed (each item or batch a child execution). The result is the array of outputs
 * in item order. An iteration that fails stops the others and fails the state with its own
 * error, unless ToleratedFailureCount / ToleratedFailurePercentage allow it.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html
 */
export function compileMap(name: string, state: AslState, context: CompileContext): CompiledState {
  const processing = compileProcessing(state, context.language);
  const handling = compileErrorHandling(state, context.language);
  const settings = compileMapSettings(state, context.language);
  const processorDefinition = (state.ItemProcessor ?? state.Iterator) as AslDefinition;
  const processor = context.compileGraph(processorDefinition, `${context.location}/ItemProcessor`, context.language);
  const distributed = isDistributedMap(state) ? { state, processorDefinition, language: context.language } : undefined;
  const next = nextOf(state);
  return {
    name,
    type: 'Map',
    run: async (input, thread) => {
      const run = enterState(thread, 'Map', name, input);
      const history = thread.run.history;
      const failed = () => {
        thread.lastEventId = history.add('MapStateFailed', thread.lastEventId);
      };
      return attemptWithRetries(run, 'Map', handling, processing, next, async () => {
        const selected = processing.selectedInput(run);
        if (distributed) {
          const result = await runDistributed(run, selected, settings, processor, distributed);
          return processing.finish(run, selected, result, true);
        }
        const items = await settings.items(run, selected);
        const maxConcurrency = await settings.maxConcurrency(run, selected);
        const tolerance = await settings.tolerance(run, selected);
        thread.lastEventId = history.add('MapStateStarted', thread.lastEventId, { length: items.length });
        const { outputs, lastEventId } = await fanOut({
          run,
          count: items.length,
          maxConcurrency,
          iterationName: name,
          tolerance,
          variables: () => thread.variables.child(),
          start: async (index, iteration) => runGraph(processor, await settings.itemInput(run, selected, { Index: index, Value: items[index], Source: 'STATE_DATA' }), iteration),
        });
        history.add('MapStateSucceeded', lastEventId);
        thread.lastEventId = lastEventId;
        return processing.finish(run, selected, outputs, true);
      }, failed);
    },
  };
}
