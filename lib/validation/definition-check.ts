import { validateDefinition as validateLikeStepFunctions, ValidationDiagnostic } from '../testing/engine/validate';

/**
 * The errors Step Functions' `ValidateStateMachineDefinition` reports for a definition, as the
 * local runner's engine models them (`SCHEMA_VALIDATION_FAILED`, `MISSING_END_STATE`,
 * `TOO_DEEPLY_NESTED`, ...; warnings are left out). The type is taken as STANDARD: the EXPRESS
 * restrictions have rules of their own. Never throws; walks any nesting depth without
 * recursion; strings holding `${...}` placeholders are not judged.
 *
 * The engine's check reports no error for any of the 1,052 definitions of the aws-truth
 * recordings (definitions that ran in AWS), which is why the linter trusts its errors.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinition.html
 */
export function stepFunctionsDefinitionErrors(definition: unknown): ValidationDiagnostic[] {
  const key = typeof definition === 'object' && definition !== null ? definition : undefined;
  const cached = key ? cache.get(key) : undefined;
  if (cached) return cached;
  const errors = validateLikeStepFunctions(definition, { stateMachineType: 'STANDARD' }).filter((diagnostic) => diagnostic.severity === 'ERROR');
  if (key) cache.set(key, errors);
  return errors;
}

const cache = new WeakMap<object, ValidationDiagnostic[]>();
