import { Annotations, Duration, Lazy, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { EXPECTED_DURATIONS_METADATA, IDEMPOTENT_STATES_METADATA } from '../assembly/metadata-keys';
import { requireTimeout, requireWholeSeconds, taskTimeoutOf } from '../private/durations';
import { WorkflowConfigurationError } from '../private/errors';
import { isJsonata, refuseJsonataSettings, refuseJsonPathSettings, stepQueryLanguage } from '../private/query-language';
import { IWorkflowStep, WorkflowStepConfig, WorkflowStepContext } from '../workflow/workflow-step';
import { RetryPolicy } from './retry-policy';

/**
 * The properties {@link LambdaStepProps} and {@link LambdaStepOptions} share: all but the
 * timeout, which a LambdaStep requires and {@link StepDefaults} may supply.
 */
export interface LambdaStepBaseProps {
  /** The function to invoke. Its handler receives a {@link LambdaStepEvent} (or, with `envelope: false`, the payload itself). */
  readonly lambdaFunction: lambda.IFunction;
  /**
   * How failed attempts are retried.
   * @default - the StepDefaults' retry policy, else RetryPolicy.transient(): Lambda's transient errors, 3 retries, full jitter
   */
  readonly retryPolicy?: RetryPolicy;
  /**
   * The query language of the Task state. JSONata steps take `outputs` and `assign`
   * (`{% %}` expressions over `$states.input`, `$states.result`, variables); JSONPath steps
   * take `inputPath`, `resultPath`, `resultSelector` and `outputPath`. Set it once for many
   * steps with {@link StepDefaults}. A JSONata `Workflow` refuses a JSONPath step.
   * @default - the StepDefaults' language, else sfn.QueryLanguage.JSON_PATH
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
   */
  readonly queryLanguage?: sfn.QueryLanguage;
  /**
   * What the handler receives as `event.input` (or as the event, with `envelope: false`): in
   * JSONata, `sfn.TaskInput.fromObject({ orderId: '{% $states.input.orderId %}' })` or
   * `sfn.TaskInput.fromText('{% $states.input.order %}')`.
   * @default - the state input (after `inputPath`)
   */
  readonly payload?: sfn.TaskInput;
  /**
   * JSONata only: the state output, e.g.
   * `'{% $merge([$states.input, {"payment": $states.result}]) %}'` to keep the input and add the
   * handler's return value (what `resultPath: '$.payment'` does in JSONPath).
   * @default - the handler's return value (`$states.result`)
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
   */
  readonly outputs?: any;
  /**
   * Workflow variables to assign when the step succeeds (JSONata: `{% %}` expressions that may
   * read `$states.result`; JSONPath: `"name.$": "$.path"`).
   * @default - none
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
   */
  readonly assign?: { [name: string]: any };
  /**
   * Whether the handler receives the {@link LambdaStepEvent} envelope:
   * `{ input, correlationId, stateName, retryCount }`. With `false` it receives the payload
   * itself, as a handler written for a plain `LambdaInvoke` expects (and loses the correlation id
   * and retry count).
   * @default true
   */
  readonly envelope?: boolean;
  /**
   * JSONPath selecting the state input.
   * @default '$'
   */
  readonly inputPath?: string;
  /**
   * Where the handler's return value goes in the state: `$` replaces the input,
   * `$.payment` adds it next to the input, `sfn.JsonPath.DISCARD` keeps the input unchanged.
   * @default '$'
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultpath.html
   */
  readonly resultPath?: string;
  /**
   * Reshapes the handler's return value before `resultPath` applies.
   * @default - the return value as is
   */
  readonly resultSelector?: { [key: string]: any };
  /**
   * JSONPath selecting the state output.
   * @default '$'
   */
  readonly outputPath?: string;
  /**
   * The state name in the ASL (≤ 80 characters, unique in the state machine).
   * @default - the construct id
   */
  readonly stateName?: string;
  /**
   * A comment in the ASL.
   * @default - none
   */
  readonly comment?: string;
  /**
   * Whether running the handler twice with the same event has the effect of running it once.
   * Asynchronous Express workflows run at least once, so the validation rules warn about
   * steps not marked idempotent there.
   * @default false
   */
  readonly idempotent?: boolean;
  /**
   * Whether the step invokes a published version of its function (`FunctionName` is the
   * version ARN, `function:<name>:<n>`) rather than `$LATEST`, so an execution keeps the code
   * it started with while a new deployment publishes new code. The step publishes the
   * function's `currentVersion` (a new version whenever its code or configuration changes)
   * and retains old versions (`RemovalPolicy.RETAIN`): an execution still running on the old
   * workflow version calls them. A `lambda.IVersion` or `lambda.IAlias` passed as
   * `lambdaFunction` is pinned already.
   *
   * @default - true when the workflow publishes versions through an alias (`WorkflowProps.aliasName`), else false
   * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html
   */
  readonly pinVersion?: boolean;
  /**
   * How long the step is expected to take, retries included: the stuck-execution check reports
   * an execution that stays in the step longer (a lost reply, a hung dependency).
   * @default - the workflow's bound (`WorkflowMonitoringProps.stuckExecutionBound`)
   */
  readonly expectedDuration?: Duration;
}

/**
 * Properties of a {@link LambdaStep} made by {@link StepDefaults}: those of
 * {@link LambdaStepProps}, the timeout and retry policy defaulting to the defaults'.
 */
export interface LambdaStepOptions extends LambdaStepBaseProps {
  /**
   * How long one attempt may take before it fails with `States.Timeout` (the Task's
   * `TimeoutSeconds`). Step Functions applies no task timeout of its own. Keep the function's
   * own timeout at or below it. May be a token in seconds
   * (`Duration.seconds(param.valueAsNumber)`): its bounds are then checked at deploy time.
   *
   * @default - the StepDefaults' timeout (a LambdaStep without defaults requires one)
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/sfn-stuck-execution.html
   */
  readonly timeout?: Duration;
}

/** Properties of a {@link LambdaStep}. */
export interface LambdaStepProps extends LambdaStepBaseProps {
  /**
   * How long one attempt may take before it fails with `States.Timeout` (the Task's
   * `TimeoutSeconds`). Required: Step Functions applies no task timeout of its own. Set it
   * once for many steps with {@link StepDefaults}. Keep the function's own timeout at or below
   * it. May be a token in seconds (`Duration.seconds(param.valueAsNumber)`): its bounds are then
   * checked at deploy time.
   *
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/sfn-stuck-execution.html
   */
  readonly timeout: Duration;
}

/**
 * A Task state that invokes a Lambda function with production defaults: a required timeout,
 * retries of Lambda's transient errors with exponential backoff and full jitter, the execution
 * id passed to the handler as a correlation id, and the handler's own return value (not the
 * Lambda response envelope) as the result.
 *
 * The handler signals a business outcome by the `name` of the error it throws
 * (`PaymentDeclined`, `OutOfStock`, ...): that name is the ASL error a `Catch` or `Retry`
 * matches.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
 */
export class LambdaStep extends tasks.LambdaInvoke implements IWorkflowStep {
  /** The function this step invokes. */
  public readonly lambdaFunction: lambda.IFunction;
  /** Whether the step was declared idempotent. */
  public readonly idempotent: boolean;
  private readonly pinVersion?: boolean;
  private pinned?: lambda.IVersion;
  private readonly expectedDuration?: Duration;

  /**
   * @throws WorkflowConfigurationError if `timeout` is missing, not whole seconds or a token
   * in another unit than seconds, the retry policy is out of the ASL bounds, or a setting of
   * the other query language is set (`resultPath` on a JSONata step, `outputs` on a JSONPath one).
   */
  constructor(scope: Construct, id: string, props: LambdaStepProps) {
    const queryLanguage = stepQueryLanguage(props.queryLanguage);
    super(scope, id, {
      lambdaFunction: props.lambdaFunction,
      queryLanguage,
      payload: isJsonata(queryLanguage) ? jsonataPayload(props) : jsonPathPayload(props),
      outputs: props.outputs,
      assign: props.assign,
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      taskTimeout: taskTimeoutOf(props.timeout),
      inputPath: props.inputPath,
      resultPath: props.resultPath,
      resultSelector: props.resultSelector,
      outputPath: props.outputPath,
      stateName: props.stateName,
      comment: props.comment,
    });
    this.lambdaFunction = props.lambdaFunction;
    this.idempotent = props.idempotent ?? false;
    if (isJsonata(queryLanguage)) {
      refuseJsonPathSettings(
        this,
        { inputPath: props.inputPath, resultPath: props.resultPath, resultSelector: props.resultSelector, outputPath: props.outputPath },
        'shape the result with outputs, e.g. \'{% $merge([$states.input, {"payment": $states.result}]) %}\' for resultPath \'$.payment\', and keep values in variables with assign.',
      );
    } else {
      refuseJsonataSettings(this, { outputs: props.outputs });
    }
    this.pinVersion = props.pinVersion;
    this.expectedDuration = props.expectedDuration;
    if (props.expectedDuration) requireWholeSeconds(this, 'expectedDuration', props.expectedDuration, { min: 1 });

    const timeoutSeconds = requireTimeout(this, props.timeout, {
      problem: 'LambdaStep has no timeout: without one, a hung invocation holds the execution until the workflow times out.',
      fix: 'pass timeout: Duration.seconds(n), at least the function timeout.',
    });
    (props.retryPolicy ?? RetryPolicy.transient()).applyTo(this);
    this.warnIfFunctionOutlivesTimeout(timeoutSeconds);
  }

  /** The function version the step invokes, once its workflow pinned it (see `pinVersion`); undefined for `$LATEST`. */
  public get pinnedVersion(): lambda.IVersion | undefined {
    return this.pinned;
  }

  /**
   * Pins the function version when asked (or when the workflow is versioned); contributes the
   * function to the workflow's alarms and dashboard; records the step as idempotent (for the
   * EXPRESS idempotency rule and the linter) and its expected duration (for the stuck-execution
   * check).
   *
   * @throws WorkflowConfigurationError if `pinVersion` is true and the function is imported (no version to publish).
   */
  public bindToWorkflow(context: WorkflowStepContext): WorkflowStepConfig {
    if (this.pinVersion ?? context.versioned ?? false) this.pinned = this.versionToPin(this.pinVersion === true);
    const stateMetadata: { [key: string]: { [state: string]: unknown } } = {};
    if (this.idempotent) stateMetadata[IDEMPOTENT_STATES_METADATA] = { [this.stateId]: true };
    if (this.expectedDuration && !this.expectedDuration.isUnresolved()) {
      stateMetadata[EXPECTED_DURATIONS_METADATA] = { [this.stateId]: this.expectedDuration.toSeconds() };
    }
    return { stateMetadata, lambdaFunctions: [this.lambdaFunction] };
  }

  /**
   * The rendered task, its function ARN (the `Resource` of a direct invocation, else
   * `FunctionName`) resolved at synth: the pinned version once the workflow pinned one.
   * @internal
   */
  protected _renderTask(topLevelQueryLanguage?: sfn.QueryLanguage): any {
    const rendered = super._renderTask(topLevelQueryLanguage);
    const functionName = Lazy.string({ produce: () => (this.pinned ?? this.lambdaFunction).functionArn });
    if (rendered.Resource === this.lambdaFunction.functionArn) rendered.Resource = functionName;
    for (const field of ['Parameters', 'Arguments']) {
      if (rendered[field]?.FunctionName !== undefined) rendered[field] = { ...rendered[field], FunctionName: functionName };
    }
    return rendered;
  }

  private versionToPin(required: boolean): lambda.IVersion | undefined {
    const fn = this.lambdaFunction;
    if (isQualified(fn)) return undefined;
    if (fn instanceof lambda.Function) {
      const version = fn.currentVersion;
      // An execution still running on the previous workflow version calls the previous function version.
      version.applyRemovalPolicy(RemovalPolicy.RETAIN);
      return version;
    }
    if (required) {
      throw new WorkflowConfigurationError(
        this,
        `pinVersion is true, but ${fn.node.path} is an imported function: the step cannot publish a version of it.`,
        'pass a lambda.Function defined in this app, or pass the lambda.Version (or Alias) to invoke as lambdaFunction.',
      );
    }
    Annotations.of(this).addWarningV2(
      'Workflow-LambdaNotPinned',
      `The workflow is versioned, but ${fn.node.path} is an imported function: the step invokes $LATEST, so an execution may run code newer than the workflow version it started on. Pass a lambda.Version as lambdaFunction to pin it.`,
    );
    return undefined;
  }

  private warnIfFunctionOutlivesTimeout(timeoutSeconds: number | undefined): void {
    const functionTimeout = (this.lambdaFunction as lambda.Function).timeout;
    if (timeoutSeconds === undefined || !functionTimeout || functionTimeout.isUnresolved()) return;
    if (functionTimeout.toSeconds() > timeoutSeconds) {
      Annotations.of(this).addWarningV2(
        'Workflow-LambdaOutlivesStepTimeout',
        `The function's timeout (${functionTimeout.toHumanString()}) is longer than the step timeout (${timeoutSeconds} s): ` +
          'the step can fail with States.Timeout while the invocation still runs (and a retry would run it twice). Make the step timeout at least the function timeout.',
      );
    }
  }
}

/** The handler's event in JSONPath: the envelope (with `$$` context paths) or the payload itself. */
function jsonPathPayload(props: LambdaStepProps): sfn.TaskInput {
  if (props.envelope === false) return props.payload ?? sfn.TaskInput.fromJsonPathAt('$');
  return sfn.TaskInput.fromObject({
    input: props.payload ? props.payload.value : sfn.JsonPath.objectAt('$'),
    correlationId: sfn.JsonPath.stringAt('$$.Execution.Id'),
    stateName: sfn.JsonPath.stringAt('$$.State.Name'),
    retryCount: sfn.JsonPath.numberAt('$$.State.RetryCount'),
  });
}

/** The handler's event in JSONata: the same envelope, read from `$states.context`. */
function jsonataPayload(props: LambdaStepProps): sfn.TaskInput {
  if (props.envelope === false) return props.payload ?? sfn.TaskInput.fromText('{% $states.input %}');
  return sfn.TaskInput.fromObject({
    input: props.payload ? props.payload.value : '{% $states.input %}',
    correlationId: '{% $states.context.Execution.Id %}',
    stateName: '{% $states.context.State.Name %}',
    retryCount: '{% $states.context.State.RetryCount %}',
  });
}

/** A Lambda version or alias: its ARN is qualified already. */
function isQualified(fn: lambda.IFunction): boolean {
  return 'version' in fn || 'aliasName' in fn;
}
