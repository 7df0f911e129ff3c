import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/**
 * What a {@link Workflow} tells a step it binds: the state machine the step runs in, and a
 * scope for what the step adds there.
 */
export interface WorkflowStepContext {
  /**
   * The Workflow construct: a scope for resources the step adds in the workflow's stack (for
   * example a policy that lets a service in another stack resume this state machine, without a
   * dependency cycle).
   */
  readonly scope: Construct;
  /** The state machine the step runs in. */
  readonly stateMachine: sfn.IStateMachine;
  /** STANDARD or EXPRESS. */
  readonly stateMachineType: sfn.StateMachineType;
  /** The execution timeout. */
  readonly timeout: Duration;
  /**
   * The state machine's query language, which states that declare none inherit. Every state's
   * own language is settled before the definition renders: a step cannot change it here.
   */
  readonly queryLanguage: sfn.QueryLanguage;
  /**
   * Whether the workflow publishes versions and starts its executions through an alias. A
   * step that calls code should then pin the version it calls (a Lambda function version), so
   * that an execution keeps the code it started with.
   * @default false
   */
  readonly versioned?: boolean;
}

/** What a step records for the tools that read the cloud assembly. */
export interface WorkflowStepConfig {
  /**
   * Facts about states, recorded on the state machine resource's template metadata for the
   * linter, the local runner and diagrams: metadata key → state name → value (for example
   * `{ 'cdk-sfn-workflows:idempotentStates': { Charge: true } }`). Values of the same key from
   * several steps are merged. Under `cdk-sfn-workflows:expectedDurationSeconds` a step states
   * how long each of its states is expected to take (`{ Charge: 60 }`): the stuck-execution
   * check reports executions that stay longer.
   * @default - nothing recorded
   */
  readonly stateMetadata?: { [metadataKey: string]: { [stateName: string]: any } };
  /**
   * The Lambda functions the step invokes: the workflow's monitoring alarms on their error
   * rate and on invocations approaching their timeout, and charts them per step.
   * @default - none
   */
  readonly lambdaFunctions?: lambda.IFunction[];
}

/**
 * A state that contributes to the {@link Workflow} running it: grants on the state machine,
 * facts for the tools, resources in the workflow's stack. A `Workflow` calls `bindToWorkflow`
 * once for every state of its definition that has it (nested branches and item processors
 * included) and never needs to know the state's class: a step of your own takes part the same
 * way, as aws-cdk-lib's own states take part through `bindToGraph`.
 *
 * ```ts
 * class AuditedStep extends sfn.Pass implements IWorkflowStep {
 *   public bindToWorkflow(context: WorkflowStepContext): WorkflowStepConfig {
 *     context.stateMachine.grantRead(auditRole);
 *     return {};
 *   }
 * }
 * ```
 */
export interface IWorkflowStep {
  /**
   * Binds the step to the Workflow whose definition holds it.
   *
   * @returns what to record for the tools (may be empty).
   */
  bindToWorkflow(context: WorkflowStepContext): WorkflowStepConfig;
}

/** Whether a state takes part in the step protocol (it has a `bindToWorkflow` method). */
export function isWorkflowStep(state: unknown): state is IWorkflowStep {
  return typeof (state as Partial<IWorkflowStep> | undefined)?.bindToWorkflow === 'function';
}
