import { AslState } from '../../../asl/definition';
import { compileProcessing } from '../processing';
import { CompileContext } from './compile-context';
import { CompiledState, runState } from './state';

/**
 * A Succeed state: ends the execution, or the Parallel branch or Map iteration it is in, with
 * its input (after InputPath and OutputPath, or `Output`).
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-succeed.html
 */
export function compileSucceed(name: string, state: AslState, context: CompileContext): CompiledState {
  const processing = compileProcessing(state, context.language);
  return {
    name,
    type: 'Succeed',
    run: (input, thread) =>
      runState(thread, 'Succeed', name, input, async (run) => ({ finish: await processing.finish(run, processing.selectedInput(run), undefined, false) })),
  };
}
