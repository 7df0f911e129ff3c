import { AslDefinition } from './definition';

/**
 * Renders a CloudFormation value (a literal string or an intrinsic such as the `Fn::Join`
 * that CDK synthesizes for a `DefinitionString`) as one string, writing every reference as a
 * placeholder: `{ Ref: X }` as `${X}`, `{ Fn::GetAtt: [X, Arn] }` as `${X.Arn}`, pseudo
 * parameters as `${AWS::Partition}`. Other intrinsics are written as `${Fn::Name}`.
 *
 * The placeholders contain no quote or backslash, so a flattened JSON document stays parseable.
 *
 * @throws Error if the value is neither a string nor a supported intrinsic.
 */
export function flattenIntrinsic(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const [fn, args] = Object.entries(value as Record<string, unknown>)[0] ?? [];
    switch (fn) {
      case 'Fn::Join': {
        const [separator, parts] = args as [string, unknown[]];
        return parts.map(flattenIntrinsic).join(separator);
      }
      case 'Ref':
        return `\${${String(args)}}`;
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(args) ? args : String(args).split('.');
        return `\${${logicalId}.${attribute}}`;
      }
      case 'Fn::Sub':
        return Array.isArray(args) ? String(args[0]) : String(args);
      default:
        if (fn?.startsWith('Fn::')) return `\${${fn}}`;
    }
  }
  throw new Error(`Cannot flatten CloudFormation value ${JSON.stringify(value)}: expected a string or an intrinsic function.`);
}

/**
 * Parses a flattened state machine definition, replacing each `${...}` of
 * `DefinitionSubstitutions` by its (flattened) value first.
 *
 * A reference that stands where JSON expects a number or a boolean (a `TimeoutSeconds` taken
 * from a `CfnParameter`: `"TimeoutSeconds":${Timeout}`) is written as the string `"${Timeout}"`
 * (see {@link quoteBarePlaceholders}): the definition stays JSON, and the validation rules leave
 * a value with a placeholder alone, as they do for an ARN that is only known at deploy time.
 *
 * @throws Error naming the state machine if the result is not JSON.
 */
export function parseFlattenedDefinition(
  flattened: string,
  substitutions: Record<string, unknown> = {},
  label = 'state machine',
): AslDefinition {
  let text = flattened;
  for (const [key, value] of Object.entries(substitutions)) {
    text = text.split(`\${${key}}`).join(flattenIntrinsic(value));
  }
  text = quoteBarePlaceholders(text);
  try {
    return JSON.parse(text) as AslDefinition;
  } catch (error) {
    throw new Error(`The definition of ${label} is not valid JSON after flattening its tokens: ${(error as Error).message}`);
  }
}

/**
 * Wraps in quotes each `${...}` placeholder that stands outside a JSON string (a token in a
 * number or boolean position), so `{"TimeoutSeconds":${T}}` becomes `{"TimeoutSeconds":"${T}"}`.
 * Placeholders inside strings, and text that is not JSON, are left as they are.
 */
export function quoteBarePlaceholders(text: string): string {
  if (!text.includes('${')) return text;
  // Definitions run to megabytes: copy slices between the placeholders, never char by char.
  const parts: string[] = [];
  let copied = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === DOLLAR && text.charCodeAt(i + 1) === OPEN_BRACE) {
      const end = text.indexOf('}', i);
      const placeholder = end < 0 ? '' : text.slice(i, end + 1);
      if (/^\$\{[^}"\\]+\}$/.test(placeholder)) {
        parts.push(text.slice(copied, i), `"${placeholder}"`);
        copied = end + 1;
        i = end;
      }
    }
  }
  parts.push(text.slice(copied));
  return parts.join('');
}

const QUOTE = '"'.charCodeAt(0);
const BACKSLASH = '\\'.charCodeAt(0);
const DOLLAR = '$'.charCodeAt(0);
const OPEN_BRACE = '{'.charCodeAt(0);

/**
 * Replaces the `${...}` placeholders of flattened text that `resolve` has a value for; the
 * others stay as they are. A number or boolean value that fills a whole JSON string
 * (`"TimeoutSeconds":"${Timeout}"`, as {@link parseFlattenedDefinition} writes a token in a
 * number position) replaces the string, quotes included: `"TimeoutSeconds":30`.
 */
export function replacePlaceholders(text: string, resolve: (reference: string) => string | number | boolean | undefined): string {
  // An opening quote that is escaped (`\"` inside a string) does not start a JSON string.
  return text.replace(/((?<!\\)")?\$\{([^}"\\]+)\}(")?/g, (placeholder, open: string | undefined, reference: string, close: string | undefined) => {
    const value = resolve(reference);
    if (value === undefined) return placeholder;
    if (typeof value !== 'string' && open && close) return String(value);
    return `${open ?? ''}${String(value)}${close ?? ''}`;
  });
}

/** The values of the pseudo parameters (`AWS::Region`, ...) in a region and account of the `aws` partition. */
export function pseudoParameters(region: string, account: string): Record<string, string> {
  return { 'AWS::Partition': 'aws', 'AWS::Region': region, 'AWS::AccountId': account, 'AWS::URLSuffix': 'amazonaws.com' };
}
