/*
 * cdk-sfn-workflows: the constructs. Every export is listed by name (and recorded in the API
 * report, api/cdk-sfn-workflows.api.md): nothing else is public API. ASL tooling (lint, cost,
 * flattening) is `cdk-sfn-workflows/asl`; the local runner `cdk-sfn-workflows/testing`;
 * diagrams `cdk-sfn-workflows/diagram`.
 */
export { Workflow } from './workflow/workflow';
export type { IWorkflow, WorkflowAttributes, WorkflowProps } from './workflow/workflow';
export type { IWorkflowStep, WorkflowStepConfig, WorkflowStepContext } from './workflow/workflow-step';
export { DeploymentPreference } from './workflow/deployment-preference';
export { WorkflowMonitoring } from './workflow/workflow-monitoring';
export type { WorkflowMonitoringProps } from './workflow/workflow-monitoring';
export { LambdaStep } from './steps/lambda-step';
export type { LambdaStepBaseProps, LambdaStepOptions, LambdaStepProps } from './steps/lambda-step';
export { StepDefaults } from './steps/step-defaults';
export type { StepDefaultsProps } from './steps/step-defaults';
export type { LambdaStepEvent } from './steps/lambda-step-event';
export { RetryPolicy } from './steps/retry-policy';
export type { TransientRetryProps } from './steps/retry-policy';
export { NestedWorkflowStep } from './steps/nested-workflow-step';
export type { NestedWorkflowStepProps } from './steps/nested-workflow-step';
export { PublishEventStep } from './steps/publish-event-step';
export type { PublishEventStepProps } from './steps/publish-event-step';
export { Saga } from './saga/saga';
export type { SagaProps, SagaStep } from './saga/saga';
export { HumanApproval } from './approval/human-approval';
export type { ApprovalRouteOptions, HumanApprovalProps } from './approval/human-approval';
export { ApprovalService } from './approval/approval-service';
export type { ApprovalServiceProps, IApprovalService } from './approval/approval-service';
export { ReviewerSignIn } from './approval/reviewer-sign-in';
export type { ApprovalOutcome } from './approval/approval-record';
export { EventTrigger } from './triggers/event-trigger';
export type { EventTriggerOptions, EventTriggerProps } from './triggers/event-trigger';
export { WorkflowSchedule } from './triggers/workflow-schedule';
export type { WorkflowScheduleOptions, WorkflowScheduleProps } from './triggers/workflow-schedule';
export { ExecutionStatus } from './triggers/execution-status';
export type { ExecutionStatusChangeOptions } from './triggers/execution-status';
export { DeadLetterQueue } from './triggers/dead-letter-queue';
export type { DeadLetterQueueProps } from './triggers/dead-letter-queue';
export type { DeliveryOptions } from './triggers/delivery-options';
