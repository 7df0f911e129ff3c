import { AslState } from '../../../asl/definition';
import { compileProcessing, Finish } from '../processing';
import { CompileContext, nextOf } from './compile-context';
import { CompiledState, enterState, exitState, locateError } from './state';

/**
 * A Pass state: passes its input to its output, or a fixed `Result` (JSONPath, placed by
 * ResultPath) or an `Output` (JSONata); may assign variables.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-pass.html
 */
export function compilePass(name: string, state: AslState, context: CompileContext): CompiledState {
  const processing = compileProcessing(state, context.language);
  const hasResult = Object.prototype.hasOwnProperty.call(state, 'Result');
  const next = nextOf(state);
  return {
    name,
    type: 'Pass',
    run: async (input, thread) => {
      const run = enterState(thread, 'Pass', name, input);
      let finish: Finish;
      try {
        if (processing.language === 'JSONata') {
          finish = await processing.finish(run, input, undefined, false);
        } else {
          const result = hasResult ? (processing.selectedInput(run), state.Result) : await processing.effectiveInput(run);
          finish = await processing.finish(run, input, result, true);
        }
      } catch (error) {
        throw locateError(error, run, 'Pass');
      }
      return exitState(run, 'Pass', finish, next);
    },
  };
}
