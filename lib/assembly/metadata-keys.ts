/**
 * Metadata type of `Validations.of(x).acknowledge(...)` entries (aws-cdk-lib's
 * `Validations.ACKNOWLEDGED_RULES_METADATA_KEY`, repeated so that the CLI need not load
 * aws-cdk-lib).
 */
export const ACKNOWLEDGED_RULES_METADATA = 'aws:cdk:acknowledged-rules';

/** The rule id of an acknowledgement entry: CDK prefixes some ids with a namespace (`Annotation::`). */
export function acknowledgedRuleId(entryId: string): string {
  return entryId.replace(/^[^:]+::/, '');
}

/**
 * Metadata key, on an `AWS::StepFunctions::StateMachine` resource, of the states declared
 * idempotent (`{ <state>: true }`); the rules and the linter read it.
 */
export const IDEMPOTENT_STATES_METADATA = 'cdk-sfn-workflows:idempotentStates';

/**
 * Metadata key, on an `AWS::StepFunctions::StateMachine` resource, of a saga's compensations
 * (`{ <compensation state>: <action state> }`), which diagrams read to draw the undo path.
 */
export const SAGA_COMPENSATIONS_METADATA = 'cdk-sfn-workflows:sagaCompensations';

/**
 * Metadata key, on the `AWS::Lambda::Function` resource of an ApprovalService's notifier;
 * LocalApprovals finds the notifiers to emulate by it.
 */
export const APPROVAL_NOTIFIER_METADATA = 'cdk-sfn-workflows:approvalNotifier';
