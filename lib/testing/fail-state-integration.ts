import { evaluateIntrinsic } from './intrinsics';
import { FAIL_STATE_RESOURCE } from './prepare-definition';
import { TaskFailure, TaskIntegration } from './task-dispatcher';

interface FailFields {
  readonly Error?: string;
  readonly ErrorPath?: string;
  readonly Cause?: string;
  readonly CausePath?: string;
}

/**
 * Fails the execution as a Fail state with intrinsic `ErrorPath`/`CausePath` would, for the
 * Task that prepareDefinition puts in such a Fail state's place.
 */
export const failStateIntegration: TaskIntegration = {
  matches: (resource) => resource === FAIL_STATE_RESOURCE,
  invoke: async ({ input, context }) => {
    const { input: stateInput, fail } = input as { input: unknown; fail: FailFields };
    const scope = { input: stateInput, context };
    const error = fail.ErrorPath !== undefined ? String(evaluateIntrinsic(fail.ErrorPath, scope)) : fail.Error;
    const cause = fail.CausePath !== undefined ? String(evaluateIntrinsic(fail.CausePath, scope)) : fail.Cause;
    throw new TaskFailure(error ?? 'States.Fail', cause ?? '');
  },
};
