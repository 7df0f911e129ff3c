import { AslDefinition } from '../asl/definition';
import { flattenIntrinsic, parseFlattenedDefinition } from '../asl/flatten';
import { AssemblyStack, CfnTemplateResource } from './cloud-assembly';
import { IDEMPOTENT_STATES_METADATA, SAGA_COMPENSATIONS_METADATA } from './metadata-keys';

/** A Lambda function found in a synthesized template. */
export interface SynthesizedFunction {
  /** The logical id in the template. */
  readonly logicalId: string;
  /** The function's construct path (e.g. `OrderProcessing/ChargePayment`), when recorded. */
  readonly constructPath?: string;
  /** `Handler`, e.g. `index.handler`. */
  readonly handler: string;
  /** `Runtime`, e.g. `nodejs22.x`. */
  readonly runtime?: string;
  /** `Timeout` in seconds (Lambda's default is 3). */
  readonly timeoutSeconds: number;
  /** `MemorySize` in MB (Lambda's default is 128). */
  readonly memorySizeMb: number;
  /** Environment variables; references are flattened to `${LogicalId}` placeholders. */
  readonly environment: Record<string, string>;
  /** The unpacked code directory in the cloud assembly, for asset code. */
  readonly codeDirectory?: string;
  /** The source, for inline (`ZipFile`) code. */
  readonly inlineCode?: string;
  /** The resource's template `Metadata`. */
  readonly metadata: Record<string, unknown>;
}

/** A state machine found in a synthesized template. */
export interface SynthesizedStateMachine {
  /** The logical id in the template. */
  readonly logicalId: string;
  /** The construct path of the state machine, when recorded. */
  readonly constructPath?: string;
  /** `STANDARD` or `EXPRESS`. */
  readonly stateMachineType: string;
  /** The literal `StateMachineName`, if one is set. */
  readonly stateMachineName?: string;
  /** The ASL, with references as `${LogicalId.Attribute}` placeholders. */
  readonly definition: AslDefinition;
  /** The states declared idempotent (recorded by `Workflow` in the resource metadata). */
  readonly idempotentStates: string[];
  /** Saga compensations, compensation state → the action it undoes (recorded by `Workflow`); empty when none. */
  readonly sagaCompensations: Record<string, string>;
  /** The stack the state machine belongs to. */
  readonly stack: AssemblyStack;
}

/** The Lambda functions of a synthesized stack. */
export function functionsOf(stack: AssemblyStack): SynthesizedFunction[] {
  return resourcesOfType(stack, 'AWS::Lambda::Function').map(([logicalId, resource]) => {
    const properties = resource.Properties ?? {};
    const code = properties.Code ?? {};
    const variables: Record<string, unknown> = properties.Environment?.Variables ?? {};
    return {
      logicalId,
      constructPath: constructPathOf(stack, logicalId),
      handler: properties.Handler ?? 'index.handler',
      runtime: properties.Runtime,
      timeoutSeconds: properties.Timeout ?? 3,
      memorySizeMb: properties.MemorySize ?? 128,
      environment: Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, flattenIntrinsic(value)])),
      codeDirectory: codeDirectoryOf(stack, code, resource),
      inlineCode: typeof code.ZipFile === 'string' ? code.ZipFile : undefined,
      metadata: resource.Metadata ?? {},
    };
  });
}

/**
 * The state machines of a synthesized stack.
 *
 * @throws Error if a definition lives in S3 (`DefinitionS3Location`): the runner needs it inline.
 */
export function stateMachinesOf(stack: AssemblyStack): SynthesizedStateMachine[] {
  return resourcesOfType(stack, 'AWS::StepFunctions::StateMachine').map(([logicalId, resource]) => {
    const properties = resource.Properties ?? {};
    const label = `${stack.displayName}/${logicalId}`;
    const source = properties.DefinitionString ?? (properties.Definition ? JSON.stringify(properties.Definition) : undefined);
    if (source === undefined) {
      throw new Error(`State machine ${label} has no inline definition (DefinitionS3Location is not supported by the local runner).`);
    }
    return {
      logicalId,
      constructPath: constructPathOf(stack, logicalId),
      stateMachineType: properties.StateMachineType ?? 'STANDARD',
      stateMachineName: typeof properties.StateMachineName === 'string' ? properties.StateMachineName : undefined,
      definition: parseFlattenedDefinition(flattenIntrinsic(source), properties.DefinitionSubstitutions, label),
      idempotentStates: stateNames(resource.Metadata?.[IDEMPOTENT_STATES_METADATA]),
      sagaCompensations: resource.Metadata?.[SAGA_COMPENSATIONS_METADATA] ?? {},
      stack,
    };
  });
}

function resourcesOfType(stack: AssemblyStack, type: string): Array<[string, CfnTemplateResource]> {
  return Object.entries(stack.template.Resources ?? {}).filter(([, resource]) => resource.Type === type);
}

/** The L2 construct path: the resource's path without the trailing `/Resource`. */
function constructPathOf(stack: AssemblyStack, logicalId: string): string | undefined {
  const resource = stack.template.Resources?.[logicalId];
  const cdkPath = stack.constructPaths.get(logicalId) ?? resource?.Metadata?.['aws:cdk:path'];
  return typeof cdkPath === 'string' ? cdkPath.replace(/\/Resource$/, '') : undefined;
}

