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
  // Step Functions refuses such a definition: an acknowledgement cannot make it deploy.
  acknowledgeable: false,
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

/**
 * A task timeout at least the execution timeout never fires: the execution ends first. For a
 * callback (a human approval, a job) that is an error: its timeout path, such as an
 * "expired" branch, can never run. For other tasks it is a warning.
 */
export const taskTimeoutWithinExecution: Rule = {
  id: 'Workflow-TaskTimeoutWithinExecution',
  severity: Severity.WARNING,
  description: "A Task's TimeoutSeconds is shorter than the workflow's TimeoutSeconds (an error for callbacks, whose timeout path would never run).",
  see: 'https://states-language.net/spec.html#toplevelfields',
  check: ({ definition }) => {
    const limit = machineTimeoutSeconds(definition);
    if (limit === undefined) return [];
    return listStates(definition).flatMap(({ name, state }) => {
      const timeout = state.TimeoutSeconds;
      if (state.Type !== 'Task' || typeof timeout !== 'number') return [];
      if (isCallbackTask(state) && timeout >= limit) {
        return [{
          stateName: name,
          severity: Severity.ERROR,
          message: `Task '${name}' waits for a callback for ${timeout} s, but the whole execution times out after ${limit} s: the execution fails with States.Timeout first, so the task's own timeout path (an expired approval, a late job) never runs. Make the task timeout shorter than the workflow timeout, with room for the states after it.`,
        }];
      }
      if (timeout <= limit) return [];
      return [{
        stateName: name,
        message: `Task '${name}' times out after ${timeout} s, but the whole execution times out after ${limit} s: the execution fails with States.Timeout before the task's own timeout can be caught. Shorten the task timeout or lengthen the workflow timeout.`,
      }];
    });
  },
};

/**
 * With execution data in the logs, a task token a callback sends in its parameters is logged
 * (and anyone who reads the logs can answer the callback).
 */
export const taskTokenInLogs: Rule = {
  id: 'Workflow-TaskTokenInLogs',
  severity: Severity.WARNING,
  description: 'Logs that include execution data do not receive task tokens (callbacks that pass $$.Task.Token).',
  see: 'https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html',
  check: ({ definition, includeExecutionData }) => {
    if (!includeExecutionData) return [];
    return listStates(definition)
      .filter(({ state }) => isCallbackTask(state) && /\$\$\.Task\.Token|\$states\.context\.Task\.Token/.test(JSON.stringify(state.Parameters ?? state.Arguments ?? {})))
      .map(({ name }) => ({
        stateName: name,
        message: `Logs include execution data, and Task '${name}' passes its task token in its parameters: the token would be written to the logs, where anyone who reads them can resume or fail the task. Keep includeExecutionData false.`,
      }));
  },
};
