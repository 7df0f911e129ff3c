import { Duration, Stack, Stage } from 'aws-cdk-lib';
import { AslDefinition, listStates } from '../asl/definition';
import { pseudoParameters, replacePlaceholders } from '../asl/flatten';
import { AssemblyStack, readCloudAssembly } from '../assembly/cloud-assembly';
import { eventRulesOf, stateMachineBehind, stateMachinesOf, SynthesizedEventRule, SynthesizedFunction, SynthesizedStateMachine } from '../assembly/stack-resources';
import { VirtualClock } from './engine/clock';
import type { ObjectStore } from './engine/object-store';
import { PendingTask, TaskTokenBroker } from './engine/task-tokens';
import { InvalidDefinitionError } from './engine/validate';
import { matchesEventPattern } from './event-pattern';
import { FunctionRegistry, LocalEnvironment } from './function-registry';
import { dynamoDbIntegration } from './integrations/dynamodb-integration';
import { LocalDynamoDB } from './integrations/local-dynamodb';
import { handlerKeys } from './integrations/service-actions';
import { localQueues, localTopics } from './integrations/resource-references';
import { s3Integration } from './integrations/s3-integration';
import { snsIntegration } from './integrations/sns-integration';
import { sqsIntegration } from './integrations/sqs-integration';
import { tablesOf } from './integrations/table-definitions';
import { LocalExecution, LocalRunnerServices, LocalStateMachine, LocalStateMachineSource, RunOptions } from './local-state-machine';
import { nestedExecutionIntegration } from './nested-execution-integration';
import { resolvePlaceholders } from './placeholders';
import { ProcessEnvironment } from './process-environment';
import { putEventsIntegration } from './put-events-integration';
import { ruleTargetInput } from './rule-target-input';
import { TaskHandler } from './task-host';

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
  /**
   * Replacements for Task states' calls that every execution gets, keyed by state name,
   * `Resource`, or service action (`'http:invoke'`, `'aws-sdk:ssm:getParameter'`): the handlers
   * that answer HTTP tasks and AWS SDK calls no local integration emulates (an execution's own
   * `RunOptions.tasks` take precedence).
   * @default - none
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/call-https-apis.html
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
   */
  readonly tasks?: Record<string, TaskHandler>;
  /**
   * The local S3 that distributed Map states read items from (`ItemReader`) and write
   * results to (`ResultWriter`), and `aws-sdk:s3:getObject` / `putObject` tasks read and write,
   * for example `LocalS3.fromDirectory('test/fixtures/s3')` (one sub-directory per bucket).
   * @default - none: a distributed Map with an ItemReader or ResultWriter fails with
   * `States.ItemReaderFailed`, and an `aws-sdk:s3` task is refused before the run
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
   */
  readonly objectStore?: ObjectStore;
}

/** Options of {@link LocalRunner.fromDefinition}. */
export interface LocalDefinitionOptions extends LocalRunnerOptions {
  /**
   * The state machine's name (in its ARN and `$$.StateMachine.Name`).
   * @default 'StateMachine'
   */
  readonly name?: string;
  /**
   * STANDARD or EXPRESS: an EXPRESS execution times out after 5 minutes and has no history limit.
   * @default 'STANDARD'
   */
  readonly stateMachineType?: 'STANDARD' | 'EXPRESS';
  /**
   * Values for the definition's `${name}` placeholders, as CloudFormation's
   * `DefinitionSubstitutions` gives them (`${AWS::Region}`, `${AWS::AccountId}` and
   * `${AWS::Partition}` are filled in too).
   * @default - none
   */
  readonly definitionSubstitutions?: Record<string, string>;
}

