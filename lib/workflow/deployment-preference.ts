import { Duration, Token } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { WorkflowConfigurationError } from '../private/errors';

/**
 * How a new version of a workflow reaches its alias (`AWS::StepFunctions::StateMachineAlias`
 * `DeploymentPreference`): all at once, a canary, or linear steps. While traffic shifts,
 * CloudFormation watches the workflow's rollback alarms; any alarm in ALARM sends the alias back
 * to the previous version and fails the stack update, which rolls back.
 *
 * `Interval` is in minutes (1–2,100); `Percentage` is 1–99.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/version-rolling-deployment.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-stepfunctions-statemachinealias-deploymentpreference.html
 */
export class DeploymentPreference {
  /**
   * Every new execution goes to the new version at once; the alarms are still watched and
   * roll back if they fire while CloudFormation watches.
   */
  public static allAtOnce(): DeploymentPreference {
    return new DeploymentPreference('ALL_AT_ONCE');
  }

  /**
   * `percentage` of new executions go to the new version for `interval`; then, if no rollback
   * alarm fired, all of them. E.g. `canary(10, Duration.minutes(10))`.
   *
   * @param percentage share of executions for the canary, 1–99
   * @param interval how long the canary runs before the rest shifts, whole minutes from 1 to 2,100
   */
  public static canary(percentage: number, interval: Duration): DeploymentPreference {
    return new DeploymentPreference('CANARY', percentage, interval);
  }

  /**
   * The new version's share grows by `percentage` every `interval` until it reaches 100%.
   * E.g. `linear(20, Duration.minutes(5))`: 5 steps, 25 minutes.
   *
   * @param percentage the step, 1–99
   * @param interval time between steps, whole minutes from 1 to 2,100
   */
  public static linear(percentage: number, interval: Duration): DeploymentPreference {
    return new DeploymentPreference('LINEAR', percentage, interval);
  }

  /** `ALL_AT_ONCE`, `CANARY` or `LINEAR`, as CloudFormation spells it. */
  public readonly type: string;
  /** The canary's share or the linear step, in percent (not for ALL_AT_ONCE). */
  public readonly percentage?: number;
  /** The canary's duration or the time between linear steps (not for ALL_AT_ONCE). */
  public readonly interval?: Duration;

  private constructor(type: string, percentage?: number, interval?: Duration) {
    this.type = type;
    this.percentage = percentage;
    this.interval = interval;
  }

  /**
   * How long CloudFormation shifts traffic (and keeps the stack update in progress):
   * the canary's interval, or `ceil(100 / percentage) × interval` for linear.
   * Undefined for ALL_AT_ONCE or token values.
   */
  public get shiftDuration(): Duration | undefined {
    if (this.interval === undefined || this.percentage === undefined || this.interval.isUnresolved() || Token.isUnresolved(this.percentage)) return undefined;
    const steps = this.type === 'LINEAR' ? Math.ceil(100 / this.percentage) : 1;
    return Duration.minutes(steps * this.interval.toMinutes());
  }

  /**
   * The `DeploymentPreference` property of the alias.
   *
   * @param alarms the rollback alarms' names (a list token that resolves to nothing when there are none)
   *
   * @internal
   * @throws WorkflowConfigurationError for a percentage outside 1–99 or an interval that is not whole minutes from 1 to 2,100.
   */
  public _render(scope: Construct, stateMachineVersionArn: string, alarms: string[]): sfn.CfnStateMachineAlias.DeploymentPreferenceProperty {
    this.check(scope);
    return {
      stateMachineVersionArn,
      type: this.type,
      percentage: this.percentage,
      interval: this.interval?.toMinutes(),
      alarms,
    };
  }

  private check(scope: Construct): void {
    const percentage = this.percentage;
    if (percentage !== undefined && !Token.isUnresolved(percentage) && (!Number.isInteger(percentage) || percentage < 1 || percentage > 99)) {
      throw new WorkflowConfigurationError(scope, `the ${this.type} deployment percentage must be a whole number from 1 to 99 (got ${percentage}).`, 'pass e.g. DeploymentPreference.canary(10, Duration.minutes(10)).');
    }
    const interval = this.interval;
    if (interval === undefined || interval.isUnresolved()) return;
    const minutes = interval.toMinutes({ integral: false });
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 2100) {
      throw new WorkflowConfigurationError(
        scope,
        `the ${this.type} deployment interval must be whole minutes from 1 to 2,100 (got ${interval.toHumanString()}).`,
        'pass e.g. Duration.minutes(10): CloudFormation counts the interval in minutes.',
      );
    }
  }
}
