import { Finding, Severity } from '../validation/rule';
import { LINT_RULES } from '../validation/rules';
import { validateDefinition } from '../validation/validate-definition';
import { LintTarget } from './lint-targets';

/** The findings of one state machine. */
export interface LintResult {
  readonly source: string;
  readonly stateMachineType?: string;
  readonly findings: Finding[];
  /** Findings left out because their rule is acknowledged. */
  readonly acknowledged: number;
}

/**
 * Runs every lint rule (the synth-time rules plus the ASL schema and path checks) on each
 * target, leaving out acknowledged rules and those in `ignored`.
 */
export function lintTargets(targets: LintTarget[], ignored: string[] = []): LintResult[] {
  return targets.map((target) => {
    const all = validateDefinition(target.context, LINT_RULES);
    const kept = all.filter((finding) => !target.acknowledged.has(finding.ruleId) && !ignored.includes(finding.ruleId));
    return { source: target.source, stateMachineType: target.context.stateMachineType, findings: kept, acknowledged: all.length - kept.length };
  });
}

/** Counts errors and warnings over the results. */
export function countFindings(results: LintResult[]): { errors: number; warnings: number } {
  const findings = results.flatMap((result) => result.findings);
  return {
    errors: findings.filter((f) => f.severity === Severity.ERROR).length,
    warnings: findings.filter((f) => f.severity === Severity.WARNING).length,
  };
}

/** The results as text: one block per state machine, one line per finding, a summary. */
export function formatLintText(results: LintResult[]): string {
  const lines: string[] = [];
  for (const result of results) {
    lines.push(`${result.source}${result.stateMachineType ? ` (${result.stateMachineType})` : ''}`);
    if (result.findings.length === 0) lines.push('  no findings');
    for (const finding of result.findings) {
      const state = finding.stateName ? ` [${finding.stateName}]` : '';
      lines.push(`  ${finding.severity.padEnd(7)} ${finding.ruleId}${state}: ${finding.message}`);
      lines.push(`          see ${finding.see}`);
    }
    if (result.acknowledged > 0) lines.push(`  (${result.acknowledged} acknowledged)`);
  }
  const { errors, warnings } = countFindings(results);
  lines.push(`${results.length} state machine${results.length === 1 ? '' : 's'}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
  return lines.join('\n');
}
