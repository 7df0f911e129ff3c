import { evaluateIntrinsic } from './intrinsics';
import { CONSTANT_RESULT_RESOURCE, FAIL_STATE_RESOURCE } from './state-rewrites';
import { TaskIntegration } from './task-dispatcher';
import { TaskFailure } from './task-failure';

interface FailFields {
  readonly Error?: string;
  readonly ErrorPath?: string;
  readonly Cause?: string;
  readonly CausePath?: string;
}

/**
 * Fails the execution as the Fail state that adaptState replaced would: `ErrorPath` and
 * `CausePath` may be paths or intrinsic functions, and an absent Error or Cause stays absent.
 */
export const failStateIntegration: TaskIntegration = {
  matches: (resource) => resource === FAIL_STATE_RESOURCE,
  invoke: async ({ input, scope: execution }) => {
    const { input: stateInput, fail } = input as { input: unknown; fail: FailFields };
    const scope = { input: stateInput, context: execution.context };
    const error = fail.ErrorPath !== undefined ? String(evaluateIntrinsic(fail.ErrorPath, scope)) : fail.Error;
    const cause = fail.CausePath !== undefined ? String(evaluateIntrinsic(fail.CausePath, scope)) : fail.Cause;
    throw new TaskFailure(error as string, cause as string);
  },
};

/** Returns the `Result` of the Pass state that adaptState replaced (a falsy one, which the interpreter drops). */
export const constantResultIntegration: TaskIntegration = {
  matches: (resource) => resource === CONSTANT_RESULT_RESOURCE,
  invoke: async ({ input }) => (input as { result: unknown }).result,
};
