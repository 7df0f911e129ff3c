import { Stack, Stage } from 'aws-cdk-lib';
import { AssemblyStack, readCloudAssembly } from '../assembly/cloud-assembly';
import { FunctionRegistry, LocalEnvironment } from './function-registry';
import { LocalExecution, LocalRunnerServices, LocalStateMachine, RunOptions } from './local-state-machine';
import { nestedExecutionIntegration } from './nested-execution-integration';
import { putEventsIntegration } from './put-events-integration';
import { ruleTargetInput } from './rule-target-input';
import { ProcessEnvironment } from './process-environment';
import { PendingTask, TaskTokenBroker } from './task-token-broker';
import { eventRulesOf, stateMachinesOf, SynthesizedEventRule, SynthesizedFunction } from '../assembly/stack-resources';
import { matchesEventPattern } from './event-pattern';
import { listStates } from '../asl/definition';

/** Options of a {@link LocalRunner}. */
export interface LocalRunnerOptions {
  /**
   * The region ARNs and `${AWS::Region}` use locally.
   * @default - the stack's region if it has one, else us-east-1
   */
  readonly region?: string;
  /**
   * The account ARNs and `${AWS::AccountId}` use locally.
   * @default - the stack's account if it has one, else 123456789012
   */
  readonly account?: string;
}

/**
 * Runs the state machines of a synthesized CDK app in-process, without an AWS account: it
 * reads each definition from the cloud assembly (resolving CloudFormation references) and
 * executes it with aws-local-stepfunctions, running every Lambda task on the function's own
 * bundled code from the assembly, the artifact `cdk deploy` would upload.
 *
 * ```ts
 * const runner = LocalRunner.fromStack(stack);
 * const result = await runner.stateMachine('Orders').run({ orderId: 'o-1' });
 * expect(result.path).toContain('Charge payment');
 * ```
 */
export class LocalRunner {
  /**
   * Synthesizes the stage (app) that holds `stack` and reads the stack from its assembly.
   * Synthesis happens once per stage: later calls reuse the assembly.
   */
  public static fromStack(stack: Stack, options: LocalRunnerOptions = {}): LocalRunner {
    const stage = Stage.of(stack);
    if (!stage) throw new Error(`Stack ${stack.node.path} is not in an App or Stage, so it cannot be synthesized.`);
    const stacks = readCloudAssembly(stage.synth().directory);
    return new LocalRunner(stacks.filter((s) => s.artifactId === stack.artifactId), options);
  }

  /**
   * Reads every stack of a cloud assembly directory, such as the `cdk.out` that `cdk synth`
   * writes.
   *
   * @throws Error if the directory is not a cloud assembly.
   */
  public static fromCloudAssembly(directory: string, options: LocalRunnerOptions = {}): LocalRunner {
    return new LocalRunner(readCloudAssembly(directory), options);
  }

  /** Every state machine the runner found. */
  public readonly stateMachines: LocalStateMachine[];

  private readonly functionRegistry: FunctionRegistry;
  private readonly environment: LocalEnvironment;
  private readonly rules: Array<{ rule: SynthesizedEventRule; stack: AssemblyStack }>;
  private readonly broker = new TaskTokenBroker();
  private readonly processEnvironment = new ProcessEnvironment();

  /** @internal */
  private constructor(stacks: AssemblyStack[], options: LocalRunnerOptions) {
    this.environment = {
      region: options.region ?? stacks.find((s) => s.region)?.region ?? 'us-east-1',
      account: options.account ?? stacks.find((s) => s.account)?.account ?? '123456789012',
    };
    this.functionRegistry = new FunctionRegistry(stacks, this.environment);
    const synthesized = stacks.flatMap(stateMachinesOf);
    const services: LocalRunnerServices = {
      functions: this.functionRegistry,
      environment: this.environment,
      integrations: this.integrations,
      broker: this.broker,
      processEnvironment: this.processEnvironment,
      taskStateNames: new Set(synthesized.flatMap((machine) => listStates(machine.definition).filter(({ state }) => state.Type === 'Task').map(({ name }) => name))),
    };
    this.stateMachines = synthesized.map((machine) => new LocalStateMachine(machine, services));
    this.rules = stacks.flatMap((stack) => eventRulesOf(stack).map((rule) => ({ rule, stack })));
  }

  /**
   * Delivers an event to an EventBridge trigger of the assembly: if the event matches the
   * rule's pattern, starts an execution of each state machine the rule targets, with the input
   * the target's input settings make of the event (the whole event, `InputPath`, or an input
   * transformer).
   *
   * @param trigger the rule's construct path (or that of the `EventTrigger` holding it, with or
   * without the stack's path), or its logical id
   * @returns the executions started; empty when the rule is disabled or the event does not
   * match the pattern. Targets that are not state machines are skipped.
   * @throws Error if no rule, or several, match `trigger`; the pattern uses an operator the
   * runner does not support; a state machine target is not in the assembly; or an input
   * transformer makes input that is not JSON.
   */
  public startFromEvent(trigger: string, event: Record<string, unknown>, options: RunOptions = {}): LocalExecution[] {
    const { rule, stack } = this.findRule(trigger);
    if (!rule.enabled || !matchesEventPattern(rule.eventPattern, event)) return [];
    const ruleName = rule.ruleName ?? `${stack.stackName}-${rule.logicalId}`;
    const identity = { name: ruleName, arn: `arn:aws:events:${this.environment.region}:${this.environment.account}:rule/${ruleName}` };
    return rule.targets.flatMap((target) => {
      const machine = this.findStateMachine(stack, target.arn);
      if (machine) return [machine.start(ruleTargetInput(target, event, identity), options)];
      if (/^arn:[^:]+:states:[^:]*:[^:]*:stateMachine:/.test(target.arn)) {
        throw new Error(`Rule ${rule.constructPath ?? rule.logicalId} targets state machine ${target.arn}, which is not in the assembly.`);
      }
      return [];
    });
  }

