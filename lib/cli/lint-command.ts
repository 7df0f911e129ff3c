import { isJsonObject } from '../asl/json-value';
import { Finding, Severity } from '../validation/rule';
import { LINT_RULES } from '../validation/rules';
import { aslSchema } from '../validation/rules/schema-rule';
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
 * Runs every lint rule (the synth-time rules plus the definition, schema and path checks) on
 * each target, leaving out acknowledged rules and those in `ignored`. Never throws, whatever
 * the targets hold. A target that could not be read keeps the findings that say why; a
 * definition that is not a JSON object gets the schema check's findings only (the other rules
 * have nothing to look at). Neither can be ignored: the target was not checked.
 */
export function lintTargets(targets: LintTarget[], ignored: string[] = []): LintResult[] {
  return targets.map((target) => {
    if (!target.context) return { source: target.source, findings: target.problems ?? [], acknowledged: 0 };
    const { context } = target;
    if (!isJsonObject(context.definition)) {
      return { source: target.source, stateMachineType: context.stateMachineType, findings: validateDefinition(context, [aslSchema]), acknowledged: 0 };
    }
    const all = validateDefinition(context, LINT_RULES);
    const kept = all.filter((finding) => !target.acknowledged.has(finding.ruleId) && !ignored.includes(finding.ruleId));
    return { source: target.source, stateMachineType: context.stateMachineType, findings: kept, acknowledged: all.length - kept.length };
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

/** The results as text: one block per state machine, one line per finding (its state and location when known), a summary. */
export function formatLintText(results: LintResult[]): string {
  const lines: string[] = [];
  for (const result of results) {
    lines.push(`${result.source}${result.stateMachineType ? ` (${result.stateMachineType})` : ''}`);
    if (result.findings.length === 0) lines.push('  no findings');
    for (const finding of result.findings) {
      const state = finding.stateName !== undefined ? ` [${finding.stateName}]` : '';
      const location = finding.location !== undefined ? ` at ${abbreviateLocation(finding.location)}` : '';
      lines.push(`  ${finding.severity.padEnd(7)} ${finding.ruleId}${state}${location}: ${finding.message}`);
      lines.push(`          see ${finding.see}`);
    }
    if (result.acknowledged > 0) lines.push(`  (${result.acknowledged} acknowledged)`);
  }
  const { errors, warnings } = countFindings(results);
  lines.push(`${results.length} state machine${results.length === 1 ? '' : 's'}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
  return lines.join('\n');
}

/** The most path segments a location shows in text output (`--json` keeps every one). */
const MAX_LOCATION_SEGMENTS = 16;

/**
 * A location short enough to read: one 10,000 levels deep keeps its first and last eight
 * segments and says how many it leaves out.
 */
export function abbreviateLocation(location: string): string {
  if (!location.startsWith('/')) return location;
  const segments = location.slice(1).split('/');
  if (segments.length <= MAX_LOCATION_SEGMENTS) return location;
  const half = MAX_LOCATION_SEGMENTS / 2;
  return `/${segments.slice(0, half).join('/')}/…(${(segments.length - MAX_LOCATION_SEGMENTS).toLocaleString('en-US')} more)…/${segments.slice(-half).join('/')}`;
}
