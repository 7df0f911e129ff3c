/**
 * The CloudWatch namespace the stuck-execution check publishes to: shared by the construct that
 * alarms on it and the handler that publishes (lambda/monitoring/stuck-executions.ts), which
 * must not load aws-cdk-lib, hence a module without imports.
 */
export const STUCK_CHECK_NAMESPACE = 'CdkSfnWorkflows';
