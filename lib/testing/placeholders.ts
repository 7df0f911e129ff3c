import { AssemblyStack } from '../assembly/cloud-assembly';
import type { FunctionRegistry, LocalEnvironment } from './function-registry';

/** Replaces the `${...}` placeholders of `text` that {@link resolvePlaceholder} resolves; the others stay. */
export function resolvePlaceholders(text: string, stack: AssemblyStack, environment: LocalEnvironment, functions: FunctionRegistry): string {
  return text.replace(/\$\{([^}"\\]+)\}/g, (match, ref: string) => resolvePlaceholder(ref, stack, environment, functions) ?? match);
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
  const pseudo: Record<string, string> = {
    'AWS::Partition': 'aws',
    'AWS::Region': environment.region,
    'AWS::AccountId': environment.account,
    'AWS::URLSuffix': 'amazonaws.com',
  };
  if (pseudo[placeholder]) return pseudo[placeholder];
  const [logicalId, attribute] = placeholder.split('.');
  const resource = stack.template.Resources?.[logicalId];
  if (resource?.Type === 'AWS::IAM::Role' && attribute === 'Arn') {
    const roleName = typeof resource.Properties?.RoleName === 'string' ? resource.Properties.RoleName : logicalId;
    return `arn:aws:iam::${environment.account}:role/${roleName}`;
  }
  return functions.resolveReference(stack, logicalId, attribute);
}
