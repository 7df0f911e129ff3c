import { StateMachine } from 'aws-local-stepfunctions';

/** The ASL errors that are timeouts: `States.TaskFailed` does not match them. */
export const TIMEOUT_ERRORS: readonly string[] = ['States.Timeout', 'States.HeartbeatTimeout'];

/**
 * A task's error as the interpreter must see it: a timeout (thrown by a test, the Lambda
 * runtime or the task-token broker) becomes the interpreter's timeout error, with its name and
 * message kept; any other error stays as it is.
 */
export async function asInterpreterError(error: unknown): Promise<Error> {
  const failure = error instanceof Error ? error : Object.assign(new Error(String(error)), { name: 'Error' });
  if (!TIMEOUT_ERRORS.includes(failure.name)) return failure;
  const timeout = await statesTimeoutError();
  if (failure.constructor === timeout.constructor) return failure;
  timeout.name = failure.name;
  timeout.message = failure.message;
  return timeout;
}

let timeoutErrorClass: (new () => Error) | undefined;

/**
 * A `States.Timeout` error the interpreter treats as a timeout: `States.TaskFailed` does not
 * match it, as in Step Functions. aws-local-stepfunctions does not export the class, so it is
 * taken once from a task that times out after a millisecond.
 */
async function statesTimeoutError(): Promise<Error> {
  timeoutErrorClass ??= await probeTimeoutErrorClass();
  return new timeoutErrorClass();
}

async function probeTimeoutErrorClass(): Promise<new () => Error> {
  const probe = new StateMachine(
    { StartAt: 'Hang', States: { Hang: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:probe', TimeoutSeconds: 0.001, End: true } } } as any,
    { validationOptions: { noValidate: true } },
  );
  const execution = probe.run({}, { overrides: { taskResourceLocalHandlers: { Hang: () => new Promise(() => undefined) } } });
  const error = await execution.result.then(
    () => undefined,
    (failure: { cause?: Error }) => failure.cause,
  );
  if (error?.name !== 'States.Timeout') throw new Error('aws-local-stepfunctions did not time out the probe task as expected.');
  return error.constructor as new () => Error;
}
