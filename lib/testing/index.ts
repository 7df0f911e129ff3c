export { ExecutionResult } from './execution-result';
export type { CatchRecord, ExecutionHistoryJson, ExecutionResultProps, ExecutionResultStatus, FromHistoryOptions, RetryRecord } from './execution-result';
export type {
  EvaluationFailedEventDetails, ExecutionStartedEventDetails, HistoryErrorDetails, HistoryEvent, HistoryEventDataDetails, HistoryEventType, HistoryOutputDetails,
  MapIterationEventDetails, MapRunEventDetails, MapStateStartedEventDetails, ScheduledEventDetails, StateEnteredEventDetails,
  StateExitedEventDetails, TaskErrorDetails, TaskOutputDetails, TaskResourceDetails, TaskScheduledEventDetails,
} from './engine/history';
export { InvalidDefinitionError } from './engine/validate';
export type { ValidationDiagnostic, ValidationSeverity } from './engine/validate';
export type { LambdaContext, LambdaHandler } from './lambda-runtime';
export { LocalApprovals, LocalDecisionError } from './local-approvals';
export type { LocalDecision } from './local-approvals';
export { LocalRunner } from './local-runner';
export type { LocalDefinitionOptions, LocalRunnerOptions } from './local-runner';
export { LocalDynamoDB } from './integrations/local-dynamodb';
export type { PublishedMessage } from './integrations/sns-integration';
export type { SentMessage } from './integrations/sqs-integration';
export { LocalS3 } from './local-s3';
export type { LocalS3Contents } from './local-s3';
export { LocalStateMachine } from './local-state-machine';
export type { LocalExecution, RunOptions } from './local-state-machine';
export type { PublishedEvent } from './put-events-integration';
export { aslSnapshot } from './snapshot';
export { TaskFailure } from './task-failure';
export type { TaskContext, TaskHandler } from './task-host';
export { TaskTokenError } from './engine/task-tokens';
export type { PendingTask } from './engine/task-tokens';
export { StateMachineCoverage, COVERAGE_ENV } from './coverage/state-machine-coverage';
export type { RecordedMachine, StateMachineCoverageJson } from './coverage/state-machine-coverage';
export type { StateMachineCoverageData } from './coverage/coverage-data';
export { CoverageReport, COVERAGE_MEASURES, formatPercent } from './coverage/coverage-report';
export type { CoverageMeasure, CoverageMeasureName, CoverageReportOptions, CoverageThreshold, MachineCoverage } from './coverage/coverage-report';
export { StateMachineCoverageReporter, COVERAGE_DIR_ENV, COVERAGE_FRAGMENTS_ENV } from './coverage/jest-reporter';
export type { CoverageReporterOptions, JestGlobalConfig } from './coverage/jest-reporter';
export type { ObjectStore, StoredObject } from './engine/object-store';
export type { SynthesizedFunction, SynthesizedStateMachine } from '../assembly/stack-resources';
export type { ApprovalView } from '../approval/approval-record';
export { LocalApprovalsServer } from './local-approvals-server';
export type { LocalApprovalsServerOptions } from './local-approvals-server';
export type { LocalReviewer } from './local-reviewer';