/**
 * Runs the state machines of a synthesized CDK app in-process, without an AWS account: it
 * reads each definition from the cloud assembly (resolving CloudFormation references) and
 * executes it on the library's own ASL engine (both query languages, every state type, on a
 * virtual clock, recording the history Step Functions records), running every Lambda task
 * on the function's own bundled code from the assembly, the artifact `cdk deploy` would upload.
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

  /**
   * Runs a plain ASL definition (an object, or JSON text as in a `.asl.json` file), with
   * `${...}` placeholders filled in from `definitionSubstitutions`. Tasks run on the
   * replacements given in `tasks` (by state name or `Resource`) or per execution; callback
   * tasks without one are taken as sent.
   *
   * @throws InvalidDefinitionError for text that is not JSON; starting an execution checks
   * the definition as Step Functions would.
   */
  public static fromDefinition(definition: string | AslDefinition, options: LocalDefinitionOptions = {}): LocalRunner {
    let text = typeof definition === 'string' ? definition : definitionText(definition);
    const region = options.region ?? 'us-east-1';
    const account = options.account ?? '123456789012';
    const values: Record<string, string> = { ...pseudoParameters(region, account), ...options.definitionSubstitutions };
    text = replacePlaceholders(text, (reference) => values[reference]);
    let parsed: AslDefinition;
    try {
      parsed = JSON.parse(text) as AslDefinition;
    } catch (error) {
      throw new InvalidDefinitionError([{ severity: 'ERROR', code: 'INVALID_JSON_DESCRIPTION', message: `The definition is not valid JSON: ${(error as Error).message}` }]);
    }
    const name = options.name ?? 'StateMachine';
    const source: LocalStateMachineSource = {
      name,
      stateMachineType: options.stateMachineType ?? 'STANDARD',
      definition: parsed,
      resolvedDefinition: parsed,
      roleArn: `arn:aws:iam::${account}:role/${name}-role`,
    };
    return new LocalRunner([], { ...options, region, account }, [source]);
  }

  /** Every state machine the runner found. */
  public readonly stateMachines: LocalStateMachine[];

  private readonly functionRegistry: FunctionRegistry;
  private readonly environment: LocalEnvironment;
  private readonly rules: Array<{ rule: SynthesizedEventRule; stack: AssemblyStack }>;
  private readonly clock = new VirtualClock();
  private readonly broker = new TaskTokenBroker(this.clock);
  private readonly processEnvironment = new ProcessEnvironment();
  private readonly stacks: AssemblyStack[];
  private localDynamoDb?: LocalDynamoDB;
  private readonly objectStore?: ObjectStore;

  /** @internal */
  private constructor(stacks: AssemblyStack[], options: LocalRunnerOptions, definitions: LocalStateMachineSource[] = []) {
    this.stacks = stacks;
    this.objectStore = options.objectStore;
    this.environment = {
      region: options.region ?? stacks.find((s) => s.region)?.region ?? 'us-east-1',
      account: options.account ?? stacks.find((s) => s.account)?.account ?? '123456789012',
    };
    this.functionRegistry = new FunctionRegistry(stacks, this.environment);
    const sources = [...stacks.flatMap(stateMachinesOf).map((machine) => this.sourceOf(machine)), ...definitions];
    const services: LocalRunnerServices = {
      functions: this.functionRegistry,
      environment: this.environment,
      integrations: this.integrations,
      clock: this.clock,
      tokens: this.broker,
      processEnvironment: this.processEnvironment,
      objectStore: options.objectStore,
      defaultTasks: options.tasks ?? {},
      taskKeys: new Set(sources.flatMap((source) => listStates(source.resolvedDefinition).filter(({ state }) => state.Type === 'Task').flatMap(({ name, state }) => [name, ...handlerKeys(String(state.Resource))]))),
    };
    this.stateMachines = sources.map((source) => new LocalStateMachine(source, services));
    this.rules = stacks.flatMap((stack) => eventRulesOf(stack).map((rule) => ({ rule, stack })));
  }

  /** A synthesized state machine with its references resolved to local values. */
  private sourceOf(machine: SynthesizedStateMachine): LocalStateMachineSource {
    const text = resolvePlaceholders(JSON.stringify(machine.definition), machine.stack, this.environment, this.functionRegistry);
    const name = machine.stateMachineName ?? machine.logicalId;
    return {
      name,
      stateMachineType: machine.stateMachineType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
      definition: machine.definition,
      resolvedDefinition: JSON.parse(text) as AslDefinition,
      roleArn: `arn:aws:iam::${this.environment.account}:role/${name}-role`,
      synthesized: machine,
    };
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

  /** The runner's clock: real time plus the time it has jumped or been advanced. */
  public now(): Date {
    return new Date(this.clock.now());
  }

  /**
   * Moves the clock of every execution of this runner forward without waiting: Wait states,
   * retry intervals, task, heartbeat and execution timeouts that fall due fire in order.
   */
  public advanceTime(duration: Duration): Promise<void> {
    return this.clock.advance(duration.toMilliseconds());
  }

  /**
   * The local DynamoDB that the runner's DynamoDB tasks read and write, holding the tables of
   * the stacks read: read a table's items after a run, seed items before one, or create the
   * tables a plain definition uses. The server starts on first use, not here.
   *
   * @see LocalDynamoDB
   */
  public get dynamoDb(): LocalDynamoDB {
    this.localDynamoDb ??= new LocalDynamoDB(this.stacks.flatMap(tablesOf), this.environment.region);
    return this.localDynamoDb;
  }

  /**
   * Ends every waiting callback task, stops the clock, puts back the environment variables
   * the runner set and stops the local services it started (DynamoDB). Call it after a test
   * that leaves executions waiting or uses a local service (`afterAll(() => runner.dispose())`).
   *
   * @returns settles when the local services have stopped.
   */
  public dispose(): Promise<void> {
    this.broker.dispose();
    this.clock.dispose();
    this.processEnvironment.restore();
    return this.localDynamoDb?.dispose() ?? Promise.resolve();
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
    const known = this.stateMachines.map((m) => m.synthesized?.constructPath ?? m.synthesized?.logicalId ?? m.name).join(', ') || 'none';
    const problem = matches.length === 0 ? 'No state machine matches' : 'Several state machines match';
    throw new Error(`${problem} ${id === undefined ? '(no id given)' : `'${id}'`}. State machines found: ${known}.`);
  }

  /** Integrations besides Lambda that every execution gets. */
  private readonly integrations = [
    nestedExecutionIntegration((parent, arn) => this.findStateMachine(parent.synthesized?.stack, arn)),
    putEventsIntegration,
    dynamoDbIntegration(() => this.dynamoDb),
    sqsIntegration(() => localQueues(this.stacks, this.environment)),
    snsIntegration(() => localTopics(this.stacks, this.environment)),
    s3Integration(() => this.objectStore),
  ];

  /**
   * The state machine an ARN names: a `${LogicalId}` or `${LogicalId.Arn}` placeholder of
   * `stack` (of the state machine, or of a version or alias of it), or a local ARN (a version
   * number or alias name after the name is ignored: every version runs the synthesized definition).
   */
  private findStateMachine(stack: AssemblyStack | undefined, stateMachineArn: string): LocalStateMachine | undefined {
    const reference = /^\$\{([^}.]+)(\.Arn)?\}$/.exec(stateMachineArn)?.[1];
    const logicalId = reference !== undefined && stack ? stateMachineBehind(stack, reference) : undefined;
    const unqualified = stateMachineArn.split(':').slice(0, 7).join(':');
    return this.stateMachines.find((machine) =>
      reference !== undefined
        ? machine.synthesized?.logicalId === logicalId && machine.synthesized?.stack === stack
        : machine.stateMachineArn === unqualified,
    );
  }
}

/** A definition object as JSON text. @throws InvalidDefinitionError when it nests too deeply to serialize. */
function definitionText(definition: AslDefinition): string {
  try {
    return JSON.stringify(definition);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new InvalidDefinitionError([{ severity: 'ERROR', code: 'TOO_DEEPLY_NESTED', message: 'The definition nests too deeply to be serialized as JSON.' }]);
  }
}

function matchesId(machine: LocalStateMachine, id: string): boolean {
  if (!machine.synthesized) return machine.name === id;
  const { constructPath, logicalId, stateMachineName, stack } = machine.synthesized;
  const relative = constructPath?.slice(stack.displayName.length + 1);
  const candidates = [logicalId, stateMachineName, constructPath, relative];
  return candidates.includes(id) || [constructPath, relative].some((p) => p?.startsWith(`${id}/`));
}
