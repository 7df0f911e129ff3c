import { ExecutionResult } from './execution-result';
import type { LocalStateMachine } from './local-state-machine';
import { TaskIntegration } from './task-dispatcher';
import { TaskFailure } from './task-failure';

const START_EXECUTION = /^arn:aws:states:::states:startExecution(\.sync(:2)?|\.waitForTaskToken)?$/;

/** Finds the state machine a `StateMachineArn` parameter names, seen from the parent's stack. */
export type StateMachineLookup = (parent: LocalStateMachine, stateMachineArn: string) => LocalStateMachine | undefined;

/**
 * Runs `states:startExecution` tasks (nested workflows) on the child state machine, locally,
 * with the parent's run options. `.sync:2` returns the child's output as JSON, `.sync` as a
 * string, and the plain and `.waitForTaskToken` integrations return at once. A child that
 * does not succeed fails a `.sync` task with `States.TaskFailed` and the child's error and
 * cause in the cause. An `Input` given as a JSON string is parsed, as Step Functions does.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html
 */
export function nestedExecutionIntegration(lookup: StateMachineLookup): TaskIntegration {
  return {
    matches: (resource) => START_EXECUTION.test(resource),
    problem: (_, state, machine) => {
      const arn = (state.Parameters as Record<string, unknown> | undefined)?.StateMachineArn;
      return typeof arn === 'string' && !lookup(machine, arn) ? `state machine ${arn} is not in the cloud assembly` : undefined;
    },
    invoke: async ({ state, input, scope }) => {
      const child = lookup(scope.machine, String(input.StateMachineArn));
      if (!child) {
        throw new TaskFailure('StepFunctions.StateMachineDoesNotExistException', `No state machine ${input.StateMachineArn} in the cloud assembly.`);
      }
      const childInput = typeof input.Input === 'string' ? JSON.parse(input.Input) : (input.Input ?? {});
      const execution = child.start(childInput, { ...scope.options, name: input.Name });
      const recorded = execution.result.then((result) => {
        scope.childExecutions.push(result);
        return result;
      });
      const resource = String(state.Resource);
      if (!resource.includes('.sync')) return { ExecutionArn: execution.executionArn, StartDate: new Date().toISOString() };
      return describeOrFail(await recorded, child, input, resource.endsWith(':2'));
    },
  };
}

function describeOrFail(result: ExecutionResult, child: LocalStateMachine, input: any, outputAsJson: boolean): unknown {
  const description = {
    ExecutionArn: result.executionArn,
    StateMachineArn: child.stateMachineArn,
    Name: result.executionArn.split(':').pop(),
    Status: result.status,
    Input: JSON.stringify(input.Input ?? {}),
  };
  if (result.status !== 'SUCCEEDED') {
    throw new TaskFailure('States.TaskFailed', JSON.stringify({ ...description, Error: result.error, Cause: result.cause }));
  }
  return { ...description, Output: outputAsJson ? result.output : JSON.stringify(result.output) };
}
