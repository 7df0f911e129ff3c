import { Command, InvalidArgumentError } from 'commander';
import { costReport, DEFAULT_COST_ASSUMPTIONS } from '../cost/cost-report';
import { addApprovalsCommand } from './approvals-command';
import { readAssemblyWorkflows } from './assembly-workflows';
import { formatCostText } from './cost-command';
import { countFindings, formatLintText, lintTargets } from './lint-command';
import { readLintTargets } from './lint-targets';
import { addDiagramCommand } from './diagram-command';
import { addRunCommand } from './run-command';

/** Where the CLI writes: stdout by default, a buffer in tests. */
export type Output = (text: string) => void;

/**
 * Runs the `cdk-sfn-workflows` command line.
 *
 * @param argv the arguments after the program name, e.g. `['lint', 'cdk.out']`
 * @returns the exit code: 0, or 1 when lint finds errors or a command fails; `run` exits 1 when
 * the execution does not succeed and 2 for a usage mistake
 */
export async function runCli(argv: string[], out: Output = (text) => console.log(text)): Promise<number> {
  let exitCode = 0;
  const program = new Command()
    .name('cdk-sfn-workflows')
    .description('Checks, prices and runs AWS Step Functions workflows, and decides human approvals.')
    .exitOverride()
    .configureOutput({ writeOut: (text) => out(text.trimEnd()), writeErr: (text) => out(text.trimEnd()) });

  program
    .command('lint')
    .description('Checks ASL definitions: an ASL JSON file, or every state machine of a cloud assembly (cdk.out).')
    .argument('<input>', 'an .asl.json file or a cdk.out directory')
    .option('--json', 'print findings as JSON')
    .option('--type <type>', 'STANDARD or EXPRESS, for a plain ASL file', parseType)
    .option('--ignore <ruleIds...>', 'rule ids to leave out')
    .action((input: string, options: { json?: boolean; type?: string; ignore?: string[] }) => {
      const results = lintTargets(readLintTargets(input, options.type), options.ignore);
      out(options.json ? JSON.stringify(results, null, 2) : formatLintText(results));
      exitCode = countFindings(results).errors > 0 ? 1 : 0;
    });

  program
    .command('cost')
    .description('Prices each state machine of a cloud assembly under STANDARD and EXPRESS.')
    .argument('<assembly>', 'a cdk.out directory')
    .option('--executions <n>', 'executions to price', parsePositive, DEFAULT_COST_ASSUMPTIONS.executions)
    .option('--duration <seconds>', 'average Express execution duration', parsePositive, DEFAULT_COST_ASSUMPTIONS.durationSeconds)
    .option('--memory <mb>', 'average Express execution memory', parsePositive, DEFAULT_COST_ASSUMPTIONS.memoryMb)
    .option('--map-items <n>', 'items each Map state processes', parsePositive, DEFAULT_COST_ASSUMPTIONS.mapItems)
    .option('--json', 'print the reports as JSON')
    .action((assembly: string, options: { executions: number; duration: number; memory: number; mapItems: number; json?: boolean }) => {
      const assumptions = { executions: options.executions, durationSeconds: options.duration, memoryMb: options.memory, mapItems: options.mapItems };
      const reports = readAssemblyWorkflows(assembly).map(({ source, machine }) => ({
        source,
        stateMachineType: machine.stateMachineType,
        report: costReport(machine.definition, assumptions),
      }));
      out(options.json ? JSON.stringify(reports, null, 2) : formatCostText(reports));
    });

  addApprovalsCommand(program, out, (code) => (exitCode = code));
  addRunCommand(program, out, (code) => (exitCode = code));
  addDiagramCommand(program, out, (code) => (exitCode = code));

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    const code = (error as { exitCode?: number }).exitCode;
    if (code !== undefined) return code;
    out(`error: ${(error as Error).message}`);
    return 1;
  }
}

function parseType(value: string): string {
  const type = value.toUpperCase();
  if (type !== 'STANDARD' && type !== 'EXPRESS') throw new InvalidArgumentError('expected STANDARD or EXPRESS.');
  return type;
}

function parsePositive(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError('expected a positive number.');
  return number;
}
