import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ACKNOWLEDGED_RULES_METADATA, acknowledgedRuleId } from './metadata-keys';

/** A CloudFormation template as parsed JSON. */
export interface CfnTemplate {
  /** The resources, by logical id. */
  readonly Resources?: Record<string, CfnTemplateResource>;
  /** The other sections (Parameters, Outputs, ...), as written. */
  readonly [section: string]: unknown;
}

/** One resource of a {@link CfnTemplate}. */
export interface CfnTemplateResource {
  /** The resource type, e.g. `AWS::StepFunctions::StateMachine`. */
  readonly Type: string;
  /** Its properties, intrinsic functions unresolved. */
  readonly Properties?: Record<string, any>;
  /** Its metadata (CDK writes `aws:cdk:path` and cdk-nag acknowledgements here). */
  readonly Metadata?: Record<string, any>;
}

/** A stack as written to a cloud assembly by `cdk synth`. */
export interface AssemblyStack {
  /** The artifact id (the stack's construct path with `/` removed for nested stages). */
  readonly artifactId: string;
  /** The CloudFormation stack name. */
  readonly stackName: string;
  /** The stack's construct path, e.g. `OrderProcessing` or `Prod/OrderProcessing`. */
  readonly displayName: string;
  /** The synthesized template. */
  readonly template: CfnTemplate;
  /**
   * Absolute paths of the file assets the stack uploads, by S3 object key
   * (`<hash>.zip`) and by asset hash.
   */
  readonly assetPaths: Map<string, string>;
  /** The region the stack targets, when it is not environment-agnostic. */
  readonly region?: string;
  /** The account the stack targets, when it is not environment-agnostic. */
  readonly account?: string;
  /** The construct path of each resource (`Stack/Path/Resource`), by logical id. */
  readonly constructPaths: Map<string, string>;
  /**
   * Rule ids acknowledged with `Validations.of(construct).acknowledge(...)`, by construct path
   * (namespace prefixes such as `Annotation::` removed).
   */
  readonly acknowledgedRules: Map<string, string[]>;
}

interface ManifestArtifact {
  readonly type: string;
  readonly environment?: string;
  readonly displayName?: string;
  readonly properties?: Record<string, any>;
  readonly dependencies?: string[];
  readonly metadata?: Record<string, Array<{ type: string; data?: unknown }>>;
  readonly additionalMetadataFile?: string;
}

/**
 * Reads every stack of a cloud assembly directory (`cdk.out`), including the stacks of
 * nested stages, with their templates and the locations of their file assets.
 *
 * @throws Error if the directory holds no `manifest.json`.
 * @see https://docs.aws.amazon.com/cdk/v2/guide/apps.html#apps_cloud_assembly
 */
export function readCloudAssembly(directory: string): AssemblyStack[] {
  const manifestFile = path.join(directory, 'manifest.json');
  let manifest: { artifacts?: Record<string, ManifestArtifact> };
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  } catch (error) {
    throw new Error(`${directory} is not a cloud assembly (cannot read ${manifestFile}: ${(error as Error).message}). Run 'cdk synth' first.`);
  }
  const artifacts = manifest.artifacts ?? {};
  return Object.entries(artifacts).flatMap(([artifactId, artifact]) => {
    if (artifact.type === 'cdk:cloud-assembly') {
      return readCloudAssembly(path.join(directory, artifact.properties?.directoryName));
    }
    if (artifact.type !== 'aws:cloudformation:stack') return [];
    return [readStack(directory, artifactId, artifact, artifacts)];
  });
}

function readStack(
  directory: string,
  artifactId: string,
  artifact: ManifestArtifact,
  artifacts: Record<string, ManifestArtifact>,
): AssemblyStack {
  const properties = artifact.properties ?? {};
  const template = JSON.parse(readFileSync(path.join(directory, properties.templateFile), 'utf8')) as CfnTemplate;
  const assetPaths = new Map<string, string>();
  for (const dependency of artifact.dependencies ?? []) {
    const assetManifest = artifacts[dependency];
    if (assetManifest?.type !== 'cdk:asset-manifest') continue;
    const contents = JSON.parse(readFileSync(path.join(directory, assetManifest.properties?.file), 'utf8'));
    for (const [hash, file] of Object.entries<any>(contents.files ?? {})) {
      const source = path.resolve(directory, file.source.path);
      assetPaths.set(hash, source);
      for (const destination of Object.values<any>(file.destinations ?? {})) {
        if (typeof destination.objectKey === 'string') assetPaths.set(destination.objectKey, source);
      }
    }
  }
  const [, account, region] = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment ?? '') ?? [];
  return {
    artifactId,
    stackName: properties.stackName ?? artifactId,
    displayName: artifact.displayName ?? artifactId,
    template,
    assetPaths,
    account: account && !account.startsWith('unknown') ? account : undefined,
    region: region && !region.startsWith('unknown') ? region : undefined,
    ...pathsAndAcknowledgements(directory, artifact),
  };
}

/**
 * Logical id to construct path (the `aws:cdk:logicalId` entries of the stack's metadata) and
 * the rules acknowledged on each construct (`aws:cdk:acknowledged-rules` entries).
 */
function pathsAndAcknowledgements(directory: string, artifact: ManifestArtifact) {
  const metadata = {
    ...(artifact.metadata ?? {}),
    ...(artifact.additionalMetadataFile ? JSON.parse(readFileSync(path.join(directory, artifact.additionalMetadataFile), 'utf8')) : {}),
  } as Record<string, Array<{ type: string; data?: unknown }>>;
  const constructPaths = new Map<string, string>();
  const acknowledgedRules = new Map<string, string[]>();
  for (const [metadataPath, entries] of Object.entries(metadata)) {
    const constructPath = metadataPath.replace(/^\//, '');
    for (const { type, data } of entries) {
      if (type === 'aws:cdk:logicalId' && typeof data === 'string') constructPaths.set(data, constructPath);
      if (type === ACKNOWLEDGED_RULES_METADATA && data && typeof data === 'object') {
        const ids = Object.keys(data).map(acknowledgedRuleId);
        acknowledgedRules.set(constructPath, [...(acknowledgedRules.get(constructPath) ?? []), ...ids]);
      }
    }
  }
  return { constructPaths, acknowledgedRules };
}

/**
 * The rule ids acknowledged on a construct or any of its ancestors.
 *
 * @param constructPath e.g. `Stack/Workflow/StateMachine`
 */
export function acknowledgedRulesFor(stack: AssemblyStack, constructPath: string): Set<string> {
  const ids = new Set<string>();
  const parts = constructPath.split('/');
  for (let depth = 1; depth <= parts.length; depth++) {
    for (const id of stack.acknowledgedRules.get(parts.slice(0, depth).join('/')) ?? []) ids.add(id);
  }
  return ids;
}
