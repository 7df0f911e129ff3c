import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SynthesizedFunction } from '../assembly/stack-resources';
import { ProcessEnvironment } from './process-environment';

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
class LambdaFunctionError extends Error {
  constructor(errorType: string, errorMessage: string, trace: string[]) {
    super(JSON.stringify({ errorType, errorMessage, trace }));
    this.name = errorType;
  }
}

/** How one invocation runs: where its variables go and what it runs instead of the function's code. */
export interface InvokeOptions {
  /** The process environment the function's variables are applied to. */
  readonly processEnvironment: ProcessEnvironment;
  /** Variables on top of the function's own. */
  readonly environment: Record<string, string>;
  /** A test's replacement for the function's handler. */
  readonly handler?: LambdaHandler;
}

/** A Lambda function the runner can invoke in-process: its code and its configuration. */
export class LocalLambdaFunction {
  private loaded?: Promise<LambdaHandler>;

  /**
   * @param fn the function as synthesized
   * @param arn the ARN the definition uses for it locally
   * @param resolve resolves the `${...}` placeholders of the function's environment
   */
  constructor(
    public readonly fn: SynthesizedFunction,
    public readonly arn: string,
    private readonly resolve: (text: string) => string,
  ) {}

  /** The function's name locally (the last part of its ARN). */
  public get functionName(): string {
    return this.arn.split(':').pop() ?? this.fn.logicalId;
  }

  /** Whether the assembly holds Node.js code the runner can load for this function. */
  public get hasCode(): boolean {
    const nodejs = this.fn.runtime === undefined || this.fn.runtime.startsWith('nodejs');
    return nodejs && (this.fn.codeDirectory !== undefined || this.fn.inlineCode !== undefined);
  }

  /**
   * Invokes the handler (or a replacement) as the Lambda runtime would: with the function's
   * environment variables (placeholders resolved) and Lambda's own (`AWS_REGION`,
   * `AWS_LAMBDA_FUNCTION_NAME`, ...) on `process.env`, a Lambda context, JSON-serialized input
   * and output, and the function's `Timeout` enforced. Concurrent invocations share the
   * process, so they see the variables of the one that started last.
   *
   * @throws LambdaFunctionError when the handler throws, rejects or runs out of time
   * (`Sandbox.Timedout`), or the code cannot be loaded (`Runtime.ImportModuleError`,
   * `Runtime.HandlerNotFound`).
   */
  public async invoke(event: unknown, options: InvokeOptions): Promise<unknown> {
    options.processEnvironment.apply({ ...this.lambdaVariables(), ...this.ownVariables(), ...options.environment });
    try {
      const handler = options.handler ?? (await this.load());
      const deadline = Date.now() + this.fn.timeoutSeconds * 1000;
      const call = callHandler(handler, JSON.parse(JSON.stringify(event ?? null)), this.context(deadline));
      const result = await withTimeout(call, this.fn.timeoutSeconds);
      return result === undefined ? null : JSON.parse(JSON.stringify(result));
    } catch (error) {
      throw asFunctionError(error);
    }
  }

  private ownVariables(): Record<string, string> {
    return Object.fromEntries(Object.entries(this.fn.environment).map(([name, value]) => [name, this.resolve(value)]));
  }

  /** The reserved variables Lambda sets that handlers and libraries (SDK, Powertools) read. */
  private lambdaVariables(): Record<string, string> {
    const region = this.arn.split(':')[3];
    return {
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_LAMBDA_FUNCTION_NAME: this.functionName,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(this.fn.memorySizeMb),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${this.functionName}`,
      ...(this.fn.runtime ? { AWS_EXECUTION_ENV: `AWS_Lambda_${this.fn.runtime}` } : {}),
    };
  }

  private context(deadline: number): LambdaContext {
    const functionName = this.functionName;
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
  const where = `function ${fn.constructPath ?? fn.logicalId}`;
  if (!file) throw runtimeError('Runtime.ImportModuleError', `Cannot find module '${modulePath}' of handler '${fn.handler}' (${where}) in ${directory}.`);
  let module: Record<string, any>;
  try {
    module = file.endsWith('.mjs') ? await import(pathToFileURL(file).href) : require(file);
  } catch (error) {
    throw runtimeError('Runtime.ImportModuleError', `${where}: loading ${file} failed: ${(error as Error).message}`);
  }
  const handler = module[exportName] ?? module.default?.[exportName];
  if (typeof handler !== 'function') {
    throw runtimeError('Runtime.HandlerNotFound', `${file} does not export a function named '${exportName}' (handler '${fn.handler}', ${where}).`);
  }
  return handler as LambdaHandler;
}

/** An error of the Lambda runtime itself, named as Lambda names it. */
function runtimeError(errorType: string, errorMessage: string): LambdaFunctionError {
  return new LambdaFunctionError(errorType, errorMessage, []);
}

/** Lambda stops a function at its `Timeout`; the handler's promise is left to settle unobserved. */
function withTimeout(call: Promise<unknown>, timeoutSeconds: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(runtimeError('Sandbox.Timedout', `Task timed out after ${timeoutSeconds.toFixed(2)} seconds`)), timeoutSeconds * 1000);
  });
  return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
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
