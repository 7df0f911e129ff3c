import { Duration, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { requireTimeout } from '../private/durations';
import { WorkflowConfigurationError } from '../private/errors';
import { RetryPolicy } from '../steps/retry-policy';
import { fitStateName } from '../private/state-names';
import { isJsonata, mergeIntoInput, refuseJsonataSettings, refuseJsonPathSettings, stepQueryLanguage } from '../private/query-language';
import { MAX_STANDARD_DURATION } from '../private/workflow-limits';
import { APPROVAL_EXPIRED_ERROR, APPROVAL_REJECTED_ERROR, NOTIFICATION_FAILED_ERROR, SUMMARY_TOO_LARGE_ERROR } from './approval-record';
import { APPROVAL_STATES_METADATA, EXPECTED_DURATIONS_METADATA } from '../assembly/metadata-keys';
import { IWorkflowStep, WorkflowStepConfig, WorkflowStepContext } from '../workflow/workflow-step';
import { IApprovalService, principalArn } from './approval-service';
import { requireGroupNames } from './reviewer-pool';

/** Who may decide a request, as the notifier receives it: approver ARNs (IAM) or groups (Cognito). */
interface Deciders {
  readonly approvers: string[];
  readonly approverGroups?: string[];
}

/** The fields of an approval outcome. */
const OUTCOME_FIELDS = ['approvalId', 'decision', 'decidedBy', 'decidedAt', 'comment'];

/** Where a JSONata step puts the outcome by default (`resultPath: '$.approval'` in JSONPath). */
const JSONATA_OUTCOME_FIELD = 'approval';

/** Properties of a {@link HumanApproval}. */
export interface HumanApprovalProps {
  /** The approval service that stores, announces and decides the request. */
  readonly service: IApprovalService;
  /**
   * How long reviewers have to decide (the task's `TimeoutSeconds`); then the step fails with
   * `ApprovalExpired`. At most the workflow's timeout. May be a token in seconds
   * (`Duration.seconds(param.valueAsNumber)`), checked at deploy time.
   */
  readonly timeout: Duration;
  /**
   * What the reviewer sees, built from the state input, e.g.
   * `sfn.TaskInput.fromObject({ orderId: sfn.JsonPath.stringAt('$.orderId') })` (in JSONata,
   * `{ orderId: '{% $states.input.orderId %}' }`). It is stored and sent in notifications:
   * include only what a reviewer needs.
   */
  readonly summary: sfn.TaskInput;
  /**
   * The query language of the step's states. In JSONata the outcome is `$states.result[0]` in
   * `outputs` and `assign`, and `condition` is a `sfn.Condition.jsonata('{% ... %}')`.
   * @default sfn.QueryLanguage.JSON_PATH
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
   */
  readonly queryLanguage?: sfn.QueryLanguage;
  /**
   * JSONata only: the state output; the outcome is `$states.result[0]`.
   * @default `'{% $merge([$states.input, {"approval": $states.result[0]}]) %}'` - the input with the outcome under `approval`, as `resultPath` does in JSONPath
   */
  readonly outputs?: any;
  /**
   * Workflow variables to assign when the request is approved (JSONata: the outcome is
   * `$states.result[0]`), e.g. `{ approval: '{% $states.result[0] %}' }`.
   * @default - none
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
   */
  readonly assign?: { [name: string]: any };
  /**
   * IAM sign-in only: who may decide this request (IAM roles, users or ARN principals); they are
   * also granted access to the decision API.
   * @default - the approval service's approvers
   */
  readonly approvers?: iam.IGrantable[];
  /**
   * Cognito sign-in only: the Cognito groups whose members may decide this request (a member of
   * any one of them). Created in the service's user pool when the service created the pool.
   * @default - the approval service's approverGroups
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-user-groups.html
   */
  readonly approverGroups?: string[];
  /**
   * Ask only when this condition holds; otherwise the step passes at once with the decision
   * `NOT_REQUIRED`.
   * @default - always ask
   */
  readonly condition?: sfn.Condition;
  /**
   * JSONPath only: where the outcome goes: `{ approvalId, decision, decidedBy, decidedAt, comment }`.
   * @default '$.approval'
   */
  readonly resultPath?: string;
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

/** Options of {@link HumanApproval.onRejected} and {@link HumanApproval.onExpired}. */
export interface ApprovalRouteOptions {
  /**
   * JSONPath only: where the error (`{ Error, Cause }`, the cause holding the decision) goes in the state.
   * @default - the step's `resultPath` (`$.approval`): the rest of the state is kept
   */
  readonly resultPath?: string;
  /**
   * JSONata only: the output of the route (the error is `$states.errorOutput`).
   * @default `'{% $merge([$states.input, {"approval": $states.errorOutput}]) %}'` - the input with the error under `approval`
   */
  readonly outputs?: any;
}

/**
 * A human review step: it invokes the approval service's notifier with `.waitForTaskToken`
 * and waits. Approved, it continues with
 * `{ approvalId, decision: 'APPROVED', decidedBy, decidedAt, comment }` at `resultPath`;
 * rejected, it fails with `ApprovalRejected`; with no decision before `timeout`, it fails with
 * `ApprovalExpired`. Route those with `onRejected` and
 * `onExpired`, or put the step in a `Saga`, where either compensates like any failure. A summary
 * too large for the approval store or a notification fails the step at once with
 * `ApprovalSummaryTooLarge` (never retried); a notifier that could not store or announce the
 * request fails with `ApprovalNotificationFailed`, retried like Lambda's transient errors.
 *
 * It is a Parallel state with one branch (so a timeout can be renamed `ApprovalExpired`), and
 * it needs a STANDARD workflow: EXPRESS workflows cannot wait for a task token.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token
 */
export class HumanApproval extends sfn.Parallel implements IWorkflowStep {
  /** The error of a rejected request. */
  public static readonly REJECTED_ERROR = APPROVAL_REJECTED_ERROR;
  /** The error of an expired request. */
  public static readonly EXPIRED_ERROR = APPROVAL_EXPIRED_ERROR;
  /** The error of a request whose summary is too large to store or announce (not retried). */
  public static readonly SUMMARY_TOO_LARGE_ERROR = SUMMARY_TOO_LARGE_ERROR;

  /** The approval service. */
  public readonly service: IApprovalService;
  /** How long reviewers have to decide. */
  public readonly timeout: Duration;
  /** The `.waitForTaskToken` task inside the step. */
  public readonly waitForDecision: tasks.LambdaInvoke;
  /**
   * The state name of the task that waits for the decision (`<stateName>: wait for decision`):
   * what `execution.waitForTaskToken(name)` and the history name.
   */
  public readonly waitStateName: string;

  private readonly outcomePath: string;
  private readonly jsonata: boolean;

  /**
   * @throws WorkflowConfigurationError for a missing summary, a timeout that is missing,
   * fractional or over a year, or a setting of the other query language.
   */
  constructor(scope: Construct, id: string, props: HumanApprovalProps) {
    const queryLanguage = stepQueryLanguage(props.queryLanguage);
    const jsonata = isJsonata(queryLanguage);
    super(scope, id, {
      stateName: props.stateName,
      comment: props.comment,
      queryLanguage,
      assign: props.assign,
      ...(jsonata
        ? { outputs: props.outputs ?? mergeIntoInput(JSONATA_OUTCOME_FIELD, '$states.result[0]') }
        : {
          resultPath: props.resultPath ?? '$.approval',
          resultSelector: Object.fromEntries(OUTCOME_FIELDS.map((field) => [field, sfn.JsonPath.stringAt(`$[0].${field}`)])),
        }),
    });
    this.jsonata = jsonata;
    if (jsonata) {
      refuseJsonPathSettings(this, { resultPath: props.resultPath }, 'shape the output with outputs (the outcome is $states.result[0]), or keep the default, which adds it under approval.');
    } else {
      refuseJsonataSettings(this, { outputs: props.outputs });
    }
    requireTimeout(
      this,
      props.timeout,
      {
        problem: 'HumanApproval has no timeout: an unanswered request would wait until the workflow times out.',
        fix: 'pass timeout: how long reviewers have to decide, e.g. Duration.days(2).',
      },
      { max: MAX_STANDARD_DURATION.toSeconds() },
    );
    if (!props.summary) {
      throw new WorkflowConfigurationError(this, 'HumanApproval has no summary: reviewers would not know what they decide.', 'pass summary: sfn.TaskInput.fromObject({ ... }) with the fields a reviewer needs.');
    }
    this.service = props.service;
    this.timeout = props.timeout;
    const deciders = this.service.signIn.isCognito ? this.cognitoApprovers(props) : this.iamApprovers(props);
    this.outcomePath = props.resultPath ?? '$.approval';
    this.waitForDecision = this.createWaitTask(props, deciders);
    this.waitStateName = this.waitForDecision.stateId;
    this.branch(props.condition ? this.askOnlyIf(props.condition) : this.waitForDecision);
  }

  /**
   * Lets the service's decision handler resume the Workflow's executions
   * (`states:SendTask*`, on its state machine only); contributes the notifier to the
   * workflow's alarms; records the waiting state as an approval, judged by the
   * stuck-execution check against the approval's own timeout rather than the workflow's bound.
   */
  public bindToWorkflow(context: WorkflowStepContext): WorkflowStepConfig {
    this.service.grantTaskResponses(context.stateMachine, context.scope);
    const stateMetadata: { [key: string]: { [state: string]: unknown } } = { [APPROVAL_STATES_METADATA]: { [this.waitStateName]: true } };
    if (!this.timeout.isUnresolved()) stateMetadata[EXPECTED_DURATIONS_METADATA] = { [this.waitStateName]: this.timeout.toSeconds() };
    return { stateMetadata, lambdaFunctions: [this.service.notifier] };
  }

  /** IAM sign-in: the approvers' ARNs (granted the decision API), or the service's. */
  private iamApprovers(props: HumanApprovalProps): Deciders {
    if (props.approverGroups?.length) {
      throw new WorkflowConfigurationError(
        this,
        `approverGroups ${JSON.stringify(props.approverGroups)} needs Cognito sign-in, but reviewers of its approval service sign in with IAM.`,
        'pass signIn: ReviewerSignIn.cognito() to the ApprovalService, or name IAM roles and users with approvers.',
      );
    }
    const approvers = props.approvers
      ? props.approvers.map((approver) => {
        this.service.grantDecide(approver);
        return principalArn(this, approver);
      })
      : this.service.approverArns;
    if (approvers.length === 0) {
      throw new WorkflowConfigurationError(
        this,
        'HumanApproval has no approvers, and neither has its approval service: nobody could be checked as allowed to decide.',
        'pass approvers (IAM roles or users) to the HumanApproval or to the ApprovalService.',
      );
    }
    return { approvers };
  }

  /** Cognito sign-in: the approver groups (made sure to exist), or the service's. */
  private cognitoApprovers(props: HumanApprovalProps): Deciders {
    if (props.approvers?.length) {
      throw new WorkflowConfigurationError(
        this,
        `approvers names ${props.approvers.length} IAM principal(s), but reviewers of its approval service sign in with Cognito, where IAM principals cannot call the decision API.`,
        "name Cognito groups with approverGroups (e.g. approverGroups: ['order-reviewers']), or use ReviewerSignIn.iam() on the ApprovalService.",
      );
    }
    const groups = props.approverGroups ?? this.service.approverGroups;
    if (groups.length === 0) {
      throw new WorkflowConfigurationError(
        this,
        'HumanApproval has no approverGroups, and neither has its approval service: nobody could be checked as allowed to decide.',
        'pass approverGroups (Cognito group names) to the HumanApproval or to the ApprovalService.',
      );
    }
    requireGroupNames(this, 'approverGroups', groups);
    this.service.addApproverGroups(groups);
    return { approvers: [], approverGroups: groups };
  }

  /** Continues at `handler` when a reviewer rejects the request (error `ApprovalRejected`). */
  public onRejected(handler: sfn.IChainable, props: ApprovalRouteOptions = {}): HumanApproval {
    this.addCatch(handler, { ...this.routeOutput(props), errors: [HumanApproval.REJECTED_ERROR] });
    return this;
  }

  /** Continues at `handler` when nobody decides in time (error `ApprovalExpired`). */
  public onExpired(handler: sfn.IChainable, props: ApprovalRouteOptions = {}): HumanApproval {
    this.addCatch(handler, { ...this.routeOutput(props), errors: [HumanApproval.EXPIRED_ERROR] });
    return this;
  }

  /** Where a route puts the error: `resultPath` in JSONPath, `Output` in JSONata. */
  private routeOutput(props: ApprovalRouteOptions): sfn.CatchProps {
    if (!this.jsonata) {
      refuseJsonataSettings(this, { outputs: props.outputs });
      return { resultPath: props.resultPath ?? this.outcomePath };
    }
    refuseJsonPathSettings(this, { resultPath: props.resultPath }, 'shape the route\'s output with outputs ($states.errorOutput is the error).');
    return { outputs: props.outputs ?? mergeIntoInput(JSONATA_OUTCOME_FIELD, '$states.errorOutput') };
  }

  private createWaitTask(props: HumanApprovalProps, deciders: Deciders): tasks.LambdaInvoke {
    const context = this.jsonata
      ? { taskToken: '{% $states.context.Task.Token %}', executionArn: '{% $states.context.Execution.Id %}', stateName: '{% $states.context.State.Name %}' }
      : { taskToken: sfn.JsonPath.taskToken, executionArn: sfn.JsonPath.stringAt('$$.Execution.Id'), stateName: sfn.JsonPath.stringAt('$$.State.Name') };
    const wait = new tasks.LambdaInvoke(this, 'WaitForDecision', {
      stateName: fitStateName(`${this.stateId}: wait for decision`),
      lambdaFunction: this.service.notifier,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      queryLanguage: this.languageOfStates(),
      payload: sfn.TaskInput.fromObject({
        ...context,
        summary: props.summary.value,
        ...deciders,
        timeoutSeconds: props.timeout.toSeconds(),
      }),
      // JSONata: the branch's result is the outcome itself, so the step reads it as $states.result[0].
      outputs: this.jsonata ? `{% {${OUTCOME_FIELDS.map((field) => `"${field}": $states.result.${field}`).join(', ')}} %}` : undefined,
      taskTimeout: sfn.Timeout.duration(props.timeout),
      retryOnServiceExceptions: false,
    });
    // Retries transient failures only: ApprovalSummaryTooLarge would fail the same way every time.
    RetryPolicy.transient({ additionalErrors: [NOTIFICATION_FAILED_ERROR] }).applyTo(wait);
    const expired = new sfn.Fail(this, 'Expired', {
      stateName: fitStateName(`${this.stateId}: expired`),
      queryLanguage: this.languageOfStates(),
      error: HumanApproval.EXPIRED_ERROR,
      // A token (a CfnParameter's seconds) stays a reference in the ASL, not the text '<token> seconds'.
      cause: `No decision within ${props.timeout.isUnresolved() ? `${Token.asString(props.timeout.toSeconds())} seconds` : props.timeout.toHumanString()}.`,
    });
    wait.addCatch(expired, { errors: [sfn.Errors.TIMEOUT] });
    return wait;
  }

  private askOnlyIf(condition: sfn.Condition): sfn.Choice {
    const notRequiredOutcome = { approvalId: null, decision: 'NOT_REQUIRED', decidedBy: null, decidedAt: null, comment: null };
    const notRequired = new sfn.Pass(this, 'NotRequired', {
      stateName: fitStateName(`${this.stateId}: not required`),
      queryLanguage: this.languageOfStates(),
      ...(this.jsonata ? { outputs: notRequiredOutcome } : { result: sfn.Result.fromObject(notRequiredOutcome) }),
    });
    return new sfn.Choice(this, 'Required', { stateName: fitStateName(`${this.stateId}: required?`), queryLanguage: this.languageOfStates() })
      .when(condition, this.waitForDecision)
      .otherwise(notRequired);
  }

  /**
   * The language declared on the states inside the branch: JSONata when the step is, else left
   * to inherit (a branch's states render as JSONPath, as they always did).
   */
  private languageOfStates(): sfn.QueryLanguage | undefined {
    return this.jsonata ? sfn.QueryLanguage.JSONATA : undefined;
  }

}
