import { Annotations, Arn, ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { requireTimeout, taskTimeoutOf } from '../private/durations';
import { WorkflowConfigurationError } from '../private/errors';
import { isJsonata, refuseJsonataSettings, refuseJsonPathSettings, stepQueryLanguage } from '../private/query-language';
import { QUALIFIER_CONDITION_KEY } from '../private/state-machine-alias';
import { RetryPolicy } from './retry-policy';
import { IWorkflow } from '../workflow/workflow';

/** Properties of a {@link NestedWorkflowStep}. */
export interface NestedWorkflowStepProps {
  /** The child workflow, typically EXPRESS: the short, high-volume inner part of a longer process. */
  readonly workflow: IWorkflow;
  /**
   * How long the step waits for the child execution (the Task's `TimeoutSeconds`).
   * Make it at least the child workflow's timeout.
   */
  readonly timeout: Duration;
  /**
   * The child execution's input (in JSONata, `{% %}` expressions over `$states.input`).
   * @default - the state input
   */
  readonly input?: sfn.TaskInput;
  /**
   * The query language of the Task state (see `LambdaStepOptions.queryLanguage`).
   * @default sfn.QueryLanguage.JSON_PATH
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
   */
  readonly queryLanguage?: sfn.QueryLanguage;
  /**
   * JSONata only: the state output. `$states.result.Output` is the child's output (parsed),
   * `$states.result.ExecutionArn` its execution.
   * @default `'{% {"output": $states.result.Output, "executionArn": $states.result.ExecutionArn} %}'` - the result as in JSONPath
   */
  readonly outputs?: any;
  /**
   * Workflow variables to assign when the child succeeds.
   * @default - none
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
   */
  readonly assign?: { [name: string]: any };
  /**
   * Add the parent's execution id to the child's input (`AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID`)
   * so the console links the two executions. Needs an object `input`.
   * @default false
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-nested-workflows.html#nested-execution-startid
   */
  readonly associateWithParent?: boolean;
  /**
   * How failed attempts are retried.
   * @default RetryPolicy.none()
   */
  readonly retryPolicy?: RetryPolicy;
  /**
   * JSONPath only: where the result goes: `{ output, executionArn }`, `output` being the child's output.
   * @default '$'
   */
  readonly resultPath?: string;
  /**
   * JSONPath only: JSONPath selecting the state input.
   * @default '$'
   */
  readonly inputPath?: string;
  /**
   * The state name (≤ 80 characters, unique in the state machine).
   * @default - the construct id
   */
  readonly stateName?: string;
  /**
   * A comment in the ASL.
   * @default - none
   */
  readonly comment?: string;
}

/**
 * Runs a child `Workflow` and waits for its result (`states:startExecution.sync:2`): the child's
 * output, as JSON, lands at `resultPath` as `{ output, executionArn }`; a failed child fails the
 * step with `States.TaskFailed` and the child's error in the cause. Use it to run an EXPRESS
 * workflow (priced per request and duration) for the high-volume inner part of a STANDARD one.
 * The parent must be STANDARD: EXPRESS workflows cannot wait for a job (`.sync`).
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-nested-workflows.html
 */
export class NestedWorkflowStep extends tasks.StepFunctionsStartExecution {
  /** The child workflow. */
  public readonly workflow: IWorkflow;

  /**
   * @throws WorkflowConfigurationError if `timeout` is missing or not whole seconds, or a
   * setting of the other query language is set.
   */
  constructor(scope: Construct, id: string, props: NestedWorkflowStepProps) {
    const queryLanguage = stepQueryLanguage(props.queryLanguage);
    const jsonata = isJsonata(queryLanguage);
    if (props.associateWithParent && props.input?.type !== sfn.InputType.OBJECT) {
      throw new WorkflowConfigurationError(
        scope,
        `NestedWorkflowStep ${id}: associateWithParent needs an object input (the parent execution id is added to it).`,
        'pass input: sfn.TaskInput.fromObject({ ... }), or leave associateWithParent off.',
      );
    }
    super(scope, id, {
      // A workflow with an alias is started through it, so the child runs the version its alias routes to.
      stateMachine: props.workflow.alias ?? props.workflow.stateMachine,
      integrationPattern: sfn.IntegrationPattern.RUN_JOB,
      associateWithParent: props.associateWithParent,
      input: props.input ?? (jsonata ? sfn.TaskInput.fromText('{% $states.input %}') : sfn.TaskInput.fromJsonPathAt('$')),
      taskTimeout: taskTimeoutOf(props.timeout),
      queryLanguage,
      resultSelector: jsonata ? undefined : { 'output.$': '$.Output', 'executionArn.$': '$.ExecutionArn' },
      outputs: jsonata ? (props.outputs ?? '{% {"output": $states.result.Output, "executionArn": $states.result.ExecutionArn} %}') : undefined,
      assign: props.assign,
      resultPath: props.resultPath,
      inputPath: props.inputPath,
      stateName: props.stateName,
      comment: props.comment,
    });
    this.workflow = props.workflow;
    if (jsonata) {
      refuseJsonPathSettings(
        this,
        { resultPath: props.resultPath, inputPath: props.inputPath },
        'shape the result with outputs, e.g. \'{% $merge([$states.input, {"fraudCheck": {"output": $states.result.Output}}]) %}\', and pick the input with input.',
      );
    } else {
      refuseJsonataSettings(this, { outputs: props.outputs });
    }
    const seconds = requireTimeout(this, props.timeout, { problem: 'NestedWorkflowStep has no timeout.', fix: "pass timeout: at least the child workflow's timeout." });
    (props.retryPolicy ?? RetryPolicy.none()).applyTo(this);
    this.grantThroughAlias();
    this.allowExpressExecutions();
    const childTimeout = props.workflow.timeout;
    if (seconds !== undefined && childTimeout && !childTimeout.isUnresolved() && seconds < childTimeout.toSeconds()) {
      Annotations.of(this).addWarningV2(
        'Workflow-NestedStepShorterThanChild',
        `The step timeout (${seconds} s) is shorter than the child workflow's (${childTimeout.toHumanString()}): ` +
          'the parent can give up while the child still runs. Make the step timeout at least the child timeout.',
      );
    }
  }

  /**
   * IAM authorizes a start through an alias against the unqualified state machine ARN, and the
   * child's execution ARNs carry no qualifier: CDK's statements name the alias ARN in both
   * (aws/aws-cdk#30265), which IAM never matches. Replaces them: `states:StartExecution` on the
   * state machine, narrowed to the alias; `DescribeExecution`/`StopExecution` on its executions.
   */
  private grantThroughAlias(): void {
    const { alias, aliasName, stateMachine } = this.workflow;
    if (!alias || !aliasName || !this.taskPolicies) return;
    const kept = this.taskPolicies.filter((statement) => !statement.actions.some((action) => /^states:(StartExecution|DescribeExecution|StopExecution)$/.test(action)));
    this.taskPolicies.splice(0, this.taskPolicies.length, ...kept);
    this.taskPolicies.push(new iam.PolicyStatement({
      actions: ['states:StartExecution'],
      resources: [stateMachine.stateMachineArn],
      conditions: { 'ForAnyValue:StringEquals': { [QUALIFIER_CONDITION_KEY]: [aliasName] } },
    }));
    this.taskPolicies.push(new iam.PolicyStatement({
      actions: ['states:DescribeExecution', 'states:StopExecution'],
      resources: [Stack.of(this).formatArn({ service: 'states', resource: 'execution', resourceName: `${stateMachineNameOf(stateMachine)}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
    }));
  }

  /**
   * `.sync` watches the child execution; an EXPRESS child's execution ARNs use the
   * `express:` resource type, which CDK's grant (on `execution:`) does not cover.
   */
  private allowExpressExecutions(): void {
    if (this.workflow.stateMachineType !== sfn.StateMachineType.EXPRESS) return;
    this.taskPolicies?.push(
      new iam.PolicyStatement({
        actions: ['states:DescribeExecution', 'states:StopExecution'],
        resources: [
          Stack.of(this).formatArn({
            service: 'states',
            resource: 'express',
            resourceName: `${stateMachineNameOf(this.workflow.stateMachine)}:*`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
  }
}

/** A state machine's name: its attribute when it is defined here, else read from its ARN. */
function stateMachineNameOf(stateMachine: sfn.IStateMachine): string {
  if (stateMachine instanceof sfn.StateMachine) return stateMachine.stateMachineName;
  return Arn.split(stateMachine.stateMachineArn, ArnFormat.COLON_RESOURCE_NAME).resourceName!;
}
