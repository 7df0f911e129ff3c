import { AslErrorHandler, AslState } from '../asl/definition';

/** The longest label drawn on an edge or a node line, in characters; longer text ends in `…`. */
export const MAX_LABEL_CHARS = 60;

const COMPARISON_SYMBOLS: Record<string, string> = {
  Equals: '==',
  LessThan: '<',
  GreaterThan: '>',
  LessThanEquals: '<=',
  GreaterThanEquals: '>=',
};

const TYPE_TESTS: Record<string, string> = {
  IsNull: 'null',
  IsNumeric: 'numeric',
  IsString: 'a string',
  IsBoolean: 'a boolean',
  IsTimestamp: 'a timestamp',
};

/**
 * A Choice rule as people read it: `$.total >= 1000`, `$.status == "PAID"`,
 * `$.x is present`, `not ($.a == 1)`, `($.a > 1) and ($.b < 2)`; a JSONata `Condition` without
 * its `{% %}`. A rule this function does not know is written as its JSON.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html
 */
export function choiceRuleText(rule: Readonly<Record<string, unknown>>): string {
  if (typeof rule.Condition === 'string') return jsonataText(rule.Condition);
  if (Array.isArray(rule.And)) return joinRules(rule.And, 'and');
  if (Array.isArray(rule.Or)) return joinRules(rule.Or, 'or');
  if (rule.Not && typeof rule.Not === 'object') return `not (${choiceRuleText(rule.Not as Record<string, unknown>)})`;
  const variable = typeof rule.Variable === 'string' ? rule.Variable : '?';
  for (const [operator, operand] of Object.entries(rule)) {
    const text = comparisonText(variable, operator, operand);
    if (text !== undefined) return text;
  }
  return JSON.stringify(rule);
}

function joinRules(rules: unknown[], word: string): string {
  return rules.map((rule) => `(${choiceRuleText((rule ?? {}) as Record<string, unknown>)})`).join(` ${word} `);
}

function comparisonText(variable: string, operator: string, operand: unknown): string | undefined {
  if (operator === 'IsPresent') return `${variable} is ${operand === true ? 'present' : 'absent'}`;
  if (TYPE_TESTS[operator]) return `${variable} is ${operand === true ? '' : 'not '}${TYPE_TESTS[operator]}`;
  if (operator === 'StringMatches') return `${variable} matches ${JSON.stringify(operand)}`;
  const match = /^(String|Numeric|Boolean|Timestamp)(Equals|LessThan|GreaterThan|LessThanEquals|GreaterThanEquals)(Path)?$/.exec(operator);
  if (!match) return undefined;
  const [, , comparison, path] = match;
  const right = path ? String(operand) : JSON.stringify(operand);
  return `${variable} ${COMPARISON_SYMBOLS[comparison]} ${right}`;
}

/** A JSONata expression without its `{% %}` delimiters. */
function jsonataText(condition: string): string {
  const match = /^\s*\{%([\s\S]*)%\}\s*$/.exec(condition);
  return (match ? match[1] : condition).trim();
}

/**
 * A retrier on one line: `↻ 3× States.TaskFailed`; more than two error names are shortened by
 * namespace (`↻ 3× PaymentProviderUnavailable + 5 Lambda errors`).
 */
export function retrierText(retrier: AslErrorHandler): string {
  const attempts = typeof retrier.MaxAttempts === 'number' ? retrier.MaxAttempts : 3;
  return `↻ ${attempts}× ${errorListText(retrier.ErrorEquals ?? [])}`;
}

/** A retrier in full, for a tooltip: the errors, attempts, interval, backoff, cap and jitter. */
export function retrierDetails(retrier: AslErrorHandler): string {
  const parts = [
    `Retry ${(retrier.ErrorEquals ?? []).join(', ')}`,
    `MaxAttempts ${typeof retrier.MaxAttempts === 'number' ? retrier.MaxAttempts : 3}`,
    `IntervalSeconds ${typeof retrier.IntervalSeconds === 'number' ? retrier.IntervalSeconds : 1}`,
    `BackoffRate ${typeof retrier.BackoffRate === 'number' ? retrier.BackoffRate : 2}`,
  ];
  if (typeof retrier.MaxDelaySeconds === 'number') parts.push(`MaxDelaySeconds ${retrier.MaxDelaySeconds}`);
  if (retrier.JitterStrategy === 'FULL') parts.push('JitterStrategy FULL');
  return parts.join('; ');
}

