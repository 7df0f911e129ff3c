import { isCallbackTask, listStates } from '../../asl/definition';
import { Rule, Severity } from '../rule';
import { decidedLater, machineTimeoutSeconds } from './values';

const hasTimeout = (state: Record<string, unknown>) => state.TimeoutSeconds !== undefined || state.TimeoutSecondsPath !== undefined;

/** Step Functions applies no task timeout: a hung task holds the execution until it times out. */
export const taskTimeout: Rule = {
  id: 'Workflow-TaskTimeout',
  severity: Severity.WARNING,
  description: 'Every Task state has a timeout (TimeoutSeconds or TimeoutSecondsPath).',
  see: 'https://docs.aws.amazon.com/step-functions/latest/dg/sfn-stuck-execution.html',
  check: ({ definition }) =>
    listStates(definition)
      .filter(({ state }) => state.Type === 'Task' && !hasTimeout(state) && !isCallbackTask(state))
      .map(({ name }) => ({
        stateName: name,
        message: `Task '${name}' has no TimeoutSeconds: if the service never answers, the execution waits until the workflow times out. Set a timeout a little above the task's expected duration.`,
      })),
};

/** A callback whose token is lost waits for up to a year without a timeout. */
export const callbackTimeout: Rule = {
  id: 'Workflow-CallbackTimeout',
  severity: Severity.WARNING,
  description: 'Every .waitForTaskToken Task has a timeout.',
  see: 'https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token',
  check: ({ definition }) =>
    listStates(definition)
      .filter(({ state }) => isCallbackTask(state) && !hasTimeout(state))
      .map(({ name }) => ({
        stateName: name,
        message: `Task '${name}' waits for a task token and has no TimeoutSeconds: a lost token keeps the execution waiting until it times out (a year for STANDARD). Set TimeoutSeconds to how long the callback may take.`,
      })),
};

/**
 * HeartbeatSeconds must be a positive integer smaller than TimeoutSeconds. A JSONata
 * expression (in a JSONata state) or a `${...}` placeholder is only known later, and passes.
 */
export const heartbeatBelowTimeout: Rule = {
  id: 'Workflow-HeartbeatBelowTimeout',
  severity: Severity.ERROR,
  description: 'HeartbeatSeconds is a positive integer smaller than TimeoutSeconds.',
  see: 'https://states-language.net/spec.html#task-state',
  check: ({ definition }) =>
    listStates(definition).flatMap(({ name, state }) => {
      const { HeartbeatSeconds: heartbeat, TimeoutSeconds: timeout } = state as { HeartbeatSeconds?: unknown; TimeoutSeconds?: unknown };
      if (heartbeat === undefined || decidedLater(definition, state, heartbeat)) return [];
      if (typeof heartbeat !== 'number' || !Number.isInteger(heartbeat) || heartbeat < 1) {
        return [{ stateName: name, message: `Task '${name}' has HeartbeatSeconds ${JSON.stringify(heartbeat)}; it must be a positive whole number of seconds.` }];
      }
      if (typeof timeout === 'number' && heartbeat >= timeout) {
        return [{ stateName: name, message: `Task '${name}' has HeartbeatSeconds ${heartbeat} >= TimeoutSeconds ${timeout}, so the heartbeat can never fire. Make the heartbeat shorter than the timeout.` }];
      }
      return [];
    }),
};

/** A task timeout longer than the execution timeout never fires: the execution ends first. */
export const taskTimeoutWithinExecution: Rule = {
  id: 'Workflow-TaskTimeoutWithinExecution',
  severity: Severity.WARNING,
  description: "A Task's TimeoutSeconds is at most the workflow's TimeoutSeconds.",
  see: 'https://states-language.net/spec.html#toplevelfields',
  check: ({ definition }) => {
    const limit = machineTimeoutSeconds(definition);
    if (limit === undefined) return [];
    return listStates(definition)
      .filter(({ state }) => state.Type === 'Task' && typeof state.TimeoutSeconds === 'number' && state.TimeoutSeconds > limit)
      .map(({ name, state }) => ({
        stateName: name,
        message: `Task '${name}' times out after ${state.TimeoutSeconds} s, but the whole execution times out after ${limit} s: the execution fails with States.Timeout before the task's own timeout can be caught. Shorten the task timeout or lengthen the workflow timeout.`,
      }));
  },
};
