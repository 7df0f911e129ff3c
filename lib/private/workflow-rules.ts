import { Annotations, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { IConstruct } from 'constructs';
import { ACKNOWLEDGED_RULES_METADATA, acknowledgedRuleId, IDEMPOTENT_STATES_METADATA } from '../assembly/metadata-keys';
import { renderDefinition } from '../asl/render';
import type { Finding } from '../validation/rule';

/** What the rules are told about a Workflow besides its ASL. */
export interface WorkflowRuleInput {
  readonly stateMachine: sfn.StateMachine;
  readonly stateMachineType: sfn.StateMachineType;
  /** The literal state machine name, if any. */
  readonly stateMachineName?: string;
  /** Whether logs include execution data. */
  readonly includeExecutionData: boolean;
}

/**
 * Runs the validation rules over a Workflow's synthesized ASL: errors are returned (they fail
 * synth), warnings become annotations on `workflow`; acknowledged rules are skipped. The rule
 * modules (asl-validator and its schemas) are loaded here, at synth, not when the library is
 * imported.
 */
export function workflowRuleErrors(workflow: IConstruct, input: WorkflowRuleInput): string[] {
  // Loaded at synth only: importing the construct library must not load the validators.
  const { validateDefinition } = require('../validation/validate-definition') as typeof import('../validation/validate-definition');
  const { Severity } = require('../validation/rule') as typeof import('../validation/rule');
  const metadata = (input.stateMachine.node.defaultChild as sfn.CfnStateMachine).getMetadata(IDEMPOTENT_STATES_METADATA) as Record<string, unknown> | undefined;
  const findings = validateDefinition({
    definition: renderDefinition(input.stateMachine),
    stateMachineType: input.stateMachineType,
    stateMachineName: input.stateMachineName,
    idempotentStates: Object.keys(Stack.of(workflow).resolve(metadata) ?? {}),
    includeExecutionData: input.includeExecutionData,
  });
  const acknowledged = acknowledgedRuleIds(input.stateMachine.node.defaultChild ?? input.stateMachine);
  const errors: string[] = [];
  for (const finding of findings.filter((f) => !(f.acknowledgeable && acknowledged.has(f.ruleId)))) {
    if (finding.severity === Severity.ERROR) errors.push(formatFinding(finding));
    else Annotations.of(workflow).addWarningV2(finding.ruleId, formatFinding(finding));
  }
  return errors;
}



/** A finding as synth reports it; only a rule that can be acknowledged says how. */
function formatFinding(finding: Finding): string {
  const state = finding.stateName ? ` [state '${finding.stateName}']` : '';
  const acknowledge = finding.acknowledgeable ? `; acknowledge with Validations.of(workflow).acknowledge({ id: '${finding.ruleId}', reason }) if intended` : '';
  return `${finding.ruleId}${state}: ${finding.message} (see ${finding.see}${acknowledge})`;
}

/**
 * Rule ids acknowledged with `Validations.of(x).acknowledge` on the construct or an ancestor:
 * the state machine resource's, as `cdk-sfn-workflows lint` reads them from the assembly.
 */
function acknowledgedRuleIds(scope: IConstruct): Set<string> {
  return new Set(
    scope.node.scopes.flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === ACKNOWLEDGED_RULES_METADATA)
        .flatMap((entry) => Object.keys(entry.data as Record<string, string>).map(acknowledgedRuleId)),
    ),
  );
}

