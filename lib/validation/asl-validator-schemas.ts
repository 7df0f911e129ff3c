import * as path from 'node:path';
import jsonata from 'jsonata';
import { hasPlaceholder, isJsonataExpression } from '../asl/json-value';

/**
 * asl-validator's JSON schemas for Amazon States Language, compiled once with Ajv, with the
 * corrections of {@link SCHEMA_CORRECTIONS} applied where the schemas refuse definitions that
 * Step Functions accepts.
 *
 * asl-validator 4.0.0 rebuilds and recompiles every schema on each call (≈150 ms a
 * definition) and walks the definition by key name (`$..States`, `$..Iterator`), so a state
 * named `Iterator` or `States` crashes it. This module uses its schemas only, compiled once;
 * the structural checks it also makes come from the definition check of the local runner.
 *
 * @see https://github.com/ChristopheBougere/asl-validator
 */

/** One correction of asl-validator's schemas, with the evidence that Step Functions accepts what the schema refused. */
export interface SchemaCorrection {
  /** A short id, used by the tests. */
  readonly id: string;
  /** The schema file (without `.json`) and the JSON pointer inside it. */
  readonly schema: string;
  readonly pointer: string;
  /** The value asl-validator 4.0.0 has there (checked, so an upgrade that moves it fails loudly). */
  readonly expected: unknown;
  /** The corrected value. */
  readonly replacement: unknown;
  /** What Step Functions accepts that the schema refused. */
  readonly why: string;
  /** The AWS documentation (and recorded AWS runs) showing it. */
  readonly see: string;
}

/** Any string that is not a whole JSONata expression: a literal, empty or over several lines. */
const NOT_JSONATA = '^(?!\\{%[\\s\\S]*%\\}$)[\\s\\S]*$';

/**
 * Where asl-validator 4.0.0's schemas refuse definitions that Step Functions accepts. Each is
 * backed by the AWS documentation and, where one exists, a definition that ran in AWS
 * (`/work/shared/aws-truth/cases.json`, recorded from LocalStack's AWS-validated tests).
 */
export const SCHEMA_CORRECTIONS: readonly SchemaCorrection[] = Object.freeze([
  {
    id: 'jsonata-delimiters',
    schema: 'jsonata',
    pointer: '/definitions/jsonata/pattern',
    expected: '^\\{% .+ %\\}$',
    replacement: '^\\{%[\\s\\S]*%\\}$',
    why: 'A JSONata expression is any string that starts with {% and ends with %}: no space is needed inside ({%$x%}) and the expression may span lines.',
    see: 'https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html',
  },
  {
    id: 'jsonata-literal-strings',
    schema: 'jsonata',
    pointer: '/definitions/not_jsonata/pattern',
    expected: '^(?!\\{% )(.+)(?! %\\})$',
    replacement: NOT_JSONATA,
    why: 'In a JSONata template every string that is not an expression is a literal, including the empty string and strings with line breaks.',
    see: 'https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html',
  },
  {
    id: 'jsonata-template-arrays',
    schema: 'jsonata',
    pointer: '/definitions/jsonata_template/oneOf/1/items',
    expected: { $ref: '#/definitions/_jsonata_template_object' },
    replacement: { $ref: '#/definitions/jsonata_template' },
    why: 'An array in a JSONata template may hold any JSON value (null, numbers, strings, arrays), not only objects (aws-truth: test_assign_base BASE_CONSTANT_LITERALS).',
    see: 'https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html',
  },
  {
    id: 'jsonata-output-any-value',
    schema: 'jsonata',
    pointer: '/definitions/output',
    expected: { oneOf: [{ $ref: '#/definitions/jsonata' }, { $ref: '#/definitions/_jsonata_template_object' }] },
    replacement: { $ref: '#/definitions/jsonata_template' },
    why: 'Output accepts any JSON value (object, array, string, number, boolean, null) or a JSONata expression (aws-truth: test_output test_base_output_any_non_dict, test_escape_sequence_parsing).',
    see: 'https://docs.aws.amazon.com/step-functions/latest/dg/concepts-input-output-filtering.html',
  },
  {
    id: 'jsonata-condition-boolean',
    schema: 'jsonata',
    pointer: '/definitions/condition',
    expected: { $ref: '#/definitions/jsonata' },
    replacement: { oneOf: [{ $ref: '#/definitions/jsonata' }, { type: 'boolean' }] },
    why: 'A JSONata Choice rule\'s Condition may be the constant true or false (aws-truth: test_choice_condition_constant_jsonata).',
    see: 'https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html',
  },
  {
    id: 'payload-template-literals',
    schema: 'paths',
    pointer: '/definitions/asl_payload_template/oneOf',
    expected: [
      { $ref: '#/definitions/_payload_template_object' },
      { type: 'array', items: { $ref: '#/definitions/asl_payload_template' } },
      { type: ['boolean', 'number'] },
      { $ref: 'jsonata.json#/definitions/not_jsonata' },
    ],
    replacement: [
      { $ref: '#/definitions/_payload_template_object' },
      { type: 'array', items: { $ref: '#/definitions/asl_payload_template' } },
      { type: ['boolean', 'number', 'null', 'string'] },
    ],
    why: 'A JSONPath payload template (Parameters, Assign, ...) may hold null and any string as literals, in arrays too; JSONata syntax means nothing in a JSONPath state (aws-truth: test_assign_base BASE_CONSTANT_LITERALS).',
    see: 'https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html',
  },
  {
    id: 'tolerated-failure-percentage-decimal',
    schema: 'map',
    pointer: '/definitions/ToleratedFailurePercentage/type',
    expected: 'integer',
    replacement: 'number',
    why: 'ToleratedFailurePercentage is a number from 0 to 100, decimals included (aws-truth: test_map_state_tolerated_failure_values[percentage_literal]; UpdateMapRun takes a Float).',
    see: 'https://docs.aws.amazon.com/step-functions/latest/apireference/API_UpdateMapRun.html',
  },
]);

