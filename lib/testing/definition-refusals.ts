import { AslDefinition, AslState, isCallbackTask, isDistributedMap, listStates } from '../asl/definition';
import { TASK_CONTEXT_PATHS } from './context-markers';

/**
 * What aws-local-stepfunctions would get silently wrong in a definition, one line per spot:
 * JSONata, `Assign` variables, distributed Map, task `Credentials`, heartbeats of tasks that
 * are not callbacks, dynamic timeouts of callbacks, and `$$.State`/`$$.Task` context read
 * anywhere but a Task's parameters.
 */
export function unsupportedFeatures(definition: AslDefinition): string[] {
  const problems: string[] = [];
  if (definition.QueryLanguage === 'JSONata') problems.push('the state machine uses JSONata (QueryLanguage)');
  for (const { name, state } of listStates(definition)) {
    const where = `state '${name}'`;
    const callback = isCallbackTask(state);
    if (state.QueryLanguage === 'JSONata') problems.push(`${where} uses JSONata (QueryLanguage)`);
    for (const field of ['Arguments', 'Output', 'Assign']) {
      if (state[field] !== undefined) problems.push(`${where} has ${field} (JSONata or variables)`);
    }
    if (isDistributedMap(state)) problems.push(`${where} is a distributed Map`);
    if (state.Type === 'Task' && state.Credentials !== undefined) problems.push(`${where} assumes other Credentials`);
    if (state.Type === 'Task' && !callback && (state.HeartbeatSeconds !== undefined || state.HeartbeatSecondsPath !== undefined)) {
      problems.push(`${where} sets HeartbeatSeconds on a task that is not a callback`);
    }
    if (callback && (state.TimeoutSecondsPath !== undefined || state.HeartbeatSecondsPath !== undefined)) {
      problems.push(`${where} is a callback with TimeoutSecondsPath or HeartbeatSecondsPath`);
    }
    problems.push(...contextProblems(state, where, callback));
  }
  return problems;
}

/** Reads of `$$.State.*` / `$$.Task.*` the runner cannot provide where they occur. */
function contextProblems(state: AslState, where: string, callback: boolean): string[] {
  const problems: string[] = [];
  visitPaths(state, (value, field) => {
    const read = /\$\$\.(State|Task)(\.[A-Za-z]+)?/.exec(value)?.[0];
    if (!read) return;
    if (!value.startsWith('$')) {
      problems.push(`${where} reads ${read} inside an intrinsic function (${field})`);
    } else if (state.Type === 'Task' && field === 'Parameters') {
      if (!TASK_CONTEXT_PATHS.includes(value)) problems.push(`${where} reads ${value}; the local runner provides ${TASK_CONTEXT_PATHS.join(', ')}`);
      else if (value === '$$.Task.Token' && !callback) problems.push(`${where} reads $$.Task.Token but is not a .waitForTaskToken task`);
    } else if (state.Type === 'Task' || !['Parameters', 'ItemSelector'].includes(field) || !['$$.State.Name', '$$.State.RetryCount'].includes(value)) {
      problems.push(`${where} reads ${value} in ${field}; only Task parameters get it locally`);
    }
  });
  return problems;
}

/** Calls `visit` for every path of a state: `"key.$"` values of its templates, and its path fields. */
function visitPaths(state: AslState, visit: (value: string, field: string) => void): void {
  const walk = (node: unknown, field: string): void => {
    if (Array.isArray(node)) node.forEach((item) => walk(item, field));
    if (!node || typeof node !== 'object' || Array.isArray(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === 'string' && (key.endsWith('.$') || key === 'Variable' || key.endsWith('Path'))) visit(value, field);
      else walk(value, field);
    }
  };
  for (const field of ['Parameters', 'ItemSelector', 'ResultSelector', 'Choices']) walk(state[field], field);
  for (const field of ['InputPath', 'OutputPath', 'ItemsPath', 'ErrorPath', 'CausePath', 'TimestampPath', 'SecondsPath', 'TimeoutSecondsPath']) {
    if (typeof state[field] === 'string') visit(state[field] as string, field);
  }
}
