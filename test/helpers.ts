import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { LambdaStep, LambdaStepProps } from '../lib';

/** A fresh stack in a fresh app. */
export function newStack(id = 'TestStack'): Stack {
  return new Stack(new App(), id);
}

/** A Node.js function with inline `code` whose `index.handler` is the handler. */
export function codeFunction(scope: Construct, id: string, code: string, props: Partial<lambda.FunctionProps> = {}): lambda.Function {
  return new lambda.Function(scope, id, { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline(code), ...props });
}

/** A function whose inline code returns `{ ok: true, step }` (tests replace its behaviour per run). */
export function inlineFunction(scope: Construct, id: string): lambda.Function {
  return codeFunction(scope, id, `exports.handler = async (event) => ({ ok: true, step: ${JSON.stringify(id)} });`);
}


/** A LambdaStep on an inline function, with a 10-second timeout unless overridden. */
export function inlineStep(scope: Construct, id: string, props: Partial<LambdaStepProps> = {}): LambdaStep {
  return new LambdaStep(scope, id, { lambdaFunction: inlineFunction(scope, `${id}Function`), timeout: Duration.seconds(10), ...props });
}
