import { StatesError } from './engine/errors';
import { ExecutionResult } from './execution-result';
import type { LocalStateMachine } from './local-state-machine';
import { TaskIntegration } from './task-host';

const START_EXECUTION = /^arn:[^:]+:states:::states:startExecution(\.sync(:2)?|\.waitForTaskToken)?$/;

/** Finds the state machine a `StateMachineArn` parameter names, seen from the parent's stack. */
export type StateMachineLookup = (parent: LocalStateMachine, stateMachineArn: string) => LocalStateMachine | undefined;

/**
 * Runs `states:startExecution` tasks (nested workflows) on the child state machine, locally,
 * with the parent's run options. `.sync:2` returns the child's description with its output
 * as JSON, `.sync` as a string; the plain and `.waitForTaskToken` integrations return the
 * StartExecution response at once. A child that does not succeed fails a `.sync` task with
 * `States.TaskFailed` and the child's description (error and cause included) as the cause.
 * An `Input` given as a JSON string is parsed, as Step Functions does.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html
 */
export function nestedExecutionIntegration(lookup: StateMachineLookup): TaskIntegration {
  return {
    matches: (resource) => START_EXECUTION.test(resource),
    problem: (_, state, machine) => {
      const arn = ((state.Parameters ?? state.Arguments) as Record<string, unknown> | undefined)?.StateMachineArn;
      return typeof arn === 'string' && !arn.startsWith('{%') && !lookup(machine, arn) ? `state machine ${arn} is not in the cloud assembly` : undefined;
    },
    invoke: async ({ invocation, scope }) => {
      const request = invocation.input as { StateMachineArn?: unknown; Input?: unknown; Name?: string };
      const child = lookup(scope.machine, String(request.StateMachineArn));
      if (!child) {
        throw taskError('StepFunctions.StateMachineDoesNotExistException', `State Machine Does Not Exist: '${request.StateMachineArn}' (Service: AWSStepFunctions; Status Code: 400; Error Code: StateMachineDoesNotExist; Proxy: null)`);
      }
      const childInput = typeof request.Input === 'string' ? JSON.parse(request.Input) : (request.Input ?? {});
      const execution = child.start(childInput, { ...scope.options, name: request.Name });
      const recorded = execution.result.then((result) => {
        scope.childExecutions.push(result);
        return result;
      });
      const started = { ExecutionArn: execution.executionArn, StartDate: new Date().toISOString() };
      if (invocation.pattern !== 'RUN_JOB') return started;
      invocation.submitted(started);
      invocation.idle();
      return describeOrFail(await recorded, child, childInput, invocation.resource.endsWith(':2'));
    },
  };
}

function describeOrFail(result: ExecutionResult, child: LocalStateMachine, input: unknown, outputAsJson: boolean): unknown {
  const description = {
    ExecutionArn: result.executionArn,
    Input: outputAsJson ? input : JSON.stringify(input),
    InputDetails: { Included: true },
    Name: result.executionArn.split(':').pop(),
    StateMachineArn: child.stateMachineArn,
    Status: result.status,
  };
  if (result.status !== 'SUCCEEDED') {
    throw taskError('States.TaskFailed', JSON.stringify({ ...description, Error: result.error, Cause: result.cause }));
  }
  return { ...description, Output: outputAsJson ? result.output : JSON.stringify(result.output), OutputDetails: { Included: true } };
}

function taskError(error: string, cause: string): StatesError {
  const failure = new StatesError(error, cause);
  failure.fromTask = true;
  return failure;
}
