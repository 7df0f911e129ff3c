import { AslState } from '../../../asl/definition';
import { ChoiceCondition, compileChoiceRule } from '../choice-rules';
import { StatesError, States } from '../errors';
import { compileJsonataField } from '../jsonata-fields';
import { compileAssign, compileProcessing, RuleFields } from '../processing';
import { jsonText } from '../paths';
import { scopeOf, StateRun } from '../thread';
import { DEFAULT_RULE } from '../../matched-choice-rules';
import { CompileContext } from './compile-context';
import { CompiledState, runState } from './state';

interface CompiledRule {
  readonly index: number;
  readonly matches: (run: StateRun, selected: unknown) => boolean | Promise<boolean>;
  readonly next: string;
  readonly fields: RuleFields;
}

/**
 * A Choice state: the first rule that matches gives the next state (and, if it has them, its
 * own Output and Assign); with none, `Default`, else `States.NoChoiceMatched`.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html
 */
export function compileChoice(name: string, state: AslState, context: CompileContext): CompiledState {
  const processing = compileProcessing(state, context.language);
  const rules = ((state.Choices as Array<Record<string, unknown>>) ?? []).map((rule, i) => compileRule(rule, context, i));
  const defaultNext = state.Default as string | undefined;
  return {
    name,
    type: 'Choice',
    run: async (input, thread) => {
      let matched: CompiledRule | undefined;
      const step = await runState(thread, 'Choice', name, input, async (run) => {
        const selected = processing.selectedInput(run);
        matched = await firstMatch(rules, run, selected);
        if (!matched && defaultNext === undefined) {
          throw new StatesError(States.NoChoiceMatched, `No Choice Rules matched the input and there was no Default: ${jsonText(selected)}`);
        }
        return { finish: await processing.finish(run, selected, undefined, false, matched?.fields), next: matched ? matched.next : defaultNext };
      });
      thread.run.history.recordChoiceRule(thread.lastEventId, matched ? matched.index : DEFAULT_RULE);
      return step;
    },
  };
}

async function firstMatch(rules: readonly CompiledRule[], run: StateRun, selected: unknown): Promise<CompiledRule | undefined> {
  for (const rule of rules) {
    if (await rule.matches(run, selected)) return rule;
  }
  return undefined;
}

function compileRule(rule: Record<string, unknown>, context: CompileContext, index: number): CompiledRule {
  // AWS names a rule's fields `Choices[i]/Condition` in causes and EvaluationFailed events.
  const field = `Choices[${index}]`;
  const fields: RuleFields = {
    assign: compileAssign(rule.Assign, context.language, `${field}/Assign`),
    output: context.language === 'JSONata' && rule.Output !== undefined ? compileJsonataField(rule.Output, `${field}/Output`) : undefined,
  };
  return { index, matches: compileCondition(rule, context, field), next: String(rule.Next), fields };
}

function compileCondition(rule: Record<string, unknown>, context: CompileContext, field: string): CompiledRule['matches'] {
  if (context.language === 'JSONata') {
    const condition = compileJsonataField(rule.Condition, `${field}/Condition`);
    return async (run) => {
      const value = await condition.evaluate({ input: run.input }, run);
      if (typeof value !== 'boolean') {
        throw new StatesError(
          States.QueryEvaluationError,
          `The JSONata expression '${condition.text}' specified for the field '${field}/Condition' returned an unexpected result type. Expected 'boolean', but was '${typeName(value)}' for value: ${jsonText(value)}`,
        );
      }
      return value;
    };
  }
  const condition: ChoiceCondition = compileChoiceRule(rule, `${context.location}/Choices/${field}`);
  return (run, selected) => condition(scopeOf(run, selected));
}

/** A JSON value's type as Step Functions names it in errors. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}
