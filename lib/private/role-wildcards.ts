import { AspectPriority, Aspects, IAspect, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { IConstruct } from 'constructs';
import { acknowledgeNagRules, nagResourceName } from './nag-acknowledgements';

/**
 * Acknowledges, on a state machine's role, the wildcards cdk-nag's AwsSolutions-IAM5 reports
 * that the state machine needs and CDK generated, each with its reason: `*` for log delivery
 * and X-Ray (no resource-level permissions exist), `<function ARN>:*` to invoke the versions
 * and aliases of a Lambda task's function, and the executions of a nested workflow (their
 * ARNs are only known at run time). Wildcards for other actions stay reported.
 *
 * The role's policy is read once, at synth (a mutating aspect, which runs before cdk-nag's
 * checks), so grants added after the state machine count too.
 */
export function acknowledgeRoleWildcardsAtSynth(stateMachine: sfn.StateMachine): void {
  Aspects.of(stateMachine).add(new RoleWildcards(stateMachine), { priority: AspectPriority.MUTATING });
}

class RoleWildcards implements IAspect {
  private done = false;

  constructor(private readonly stateMachine: sfn.StateMachine) {}

  public visit(node: IConstruct): void {
    if (this.done || node !== this.stateMachine) return;
    this.done = true;
    const policy = this.stateMachine.role.node.tryFindChild('DefaultPolicy') as iam.Policy | undefined;
    if (!policy) return;
    const byReason = new Map<string, Set<string>>();
    for (const statement of resolvedStatements(policy)) {
      if (statement.Effect !== 'Allow') continue;
      const actions: string[] = [statement.Action].flat();
      for (const resource of [statement.Resource].flat().map(nagResourceName).filter((r) => r.includes('*'))) {
        const reason = wildcardReason(actions, resource);
        if (reason) byReason.set(reason, (byReason.get(reason) ?? new Set()).add(`Resource::${resource}`));
      }
    }
    acknowledgeNagRules(
      this.stateMachine.role,
      ...[...byReason].map(([reason, findings]) => ({ id: 'AwsSolutions-IAM5', reason, appliesTo: [...findings] })),
    );
  }
}

/**
 * The policy's statements, resolved. Each task grants its own statement (a 300-step saga of one
 * function holds 450 copies of two), so duplicates are dropped before resolving: resolving the
 * whole document would cost what CDK spends on it again when it writes the template.
 */
function resolvedStatements(policy: iam.Policy): any[] {
  const statements: unknown[] = policy.document.toJSON()?.Statement ?? [];
  const unique = [...new Map(statements.map((statement) => [JSON.stringify(statement), statement])).values()];
  return Stack.of(policy).resolve(unique) ?? [];
}

/** Why a wildcard the state machine role holds is needed, when it is one CDK generates for it. */
function wildcardReason(actions: string[], resource: string): string | undefined {
  if (resource === '*' && actions.every((action) => /^(logs:\w*(LogDelivery|LogDeliveries|ResourcePolic\w*|DescribeLogGroups)|xray:\w+)$/.test(action))) {
    return 'CloudWatch Logs delivery and X-Ray actions support no resource-level permissions; Step Functions requires Resource "*" for them.';
  }
  if (/^<[A-Za-z0-9]+\.Arn>:\*$/.test(resource) && actions.every((action) => action === 'lambda:InvokeFunction')) {
    return "Invoking a Lambda task's function is granted on its versions and aliases (ARN:*), no wider than that function.";
  }
  if (/:states:.*:(execution|express):/.test(resource) && actions.every((action) => /^states:(DescribeExecution|StopExecution)$/.test(action))) {
    return "A nested workflow step describes and stops the child executions it starts, whose names are known only at run time. CDK grants this on execution:<child name>* (a name prefix: it also matches executions of any state machine in this account and Region whose name begins with the child's name) and, for an EXPRESS child, on express:<child name>:*.";
  }
  return undefined;
}

