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

/**
 * Metadata key, on an `AWS::StepFunctions::StateMachine` resource, of how long states are
 * expected to take (`{ <state>: <seconds> }`): the stuck-execution check reports an execution
 * that stays in such a state longer. A step of your own records it through
 * `WorkflowStepConfig.stateMetadata` under this key.
 */
export const EXPECTED_DURATIONS_METADATA = 'cdk-sfn-workflows:expectedDurationSeconds';

/**
 * Metadata key, on an `AWS::StepFunctions::StateMachine` resource, of the states that wait for
 * a human decision (`{ <state>: true }`): the stuck-execution check counts executions waiting
 * there as open approvals, judged against their own timeout.
 */
export const APPROVAL_STATES_METADATA = 'cdk-sfn-workflows:approvalStates';
