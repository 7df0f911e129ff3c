import { pseudoParameters, replacePlaceholders } from '../asl/flatten';
import { AssemblyStack } from '../assembly/cloud-assembly';
import type { FunctionRegistry, LocalEnvironment } from './function-registry';

/** Replaces the `${...}` placeholders of `text` that {@link resolvePlaceholder} resolves; the others stay. */
export function resolvePlaceholders(text: string, stack: AssemblyStack, environment: LocalEnvironment, functions: FunctionRegistry): string {
  return replacePlaceholders(text, (reference) => resolvePlaceholder(reference, stack, environment, functions));
}

/**
 * What a `${...}` placeholder of a flattened definition stands for locally: pseudo parameters,
 * the ARN or name of a Lambda function of the stack, the ARN of an IAM role (by its literal
 * `RoleName`, else its logical id). Other references stay placeholders (a nested state
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
  return functions.resolveReference(stack, logicalId, attribute);
}
