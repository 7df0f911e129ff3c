import { AslState } from '../../../asl/definition';
import { compileProcessing, Finish } from '../processing';
import { CompileContext } from './compile-context';
import { CompiledState, enterState, exitState, locateError } from './state';

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
    run: async (input, thread) => {
      const run = enterState(thread, 'Succeed', name, input);
      let finish: Finish;
      try {
        finish = await processing.finish(run, processing.selectedInput(run), undefined, false);
      } catch (error) {
        throw locateError(error, run, 'Succeed');
      }
      return exitState(run, 'Succeed', finish, undefined);
    },
  };
}
