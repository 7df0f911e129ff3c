import { Annotations, Token } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { SAGA_COMPENSATIONS_METADATA } from '../assembly/metadata-keys';
import { IWorkflowStep, WorkflowStepConfig } from '../workflow/workflow-step';
import { WorkflowConfigurationError } from '../private/errors';
import { frozen } from '../private/frozen';
import { declaredQueryLanguage, declareQueryLanguage, isJsonata } from '../private/query-language';
import { fitStateName, jsonPathKey, variableNamePrefix } from '../private/state-names';

/** One step of a {@link Saga}: an action and, optionally, what undoes it. */
export interface SagaStep {
  /**
   * The forward action: one Task, Parallel or Map state (a Parallel fails as a whole when
   * any branch fails). Wrap a sequence of states in a one-branch `sfn.Parallel`. Its
   * `resultPath` must not write into the saga's error record (`errorPath`).
   */
  readonly action: sfn.IChainable;
  /**
   * Undoes the action. Runs when a later step fails, and also when this step's own action
   * fails with one of its {@link SagaStep.ambiguousErrors} (the action may have taken effect
   * before it failed). One Task, Parallel or Map state whose `resultPath` keeps the state and
   * stays out of the error record (for example `$.refund` or `sfn.JsonPath.DISCARD`), since
   * the compensations after it read the same state.
   *
   * Give it its own retry policy, and make it idempotent and tolerant of "nothing to undo":
   * after an ambiguous failure it runs without the action's result, so it must find what to
   * undo by a key it can derive from the input (the action's idempotency key), and succeed
   * when there is nothing.
   *
   * @default - nothing to undo
   */
  readonly compensation?: sfn.IChainable;
  /**
   * The errors after which the action's effect is unknown: it may have happened even though
   * the step failed (a timeout, a lost reply, a runtime that died). On these, the step's own
   * compensation runs before the earlier steps' compensations; a step without a compensation
   * makes the saga end in {@link Saga.needsReconciliationState} instead of a clean
   * "compensated". Pass `[]` for a step whose effect needs no undoing (a notification, a
   * review request), or add the action's own ambiguous error names (a handler's
   * `PaymentProviderTimeout`). `States.ALL` (alone) makes every failure ambiguous.
   *
   * @default Saga.DEFAULT_AMBIGUOUS_ERRORS
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
   */
  readonly ambiguousErrors?: string[];
}

/** Properties of a {@link Saga}. */
export interface SagaProps {
  /** The steps, in execution order. At least one. */
  readonly steps: SagaStep[];
  /**
   * Prefix of the state names the saga generates (failure records, the compensation check,
   * the three Fail states), so two sagas can live in one state machine.
   * @default - the construct id
   */
  readonly stateNamePrefix?: string;
  /**
   * The query language of the saga's states, and of its actions, compensations and hooks (a
   * state that declares none is made one of the saga's language; one that declares the other
   * is refused). In JSONata the failure record lives in the variable `errorVariable` instead of
   * the state, and each compensation and hook must set `outputs` (usually keeping
   * `$states.input`), since the compensations after it read the same state.
   * @default sfn.QueryLanguage.JSON_PATH
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
   */
  readonly queryLanguage?: sfn.QueryLanguage;
  /**
   * JSONPath only: where the saga writes what went wrong:
   * `{ failedStep, Error, Cause, ambiguous, needsReconciliation, compensationErrors }`. No action,
   * compensation or hook may write into it.
   * @default '$.sagaError'
   */
  readonly errorPath?: string;
  /**
   * JSONata only: the variable holding what went wrong (the same record as `errorPath` in
   * JSONPath), e.g. `'{% $sagaError.failedStep %}'` in a hook. The fail states' cause is the state
   * with the record under this name, as in JSONPath.
   * @default 'sagaError'
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
   */
  readonly errorVariable?: string;
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
   * `onCompensated`. It also runs when the failed step's effect is unknown and it has no
   * compensation (the record then says `needsReconciliation: true`): CompensationFailed wins
   * over NeedsReconciliation.
   * @default - none
   */
  readonly onCompensationFailed?: sfn.IChainable;
  /**
   * A step that runs when the failed step's effect is unknown and nothing could undo it (its
   * error is one of its `ambiguousErrors` and it has no compensation), once the earlier steps'
   * compensations all succeeded, just before the execution ends in NeedsReconciliation: for
   * example a step that asks an operator to check what the step did. Same rules as
   * `onCompensated`.
   * @default - none
   */
  readonly onNeedsReconciliation?: sfn.IChainable;
}