function codeDirectoryOf(stack: AssemblyStack, code: Record<string, unknown>, resource: CfnTemplateResource): string | undefined {
  const key = typeof code.S3Key === 'string' ? code.S3Key : undefined;
  const fromManifest = key ? (stack.assetPaths.get(key) ?? stack.assetPaths.get(key.replace(/\.zip$/, ''))) : undefined;
  const assetPath = resource.Metadata?.['aws:asset:path'];
  return fromManifest ?? (typeof assetPath === 'string' ? stack.assetPaths.get(assetPath.replace(/^asset\./, '')) : undefined);
}

/** A target of a synthesized EventBridge rule. */
export interface SynthesizedRuleTarget {
  /** The target ARN, flattened (`${StateMachineLogicalId}` for a state machine of the stack). */
  readonly arn: string;
  /** `Input`: a constant JSON text. */
  readonly input?: string;
  /** `InputPath`: the part of the event to pass. */
  readonly inputPath?: string;
  /** `InputTransformer`: `{ InputPathsMap, InputTemplate }`. */
  readonly inputTransformer?: { readonly InputPathsMap?: Record<string, string>; readonly InputTemplate: string };
}

/** An EventBridge rule found in a synthesized template. */
export interface SynthesizedEventRule {
  /** The logical id in the template. */
  readonly logicalId: string;
  /** The rule's construct path, when recorded. */
  readonly constructPath?: string;
  /** The rule's literal `Name`, when it has one. */
  readonly ruleName?: string;
  /** False when the rule's `State` is `DISABLED`. */
  readonly enabled: boolean;
  /** The event pattern, as EventBridge reads it (`detail-type`, not `detailType`). */
  readonly eventPattern: Record<string, unknown>;
  /** Its targets. */
  readonly targets: SynthesizedRuleTarget[];
}

/** The EventBridge rules of a synthesized stack that have an event pattern. */
export function eventRulesOf(stack: AssemblyStack): SynthesizedEventRule[] {
  return resourcesOfType(stack, 'AWS::Events::Rule')
    .filter(([, resource]) => resource.Properties?.EventPattern)
    .map(([logicalId, resource]) => ({
      logicalId,
      constructPath: constructPathOf(stack, logicalId),
      ruleName: typeof resource.Properties!.Name === 'string' ? resource.Properties!.Name : undefined,
      enabled: resource.Properties!.State !== 'DISABLED',
      eventPattern: resource.Properties!.EventPattern,
      targets: ((resource.Properties!.Targets ?? []) as Array<Record<string, any>>).map((target) => ({
        arn: flattenIntrinsic(target.Arn),
        input: typeof target.Input === 'string' ? target.Input : undefined,
        inputPath: target.InputPath,
        inputTransformer: target.InputTransformer,
      })),
    }));
}

/** The state names of a per-state metadata entry: `{ name: value }` (a list of names from older assemblies too). */
function stateNames(entry: unknown): string[] {
  if (Array.isArray(entry)) return entry.filter((name): name is string => typeof name === 'string');
  return entry && typeof entry === 'object' ? Object.keys(entry) : [];
}

/**
 * The logical id of the state machine a `Ref` or `Fn::GetAtt … Arn` names: the state machine
 * itself, one of its versions (`AWS::StepFunctions::StateMachineVersion`) or an alias
 * (`AWS::StepFunctions::StateMachineAlias`, followed to the version its deployment preference
 * or first routing entry names). Undefined for any other resource.
 */
export function stateMachineBehind(stack: AssemblyStack, logicalId: string, seen: Set<string> = new Set()): string | undefined {
  if (seen.has(logicalId)) return undefined;
  seen.add(logicalId);
  const resource = stack.template.Resources?.[logicalId];
  const properties = resource?.Properties ?? {};
  switch (resource?.Type) {
    case 'AWS::StepFunctions::StateMachine':
      return logicalId;
    case 'AWS::StepFunctions::StateMachineVersion':
      return referencedId(properties.StateMachineArn, (id) => stateMachineBehind(stack, id, seen));
    case 'AWS::StepFunctions::StateMachineAlias': {
      const versionArn = properties.DeploymentPreference?.StateMachineVersionArn ?? properties.RoutingConfiguration?.[0]?.StateMachineVersionArn;
      return referencedId(versionArn, (id) => stateMachineBehind(stack, id, seen));
    }
    default:
      return undefined;
  }
}

/**
 * The logical id of the function a Lambda version (`AWS::Lambda::Version`, whose
 * `FunctionName` is a `Ref` of the function) belongs to; undefined for other resources.
 */
export function functionOfVersion(stack: AssemblyStack, logicalId: string): string | undefined {
  const resource = stack.template.Resources?.[logicalId];
  if (resource?.Type !== 'AWS::Lambda::Version') return undefined;
  return referencedId(resource.Properties?.FunctionName, (id) => id);
}

/** The logical id in a `{ Ref: id }` or `{ 'Fn::GetAtt': [id, attr] }`, passed to `then`. */
function referencedId(value: unknown, then: (logicalId: string) => string | undefined): string | undefined {
  const node = value as { Ref?: unknown; 'Fn::GetAtt'?: unknown[] } | undefined;
  const id = typeof node?.Ref === 'string' ? node.Ref : Array.isArray(node?.['Fn::GetAtt']) ? node!['Fn::GetAtt']![0] : undefined;
  return typeof id === 'string' ? then(id) : undefined;
}
