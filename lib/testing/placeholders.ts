import { pseudoParameters, replacePlaceholders } from '../asl/flatten';
import { AssemblyStack } from '../assembly/cloud-assembly';
import type { FunctionRegistry, LocalEnvironment } from './function-registry';
import { resourceReference } from './integrations/resource-references';

/** Replaces the `${...}` placeholders of `text` that {@link resolvePlaceholder} resolves; the others stay. */
export function resolvePlaceholders(text: string, stack: AssemblyStack, environment: LocalEnvironment, functions: FunctionRegistry): string {
  return replacePlaceholders(text, (reference) => parameterValue(reference, stack) ?? resolvePlaceholder(reference, stack, environment, functions));
}

/**
 * The value a CloudFormation parameter of the stack takes locally: its `Default` (a number for a
 * `Number` parameter, so a `TimeoutSeconds` taken from it is a number again).
 *
 * @throws Error naming the parameter when it has no `Default`: the runner cannot know its value.
 */
function parameterValue(reference: string, stack: AssemblyStack): string | number | undefined {
  const parameters = stack.template.Parameters as Record<string, { Type?: string; Default?: unknown }> | undefined;
  const parameter = parameters?.[reference];
  if (!parameter || reference.startsWith('AWS::')) return undefined;
  if (parameter.Default === undefined) {
    throw new Error(
      `Stack ${stack.displayName} uses the CloudFormation parameter '${reference}', which has no Default, so the local runner cannot know its value. ` +
        'Give the parameter a Default (the runner uses it), or test a stack built with a literal value.',
    );
  }
  return parameter.Type === 'Number' ? Number(parameter.Default) : String(parameter.Default);
}

/**
 * What a `${...}` placeholder of a flattened definition stands for locally: pseudo parameters,
 * the ARN or name of a Lambda function of the stack, the ARN of an IAM role (by its literal
 * `RoleName`, else its logical id), the name or ARN of a DynamoDB table, SQS queue, SNS topic or
 * S3 bucket (see `resourceReference`). Other references stay placeholders (a nested state
 * machine is found by its `${LogicalId}`).
 */
function resolvePlaceholder(
  placeholder: string,
  stack: AssemblyStack,
  environment: LocalEnvironment,
  functions: FunctionRegistry,
): string | undefined {
  const pseudo = pseudoParameters(environment.region, environment.account)[placeholder];
  if (pseudo) return pseudo;
  const [logicalId, attribute] = placeholder.split('.');
  const resource = stack.template.Resources?.[logicalId];
  if (resource?.Type === 'AWS::IAM::Role' && attribute === 'Arn') {
    const roleName = typeof resource.Properties?.RoleName === 'string' ? resource.Properties.RoleName : logicalId;
    return `arn:aws:iam::${environment.account}:role/${roleName}`;
  }
  return resourceReference(stack, logicalId, attribute, environment) ?? functions.resolveReference(stack, logicalId, attribute);
}