/**
 * A sequence of steps with compensations: when the action of step k fails (after its own
 * retries), the compensations of steps k-1 … 1 run in reverse order, then the execution
 * fails in {@link Saga.failState} with the original error name and, as the cause, the whole
 * state as JSON (the input, the results so far and the failure record).
 *
 * When the error is one of step k's `ambiguousErrors` (by default
 * {@link Saga.DEFAULT_AMBIGUOUS_ERRORS}: timeouts and lost Lambda replies), step k's effect is
 * unknown: its own compensation runs first, then those of k-1 … 1. If step k has no
 * compensation, the earlier compensations still run and the execution ends in
 * {@link Saga.needsReconciliationState} (error `NeedsReconciliation`): never in a clean
 * "compensated" for a step that may have taken effect.
 *
 * A compensation that fails after its retries does not stop the others: its error is kept
 * under `compensationErrors.<step>` and, once every compensation has had its turn, the
 * execution ends in {@link Saga.compensationFailedState} with the error `CompensationFailed`
 * and the whole state, both errors included, as the cause: what still needs manual cleanup.
 *
 * @see https://docs.aws.amazon.com/prescriptive-guidance/latest/cloud-design-patterns/saga-orchestration.html
 */
export class Saga extends sfn.StateMachineFragment {
  /** The compensations by state name, each with the action it undoes. */
  private readonly compensatedActions: Record<string, string>;
  /** The variables a failed action's catch sets for the failure record (one set per saga). */
  private readonly variables: { readonly failedStep: string; readonly ambiguous: string; readonly needsReconciliation: string };

  /** The error name of {@link Saga.compensationFailedState}. */
  public static readonly COMPENSATION_FAILED_ERROR = 'CompensationFailed';
  /** The error name of {@link Saga.needsReconciliationState}. */
  public static readonly NEEDS_RECONCILIATION_ERROR = 'NeedsReconciliation';

  /**
   * The errors after which a step's effect is unknown, unless the step says otherwise
   * ({@link SagaStep.ambiguousErrors}), each because the work may have been done when the
   * error was raised:
   *
   * - `States.Timeout`, `States.HeartbeatTimeout`: Step Functions stopped waiting, the work
   *   may still have run; `States.Http.Socket`: an HTTP Task timed out after 60 s
   *   (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html);
   * - `Lambda.ServiceException`, `Lambda.AWSLambdaException`, `Lambda.SdkClientException`,
   *   `Lambda.ClientExecutionTimeoutException`: the Invoke call failed with a 500 or timed out,
   *   so the function may have run; `Lambda.Unknown`: unhandled function errors, out-of-memory
   *   errors and function timeouts
   *   (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html);
   * - `Sandbox.Timedout`: the function ran out of time
   *   (https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html#troubleshooting-timeouts);
   * - `Runtime.ExitError`: the runtime process died during the invocation
   *   (https://repost.aws/knowledge-center/lambda-runtime-error).
   *
   * Not included: `Lambda.TooManyRequestsException` (throttled: the function did not run) and
   * errors a handler throws by name (they say what happened).
   */
  public static readonly DEFAULT_AMBIGUOUS_ERRORS: string[] = frozen([
    sfn.Errors.TIMEOUT,
    sfn.Errors.HEARTBEAT_TIMEOUT,
    'States.Http.Socket',
    'Lambda.ServiceException',
    'Lambda.AWSLambdaException',
    'Lambda.SdkClientException',
    'Lambda.ClientExecutionTimeoutException',
    'Lambda.Unknown',
    'Sandbox.Timedout',
    'Runtime.ExitError',
  ]);

