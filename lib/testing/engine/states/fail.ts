import { AslState } from '../../../asl/definition';
import { StatesError, States } from '../errors';
import { compileJsonataField } from '../jsonata-fields';
import { compileDynamicValue } from '../payload-template';
import { scopeOf, StateRun } from '../thread';
import { CompileContext } from './compile-context';
import { CompiledState, runState } from './state';

type FailField = (run: StateRun) => unknown;

/**
 * A Fail state: ends the execution (or fails the branch or iteration it is in) with an error
 * and a cause: constants, `ErrorPath` / `CausePath` (a path or an intrinsic function), or
 * JSONata expressions. Without them, the error output is empty.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-fail.html
 */
export function compileFail(name: string, state: AslState, context: CompileContext): CompiledState {
  const error = failField(state, 'Error', context.language);
  const cause = failField(state, 'Cause', context.language);
  return {
    name,
    type: 'Fail',
    run: (input, thread) =>
      runState(thread, 'Fail', name, input, async (run) => {
        const [errorValue, causeValue] = [await error?.(run), await cause?.(run)];
        throw new StatesError(asText(errorValue, 'Error'), asText(causeValue, 'Cause'), { error: error !== undefined, cause: cause !== undefined });
      }),
  };
}

function failField(state: AslState, field: 'Error' | 'Cause', language: string): FailField | undefined {
  const value = state[field];
  const path = state[`${field}Path`];
  if (language === 'JSONata' && value !== undefined) {
    const compiled = compileJsonataField(value, field);
    return (run) => compiled.evaluate({ input: run.input }, run);
  }
  if (value !== undefined) return () => value;
  if (path === undefined) return undefined;
  const evaluate = compileDynamicValue(path, `${field}Path`);
  return (run) => evaluate(scopeOf(run, run.input));
}

function asText(value: unknown, field: string): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  throw new StatesError(States.Runtime, `The value of the field '${field}' must be a string, not ${JSON.stringify(value)}.`);
}
