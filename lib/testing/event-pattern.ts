const OPERATORS = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'anything-but', 'numeric', 'exists'];

/**
 * Whether an EventBridge event matches an event pattern. Supports what rules commonly use:
 * lists of values, `prefix` and `suffix` (also with `equals-ignore-case`),
 * `equals-ignore-case`, `anything-but` (a value, a list or a prefix), `exists`, `numeric`
 * ranges, `wildcard` and `$or`, on nested fields and on arrays of objects.
 *
 * @throws Error naming an operator it does not support, or a field that is neither an array
 * nor an object, wherever it is in the pattern.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
export function matchesEventPattern(pattern: Record<string, unknown>, event: unknown): boolean {
  checkPattern(pattern);
  return matchesObject(pattern, event);
}

/** Checks the whole pattern first, so that an unsupported part fails even where matching stops early. */
function checkPattern(pattern: Record<string, unknown>): void {
  for (const [key, expected] of Object.entries(pattern)) {
    if (key === '$or') (expected as Array<Record<string, unknown>>).forEach(checkPattern);
    else if (Array.isArray(expected)) expected.forEach(checkRule);
    else if (expected && typeof expected === 'object') checkPattern(expected as Record<string, unknown>);
    else throw new Error(`The event pattern field ${key} must be an array or an object (got ${JSON.stringify(expected)}).`);
  }
}

function checkRule(rule: unknown): void {
  if (rule === null || typeof rule !== 'object') return;
  const operator = Object.keys(rule)[0];
  if (!OPERATORS.includes(operator)) throw new Error(`The local runner does not support the event pattern operator ${JSON.stringify(operator)}.`);
}

/** An object pattern matches an object, or any object of an array. */
function matchesObject(pattern: Record<string, unknown>, value: unknown): boolean {
  if (Array.isArray(value)) return value.some((item) => matchesObject(pattern, item));
  return Object.entries(pattern).every(([key, expected]) => {
    if (key === '$or') return (expected as Array<Record<string, unknown>>).some((branch) => matchesObject(branch, value));
    const actual = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(expected)) return matchesAny(expected, actual);
    return matchesObject(expected as Record<string, unknown>, actual);
  });
}

/** A field matches when any of its rules matches any of its values (an array field matches element-wise). */
function matchesAny(rules: unknown[], actual: unknown): boolean {
  if (rules.length === 1 && isOperator(rules[0], 'exists')) return (actual !== undefined) === (rules[0] as { exists: boolean }).exists;
  const values = Array.isArray(actual) ? actual : [actual];
  return rules.some((rule) => values.some((value) => value !== undefined && matchesRule(rule, value)));
}

function matchesRule(rule: unknown, value: unknown): boolean {
  if (rule === null || typeof rule !== 'object') return rule === value;
  const [operator, argument] = Object.entries(rule as Record<string, unknown>)[0] ?? [];
  const text = typeof value === 'string' ? value : undefined;
  switch (operator) {
    case 'prefix':
      return text !== undefined && affixMatches(argument, (expected, ignoreCase) => fold(text, ignoreCase).startsWith(expected));
    case 'suffix':
      return text !== undefined && affixMatches(argument, (expected, ignoreCase) => fold(text, ignoreCase).endsWith(expected));
    case 'equals-ignore-case':
      return text?.toLowerCase() === String(argument).toLowerCase();
    case 'wildcard':
      return text !== undefined && new RegExp(`^${String(argument).split('*').map(escapeRegExp).join('.*')}$`).test(text);
    case 'anything-but':
      return !anythingButExcludes(argument, value);
    case 'numeric':
      return typeof value === 'number' && matchesNumeric(argument as unknown[], value);
    case 'exists':
      return (argument as boolean) === true;
    default:
      return false;
  }
}

/** `prefix`/`suffix` take a text, or `{ "equals-ignore-case": text }`. */
function affixMatches(argument: unknown, test: (expected: string, ignoreCase: boolean) => boolean): boolean {
  const ignoreCase = isOperator(argument, 'equals-ignore-case');
  const expected = ignoreCase ? (argument as Record<string, unknown>)['equals-ignore-case'] : argument;
  return test(fold(String(expected), ignoreCase), ignoreCase);
}

function fold(text: string, ignoreCase: boolean): string {
  return ignoreCase ? text.toLowerCase() : text;
}

function anythingButExcludes(argument: unknown, value: unknown): boolean {
  if (Array.isArray(argument)) return argument.includes(value);
  if (argument && typeof argument === 'object') return matchesRule(argument, value);
  return argument === value;
}

function matchesNumeric(conditions: unknown[], value: number): boolean {
  const checks: Record<string, (limit: number) => boolean> = {
    '=': (limit) => value === limit,
    '>': (limit) => value > limit,
    '>=': (limit) => value >= limit,
    '<': (limit) => value < limit,
    '<=': (limit) => value <= limit,
  };
  for (let i = 0; i < conditions.length; i += 2) {
    const check = checks[String(conditions[i])];
    if (!check) throw new Error(`Unknown numeric operator ${JSON.stringify(conditions[i])} in an event pattern.`);
    if (!check(Number(conditions[i + 1]))) return false;
  }
  return true;
}

function isOperator(rule: unknown, operator: string): boolean {
  return !!rule && typeof rule === 'object' && operator in (rule as object);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
