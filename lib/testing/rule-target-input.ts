import { JSONPath } from 'jsonpath-plus';
import { SynthesizedRuleTarget } from '../assembly/stack-resources';

/**
 * The input an EventBridge target receives for an event: the whole event, a constant
 * (`Input`), a part (`InputPath`), or a transformation (`InputTransformer`: values picked by
 * `InputPathsMap` and put into `InputTemplate`, quoted placeholders as strings, bare ones as
 * JSON).
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
 */
export function ruleTargetInput(target: SynthesizedRuleTarget, event: Record<string, unknown>, rule: RuleIdentity): unknown {
  if (target.input !== undefined) return JSON.parse(target.input);
  if (target.inputPath !== undefined) return select(target.inputPath, event) ?? null;
  if (!target.inputTransformer) return event;
  const values: Record<string, unknown> = {
    'aws.events.rule-name': rule.name,
    'aws.events.rule-arn': rule.arn,
    'aws.events.event': event,
    'aws.events.event.json': event,
    'aws.events.event.ingestion-time': event.time,
  };
  for (const [name, path] of Object.entries(target.inputTransformer.InputPathsMap ?? {})) values[name] = select(path, event);
  const text = fillTemplate(target.inputTransformer.InputTemplate, values);
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`The input transformer of rule ${rule.name} makes input that is not JSON, which StartExecution refuses: ${text}`);
  }
}

/** The rule a target belongs to, for the `aws.events.rule-*` variables. */
export interface RuleIdentity {
  readonly name: string;
  readonly arn: string;
}

/**
 * Puts values into an input template: inside a JSON string a value goes in as text (escaped),
 * elsewhere as JSON; a path that selects nothing gives an empty text or `null`.
 */
function fillTemplate(template: string, values: Record<string, unknown>): string {
  let output = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const char = template[i];
    const placeholder = char === '<' ? /^<([A-Za-z0-9_.-]+)>/.exec(template.slice(i)) : null;
    if (placeholder && placeholder[1] in values) {
      const value = values[placeholder[1]];
      output += inString ? JSON.stringify(typeof value === 'string' ? value : JSON.stringify(value) ?? '').slice(1, -1) : JSON.stringify(value ?? null);
      i += placeholder[0].length - 1;
      continue;
    }
    if (char === '"' && template[i - 1] !== '\\') inString = !inString;
    output += char;
  }
  return output;
}

function select(path: string, event: unknown): unknown {
  return JSONPath({ path, json: event as any, wrap: false });
}