  private findRule(trigger: string): { rule: SynthesizedEventRule; stack: AssemblyStack } {
    const matches = this.rules.filter(({ rule, stack }) => {
      const path = rule.constructPath ?? '';
      const relative = path.slice(stack.displayName.length + 1);
      return [rule.logicalId, path, relative].flatMap((id) => [id, id.replace(/\/Rule$/, '')]).includes(trigger);
    });
    if (matches.length === 1) return matches[0];
    const known = this.rules.map(({ rule }) => rule.constructPath ?? rule.logicalId).join(', ') || 'none';
    throw new Error(`${matches.length === 0 ? 'No' : 'More than one'} EventBridge rule matches '${trigger}'. Rules found: ${known}.`);
  }

  /** The Lambda functions of the stacks read, as synthesized. */
  public get lambdaFunctions(): SynthesizedFunction[] {
    return this.functionRegistry.all.map((fn) => fn.fn);
  }

  /** Callback tasks waiting for a task token, in every execution of this runner. */
  public get pendingTasks(): PendingTask[] {
    return this.broker.pendingTasks;
  }

  /**
   * Ends every waiting callback task and puts back the environment variables the runner set.
   * Call it after a test that leaves executions waiting.
   */
  public dispose(): void {
    this.broker.dispose();
    this.processEnvironment.restore();
  }

  /** Resolves when a callback task matching `filter` waits (at once if one already does). */
  public waitForTaskToken(filter?: (task: PendingTask) => boolean): Promise<PendingTask> {
    return this.broker.waitForTask(filter);
  }

  /**
   * SendTaskSuccess: the waiting task succeeds with `output`, a JSON string.
   *
   * @throws TaskTokenError named `InvalidToken`, `TaskTimedOut` or `InvalidOutput`, as Step Functions
   * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html
   */
  public sendTaskSuccess(taskToken: string, output: string): void {
    this.broker.sendTaskSuccess(taskToken, output);
  }

  /**
   * SendTaskFailure: the waiting task fails with `error` and `cause`.
   *
   * @throws TaskTokenError named `InvalidToken` or `TaskTimedOut`
   * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html
   */
  public sendTaskFailure(taskToken: string, error?: string, cause?: string): void {
    this.broker.sendTaskFailure(taskToken, error, cause);
  }

  /**
   * Times out a waiting callback task now, as if its TimeoutSeconds had elapsed: it fails with
   * `States.Timeout`. Does nothing if the task no longer waits.
   */
  public expireTask(taskToken: string): void {
    this.broker.expire(taskToken);
  }

  /**
   * SendTaskHeartbeat: restarts the waiting task's heartbeat clock.
   *
   * @throws TaskTokenError named `InvalidToken` or `TaskTimedOut`
   */
  public sendTaskHeartbeat(taskToken: string): void {
    this.broker.sendTaskHeartbeat(taskToken);
  }

  /**
   * A state machine, by construct path (of the state machine or of a construct that holds it,
   * such as a `Workflow`; with or without the stack's path), logical id or name. Without an id,
   * the only state machine.
   *
   * @throws Error listing the state machines found when none (or several) match.
   */
  public stateMachine(id?: string): LocalStateMachine {
    const matches = this.stateMachines.filter((machine) => id === undefined || matchesId(machine, id));
    if (matches.length === 1) return matches[0];
    const known = this.stateMachines.map((m) => m.synthesized.constructPath ?? m.synthesized.logicalId).join(', ') || 'none';
    const problem = matches.length === 0 ? 'No state machine matches' : 'Several state machines match';
    throw new Error(`${problem} ${id === undefined ? '(no id given)' : `'${id}'`}. State machines found: ${known}.`);
  }

  /** Integrations besides Lambda that every execution gets. */
  private readonly integrations = [
    nestedExecutionIntegration((parent, arn) => this.findStateMachine(parent.synthesized.stack, arn)),
    putEventsIntegration,
  ];

  /** The state machine an ARN names: a `${LogicalId}` placeholder of `stack`, or a local ARN. */
  private findStateMachine(stack: AssemblyStack, stateMachineArn: string): LocalStateMachine | undefined {
    const logicalId = /^\$\{([^}.]+)\}$/.exec(stateMachineArn)?.[1];
    return this.stateMachines.find((machine) =>
      logicalId ? machine.synthesized.logicalId === logicalId && machine.synthesized.stack === stack : machine.stateMachineArn === stateMachineArn,
    );
  }
}

function matchesId(machine: LocalStateMachine, id: string): boolean {
  const { constructPath, logicalId, stateMachineName, stack } = machine.synthesized;
  const relative = constructPath?.slice(stack.displayName.length + 1);
  const candidates = [logicalId, stateMachineName, constructPath, relative];
  return candidates.includes(id) || [constructPath, relative].some((p) => p?.startsWith(`${id}/`));
}
