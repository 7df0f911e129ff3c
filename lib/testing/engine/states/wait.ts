import { AslState } from '../../../asl/definition';
import { parseTimestamp } from '../choice-rules';
import { StatesError, States } from '../errors';
import { compileReferencePath, CompiledPath } from '../json-path';
import { compileJsonataField, JsonataField } from '../jsonata-fields';
import { requirePath } from '../paths';
import { compileProcessing } from '../processing';
import { scopeOf, StateRun } from '../thread';
import { CompileContext, nextOf } from './compile-context';
import { sleep } from './error-handling';
import { CompiledState, runState } from './state';

/** When a Wait ends: epoch milliseconds on the execution's clock. */
type WaitUntil = (run: StateRun, selected: unknown) => number | Promise<number>;

/**
 * A Wait state: waits `Seconds`, until a `Timestamp`, or for what `SecondsPath` /
 * `TimestampPath` / a JSONata expression gives, on the runner's clock (a long wait ends at
 * once when nothing else runs). A timestamp in the past ends the wait at once.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html
 */
export function compileWait(name: string, state: AslState, context: CompileContext): CompiledState {
  const processing = compileProcessing(state, context.language);
  const until = context.language === 'JSONata' ? jsonataUntil(state) : jsonPathUntil(state);
  const next = nextOf(state);
  return {
    name,
    type: 'Wait',
    run: (input, thread) =>
      runState(thread, 'Wait', name, input, async (run) => {
        const selected = processing.selectedInput(run);
        const end = await until(run, selected);
        await sleep(thread, end - thread.run.clock.now());
        return { finish: await processing.finish(run, selected, undefined, false), next };
      }),
  };
}

function jsonPathUntil(state: AslState): WaitUntil {
  const given = ['Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath'].filter((field) => state[field] !== undefined);
  if (given.length !== 1) throw new Error(`A Wait state has exactly one of Seconds, Timestamp, SecondsPath and TimestampPath, not ${given.join(', ') || 'none'}.`);
  if (state.Seconds !== undefined && typeof state.Seconds !== 'number') throw new Error(`Seconds must be a number, not ${JSON.stringify(state.Seconds)}.`);
  if (typeof state.Seconds === 'number') {
    const seconds = state.Seconds;
    return (run) => run.state.enteredTime + seconds * 1000;
  }
  if (typeof state.Timestamp === 'string') {
    const time = parseTimestamp(state.Timestamp)!;
    return () => time;
  }
  if (typeof state.SecondsPath === 'string') {
    const path = compileReferencePath(state.SecondsPath, true);
    return (run, selected) => run.state.enteredTime + secondsAt(path, run, selected) * 1000;
  }
  const path = compileReferencePath(String(state.TimestampPath), true);
  return (run, selected) => {
    const value = requirePath(path, scopeOf(run, selected), 'TimestampPath');
    const time = parseTimestamp(value);
    if (time === undefined) {
      throw new StatesError(States.Runtime, `The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: ${path.text} == ${display(value)}`);
    }
    return time;
  };
}

function secondsAt(path: CompiledPath, run: StateRun, selected: unknown): number {
  const value = requirePath(path, scopeOf(run, selected), 'SecondsPath');
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new StatesError(States.Runtime, `The SecondsPath parameter cannot be parsed as a long value: ${path.text} == ${display(value)}`);
  }
  if (value < 0) throw new StatesError(States.Runtime, `The SecondsPath parameter references a negative value: ${path.text} == ${value}`);
  return value;
}

function jsonataUntil(state: AslState): WaitUntil {
  if (state.Seconds !== undefined) {
    const seconds = compileJsonataField(state.Seconds, 'Seconds');
    return async (run) => {
      const value = await seconds.evaluate({ input: run.input }, run);
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
        throw expressionError(seconds, 'Seconds', `The Seconds field must be a non-negative integer, not ${display(value)}`);
      }
      return run.state.enteredTime + value * 1000;
    };
  }
  const timestamp = compileJsonataField(state.Timestamp, 'Timestamp');
  return async (run) => {
    const value = await timestamp.evaluate({ input: run.input }, run);
    const time = parseTimestamp(value);
    if (time === undefined) {
      throw expressionError(timestamp, 'Timestamp', `The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: ${display(value)}`);
    }
    return time;
  };
}

function expressionError(_field: JsonataField, location: string, cause: string): StatesError {
  const error = new StatesError(States.QueryEvaluationError, cause);
  error.location = location;
  return error;
}

function display(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
