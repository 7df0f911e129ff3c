/**
 * Metadata key, on an `AWS::StepFunctions::StateMachine` resource, listing the states declared
 * idempotent; the linter reads it from the cloud assembly.
 */
export const IDEMPOTENT_STATES_METADATA = 'cdk-sfn-workflows:idempotentStates';

/**
 * Metadata key, on the `AWS::Lambda::Function` resource of an ApprovalService's notifier;
 * LocalApprovals finds the notifiers to emulate by it.
 */
export const APPROVAL_NOTIFIER_METADATA = 'cdk-sfn-workflows:approvalNotifier';
