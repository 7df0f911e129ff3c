/**
 * Metadata key, on an `AWS::StepFunctions::StateMachine` resource, listing the states declared
 * idempotent; the linter reads it from the cloud assembly.
 */
export const IDEMPOTENT_STATES_METADATA = 'cdk-sfn-workflows:idempotentStates';
