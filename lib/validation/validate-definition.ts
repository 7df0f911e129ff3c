import { Finding, RuleContext } from './rule';
import { ALL_RULES } from './rules';

/**
 * Runs every validation rule over a definition.
 *
 * @returns the findings, errors first, in rule order.
 */
export function validateDefinition(context: RuleContext): Finding[] {
  const findings = ALL_RULES.flatMap((rule) =>
    rule.check(context).map((problem) => ({ ruleId: rule.id, severity: rule.severity, see: rule.see, ...problem })),
  );
  return [...findings.filter((f) => f.severity === 'error'), ...findings.filter((f) => f.severity !== 'error')];
}
