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
  try {
    return JSON.parse(text) as AslDefinition;
  } catch (error) {
    throw new Error(`The definition of ${label} is not valid JSON after flattening its tokens: ${(error as Error).message}`);
  }
}

/**
 * Replaces the `${...}` placeholders of flattened text that `resolve` has a value for; the
 * others stay as they are.
 */
export function replacePlaceholders(text: string, resolve: (reference: string) => string | undefined): string {
  return text.replace(/\$\{([^}"\\]+)\}/g, (placeholder, reference: string) => resolve(reference) ?? placeholder);
}

/** The values of the pseudo parameters (`AWS::Region`, ...) in a region and account of the `aws` partition. */
export function pseudoParameters(region: string, account: string): Record<string, string> {
  return { 'AWS::Partition': 'aws', 'AWS::Region': region, 'AWS::AccountId': account, 'AWS::URLSuffix': 'amazonaws.com' };
}
