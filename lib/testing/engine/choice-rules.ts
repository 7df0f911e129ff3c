import { StatesError, States } from './errors';
import { compilePath, CompiledPath, NOT_FOUND } from './json-path';
import { jsonText, selectPath } from './paths';
import { EvaluationScope } from './scope';

/** A compiled JSONPath Choice rule: whether it matches the state's (effective) input. */
export type ChoiceCondition = (scope: EvaluationScope) => boolean;

type Comparison = (value: unknown, operand: unknown) => boolean;

const COMPARISONS: Record<string, Comparison> = {
  StringEquals: (a, b) => typeof a === 'string' && typeof b === 'string' && a === b,
  StringLessThan: (a, b) => typeof a === 'string' && typeof b === 'string' && a < b,
  StringGreaterThan: (a, b) => typeof a === 'string' && typeof b === 'string' && a > b,
  StringLessThanEquals: (a, b) => typeof a === 'string' && typeof b === 'string' && a <= b,
  StringGreaterThanEquals: (a, b) => typeof a === 'string' && typeof b === 'string' && a >= b,
  NumericEquals: (a, b) => typeof a === 'number' && typeof b === 'number' && a === b,
  NumericLessThan: (a, b) => typeof a === 'number' && typeof b === 'number' && a < b,
  NumericGreaterThan: (a, b) => typeof a === 'number' && typeof b === 'number' && a > b,
  NumericLessThanEquals: (a, b) => typeof a === 'number' && typeof b === 'number' && a <= b,
  NumericGreaterThanEquals: (a, b) => typeof a === 'number' && typeof b === 'number' && a >= b,
  BooleanEquals: (a, b) => typeof a === 'boolean' && typeof b === 'boolean' && a === b,
  TimestampEquals: timestampComparison((a, b) => a === b),
  TimestampLessThan: timestampComparison((a, b) => a < b),
  TimestampGreaterThan: timestampComparison((a, b) => a > b),
  TimestampLessThanEquals: timestampComparison((a, b) => a <= b),
  TimestampGreaterThanEquals: timestampComparison((a, b) => a >= b),
};

/** The type tests: `Is*: true` matches values of the type, `Is*: false` the others. */
const TYPE_TESTS: Record<string, (value: unknown) => boolean> = {
  IsNull: (value) => value === null,
  IsNumeric: (value) => typeof value === 'number',
  IsString: (value) => typeof value === 'string',
  IsBoolean: (value) => typeof value === 'boolean',
  IsTimestamp: (value) => parseTimestamp(value) !== undefined,
};

/** Every comparison operator a rule may use (with its `…Path` form where one exists). */
export const CHOICE_OPERATORS: readonly string[] = [
  ...Object.keys(COMPARISONS),
  ...Object.keys(COMPARISONS).map((name) => `${name}Path`),
  'StringMatches',
  'IsPresent',
  ...Object.keys(TYPE_TESTS),
];

/**
 * Compiles a JSONPath Choice rule (`Variable` with one operator, or `And` / `Or` / `Not`)
 * into a function. A value of another type than the operator's never matches (no error, no
 * coercion); a `Variable` that selects nothing matches only `IsPresent: false` and fails
 * every other operator with `States.Runtime`.
 *
 * @throws Error at compile time for a rule without exactly one operator or a malformed operand.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html
 */
export function compileChoiceRule(rule: Record<string, unknown>, where: string): ChoiceCondition {
  if (Array.isArray(rule.And)) {
    const rules = rule.And.map((nested, i) => compileChoiceRule(nested, `${where}.And[${i}]`));
    return (scope) => rules.every((test) => test(scope));
  }
  if (Array.isArray(rule.Or)) {
    const rules = rule.Or.map((nested, i) => compileChoiceRule(nested, `${where}.Or[${i}]`));
    return (scope) => rules.some((test) => test(scope));
  }
  if (rule.Not && typeof rule.Not === 'object') {
    const negated = compileChoiceRule(rule.Not as Record<string, unknown>, `${where}.Not`);
    return (scope) => !negated(scope);
  }
  if (typeof rule.Variable !== 'string') throw new Error(`${where} has no Variable (or And, Or, Not).`);
  const variable = compilePath(rule.Variable);
  const operators = Object.keys(rule).filter((key) => CHOICE_OPERATORS.includes(key));
  if (operators.length !== 1) throw new Error(`${where} must have exactly one comparison operator, found ${operators.length}.`);
  return compileTest(variable, operators[0], rule[operators[0]]);
}

function compileTest(variable: CompiledPath, operator: string, operand: unknown): ChoiceCondition {
  if (operator === 'IsPresent') return (scope) => (selectPath(variable, scope) !== NOT_FOUND) === (operand === true);
  const test = valueTest(operator, operand);
  return (scope) => {
    const value = selectPath(variable, scope);
    if (value === NOT_FOUND) throw invalidPath(variable, scope);
    return test(value, scope);
  };
}

function valueTest(operator: string, operand: unknown): (value: unknown, scope: EvaluationScope) => boolean {
  const typeTest = TYPE_TESTS[operator];
  if (typeTest) return (value) => typeTest(value) === (operand === true);
  if (operator === 'StringMatches') {
    if (typeof operand !== 'string') throw new Error(`StringMatches takes a string, not ${JSON.stringify(operand)}.`);
    const pattern = wildcardPattern(operand);
    return (value) => typeof value === 'string' && pattern.test(value);
  }
  if (operator.endsWith('Path')) {
    const compare = COMPARISONS[operator.slice(0, -4)];
    if (typeof operand !== 'string') throw new Error(`${operator} takes a path, not ${JSON.stringify(operand)}.`);
    const path = compilePath(operand);
    return (value, scope) => {
      const other = selectPath(path, scope);
      if (other === NOT_FOUND) throw invalidPath(path, scope);
      return compare(value, other);
    };
  }
  const compare = COMPARISONS[operator];
  return (value) => compare(value, operand);
}

function invalidPath(path: CompiledPath, scope: EvaluationScope): StatesError {
  const searched = path.root === 'context' ? scope.context() : scope.input;
  return new StatesError(States.Runtime, `Invalid path '${path.text}': The choice state's condition path references an invalid value. Input: ${jsonText(searched)}`);
}

/**
 * A StringMatches pattern as a regular expression: `*` matches any run of characters, `\*`
 * a star and `\\` a backslash; nothing else is special.
 *
 * @throws Error for a backslash that escapes nothing.
 */
function wildcardPattern(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') {
      const next = pattern[++i];
      if (next !== '*' && next !== '\\') throw new Error(`StringMatches pattern ${JSON.stringify(pattern)} has a '\\' that escapes neither '*' nor '\\'.`);
      source += `\\${next}`;
    } else if (char === '*') {
      source += '[\\s\\S]*';
    } else {
      source += char.replace(/[.+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

function timestampComparison(compare: (a: number, b: number) => boolean): Comparison {
  return (a, b) => {
    const [left, right] = [parseTimestamp(a), parseTimestamp(b)];
    return left !== undefined && right !== undefined && compare(left, right);
  };
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** An RFC 3339 timestamp (uppercase `T`, `Z` or an offset) in epoch milliseconds, or undefined. */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value !== 'string' || !TIMESTAMP.test(value)) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}
