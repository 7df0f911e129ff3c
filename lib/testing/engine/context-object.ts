/** What the context object of an execution holds for its whole run. */
export interface ExecutionContext {
  readonly Id: string;
  readonly Input: unknown;
  readonly Name: string;
  readonly RoleArn: string;
  readonly StartTime: string;
  readonly RedriveCount: number;
}

/** What one state contributes to the context object. */
export interface StateContext {
  readonly name: string;
  /** When the state was entered, epoch ms. */
  readonly enteredTime: number;
  /** Retries of this entry so far (Task, Parallel and Map states; the others have no RetryCount). */
  readonly retryCount?: number;
  /** The task token, in a `.waitForTaskToken` task. */
  readonly taskToken?: string;
  /** The item being processed, in a Map's ItemSelector. */
  readonly mapItem?: { readonly Index: number; readonly Value: unknown; readonly Key?: string; readonly Source?: string };
}

/**
 * The context object (`$$` in JSONPath, `$states.context` in JSONata) for one state.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html
 */
export function contextObject(
  execution: ExecutionContext,
  stateMachine: { readonly Id: string; readonly Name: string },
  state: StateContext,
): Record<string, unknown> {
  const context: Record<string, unknown> = {
    Execution: execution,
    State: stateFields(state),
    StateMachine: stateMachine,
  };
  if (state.taskToken !== undefined) context.Task = { Token: state.taskToken };
  if (state.mapItem !== undefined) context.Map = { Item: state.mapItem };
  return context;
}

/** `$$.State`: its EnteredTime is formatted when read (most contexts are built for `$$.State.Name`). */
function stateFields(state: StateContext): Record<string, unknown> {
  let entered: string | undefined;
  if (state.retryCount === undefined) {
    return {
      Name: state.name,
      get EnteredTime() {
        return (entered ??= isoTime(state.enteredTime));
      },
    };
  }
  return {
    get EnteredTime() {
      return (entered ??= isoTime(state.enteredTime));
    },
    Name: state.name,
    RetryCount: state.retryCount,
  };
}

/** Step Functions' timestamps: ISO 8601, UTC, milliseconds, `Z`. */
export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
