/**
 * Whether an EventBridge event matches an event pattern. Supports what rules commonly use:
 * lists of values, `prefix`, `suffix`, `equals-ignore-case`, `anything-but` (a value, a list
 * or a prefix), `exists`, `numeric` ranges, `wildcard` and `$or`, on nested fields.
 *
 * @throws Error naming an operator it does not support.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
export function matchesEventPattern(pattern: Record<string, unknown>, event: unknown): boolean {
  return matchesObject(pattern, event);
}

function matchesObject(pattern: Record<string, unknown>, value: unknown): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    if (key === '$or') return (expected as Array<Record<string, unknown>>).some((branch) => matchesObject(branch, value));
    const actual = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(expected)) return matchesAny(expected, actual);
    if (expected && typeof expected === 'object') return matchesObject(expected as Record<string, unknown>, actual);
    throw new Error(`The event pattern field ${key} must be an array or an object (got ${JSON.stringify(expected)}).`);
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
      return isOperator(argument, 'equals-ignore-case')
        ? !!text?.toLowerCase().startsWith(String((argument as Record<string, unknown>)['equals-ignore-case']).toLowerCase())
        : !!text?.startsWith(String(argument));
    case 'suffix':
      return !!text?.endsWith(String(argument));
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
      throw new Error(`The local runner does not support the event pattern operator ${JSON.stringify(operator)}.`);
  }
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