/** The schema files of asl-validator 4.0.0, in the order it registers them. */
const SCHEMA_FILES = ['common', 'paths', 'jsonata', 'choice', 'fail', 'parallel', 'pass', 'base-state-machine', 'state-machine', 'state', 'succeed', 'task', 'wait', 'map', 'errors'];

const SCHEMA_ROOT = 'http://asl-validator.cloud/';

/** One schema error as Ajv reports it. */
export interface AjvError {
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
}

/** A compiled schema: returns whether the value conforms; the errors are on `errors`. */
export interface CompiledSchema {
  (value: unknown): boolean;
  errors?: AjvError[] | null;
}

/** The state types of ASL, each with a schema file of the same name in lower case. */
export const STATE_TYPES = ['Task', 'Pass', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map'] as const;

/**
 * The schemas the schema check validates against: a (top-level) state machine, and
 * each state type in each query language (`Pass:JSONata`), whose errors are about that form only
 * (validated against any state, a mistake also fails the seven other types and the other
 * language, and their errors drown it).
 */
export interface AslSchemaValidators {
  readonly stateMachine: CompiledSchema;
  readonly byTypeAndLanguage: ReadonlyMap<string, CompiledSchema>;
}

interface AjvInstance {
  addFormat(name: string, format: (value: string) => boolean): unknown;
  getSchema(id: string): CompiledSchema | undefined;
  compile(schema: object): CompiledSchema;
}

const compiled = new Map<boolean, AslSchemaValidators>();

/**
 * The compiled validators, built on first use (≈1 s) and kept.
 *
 * @param checkPaths whether JSONPath expressions and payload templates are parsed (asl-path-validator)
 * @throws Error if asl-validator's schemas are not where version 4 keeps them, or differ from
 * what a correction expects (an upgrade to review).
 */
export function aslSchemaValidators(checkPaths: boolean): AslSchemaValidators {
  let validators = compiled.get(checkPaths);
  if (!validators) {
    const schemas = correctedSchemas();
    const ajv = createAjv(schemas);
    registerFormats(ajv, checkPaths);
    validators = { stateMachine: schema(ajv, 'state-machine.json#'), byTypeAndLanguage: typeSchemas(ajv, schemas) };
    compiled.set(checkPaths, validators);
  }
  return validators;
}

/** asl-validator's schemas as it ships them (fresh copies). */
export function originalSchemas(): Record<string, Record<string, unknown>> {
  const directory = path.join(path.dirname(require.resolve('asl-validator')), 'schemas');
  return Object.fromEntries(SCHEMA_FILES.map((name) => [name, JSON.parse(JSON.stringify(require(path.join(directory, `${name}.json`))))]));
}

/** asl-validator's schemas with {@link SCHEMA_CORRECTIONS} applied. */
export function correctedSchemas(corrections: readonly SchemaCorrection[] = SCHEMA_CORRECTIONS): Record<string, Record<string, unknown>> {
  const schemas = originalSchemas();
  for (const correction of corrections) applyCorrection(schemas, correction);
  return schemas;
}

function applyCorrection(schemas: Record<string, Record<string, unknown>>, correction: SchemaCorrection): void {
  const segments = correction.pointer.split('/').slice(1);
  const last = segments.pop()!;
  let holder: unknown = schemas[correction.schema];
  for (const segment of segments) holder = (holder as Record<string, unknown> | undefined)?.[segment];
  const current = (holder as Record<string, unknown> | undefined)?.[last];
  if (JSON.stringify(current) !== JSON.stringify(correction.expected)) {
    throw new Error(`asl-validator's ${correction.schema}.json${correction.pointer} is not what correction '${correction.id}' expects; review the correction for this asl-validator version.`);
  }
  (holder as Record<string, unknown>)[last] = correction.replacement;
}

/** A new Ajv (asl-validator's own copy, resolved from it) holding the schemas, with ajv-formats. */
export function createAjv(schemas: Record<string, Record<string, unknown>>): AjvInstance {
  const fromValidator = (module: string) => require(require.resolve(module, { paths: [path.dirname(require.resolve('asl-validator'))] }));
  const Ajv = fromValidator('ajv').default;
  const ajv: AjvInstance = new Ajv({ schemas: SCHEMA_FILES.map((name) => schemas[name]), allowUnionTypes: true });
  fromValidator('ajv-formats').default(ajv);
  return ajv;
}

/** One validator per state type and query language: `<type>.json#/oneOf/<i>`, the variant whose QueryLanguage is that language. */
function typeSchemas(ajv: AjvInstance, schemas: Record<string, Record<string, unknown>>): Map<string, CompiledSchema> {
  const validators = new Map<string, CompiledSchema>();
  for (const type of STATE_TYPES) {
    const variants = schemas[type.toLowerCase()].oneOf as Array<{ properties?: { QueryLanguage?: { $ref?: string } } }>;
    variants.forEach((variant, index) => {
      const language = variant.properties?.QueryLanguage?.$ref?.startsWith('jsonata.json') ? 'JSONata' : 'JSONPath';
      validators.set(`${type}:${language}`, ajv.compile({ $ref: `${SCHEMA_ROOT}${type.toLowerCase()}.json#/oneOf/${index}` }));
    });
  }
  return validators;
}

function schema(ajv: AjvInstance, id: string): CompiledSchema {
  const validate = ajv.getSchema(`${SCHEMA_ROOT}${id}`);
  if (!validate) throw new Error(`asl-validator has no schema ${id}.`);
  return validate;
}

/**
 * asl-validator's formats, with two differences: a string holding a CloudFormation placeholder
 * passes every format (its value is only known after substitution), and an ARN may name any
 * partition (`aws-iso`, `aws-iso-b`, `aws-eusc`, ... as well as `aws`, `aws-cn`, `aws-us-gov`).
 */
function registerFormats(ajv: AjvInstance, checkPaths: boolean): void {
  const lenient = (format: (value: string) => boolean) => (value: string) => hasPlaceholder(value) || format(value);
  ajv.addFormat('jsonata_string', lenient((value) => isJsonataExpression(value) && compilesAsJsonata(value)));
  ajv.addFormat('maybe_jsonata_string', lenient((value) => !isJsonataExpression(value) || compilesAsJsonata(value)));
  ajv.addFormat('asl_arn', lenient((value) => ARN.test(value)));
  for (const [name, format] of Object.entries(pathFormats(checkPaths))) ajv.addFormat(name, lenient(format));
}

/**
 * An ARN: `arn:partition:service:region:account:resource`, as asl-validator reads it, with any
 * partition.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */
const ARN = /^arn:[a-z0-9-]+:[^:\n]+:[^:\n]*:\d*:[^:/*]+([:/].*[^:/]+)?$/iu;

function compilesAsJsonata(value: string): boolean {
  try {
    jsonata(value.slice(2, -2));
    return true;
  } catch {
    return false;
  }
}

const PATH_FORMATS = ['asl_path', 'asl_ref_path', 'asl_payload_template', 'asl_result_path'];

/** asl-path-validator's path formats, or formats that accept every path when paths are not checked. */
function pathFormats(checkPaths: boolean): Record<string, (value: string) => boolean> {
  if (!checkPaths) return Object.fromEntries(PATH_FORMATS.map((name) => [name, () => true]));
  const formats: Record<string, (value: string) => boolean> = {};
  const pathValidator = require(require.resolve('asl-path-validator', { paths: [path.dirname(require.resolve('asl-validator'))] }));
  pathValidator.registerAll({ addFormat: (name: string, format: (value: string) => boolean) => (formats[name] = format) });
  return formats;
}
