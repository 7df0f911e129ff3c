import { Resource } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/** The condition key that narrows a grant on a state machine to one alias or version. */
export const QUALIFIER_CONDITION_KEY = 'states:StateMachineQualifier';

/**
 * A state machine alias as the rest of aws-cdk-lib uses an `IStateMachine`: its ARN is the
 * alias ARN (what a rule target, a schedule or a `StartExecution` task names), while its grants
 * name the unqualified state machine ARN, because IAM authorizes a call on an alias or a version
 * against the state machine's own ARN (aws/aws-cdk#30265, SAM #3720). Start grants are narrowed
 * to the alias with `states:StateMachineQualifier`; metrics are the state machine's.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/auth-version-alias.html
 */
export class StateMachineAlias extends Resource implements sfn.IStateMachine {
  public readonly stateMachineArn: string;
  public readonly grantPrincipal: iam.IPrincipal;

  /**
   * @param stateMachine the state machine the alias belongs to
   * @param aliasArn the alias ARN (`…:stateMachine:<name>:<alias>`)
   * @param aliasName the alias name, the qualifier IAM sees
   */
  constructor(scope: Construct, id: string, public readonly stateMachine: sfn.IStateMachine, aliasArn: string, public readonly aliasName: string) {
    super(scope, id);
    this.stateMachineArn = aliasArn;
    this.grantPrincipal = stateMachine.grantPrincipal;
  }

  public get stateMachineRef(): sfn.StateMachineReference {
    return { stateMachineArn: this.stateMachineArn };
  }

  /** `states:StartExecution` on the state machine ARN, for this alias only. */
  public grantStartExecution(identity: iam.IGrantable): iam.Grant {
    return this.grantStart(identity, 'states:StartExecution');
  }

  /** `states:StartSyncExecution` on the state machine ARN, for this alias only. */
  public grantStartSyncExecution(identity: iam.IGrantable): iam.Grant {
    return this.grantStart(identity, 'states:StartSyncExecution');
  }

  public grantRead(identity: iam.IGrantable): iam.Grant {
    return this.stateMachine.grantRead(identity);
  }

  public grantTaskResponse(identity: iam.IGrantable): iam.Grant {
    return this.stateMachine.grantTaskResponse(identity);
  }

  public grantExecution(identity: iam.IGrantable, ...actions: string[]): iam.Grant {
    return this.stateMachine.grantExecution(identity, ...actions);
  }

  public grantRedriveExecution(identity: iam.IGrantable): iam.Grant {
    return this.stateMachine.grantRedriveExecution(identity);
  }

  public grant(identity: iam.IGrantable, ...actions: string[]): iam.Grant {
    return this.stateMachine.grant(identity, ...actions);
  }

  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metric(metricName, props);
  }

  public metricFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricFailed(props);
  }

  public metricThrottled(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricThrottled(props);
  }

  public metricAborted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricAborted(props);
  }

  public metricSucceeded(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricSucceeded(props);
  }

  public metricTimedOut(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricTimedOut(props);
  }

  public metricStarted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricStarted(props);
  }

  public metricTime(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricTime(props);
  }

  private grantStart(identity: iam.IGrantable, action: string): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee: identity,
      actions: [action],
      resourceArns: [this.stateMachine.stateMachineArn],
      conditions: { 'ForAnyValue:StringEquals': { [QUALIFIER_CONDITION_KEY]: [this.aliasName] } },
    });
  }
}
