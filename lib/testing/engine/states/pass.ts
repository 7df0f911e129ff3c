import { AslState } from '../../../asl/definition';
import { compileProcessing } from '../processing';
import { CompileContext, nextOf } from './compile-context';
import { CompiledState, runState } from './state';

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
    run: (input, thread) =>
      runState(thread, 'Pass', name, input, async (run) => {
        if (processing.language === 'JSONata') return { finish: await processing.finish(run, input, undefined, false), next };
        const result = hasResult ? (processing.selectedInput(run), state.Result) : await processing.effectiveInput(run);
        return { finish: await processing.finish(run, input, result, true), next };
      }),
  };
}