  /** The action of the first step. */
  public readonly startState: sfn.State;
  /** The end of the last step's action, where the chain continues on success. */
  public readonly endStates: sfn.INextable[];
  /** Where the execution ends after a failed step was compensated. */
  public readonly failState: sfn.Fail;
  /** Where the execution ends when at least one compensation failed. */
  public readonly compensationFailedState: sfn.Fail;
  /**
   * Where the execution ends when the failed step's effect is unknown and it has no
   * compensation (and every due compensation succeeded): error `NeedsReconciliation`, the
   * whole state (input, results, failure record) as the cause. Not part of the state machine
   * when no step can end there (every step with `ambiguousErrors` has a compensation).
   */
  public readonly needsReconciliationState: sfn.Fail;

  /** JSONata only: the variable holding the failure record. */
  public readonly errorVariable?: string;

  private readonly prefix: string;
  private readonly errorPath: string;
  private readonly queryLanguage: sfn.QueryLanguage;

  /**
   * @throws WorkflowConfigurationError for a setting of the other query language (`errorPath` in
   * JSONata, `errorVariable` in JSONPath), an invalid `errorVariable`, a step of the other
   * language, a JSONata compensation or hook without `outputs`, an empty step list, a step that cannot catch errors,
   * an ambiguous error list that is not a list of error names (or `States.ALL` alone), or an
   * action, compensation or hook whose `resultPath` writes into the error record (or, for a
   * compensation or hook, replaces or narrows the state), or a compensation of the last step
   * when that step has no ambiguous errors (it could never run).
   */
  constructor(scope: Construct, id: string, props: SagaProps) {
    super(scope, id);
    this.prefix = props.stateNamePrefix ?? id;
    this.queryLanguage = props.queryLanguage ?? sfn.QueryLanguage.JSON_PATH;
    this.errorPath = props.errorPath ?? '$.sagaError';
    this.errorVariable = this.jsonata ? this.errorVariableOf(props) : undefined;
    // The prefix is unique in the state machine (state names are), so the variables are too.
    const variablePrefix = variableNamePrefix(this.prefix, 'NeedsReconciliation'.length);
    this.variables = {
      failedStep: `${variablePrefix}FailedStep`,
      ambiguous: `${variablePrefix}Ambiguous`,
      needsReconciliation: `${variablePrefix}NeedsReconciliation`,
    };
    if (!props.steps || props.steps.length === 0) {
      throw new WorkflowConfigurationError(this, 'Saga has no steps.', 'pass at least one { action, compensation? } in steps.');
    }
    if (this.jsonata && props.errorPath !== undefined) {
      throw new WorkflowConfigurationError(
        this,
        `errorPath ('${props.errorPath}') is a JSONPath setting, but the saga is JSONata, where the failure record lives in a variable.`,
        'drop errorPath, and name the variable with errorVariable if the default (sagaError) does not suit.',
      );
    }
    if (!this.jsonata && props.errorVariable !== undefined) {
      throw new WorkflowConfigurationError(
        this,
        `errorVariable ('${props.errorVariable}') is a JSONata setting, but the saga is JSONPath, where the failure record lives in the state at errorPath.`,
        'pass queryLanguage: sfn.QueryLanguage.JSONATA to the Saga, or use errorPath.',
      );
    }
    if (!/^\$(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(this.errorPath)) {
      throw new WorkflowConfigurationError(
        this,
        `errorPath must be a JSONPath to a field such as '$.sagaError' (got '${this.errorPath}').`,
        "use '$.' followed by field names.",
      );
    }
    const actions = props.steps.map((step, index) => this.actionOf(step.action, `steps[${index}].action`));
    const compensations = props.steps.map((step, index) =>
      step.compensation ? this.keepingState(step.compensation, `steps[${index}].compensation`) : undefined,
    );
    const ambiguousErrors = props.steps.map((step, index) => this.ambiguousErrorsOf(step, `steps[${index}].ambiguousErrors`));
    this.requireReachableLastCompensation(compensations, ambiguousErrors);
    this.compensatedActions = Object.fromEntries(
      compensations.flatMap((compensation, index) => (compensation ? [[compensation.stateId, actions[index].stateId]] : [])),
    );

    this.failState = this.failStateOf('Failed', `${this.prefix} failed`);
    this.compensationFailedState = this.failStateOf('CompensationFailed', `${this.prefix} ${Saga.COMPENSATION_FAILED_ERROR}`, Saga.COMPENSATION_FAILED_ERROR);
    this.needsReconciliationState = this.failStateOf('NeedsReconciliation', `${this.prefix} ${Saga.NEEDS_RECONCILIATION_ERROR}`, Saga.NEEDS_RECONCILIATION_ERROR);

    const ends: SagaEnds = {
      failed: this.withHook(props.onCompensated, this.failState, 'onCompensated'),
      compensationFailed: this.withHook(props.onCompensationFailed, this.compensationFailedState, 'onCompensationFailed'),
      needsReconciliation: this.withHook(props.onNeedsReconciliation, this.needsReconciliationState, 'onNeedsReconciliation'),
    };
    const reconciliationPossible = ambiguousErrors.some((errors, index) => errors.length > 0 && !compensations[index]);
    if (props.onNeedsReconciliation && !reconciliationPossible) {
      Annotations.of(this).addWarningV2(
        'Workflow-SagaHookNeverRuns',
        'onNeedsReconciliation never runs: every step with ambiguousErrors has a compensation, so no failure ends in NeedsReconciliation. Remove the hook, or check the steps\' ambiguousErrors.',
      );
    }
    const compensationEntries = this.wireCompensations(compensations, ends, reconciliationPossible);
    const record = this.failureRecord(actions, compensations, ambiguousErrors, compensationEntries);
    actions.forEach((action, index) => this.catchFailureOf(action, ambiguousErrors[index], compensations[index] === undefined, record));
    actions.slice(1).forEach((action, index) => (actions[index] as unknown as sfn.INextable).next(action));

    this.startState = actions[0];
    this.endStates = actions[actions.length - 1].endStates;
  }

  private get jsonata(): boolean {
    return isJsonata(this.queryLanguage);
  }

  /**
   * A terminal state of the saga: the error (the failed step's, unless given) and, as the
   * cause, the whole state as JSON with the failure record in it (JSONata: the input with the
   * record variable added under its name, the shape JSONPath gives).
   */
  private failStateOf(id: string, stateName: string, error?: string): sfn.Fail {
    const common = { stateName: fitStateName(stateName), queryLanguage: this.queryLanguage };
    if (this.jsonata) {
      const record = `$${this.errorVariable}`;
      return new sfn.Fail(this, id, {
        ...common,
        error: error ?? `{% ${record}.Error %}`,
        cause: `{% $string($merge([$states.input, {${JSON.stringify(this.errorVariable)}: ${record}}])) %}`,
      });
    }
    const wholeState = sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$'));
    return new sfn.Fail(this, id, { ...common, ...(error ? { error } : { errorPath: `${this.errorPath}.Error` }), causePath: wholeState });
  }

  /** The record variable's name, checked: an identifier of at most 80 characters, not `states`. */
  private errorVariableOf(props: SagaProps): string {
    const name = props.errorVariable ?? 'sagaError';
    if (Token.isUnresolved(name) || !/^[A-Za-z_][A-Za-z0-9_]{0,79}$/.test(name) || name === 'states') {
      throw new WorkflowConfigurationError(
        this,
        `errorVariable '${name}' is not a variable name Step Functions accepts.`,
        "use an identifier of at most 80 characters (letters, digits, _; not starting with a digit), other than 'states', e.g. 'sagaError'.",
      );
    }
    return name;
  }

  /**
   * A JSONata catch's settings: the state input kept as the output (so the states after it
   * see what the failed state saw), and the record variable updated by `update`, an expression
   * over `$states.errorOutput` and the record.
   */
  private jsonataCatch(update: string): Pick<sfn.CatchProps, 'outputs' | 'assign'> {
    return { outputs: '{% $states.input %}', assign: { [this.errorVariable!]: `{% ${update} %}` } };
  }

  /** `$merge([<record>, {<field>: <value>}])`: the record with one field added or replaced. */
  private recordWith(field: string, value: string): string {
    return `$merge([$${this.errorVariable}, {${JSON.stringify(field)}: ${value}}])`;
  }

  /**
   * Chains the compensations in reverse order and returns, for each step k, the state to go
   * to when step k fails: the compensation of the nearest earlier step that has one.
   */
  private wireCompensations(compensations: Array<sfn.State | undefined>, ends: SagaEnds, reconciliationPossible: boolean): sfn.IChainable[] {
    const errorPaths = uniqueKeys(compensations).map((key) => key && `${this.errorPath}.compensationErrors.${key}`);
    const present = errorPaths.filter((path): path is string => path !== undefined);
    let entry: sfn.IChainable = present.length === 0 && !reconciliationPossible ? ends.failed : this.compensationCheck(present, ends, reconciliationPossible);
    const entries: sfn.IChainable[] = [];
    compensations.forEach((compensation, index) => {
      entries.push(entry);
      if (!compensation) return;
      (compensation as unknown as sfn.INextable).next(entry);
      const key = errorPaths[index]!.slice(`${this.errorPath}.compensationErrors.`.length);
      catchOf(compensation)(entry, {
        errors: [sfn.Errors.ALL],
        ...(this.jsonata
          ? this.jsonataCatch(this.recordWith('compensationErrors', `$merge([$${this.errorVariable}.compensationErrors, {${JSON.stringify(key)}: $states.errorOutput}])`))
          : { resultPath: errorPaths[index] }),
      });
      entry = compensation;
    });
    return entries;
  }

  /**
   * After the compensations: CompensationFailed if any failed, else NeedsReconciliation if the
   * failed step's effect is unknown and nothing undid it, else the plain failure.
   */
  private compensationCheck(errorPaths: string[], ends: SagaEnds, reconciliationPossible: boolean): sfn.Choice {
    const check = new CompensationCheck(
      this,
      'CompensationCheck',
      { stateName: fitStateName(`${this.prefix} compensation check`), queryLanguage: this.queryLanguage },
      this.compensatedActions,
    );
    const record = `$${this.errorVariable}`;
    if (errorPaths.length > 0) {
      const conditions = errorPaths.map((path) => sfn.Condition.isPresent(path));
      check.when(
        this.jsonata
          ? sfn.Condition.jsonata(`{% $count($keys(${record}.compensationErrors)) > 0 %}`)
          : conditions.length === 1 ? conditions[0] : sfn.Condition.or(...conditions),
        ends.compensationFailed,
      );
    }
    if (reconciliationPossible) {
      check.when(
        this.jsonata
          ? sfn.Condition.jsonata(`{% ${record}.needsReconciliation = true %}`)
          : sfn.Condition.booleanEquals(`${this.errorPath}.needsReconciliation`, true),
        ends.needsReconciliation,
      );
    }
    return check.otherwise(ends.failed);
  }

  /** The hook, chained to the terminal state and catching into `hookError`; the terminal state if there is no hook. */
  private withHook(hook: sfn.IChainable | undefined, terminal: sfn.Fail, label: string): sfn.IChainable {
    if (!hook) return terminal;
    const state = this.keepingState(hook, label);
    (state as unknown as sfn.INextable).next(terminal);
    catchOf(state)(terminal, {
      errors: [sfn.Errors.ALL],
      ...(this.jsonata ? this.jsonataCatch(this.recordWith('hookError', '$states.errorOutput')) : { resultPath: `${this.errorPath}.hookError` }),
    });
    return state;
  }

  /**
   * Catches the action's failure into the error record: its ambiguous errors flagged as such,
   * every other error plain. The catch writes `{ Error, Cause }` to the record and names the
   * step in variables; the one failure-record state of the saga completes the record.
   */
  private catchFailureOf(action: sfn.State, ambiguousErrors: string[], uncompensated: boolean, record: sfn.IChainable): void {
    const catchProps = (ambiguous: boolean): sfn.CatchProps => {
      const assign = {
        [this.variables.failedStep]: action.stateId,
        [this.variables.ambiguous]: ambiguous,
        [this.variables.needsReconciliation]: ambiguous && uncompensated,
      };
      if (!this.jsonata) return { resultPath: this.errorPath, assign };
      const caught = this.jsonataCatch('$states.errorOutput');
      return { ...caught, assign: { ...assign, ...caught.assign } };
    };
    if (ambiguousErrors.length > 0) catchOf(action)(record, { errors: ambiguousErrors, ...catchProps(true) });
    if (!ambiguousErrors.includes(sfn.Errors.ALL)) catchOf(action)(record, { errors: [sfn.Errors.ALL], ...catchProps(false) });
  }

  /**
   * The saga's one failure record,
   * `{ failedStep, Error, Cause, ambiguous, needsReconciliation, compensationErrors }`, and the
   * Choice after it that starts the compensations where the failed step's failure calls for: its
   * own compensation after an ambiguous failure, else
   * that of the nearest earlier step that has one. One pair of states for the whole saga,
   * however many steps it has.
   */
  private failureRecord(
    actions: sfn.State[],
    compensations: Array<sfn.State | undefined>,
    ambiguousErrors: string[][],
    earlierCompensations: sfn.IChainable[],
  ): sfn.IChainable {
    const record = new sfn.Pass(this, 'FailureRecord', {
      stateName: fitStateName(`${this.prefix} failure record`),
      queryLanguage: this.queryLanguage,
      ...(this.jsonata ? { assign: { [this.errorVariable!]: this.jsonataRecord() } } : {
        parameters: {
          'failedStep.$': `$${this.variables.failedStep}`,
          'Error.$': `${this.errorPath}.Error`,
          'Cause.$': `${this.errorPath}.Cause`,
          'ambiguous.$': `$${this.variables.ambiguous}`,
          'needsReconciliation.$': `$${this.variables.needsReconciliation}`,
          compensationErrors: {},
        },
        resultPath: this.errorPath,
      }),
    });
    const route = new sfn.Choice(this, 'Compensate', { stateName: fitStateName(`${this.prefix} compensate`), queryLanguage: this.queryLanguage });
    // One rule per compensation, latest first: a step's own compensation (after an ambiguous
    // failure) is checked before the nearest earlier one its plain failures start at. One rule
    // per target also lets a run's history tell which rule was taken.
    for (let index = actions.length - 1; index >= 0; index--) {
      const compensation = compensations[index];
      if (!compensation) continue;
      const own = ambiguousErrors[index].length > 0 ? actions[index].stateId : undefined;
      const later = actions.filter((_, k) => k > index && earlierCompensations[k] === compensation).map((action) => action.stateId);
      if (own !== undefined || later.length > 0) route.when(this.startsAt(own, later), compensation);
    }
    route.otherwise(earlierCompensations[0]);
    return record.next(route);
  }

  /** The condition that starts the compensations at a step's: its own failure when ambiguous, or a plain failure of one of `later`. */
  private startsAt(own: string | undefined, later: string[]): sfn.Condition {
    if (this.jsonata) {
      const record = `$${this.errorVariable}`;
      const parts = [
        ...(own !== undefined ? [`(${record}.failedStep = ${JSON.stringify(own)} and ${record}.ambiguous = true)`] : []),
        ...(later.length === 1 ? [`${record}.failedStep = ${JSON.stringify(later[0])}`] : []),
        ...(later.length > 1 ? [`${record}.failedStep in [${later.map((step) => JSON.stringify(step)).join(', ')}]`] : []),
      ];
      return sfn.Condition.jsonata(`{% ${parts.join(' or ')} %}`);
    }
    const failedStep = `${this.errorPath}.failedStep`;
    const parts = [
      ...(own !== undefined ? [sfn.Condition.and(sfn.Condition.stringEquals(failedStep, own), sfn.Condition.booleanEquals(`${this.errorPath}.ambiguous`, true))] : []),
      ...later.map((step) => sfn.Condition.stringEquals(failedStep, step)),
    ];
    return parts.length === 1 ? parts[0] : sfn.Condition.or(...parts);
  }

  /**
   * JSONata: the failure record, from what the failed action's catch assigned (the error under
   * the record variable, the step and its ambiguity in the saga's variables).
   */
  private jsonataRecord(): string {
    const caught = `$${this.errorVariable}`;
    const fields = [
      `"failedStep": $${this.variables.failedStep}`,
      `"Error": ${caught}.Error`,
      `"Cause": ${caught}.Cause`,
      `"ambiguous": $${this.variables.ambiguous}`,
      `"needsReconciliation": $${this.variables.needsReconciliation}`,
      '"compensationErrors": {}',
    ];
    return `{% {${fields.join(', ')}} %}`;
  }

  /**
   * A compensation runs after a later step fails, or after its own step fails ambiguously: the
   * last step's, with no ambiguous errors, could never run.
   */
  private requireReachableLastCompensation(compensations: Array<sfn.State | undefined>, ambiguousErrors: string[][]): void {
    const last = compensations.length - 1;
    if (compensations[last] && ambiguousErrors[last].length === 0) {
      throw new WorkflowConfigurationError(
        this,
        `steps[${last}].compensation (${compensations[last]!.stateId}) can never run: it belongs to the last step, whose ambiguousErrors is [], and a compensation runs only after a later step fails or after its own step fails ambiguously.`,
        `remove the last step's compensation, or list in steps[${last}].ambiguousErrors the errors after which its effect is unknown.`,
      );
    }
  }

  private ambiguousErrorsOf(step: SagaStep, label: string): string[] {
    const errors = step.ambiguousErrors ?? Saga.DEFAULT_AMBIGUOUS_ERRORS;
    const invalid = errors.find((error) => typeof error !== 'string' || (!Token.isUnresolved(error) && error.trim() === ''));
    if (invalid !== undefined) {
      throw new WorkflowConfigurationError(this, `${label} holds ${JSON.stringify(invalid)}, which is not an error name.`, "list error names such as 'States.Timeout', or pass [] for none.");
    }
    if (errors.includes(sfn.Errors.ALL) && errors.length > 1) {
      throw new WorkflowConfigurationError(
        this,
        `${label} lists ${sfn.Errors.ALL} with other errors (${errors.filter((e) => e !== sfn.Errors.ALL).join(', ')}); Step Functions requires it alone.`,
        `pass [sfn.Errors.ALL] alone to make every failure ambiguous, or list the error names without it.`,
      );
    }
    return [...new Set(errors)];
  }

  private catchable(chainable: sfn.IChainable, label: string): sfn.State {
    if (!(chainable instanceof sfn.State) || typeof (chainable as any).addCatch !== 'function' || chainable.endStates.length !== 1) {
      throw new WorkflowConfigurationError(
        this,
        `${label} (${chainable.id}) is not a single Task, Parallel or Map state, so the saga cannot catch its errors.`,
        'pass one state, or wrap a sequence of states in a sfn.Parallel with one branch.',
      );
    }
    this.adoptLanguage(chainable, label);
    return chainable;
  }

  /**
   * Makes a state of the saga (action, compensation, hook) speak the saga's language: the catch
   * the saga adds renders in the state's language. A state that declares none is declared the
   * saga's; one that declares the other is refused.
   */
  private adoptLanguage(state: sfn.State, label: string): void {
    const declared = declaredQueryLanguage(state);
    if (declared === undefined) {
      // A JSONPath state inherits JSONPath, or refuses to sit in a JSONata machine: left undeclared as before.
      if (this.jsonata) declareQueryLanguage(state, this.queryLanguage);
      return;
    }
    if (declared !== this.queryLanguage) {
      throw new WorkflowConfigurationError(
        this,
        `${label} (${state.stateId}) is a ${declared} state, but the saga is ${this.queryLanguage}: the catch the saga adds to it, and the failure record, would not match.`,
        `build it with queryLanguage: sfn.QueryLanguage.${this.jsonata ? 'JSONATA' : 'JSON_PATH'} (StepDefaults takes it too), or pass queryLanguage: sfn.QueryLanguage.${this.jsonata ? 'JSON_PATH' : 'JSONATA'} to the Saga.`,
      );
    }
  }

  /** A catchable action whose result does not land inside the error record. */
  private actionOf(chainable: sfn.IChainable, label: string): sfn.State {
    const state = this.catchable(chainable, label);
    if (this.jsonata) return state;
    const { resultPath } = statePaths(state);
    if (resultPath !== undefined && resultPath !== '$' && this.overlapsErrorRecord(resultPath)) {
      throw new WorkflowConfigurationError(
        this,
        `${label} (${state.stateId}) has resultPath '${resultPath}', which overlaps the saga's error record '${this.errorPath}': a later failure would overwrite the result, or the result the record.`,
        `give it a resultPath outside '${this.errorPath}' (for example '$.${lowerFirst(jsonPathKey(state.stateId))}'), or move the record with errorPath.`,
      );
    }
    return state;
  }

  /**
   * A catchable state whose result does not replace the state, narrow it or write into the
   * error record: the states after it need the data, and the saga its failure record.
   */
  private keepingState(chainable: sfn.IChainable, label: string): sfn.State {
    const state = this.catchable(chainable, label);
    if (this.jsonata) return this.keepingStateInJsonata(state, label);
    const { resultPath, outputPath } = statePaths(state);
    if (resultPath === undefined || resultPath === '$') {
      throw new WorkflowConfigurationError(
        this,
        `${label} (${state.stateId}) replaces the whole state with its result, so the states after it lose the data they need and the saga its failure record.`,
        "give it a resultPath such as '$.refund', or sfn.JsonPath.DISCARD.",
      );
    }
    if (this.overlapsErrorRecord(resultPath)) {
      throw new WorkflowConfigurationError(
        this,
        `${label} (${state.stateId}) has resultPath '${resultPath}', which writes into the saga's error record '${this.errorPath}': the original error and the failed step would be lost.`,
        `give it a resultPath outside '${this.errorPath}', such as '$.refund', or sfn.JsonPath.DISCARD.`,
      );
    }
    if (outputPath !== undefined && outputPath !== '$' && !Token.isUnresolved(outputPath)) {
      throw new WorkflowConfigurationError(
        this,
        `${label} (${state.stateId}) has outputPath '${outputPath}', which drops the rest of the state, the saga's error record '${this.errorPath}' included.`,
        'remove outputPath; shape what it stores with resultSelector instead.',
      );
    }
    return state;
  }

  /**
   * JSONata: a state whose output is its result replaces the state for the compensations
   * after it; it must say what it outputs (usually keeping `$states.input`).
   */
  private keepingStateInJsonata(state: sfn.State, label: string): sfn.State {
    const { outputs } = state as unknown as { outputs?: unknown };
    if (outputs === undefined) {
      throw new WorkflowConfigurationError(
        this,
        `${label} (${state.stateId}) has no outputs, so in JSONata its result replaces the state: the states after it lose the data they need.`,
        'give it outputs: \'{% $states.input %}\' to pass the state on, or \'{% $merge([$states.input, {"refund": $states.result}]) %}\' to add its result.',
      );
    }
    return state;
  }

  /** Whether a reference path is the error record, lies inside it, or contains it. */
  private overlapsErrorRecord(path: string): boolean {
    if (path === DISCARD || Token.isUnresolved(path)) return false;
    const segments = pathSegments(path);
    const record = pathSegments(this.errorPath)!;
    if (!segments) return false;
    const common = Math.min(segments.length, record.length);
    return segments.slice(0, common).every((segment, i) => segment === record[i]);
  }
}

/** Where each ending of the saga starts: its hook, or its Fail state. */
interface SagaEnds {
  readonly failed: sfn.IChainable;
  readonly compensationFailed: sfn.IChainable;
  readonly needsReconciliation: sfn.IChainable;
}

/** `sfn.JsonPath.DISCARD`, as a state holds it before rendering. */
const DISCARD = sfn.JsonPath.DISCARD;

/**
 * The `resultPath` and `outputPath` a state was given (props CDK keeps on the state; read
 * without rendering it, which would bind a Parallel's branches to a graph too early).
 */
function statePaths(state: sfn.State): { resultPath?: string; outputPath?: string } {
  const { resultPath, outputPath } = state as unknown as { resultPath?: string; outputPath?: string };
  return { resultPath, outputPath };
}

/**
 * The field names of a reference path (`$.a.b`, `$['a'].b`), or undefined when it has an
 * index or anything else that this check does not follow.
 */
function pathSegments(path: string): string[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const segments: string[] = [];
  const pattern = /\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\]/y;
  let at = 1;
  while (at < path.length) {
    pattern.lastIndex = at;
    const match = pattern.exec(path);
    if (!match) return undefined;
    segments.push(match[1] ?? match[2] ?? match[3]);
    at = pattern.lastIndex;
  }
  return segments;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
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

/**
 * The saga's compensation check, which also records, through the step protocol, which state
 * undoes which action: diagrams draw the undo path from it.
 */
class CompensationCheck extends sfn.Choice implements IWorkflowStep {
  constructor(scope: Construct, id: string, props: sfn.ChoiceProps, private readonly compensatedActions: Record<string, string>) {
    super(scope, id, props);
  }

  public bindToWorkflow(): WorkflowStepConfig {
    return Object.keys(this.compensatedActions).length > 0 ? { stateMetadata: { [SAGA_COMPENSATIONS_METADATA]: this.compensatedActions } } : {};
  }
}
