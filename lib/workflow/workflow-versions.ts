import { Lazy, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { WorkflowConfigurationError } from '../private/errors';
import { StateMachineAlias } from '../private/state-machine-alias';
import { DeploymentPreference } from './deployment-preference';

/** What {@link publishVersionAndAlias} needs. */
export interface VersionAndAliasProps {
  readonly aliasName: string;
  readonly deploymentPreference: DeploymentPreference;
  /** The rollback alarms, read at synth (alarms added after the workflow count too). */
  readonly rollbackAlarms: () => cloudwatch.IAlarm[];
  readonly versionRemovalPolicy: RemovalPolicy;
}

/** The version, the alias, and the alias as an `IStateMachine` to start and grant through. */
export interface VersionAndAlias {
  readonly version: sfn.CfnStateMachineVersion;
  readonly alias: sfn.CfnStateMachineAlias;
  readonly target: StateMachineAlias;
}

/** Alias names: letters, digits, `-`, `_`, `.`, at least one non-digit (a number would read as a version). */
const ALIAS_NAME = /^(?=.*[a-zA-Z_.-])[a-zA-Z0-9_.-]{1,80}$/;

/**
 * Publishes a version of the state machine for each revision (`AWS::StepFunctions::StateMachineVersion`
 * with `StateMachineRevisionId`: a new revision replaces the resource, which publishes a new
 * version) and routes an alias to it with a deployment preference whose alarms are NAMES, as
 * CloudFormation requires. The replaced version is kept (`versionRemovalPolicy`, RETAIN by
 * default) as a rollback target; executions already running on it finish either way.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-cd-aliasing-versioning.html
 * @throws WorkflowConfigurationError for an alias name Step Functions refuses, or a bad deployment preference.
 */
export function publishVersionAndAlias(scope: Construct, stateMachine: sfn.StateMachine, props: VersionAndAliasProps): VersionAndAlias {
  const { aliasName } = props;
  if (!Token.isUnresolved(aliasName) && !ALIAS_NAME.test(aliasName)) {
    throw new WorkflowConfigurationError(
      scope,
      `aliasName '${aliasName}' is not a Step Functions alias name (1–80 letters, digits, '-', '_' or '.', not only digits).`,
      "pass a name such as 'live' or 'prod'.",
    );
  }
  const version = new sfn.CfnStateMachineVersion(scope, 'Version', {
    stateMachineArn: stateMachine.stateMachineArn,
    stateMachineRevisionId: stateMachine.stateMachineRevisionId,
  });
  version.applyRemovalPolicy(props.versionRemovalPolicy);
  const alarmNames = Lazy.list({ produce: () => unique(props.rollbackAlarms().map((alarm) => alarm.alarmName)) }, { omitEmpty: true });
  const alias = new sfn.CfnStateMachineAlias(scope, 'Alias', {
    name: aliasName,
    description: `Routes executions of ${scope.node.path} to its published versions`,
    deploymentPreference: props.deploymentPreference._render(scope, version.attrArn, alarmNames),
  });
  const target = new StateMachineAlias(scope, 'AliasTarget', stateMachine, alias.attrArn, aliasName);
  return { version, alias, target };
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}
