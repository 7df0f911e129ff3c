import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SynthesizedFunction } from '../assembly/stack-resources';

/**
 * A Lambda handler: the function a module exports, or a test's replacement for it.
 * Receives the event and a Lambda context object; returns (or resolves to) the result.
 */
export type LambdaHandler = (event: any, context: LambdaContext) => unknown;

/**
 * The subset of the Lambda context object the runner provides.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html
 */
export interface LambdaContext {
  /** The function's name (locally: `<stack>-<logical id>`). */
  readonly functionName: string;
  /** Always `$LATEST` locally. */
  readonly functionVersion: string;
  /** The function's local ARN. */
  readonly invokedFunctionArn: string;
  /** The function's `MemorySize`, as Lambda reports it (a string). */
  readonly memoryLimitInMB: string;
  /** A new UUID per invocation. */
  readonly awsRequestId: string;
  /** `/aws/lambda/<function name>`. */
  readonly logGroupName: string;
  /** `local-runner`. */
  readonly logStreamName: string;
  /** Accepted for compatibility; the runner does not wait for the event loop. */
  callbackWaitsForEmptyEventLoop: boolean;
  /** Milliseconds left before the function's `Timeout`. */
  getRemainingTimeInMillis(): number;
}

/**
 * A function error as the Lambda runtime reports it: the error's `name` becomes the ASL
 * error, and the cause is the JSON `{ errorType, errorMessage, trace }` Step Functions shows.
 */
export class LambdaFunctionError extends Error {
  constructor(errorType: string, errorMessage: string, trace: string[]) {
    super(JSON.stringify({ errorType, errorMessage, trace }));
    this.name = errorType;
  }
}

/** A Lambda function the runner can invoke in-process: its code and its configuration. */
export class LocalLambdaFunction {
  private loaded?: Promise<LambdaHandler>;

  /**
   * @param fn the function as synthesized
   * @param arn the ARN the definition uses for it locally
   */
  constructor(
    public readonly fn: SynthesizedFunction,
    public readonly arn: string,
  ) {}

  /** Whether the assembly holds code the runner can load for this function. */
  public get hasCode(): boolean {
    return this.fn.codeDirectory !== undefined || this.fn.inlineCode !== undefined;
  }

  /**
   * Invokes the handler (or `override`) with the function's environment, a Lambda context and
   * JSON-serialized input and output, as the Lambda runtime would. The environment variables
   * are set on `process.env` before the call (the execution puts the previous values back
   * when it ends), so concurrent invocations in one process share them.
   *
   * @throws LambdaFunctionError when the handler throws or rejects.
   */
  public async invoke(event: unknown, environment: Record<string, string>, override?: LambdaHandler): Promise<unknown> {
    Object.assign(process.env, this.fn.environment, environment);
    try {
      const handler = override ?? (await this.load());
      const deadline = Date.now() + this.fn.timeoutSeconds * 1000;
      const result = await callHandler(handler, JSON.parse(JSON.stringify(event ?? null)), this.context(deadline));
      return result === undefined ? null : JSON.parse(JSON.stringify(result));
    } catch (error) {
      throw asFunctionError(error);
    }
  }

  private context(deadline: number): LambdaContext {
    const functionName = this.arn.split(':').pop() ?? this.fn.logicalId;
    return {
      functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: this.arn,
      memoryLimitInMB: String(this.fn.memorySizeMb),
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${functionName}`,
      logStreamName: 'local-runner',
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
  }

  private load(): Promise<LambdaHandler> {
    this.loaded ??= loadHandler(this.fn);
    return this.loaded;
  }
}

async function loadHandler(fn: SynthesizedFunction): Promise<LambdaHandler> {
  const separator = fn.handler.lastIndexOf('.');
  const [modulePath, exportName] = [fn.handler.slice(0, separator), fn.handler.slice(separator + 1)];
  const directory = fn.codeDirectory ?? writeInlineCode(fn);
  const file = ['.js', '.cjs', '.mjs'].map((ext) => path.join(directory, modulePath + ext)).find((f) => existsSync(f));
  if (!file) {
    throw new Error(`Handler '${fn.handler}' of function ${fn.constructPath ?? fn.logicalId} not found in ${directory}.`);
  }
  const module = file.endsWith('.mjs') ? await import(pathToFileURL(file).href) : require(file);
  const handler = module[exportName] ?? module.default?.[exportName];
  if (typeof handler !== 'function') {
    throw new Error(`${file} does not export a function named '${exportName}' (handler '${fn.handler}').`);
  }
  return handler as LambdaHandler;
}

function writeInlineCode(fn: SynthesizedFunction): string {
  const directory = mkdtempSync(path.join(tmpdir(), 'local-runner-inline-'));
  writeFileSync(path.join(directory, 'index.js'), fn.inlineCode ?? '');
  return directory;
}

/** Supports both async handlers and the callback style `(event, context, callback)`. */
function callHandler(handler: LambdaHandler, event: unknown, context: LambdaContext): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const callback = (error?: unknown, result?: unknown) => (error ? reject(error) : resolve(result));
    try {
      const returned = (handler as (...args: unknown[]) => unknown)(event, context, callback);
      if (returned && typeof (returned as Promise<unknown>).then === 'function') {
        (returned as Promise<unknown>).then(resolve, reject);
      } else if (handler.length < 3) {
        resolve(returned);
      }
    } catch (error) {
      reject(error);
    }
  });
}

function asFunctionError(error: unknown): Error {
  if (error instanceof LambdaFunctionError) return error;
  if (error instanceof Error) {
    return new LambdaFunctionError(error.name || 'Error', error.message, (error.stack ?? '').split('\n'));
  }
  return new LambdaFunctionError('Error', String(error), []);
}
