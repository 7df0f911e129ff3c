/** Marks a value the task dispatcher fills in from the attempt's context (`$$.State.*`, `$$.Task.Token`). */
const CONTEXT_MARKER = '__localRunnerContext';

/** Context paths a Task's `Parameters` may read that aws-local-stepfunctions does not provide. */
export const TASK_CONTEXT_PATHS = ['$$.State.Name', '$$.State.EnteredTime', '$$.State.RetryCount', '$$.Task.Token'];

/**
 * Where the runner keeps the root execution's input and start time in the context object:
 * aws-local-stepfunctions rebuilds `$$.Execution.Input` and `StartTime` for every Parallel
 * branch and Map iteration, so paths to them are redirected here.
 */
export const ROOT_INPUT = 'LocalRunnerRootInput';
export const ROOT_START_TIME = 'LocalRunnerRootStartTime';

/** The context values of one Task attempt that the interpreter does not provide. */
export interface AttemptContext {
  readonly stateName: string;
  readonly retryCount: number;
  /** When the state was entered (the same for every retry). */
  readonly enteredTime: string;
  readonly taskToken?: string;
}

/** Replaces `"key.$": "$$.State.Name"` (and the other Task context paths) by a marker object. */
export function markContextFields(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(markContextFields);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) =>
      key.endsWith('.$') && typeof value === 'string' && TASK_CONTEXT_PATHS.includes(value)
        ? [key.slice(0, -2), { [CONTEXT_MARKER]: value }]
        : [key, markContextFields(value)],
    ),
  );
}

/** Outside a Task, `$$.State.Name` is a constant and `$$.State.RetryCount` is 0. */
export function inlineStaticContext(node: unknown, stateName: string): unknown {
  if (Array.isArray(node)) return node.map((item) => inlineStaticContext(item, stateName));
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => {
      if (key.endsWith('.$') && value === '$$.State.Name') return [key.slice(0, -2), stateName];
      if (key.endsWith('.$') && value === '$$.State.RetryCount') return [key.slice(0, -2), 0];
      return [key, inlineStaticContext(value, stateName)];
    }),
  );
}

/** Replaces the context markers with this attempt's values. */
export function fillContext(node: unknown, attempt: AttemptContext): any {
  if (Array.isArray(node)) return node.map((item) => fillContext(item, attempt));
  if (!node || typeof node !== 'object') return node;
  const marker = (node as Record<string, unknown>)[CONTEXT_MARKER];
  if (typeof marker === 'string') {
    const values: Record<string, unknown> = {
      '$$.State.Name': attempt.stateName,
      '$$.State.RetryCount': attempt.retryCount,
      '$$.State.EnteredTime': attempt.enteredTime,
      '$$.Task.Token': attempt.taskToken,
    };
    return values[marker] ?? null;
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, fillContext(value, attempt)]));
}
