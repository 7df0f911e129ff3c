import { integrationPatternOf, listStates } from '../../asl/definition';
import { Rule, Severity } from '../rule';
import { machineTimeoutSeconds } from './values';

/** The longest an Express execution may run, in seconds. */
const EXPRESS_MAX_SECONDS = 300;

const isExpress = (type?: string) => type === 'EXPRESS';

/** Express workflows support only the Request Response integration pattern, and no activities. */
export const expressIntegrationPattern: Rule = {
  id: 'Workflow-ExpressIntegrationPattern',
  // Step Functions refuses such a definition: an acknowledgement cannot make it deploy.
  acknowledgeable: false,
  severity: Severity.ERROR,
  description: 'EXPRESS workflows use Request Response integrations only: no .waitForTaskToken, .sync, .sync:2 or activities.',
  see: 'https://docs.aws.amazon.com/step-functions/latest/dg/choosing-workflow-type.html',
  check: ({ definition, stateMachineType }) => {
    if (!isExpress(stateMachineType)) return [];
    return listStates(definition).flatMap(({ name, state }) => {
      if (state.Type !== 'Task') return [];
      const resource = String(state.Resource ?? '');
      const pattern = integrationPatternOf(state);
      if (pattern === 'WAIT_FOR_TASK_TOKEN') {
        return [{ stateName: name, message: `Task '${name}' waits for a task token (${resource}), which EXPRESS workflows do not support. Use STANDARD, or move the callback into a STANDARD parent workflow that runs this EXPRESS workflow as a child.` }];
      }
      if (pattern === 'RUN_JOB') {
        return [{ stateName: name, message: `Task '${name}' waits for a job to finish (${resource}), which EXPRESS workflows do not support. Use STANDARD, or start the job with Request Response and poll.` }];
      }
      if (/:activity:/.test(resource)) {
        return [{ stateName: name, message: `Task '${name}' runs an activity, which EXPRESS workflows do not support. Use STANDARD, or a Lambda function instead of the activity.` }];
      }
      return [];
    });
  },
};

/** Express executions end after 5 minutes: the machine timeout, task timeouts and waits must fit. */
export const expressDuration: Rule = {
  id: 'Workflow-ExpressDuration',
  severity: Severity.ERROR,
  description: `EXPRESS workflows run at most ${EXPRESS_MAX_SECONDS} s: TimeoutSeconds of the machine and its tasks, and Wait seconds, fit in it.`,
  see: 'https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html',
  check: ({ definition, stateMachineType }) => {
    if (!isExpress(stateMachineType)) return [];
    const problems: Array<{ stateName?: string; message: string }> = [];
    const machineTimeout = machineTimeoutSeconds(definition);
    if (machineTimeout !== undefined && machineTimeout > EXPRESS_MAX_SECONDS) {
      problems.push({ message: `The workflow timeout (${machineTimeout} s) is longer than the ${EXPRESS_MAX_SECONDS} s an EXPRESS execution may run. Use STANDARD, or a timeout of at most 5 minutes.` });
    }
    for (const { name, state } of listStates(definition)) {
      const seconds = state.Type === 'Task' ? state.TimeoutSeconds : state.Type === 'Wait' ? state.Seconds : undefined;
      if (typeof seconds === 'number' && seconds > EXPRESS_MAX_SECONDS) {
        const what = state.Type === 'Task' ? 'times out after' : 'waits';
        problems.push({ stateName: name, message: `State '${name}' ${what} ${seconds} s, longer than an EXPRESS execution may run (${EXPRESS_MAX_SECONDS} s). Shorten it, or use STANDARD.` });
      }
    }
    return problems;
  },
};

/** Asynchronous Express executions run at least once: each step should tolerate a repeat. */
export const expressIdempotency: Rule = {
  id: 'Workflow-ExpressIdempotency',
  severity: Severity.WARNING,
  description: 'In EXPRESS workflows (at-least-once when started asynchronously), Task states should be idempotent.',
  see: 'https://docs.aws.amazon.com/step-functions/latest/dg/express-at-least-once-execution.html',
  check: ({ definition, stateMachineType, idempotentStates = [] }) => {
    if (!isExpress(stateMachineType)) return [];
    return listStates(definition)
      .filter(({ name, state }) => state.Type === 'Task' && !idempotentStates.includes(name))
      .map(({ name }) => ({
        stateName: name,
        message: `Task '${name}' is not marked idempotent, but an asynchronous EXPRESS execution may run it more than once. Make the handler idempotent and declare it (LambdaStep idempotent: true), or use STANDARD (exactly once).`,
      }));
  },
};
