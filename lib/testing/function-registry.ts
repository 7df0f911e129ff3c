import { AssemblyStack } from '../assembly/cloud-assembly';
import { LocalLambdaFunction } from './lambda-runtime';
import { functionOfVersion, functionsOf } from '../assembly/stack-resources';
import { resolvePlaceholders } from './placeholders';

/** The version number a published Lambda version has locally: every version runs the function's code as synthesized. */
const LOCAL_VERSION = '1';

/** Where the runner pretends the stacks are deployed. */
export interface LocalEnvironment {
  /** Region of ARNs and `${AWS::Region}`. */
  readonly region: string;
  /** Account of ARNs and `${AWS::AccountId}`. */
  readonly account: string;
}

/**
 * The Lambda functions of the stacks a runner reads, findable by the ARN a definition uses
 * locally, by logical id, by construct path or by the path below the stack.
 */
export class FunctionRegistry {
  private readonly byArn = new Map<string, LocalLambdaFunction>();
  private readonly byKey = new Map<string, LocalLambdaFunction>();

  constructor(stacks: AssemblyStack[], private readonly environment: LocalEnvironment) {
    for (const stack of stacks) {
      for (const fn of functionsOf(stack)) {
        const local = new LocalLambdaFunction(fn, this.arnOf(stack, fn.logicalId), (text) => resolvePlaceholders(text, stack, environment, this));
        this.byArn.set(local.arn, local);
        const keys = [fn.logicalId, fn.constructPath, fn.constructPath?.slice(stack.displayName.length + 1)];
        for (const key of keys) if (key && !this.byKey.has(key)) this.byKey.set(key, local);
      }
    }
  }

  /** Every function. */
  public get all(): LocalLambdaFunction[] {
    return [...this.byArn.values()];
  }

  /**
   * The function a key names: its logical id, its construct path (`Stack/Path/To/Function`)
   * or the part of the path below the stack (`Path/To/Function`).
   */
  public find(key: string): LocalLambdaFunction | undefined {
    return this.byKey.get(key) ?? this.byKey.get(key.replace(/\/Resource$/, ''));
  }

  /** The function a `FunctionName` or `Resource` ARN refers to (a qualifier is ignored). */
  public resolve(nameOrArn: string): LocalLambdaFunction | undefined {
    const match = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(nameOrArn);
    const name = match ? match[1] : nameOrArn;
    return this.all.find((fn) => fn.arn.endsWith(`:function:${name}`));
  }

  /**
   * The local ARN (`Arn`) or name (`Ref`) a `${LogicalId.Arn}` / `${LogicalId}` placeholder of
   * a definition in `stack` stands for, when it names a function of that stack; a Lambda
   * version of one (`AWS::Lambda::Version`) stands for the function's ARN qualified with `:1`.
   */
  public resolveReference(stack: AssemblyStack, logicalId: string, attribute?: string): string | undefined {
    if (attribute !== undefined && attribute !== 'Arn') return undefined;
    const versionOf = functionOfVersion(stack, logicalId);
    if (versionOf !== undefined) {
      // A published version (a pinned LambdaStep): `Ref` yields its ARN, qualified with the version number.
      const functionArn = this.arnOf(stack, versionOf);
      return this.byArn.has(functionArn) ? `${functionArn}:${LOCAL_VERSION}` : undefined;
    }
    const arn = this.arnOf(stack, logicalId);
    if (!this.byArn.has(arn)) return undefined;
    return attribute === 'Arn' ? arn : arn.split(':').pop();
  }

  /** A function's local ARN; its name joins the stack name and the logical id, unique across stacks. */
  private arnOf(stack: AssemblyStack, logicalId: string): string {
    return `arn:aws:lambda:${this.environment.region}:${this.environment.account}:function:${stack.stackName}-${logicalId}`;
  }
}
