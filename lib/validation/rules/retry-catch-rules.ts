import { AslDefinition, AslState, catchersOf, listStates, MAX_RETRY_DELAY_SECONDS, retriersOf } from '../../asl/definition';
import { Rule, Severity } from '../rule';
import { decidedLater } from './values';

interface Retrier {
  ErrorEquals?: unknown;
  IntervalSeconds?: unknown;
  MaxAttempts?: unknown;
  BackoffRate?: unknown;
  MaxDelaySeconds?: unknown;
  JitterStrategy?: unknown;
}

const isInteger = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value);

/** The retrier's fields, less those whose value is only known later (a placeholder, or a JSONata expression in a JSONata state). */
function knownFields(definition: AslDefinition, state: AslState, retrier: Retrier): Retrier {
  return Object.fromEntries(Object.entries(retrier).filter(([, value]) => !decidedLater(definition, state, value)));
}

function retrierProblems(retrier: Retrier): string[] {
  const problems: string[] = [];
  const { IntervalSeconds: interval, MaxAttempts: attempts, BackoffRate: backoff, MaxDelaySeconds: maxDelay, JitterStrategy: jitter } = retrier;
  if (interval !== undefined && (!isInteger(interval) || interval < 1)) problems.push(`IntervalSeconds ${JSON.stringify(interval)} must be a whole number >= 1`);
  if (attempts !== undefined && (!isInteger(attempts) || attempts < 0)) problems.push(`MaxAttempts ${JSON.stringify(attempts)} must be a whole number >= 0`);
  if (backoff !== undefined && (typeof backoff !== 'number' || backoff < 1)) problems.push(`BackoffRate ${JSON.stringify(backoff)} must be a number >= 1.0`);
  if (maxDelay !== undefined && (!isInteger(maxDelay) || maxDelay <= 0 || maxDelay > MAX_RETRY_DELAY_SECONDS)) {
    problems.push(`MaxDelaySeconds ${JSON.stringify(maxDelay)} must be a whole number from 1 to ${MAX_RETRY_DELAY_SECONDS}`);
  }
  if (jitter !== undefined && jitter !== 'FULL' && jitter !== 'NONE') problems.push(`JitterStrategy ${JSON.stringify(jitter)} must be FULL or NONE`);
  return problems;
}

/** Retrier fields stay within the bounds ASL defines. */
export const retryFields: Rule = {
  id: 'Workflow-RetryFields',
  // Step Functions refuses such a definition: an acknowledgement cannot make it deploy.
  acknowledgeable: false,
  severity: Severity.ERROR,
  description: `Retry fields are in range: IntervalSeconds >= 1, MaxAttempts >= 0, BackoffRate >= 1, 0 < MaxDelaySeconds <= ${MAX_RETRY_DELAY_SECONDS}, JitterStrategy FULL or NONE.`,
  see: 'https://states-language.net/spec.html#retrying-after-error',
  check: ({ definition }) =>
    listStates(definition).flatMap(({ name, state }) =>
      (retriersOf(state) as Retrier[]).flatMap((retrier, index) =>
        retrierProblems(knownFields(definition, state, retrier)).map((problem) => ({ stateName: name, message: `State '${name}' Retry[${index}]: ${problem}.` })),
      ),
    ),
};

/** `States.ALL` matches every error, so it must stand alone in the last retrier or catcher. */
export const errorsAllLast: Rule = {
  id: 'Workflow-ErrorsAllLast',
  // Step Functions refuses such a definition: an acknowledgement cannot make it deploy.
  acknowledgeable: false,
  severity: Severity.ERROR,
  description: 'States.ALL appears alone in its ErrorEquals, and only in the last retrier or catcher.',
  see: 'https://states-language.net/spec.html#error-names',
  check: ({ definition }) =>
    listStates(definition).flatMap(({ name, state }) =>
      (['Retry', 'Catch'] as const).flatMap((field) => {
        const handlers = field === 'Retry' ? retriersOf(state) : catchersOf(state);
        return handlers.flatMap((handler, index) => {
          const errors: unknown[] = Array.isArray(handler.ErrorEquals) ? handler.ErrorEquals : [];
          if (!errors.includes('States.ALL')) return [];
          if (errors.length > 1) {
            return [{ stateName: name, message: `State '${name}' ${field}[${index}] lists States.ALL with other errors; States.ALL must be alone. Move the other errors to an earlier ${field === 'Retry' ? 'retrier' : 'catcher'}.` }];
          }
          if (index !== handlers.length - 1) {
            return [{ stateName: name, message: `State '${name}' ${field}[${index}] matches States.ALL but is not the last ${field === 'Retry' ? 'retrier' : 'catcher'}, so the ones after it never apply. Put it last.` }];
          }
          return [];
        });
      }),
    ),
};
