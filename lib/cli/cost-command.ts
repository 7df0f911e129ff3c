import { CostReport } from '../cost/cost-report';
import { STEP_FUNCTIONS_PRICES } from '../cost/prices';

/** A cost report with the state machine it is about. */
export interface NamedCostReport {
  readonly source: string;
  readonly stateMachineType: string;
  readonly report: CostReport;
}

const usd = (value: number) => `$${value.toFixed(value < 1 ? 4 : 2)}`;

/** The reports as a table, with their assumptions and the price table's date. */
export function formatCostText(reports: NamedCostReport[]): string {
  if (reports.length === 0) return 'No state machines found.';
  const { executions, durationSeconds, memoryMb } = reports[0].report.assumptions;
  const { standard, express } = STEP_FUNCTIONS_PRICES;
  const header = ['STATE MACHINE', 'TYPE', 'TRANSITIONS', 'STANDARD', 'EXPRESS', 'EXPRESS POSSIBLE'];
  const rows = reports.map(({ source, stateMachineType, report }) => {
    if (report.notPriced) return [source, stateMachineType, '—', '—', usd(report.express.totalUsd), expressColumn(report)];
    const { shortest, longest, longestWithRetries } = report.transitions;
    const range = longest === undefined
      ? `${shortest}–unbounded`
      : `${shortest === longest ? shortest : `${shortest}–${longest}`}${longestWithRetries !== longest ? ` (${longestWithRetries} with retries)` : ''}`;
    const standard = report.standardLongest && report.standardLongest.totalUsd !== report.standardShortest.totalUsd
      ? `${usd(report.standardShortest.totalUsd)}–${usd(report.standardLongest.totalUsd)}`
      : `${usd(report.standardShortest.totalUsd)}${report.standardLongest ? '' : '+'}`;
    return [source, stateMachineType, range, standard, usd(report.express.totalUsd), expressColumn(report)];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const lines = [header, ...rows].map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd());
  lines.push(
    '',
    `Prices for ${executions.toLocaleString('en-US')} executions, ${STEP_FUNCTIONS_PRICES.region} list prices as of ${STEP_FUNCTIONS_PRICES.asOf} (free tier not deducted).`,
    `STANDARD: transitions of the shortest–longest path × $${standard.perTransition} (retries add transitions).`,
    `EXPRESS: $${express.perRequest} per execution + ${durationSeconds} s (rounded up to ${express.durationIncrementSeconds * 1000} ms) × ` +
      `${memoryMb} MB (rounded up to ${express.memoryIncrementMb} MB) at the GB-second tier price.`,
  );
  for (const { source, report } of reports) {
    if (report.notPriced) lines.push(`  ${source} cannot be priced: ${report.notPriced}. Run 'cdk-sfn-workflows lint' on it.`);
    for (const blocker of report.expressBlockers) lines.push(`  ${source} cannot be EXPRESS: ${blocker}`);
  }
  return lines.join('\n');
}

function expressColumn(report: CostReport): string {
  const blockers = report.expressBlockers.length;
  return blockers === 0 ? 'yes' : `no (${blockers} blocker${blockers === 1 ? '' : 's'})`;
}
