import { Finding, Rule, RuleContext } from './rule';
import { ALL_RULES } from './rules';

/**
 * Runs validation rules over a definition.
 *
 * @param rules the rules to run (`LINT_RULES` adds the ASL schema check)
 * @returns the findings, errors first, in rule order.
 */
export function validateDefinition(context: RuleContext, rules: readonly Rule[] = ALL_RULES): Finding[] {
  const findings = rules.flatMap((rule) =>
    rule.check(context).map((problem) => ({ ruleId: rule.id, see: rule.see, acknowledgeable: rule.acknowledgeable ?? true, ...problem, severity: problem.severity ?? rule.severity })),
  );
  return [...findings.filter((f) => f.severity === 'error'), ...findings.filter((f) => f.severity !== 'error')];
}
