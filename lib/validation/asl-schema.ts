import { AslDefinition } from '../asl/definition';

interface AslValidatorResult {
  readonly isValid: boolean;
  readonly errors: Array<{ readonly message: string }>;
  errorsText(separator?: string): string;
}

type AslValidator = (definition: unknown, options?: { checkArn?: boolean; checkPaths?: boolean }) => AslValidatorResult;

// asl-validator ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator: AslValidator = require('asl-validator');

/** Options of {@link checkAslSchema}. */
export interface AslSchemaOptions {
  /**
   * Check that `Resource` fields are ARNs. Turn off for flattened definitions, whose
   * resources are `${LogicalId.Arn}` placeholders.
   * @default false
   */
  readonly checkArn?: boolean;
}

/**
 * Checks a definition against the Amazon States Language JSON schema with asl-validator
 * (JSONPath and JSONata), including the syntax of its paths.
 *
 * @returns the schema errors; empty when the definition is valid.
 * @see https://github.com/ChristopheBougere/asl-validator
 */
export function checkAslSchema(definition: AslDefinition, options: AslSchemaOptions = {}): string[] {
  const result = aslValidator(definition, { checkArn: options.checkArn ?? false, checkPaths: true });
  return result.isValid ? [] : result.errors.map((error) => error.message);
}