/** The errors a catcher matches, shortened as for retriers: `✗ ValidationError`, `✗ States.ALL`. */
export function catcherText(catcher: AslErrorHandler): string {
  return `✗ ${errorListText(catcher.ErrorEquals ?? [])}`;
}

/**
 * Error names on one line: up to two as written; beyond that, names sharing a namespace prefix
 * (`Lambda.`) counted as one entry (`5 Lambda errors`) after the others.
 */
export function errorListText(errors: readonly string[]): string {
  if (errors.length <= 2) return errors.join(', ');
  const byNamespace = new Map<string, string[]>();
  const plain: string[] = [];
  for (const error of errors) {
    const dot = error.indexOf('.');
    if (dot > 0) byNamespace.set(error.slice(0, dot), [...(byNamespace.get(error.slice(0, dot)) ?? []), error]);
    else plain.push(error);
  }
  const grouped = [...byNamespace].flatMap(([namespace, names]) => (names.length > 1 ? [`${names.length} ${namespace} errors`] : names));
  return [...plain, ...grouped].join(' + ');
}

/**
 * What a state does, on one line: the type, and for a Task the service action of an optimized
 * integration (`Task · lambda:invoke.waitForTaskToken`), for a Wait how long.
 */
export function stateTypeText(state: AslState): string {
  if (state.Type === 'Task') {
    const action = integrationAction(state.Resource);
    return action ? `Task · ${action}` : 'Task';
  }
  if (state.Type === 'Wait') return `Wait · ${waitText(state)}`;
  if (state.Type === 'Map') return isDistributed(state) ? 'Map · distributed' : 'Map';
  return state.Type;
}

/** `arn:aws:states:::lambda:invoke.waitForTaskToken` → `lambda:invoke.waitForTaskToken`; a Lambda function ARN → `Lambda <name>`. */
function integrationAction(resource: unknown): string | undefined {
  if (typeof resource !== 'string') return undefined;
  // The partition may still be a placeholder (`arn:${AWS::Partition}:states:::...`).
  const optimized = /^arn:(?:\$\{[^}]*\}|[^:]+):states:::(.+)$/.exec(resource);
  if (optimized) return optimized[1];
  const lambda = /^arn:(?:\$\{[^}]*\}|[^:]+):lambda:[^:]*:[^:]*:function:([^:]+)/.exec(resource);
  if (lambda) return `Lambda ${lambda[1]}`;
  const activity = /^arn:(?:\$\{[^}]*\}|[^:]+):states:[^:]*:[^:]*:activity:(.+)$/.exec(resource);
  return activity ? `activity ${activity[1]}` : undefined;
}

function waitText(state: AslState): string {
  if (typeof state.Seconds === 'number') return `${state.Seconds} s`;
  if (typeof state.Seconds === 'string') return jsonataText(state.Seconds);
  if (typeof state.Timestamp === 'string') return `until ${jsonataText(state.Timestamp)}`;
  if (typeof state.SecondsPath === 'string') return `${state.SecondsPath} s`;
  if (typeof state.TimestampPath === 'string') return `until ${state.TimestampPath}`;
  return '?';
}

function isDistributed(state: AslState): boolean {
  const processor = (state.ItemProcessor ?? {}) as { ProcessorConfig?: { Mode?: string } };
  return processor.ProcessorConfig?.Mode === 'DISTRIBUTED';
}

/** Text cut to `max` characters, ending in `…` when cut. */
export function truncate(text: string, max = MAX_LABEL_CHARS): string {
  const characters = [...text];
  return characters.length <= max ? text : `${characters.slice(0, max - 1).join('')}…`;
}

/**
 * A duration in milliseconds as people read it: `850 ms`, `1.2 s`, `3.5 min`, `2.0 h`, `2.0 d`.
 */
export function durationText(milliseconds: number): string {
  if (milliseconds < 1000) return `${Math.round(milliseconds)} ms`;
  const seconds = milliseconds / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  if (seconds < 3600) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}
