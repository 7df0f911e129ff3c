import { AslDefinition } from '../asl/definition';
import { pseudoParameters, replacePlaceholders } from '../asl/flatten';

interface AslValidatorResult {
  readonly isValid: boolean;
  readonly errors: Array<{ readonly 'Error code': string; readonly Message: string }>;
}

type AslValidator = (definition: unknown, options?: { checkArn?: boolean; checkPaths?: boolean }) => AslValidatorResult;

// asl-validator ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator: AslValidator = require('asl-validator');

/** Options of {@link checkAslSchema}. */
export interface AslSchemaOptions {
  /**
   * Also check the syntax of JSONPath expressions in payload templates. asl-validator is
   * stricter than Step Functions here (it rejects `$.[0]`, which Step Functions accepts).
   * @default true
   */
  readonly checkPaths?: boolean;
}

/** Stands in for a `${LogicalId.Arn}` placeholder that makes up a whole `Resource`. */
const PLACEHOLDER_RESOURCE = 'arn:aws:lambda:us-east-1:123456789012:function:placeholder';

/** One error asl-validator reports. */
export interface AslSchemaError {
  /** asl-validator's error code, e.g. `SCHEMA_VALIDATION_FAILED` or `MISSING_TRANSITION_TARGET`. */
  readonly code: string;
  /** What is wrong, and where. */
  readonly message: string;
}

/**
 * Checks a definition against the Amazon States Language JSON schema with asl-validator
 * (JSONPath and JSONata), including the syntax of its paths. Works on flattened definitions:
 * pseudo parameters and a `Resource` that is only a placeholder get stand-in values first.
 *
 * @returns the schema errors (`CODE: message`); empty when the definition is valid.
 * @see https://github.com/ChristopheBougere/asl-validator
 */
export function checkAslSchema(definition: AslDefinition, options: AslSchemaOptions = {}): string[] {
  return aslSchemaErrors(definition, options).map((error) => `${error.code}: ${error.message}`);
}

/** asl-validator rebuilds its schema on each call (~300 ms): results are kept per definition object. */
const cache = new WeakMap<AslDefinition, Map<boolean, AslSchemaError[]>>();

/** The errors of {@link checkAslSchema}, with their codes. */
export function aslSchemaErrors(definition: AslDefinition, options: AslSchemaOptions = {}): AslSchemaError[] {
  const checkPaths = options.checkPaths ?? true;
  const results = cache.get(definition) ?? new Map<boolean, AslSchemaError[]>();
  cache.set(definition, results);
  if (!results.has(checkPaths)) results.set(checkPaths, runAslValidator(definition, checkPaths));
  return results.get(checkPaths)!;
}

function runAslValidator(definition: AslDefinition, checkPaths: boolean): AslSchemaError[] {
  const standIns = pseudoParameters('us-east-1', '123456789012');
  const text = replacePlaceholders(
    JSON.stringify(definition).replace(/"Resource":"\$\{[^}"]+\}"/g, `"Resource":"${PLACEHOLDER_RESOURCE}"`),
    (reference) => standIns[reference],
  );
  const result = aslValidator(JSON.parse(text), { checkArn: true, checkPaths });
  return result.isValid ? [] : result.errors.map((error) => ({ code: error['Error code'], message: error.Message }));
}
