import { Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { SAGA_COMPENSATIONS_METADATA } from './assembly/metadata-keys';
import { WorkflowConfigurationError } from './errors';
import { fitStateName, jsonPathKey } from './state-names';

/** One step of a {@link Saga}: an action and, optionally, what undoes it. */
export interface SagaStep {
  /**
   * The forward action: one Task, Parallel or Map state (a Parallel fails as a whole when
   * any branch fails). Wrap a sequence of states in a one-branch `sfn.Parallel`.
   */
  readonly action: sfn.IChainable;
  /**
   * Undoes a completed action; runs when a later step fails. One Task, Parallel or Map
   * state whose `resultPath` keeps the state (for example `$.refund` or
   * `sfn.JsonPath.DISCARD`), since the compensations after it read the same state.
   * Give it its own retry policy and make it idempotent.
   * @default - nothing to undo
   */
  readonly compensation?: sfn.IChainable;
}

/** Properties of a {@link Saga}. */
export interface SagaProps {
  /** The steps, in execution order. At least one. */
  readonly steps: SagaStep[];
  /**
   * Prefix of the state names the saga generates (failure records, the compensation check,
   * the two Fail states), so two sagas can live in one state machine.
   * @default - the construct id
   */
  readonly stateNamePrefix?: string;
  /**
   * Where the saga writes what went wrong: `{ failedStep, Error, Cause, compensationErrors }`.
   * @default '$.sagaError'
   */
  readonly errorPath?: string;
  /**
   * A step that runs after the compensations all succeeded (or none were due), just before the
   * execution fails: for example a `PublishEventStep` announcing `OrderCompensated`. One Task,
   * Parallel or Map state; if it fails, its error goes to `<errorPath>.hookError` and the
   * execution still ends in the fail state.
   * @default - none
   */
  readonly onCompensated?: sfn.IChainable;
  /**
   * A step that runs when a compensation failed, just before the execution ends in
   * CompensationFailed: for example a step that opens a ticket for manual cleanup. Same rules as
   * `onCompensated`.
   * @default - none
   */
  readonly onCompensationFailed?: sfn.IChainable;
}

/**
 * A sequence of steps with compensations: when the action of step k fails (after its own
 * retries), the compensations of steps k-1 … 1 run in reverse order, then the execution
 * fails in {@link Saga.failState} with the original error name and, as the cause, the whole
 * state as JSON (the input, the results so far and `failedStep`).
 *
 * A compensation that fails after its retries does not stop the others: its error is kept
 * under `compensationErrors.<step>` and, once every compensation has had its turn, the
 * execution ends in {@link Saga.compensationFailedState} with the error `CompensationFailed`
 * and the whole state, both errors included, as the cause: what still needs manual cleanup.
 *
 * @see https://docs.aws.amazon.com/prescriptive-guidance/latest/cloud-design-patterns/saga-orchestration.html
 */
export class Saga extends sfn.StateMachineFragment {
  /** The error name of {@link Saga.compensationFailedState}. */
  public static readonly COMPENSATION_FAILED_ERROR = 'CompensationFailed';

  /** The action of the first step. */
  public readonly startState: sfn.State;
  /** The end of the last step's action, where the chain continues on success. */
  public readonly endStates: sfn.INextable[];
  /** Where the execution ends after a failed step was compensated. */
  public readonly failState: sfn.Fail;
  /** Where the execution ends when at least one compensation failed. */
  public readonly compensationFailedState: sfn.Fail;

  private readonly prefix: string;
  private readonly errorPath: string;

  /** @throws WorkflowConfigurationError for an empty step list or a step that cannot catch errors. */
  constructor(scope: Construct, id: string, props: SagaProps) {
    super(scope, id);
    this.prefix = props.stateNamePrefix ?? id;
    this.errorPath = props.errorPath ?? '$.sagaError';
    if (!props.steps || props.steps.length === 0) {
      throw new WorkflowConfigurationError(this, 'Saga has no steps.', 'pass at least one { action, compensation? } in steps.');
    }
    if (!/^\$(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(this.errorPath)) {
      throw new WorkflowConfigurationError(
        this,
        `errorPath must be a JSONPath to a field such as '$.sagaError' (got '${this.errorPath}').`,
        "use '$.' followed by field names.",
      );
    }
    const actions = props.steps.map((step, index) => this.catchable(step.action, `steps[${index}].action`));
    const compensations = props.steps.map((step, index) =>
      step.compensation ? this.keepingState(step.compensation, `steps[${index}].compensation`) : undefined,
    );
    // Diagrams draw the undo path from this: Workflow gathers it onto the state machine resource.
    compensations.forEach((compensation, index) => compensation?.node.addMetadata(SAGA_COMPENSATIONS_METADATA, actions[index].stateId));

    this.failState = new sfn.Fail(this, 'Failed', {
      stateName: fitStateName(`${this.prefix} failed`),
      errorPath: `${this.errorPath}.Error`,
      causePath: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$')),
    });
    this.compensationFailedState = new sfn.Fail(this, 'CompensationFailed', {
      stateName: fitStateName(`${this.prefix} ${Saga.COMPENSATION_FAILED_ERROR}`),
      error: Saga.COMPENSATION_FAILED_ERROR,
      causePath: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$')),
    });

    const failed = this.withHook(props.onCompensated, this.failState, 'onCompensated');
    const compensationFailed = this.withHook(props.onCompensationFailed, this.compensationFailedState, 'onCompensationFailed');
    const compensationEntries = this.wireCompensations(compensations, failed, compensationFailed);
    actions.forEach((action, index) => this.catchFailureOf(action, index, compensationEntries[index]));
    actions.slice(1).forEach((action, index) => (actions[index] as unknown as sfn.INextable).next(action));

    this.startState = actions[0];
    this.endStates = actions[actions.length - 1].endStates;
  }

  /**
   * Chains the compensations in reverse order and returns, for each step k, the state to go
   * to when step k fails: the compensation of the nearest earlier step that has one.
   */
  private wireCompensations(compensations: Array<sfn.State | undefined>, failed: sfn.IChainable, compensationFailed: sfn.IChainable): sfn.IChainable[] {
    const errorPaths = uniqueKeys(compensations).map((key) => key && `${this.errorPath}.compensationErrors.${key}`);
    const present = errorPaths.filter((path): path is string => path !== undefined);
    let entry: sfn.IChainable = present.length === 0 ? failed : this.compensationCheck(present, failed, compensationFailed);
    const entries: sfn.IChainable[] = [];
    compensations.forEach((compensation, index) => {
      entries.push(entry);
      if (!compensation) return;
      (compensation as unknown as sfn.INextable).next(entry);
      catchOf(compensation)(entry, {
        errors: [sfn.Errors.ALL],
        resultPath: errorPaths[index],
      });
      entry = compensation;
    });
    return entries;
  }

  private compensationCheck(errorPaths: string[], failed: sfn.IChainable, compensationFailed: sfn.IChainable): sfn.Choice {
    const conditions = errorPaths.map((path) => sfn.Condition.isPresent(path));
    return new sfn.Choice(this, 'CompensationCheck', { stateName: fitStateName(`${this.prefix} compensation check`) })
      .when(conditions.length === 1 ? conditions[0] : sfn.Condition.or(...conditions), compensationFailed)
      .otherwise(failed);
  }

  /** The hook, chained to the terminal state and catching into `hookError`; the terminal state if there is no hook. */
  private withHook(hook: sfn.IChainable | undefined, terminal: sfn.Fail, label: string): sfn.IChainable {
    if (!hook) return terminal;
    const state = this.keepingState(hook, label);
    (state as unknown as sfn.INextable).next(terminal);
    catchOf(state)(terminal, { errors: [sfn.Errors.ALL], resultPath: `${this.errorPath}.hookError` });
    return state;
  }

  private catchFailureOf(action: sfn.State, index: number, compensationEntry: sfn.IChainable): void {
    const record = new sfn.Pass(this, `Step${index + 1}Failed`, {
      stateName: fitStateName(`${this.prefix} ${action.stateId} failed`),
      parameters: {
        failedStep: action.stateId,
        Error: sfn.JsonPath.stringAt(`${this.errorPath}.Error`),
        Cause: sfn.JsonPath.stringAt(`${this.errorPath}.Cause`),
        compensationErrors: {},
      },
      resultPath: this.errorPath,
    });
    record.next(compensationEntry);
    catchOf(action)(record, { errors: [sfn.Errors.ALL], resultPath: this.errorPath });
  }

  private catchable(chainable: sfn.IChainable, label: string): sfn.State {
    if (!(chainable instanceof sfn.State) || typeof (chainable as any).addCatch !== 'function' || chainable.endStates.length !== 1) {
      throw new WorkflowConfigurationError(
        this,
        `${label} (${chainable.id}) is not a single Task, Parallel or Map state, so the saga cannot catch its errors.`,
        'pass one state, or wrap a sequence of states in a sfn.Parallel with one branch.',
      );
    }
    return chainable;
  }

  /** A catchable state whose result does not replace the state (which holds the failure record). */
  private keepingState(chainable: sfn.IChainable, label: string): sfn.State {
    const state = this.catchable(chainable, label);
    const resultPath = Stack.of(this).resolve((state.toStateJson() as { ResultPath?: unknown }).ResultPath);
    if (resultPath === undefined || resultPath === '$') {
      throw new WorkflowConfigurationError(
        this,
        `${label} (${state.stateId}) replaces the whole state with its result, so the states after it lose the data they need and the saga its failure record.`,
        "give it a resultPath such as '$.refund', or sfn.JsonPath.DISCARD.",
      );
    }
    return state;
  }
}

function catchOf(state: sfn.State): (handler: sfn.IChainable, props: sfn.CatchProps) => void {
  return (handler, props) => (state as unknown as { addCatch(h: sfn.IChainable, p: sfn.CatchProps): void }).addCatch(handler, props);
}

/**
 * JSONPath keys for the compensations' state names (undefined where a step has none), made
 * unique with a number suffix when two collide.
 */
function uniqueKeys(states: Array<sfn.State | undefined>): Array<string | undefined> {
  const seen = new Set<string>();
  return states.map((state) => {
    if (!state) return undefined;
    const base = jsonPathKey(state.stateId);
    let key = base;
    for (let n = 2; seen.has(key); n++) key = `${base}_${n}`;
    seen.add(key);
    return key;
  });
}
