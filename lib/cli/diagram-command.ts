import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { AslDefinition } from '../asl/definition';
import { DiagramFormat, WorkflowDiagram } from '../diagram/workflow-diagram';
import { ExecutionResult } from '../testing/execution-result';
import { AssemblyWorkflow, readAssemblyWorkflows } from './assembly-workflows';
import type { Output } from './program';
import { MissingOptionalDependencyError } from '../private/optional-dependency';

/** Exit codes of `diagram`: written, or a mistake in the command line or the files it names. */
export const DIAGRAM_EXIT_CODES = { written: 0, usage: 2 } as const;

/** Options of `cdk-sfn-workflows diagram`, as the command line gives them. */
export interface DiagramCommandOptions {
  /** Which state machine of a cloud assembly: construct path, logical id or name. */
  readonly stateMachine?: string;
  /** `mermaid`, `dot`, `svg` or `png`; by default from the `--out` file's extension, else `mermaid`. */
  readonly format?: DiagramFormat;
  /** The file to write; by default stdout (not for `png`). */
  readonly out?: string;
  /** A `GetExecutionHistory` JSON file: its path is drawn over the diagram. */
  readonly execution?: string;
}

/** What `diagram` produced: the text to print, or the file written. */
export interface DiagramCommandResult {
  /** The state machine drawn (its file, or its construct path in the cloud assembly). */
  readonly source: string;
  readonly format: DiagramFormat;
  /** The diagram as text (`mermaid`, `dot`, `svg`), or the PNG bytes. */
  readonly content: string | Uint8Array;
  /** The file written, when `--out` was given. */
  readonly file?: string;
}

/** A mistake in the command line or in the files it names: printed as `error: …`, exit code 2. */
export class DiagramUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DiagramUsageError';
  }
}

const FORMATS: readonly DiagramFormat[] = ['mermaid', 'dot', 'svg', 'png'];

const EXTENSIONS: Record<string, DiagramFormat> = { '.mmd': 'mermaid', '.mermaid': 'mermaid', '.md': 'mermaid', '.dot': 'dot', '.gv': 'dot', '.svg': 'svg', '.png': 'png' };

const HELP_AFTER = `
Formats: mermaid (text for READMEs and pull requests), dot (Graphviz source), svg and png
(drawn in-process, offline). Without --format, the --out file's extension decides (.mmd .md
.dot .svg .png), else mermaid. A png needs --out.

--execution draws one execution over the diagram: the states entered with their step numbers,
retries, errors and durations. Pass the GetExecutionHistory response of a real execution:
  aws stepfunctions get-execution-history --execution-arn <arn> > history.json

Examples:
  $ cdk-sfn-workflows diagram workflow.asl.json
  $ cdk-sfn-workflows diagram cdk.out --state-machine OrderProcessing/OrderWorkflow --out order.svg
  $ cdk-sfn-workflows diagram cdk.out --state-machine OrderWorkflow --execution history.json --out run.png`;

/**
 * Adds `diagram <cdk.out | file.asl.json>` to the program.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html
 */
export function addDiagramCommand(program: Command, out: Output, setExitCode: (code: number) => void): void {
  program
    .command('diagram')
    .description('Draws a state machine (optionally with one execution\'s path over it) as Mermaid, DOT, SVG or PNG.')
    .argument('<target>', 'an .asl.json file or a cdk.out directory')
    .option('--state-machine <id>', 'the state machine of a cloud assembly: construct path, logical id or name (required when it has several)')
    .option('--format <format>', 'mermaid, dot, svg or png', parseFormat)
    .option('--out <file>', 'write the diagram to this file (default: stdout)')
    .option('--execution <history.json>', 'draw this execution over the diagram (a GetExecutionHistory response)')
    .addHelpText('after', HELP_AFTER)
    .exitOverride(exitWithUsageCode)
    .action(async (target: string, options: DiagramCommandOptions) => {
      try {
        const result = await drawDiagram(target, options);
        if (result.file) out(`${result.source}: ${result.format} written to ${result.file}`);
        else out(String(result.content).trimEnd());
        setExitCode(DIAGRAM_EXIT_CODES.written);
      } catch (error) {
        if (!(error instanceof DiagramUsageError || error instanceof MissingOptionalDependencyError)) throw error;
        out(`error: ${error.message}`);
        setExitCode(DIAGRAM_EXIT_CODES.usage);
      }
    });
}

/**
 * Draws the state machine in `target` (an ASL file or a cloud assembly directory) and writes
 * it to `options.out` when given.
 *
 * @throws DiagramUsageError for a mistake of the command line: a missing file, a file that is
 * not ASL or history JSON, an unknown or ambiguous state machine, a format the file name
 * contradicts, a PNG without `--out`.
 */
export async function drawDiagram(target: string, options: DiagramCommandOptions = {}): Promise<DiagramCommandResult> {
  const format = formatOf(options);
  if (format === 'png' && !options.out) throw new DiagramUsageError('a png is binary: name the file to write with --out FILE.png.');
  const { diagram, source } = openDiagram(target, options.stateMachine);
  const drawn = options.execution ? diagram.withRun(readExecution(options.execution, diagram.definition)) : diagram;
  const content = await drawn.render(format);
  if (!options.out) return { source, format, content };
  writeFileSync(options.out, content);
  return { source, format, content, file: path.normalize(options.out) };
}

function formatOf(options: DiagramCommandOptions): DiagramFormat {
  const fromName = options.out ? EXTENSIONS[path.extname(options.out).toLowerCase()] : undefined;
  if (options.format && fromName && options.format !== fromName) {
    throw new DiagramUsageError(`--format ${options.format} does not match --out ${options.out} (a ${fromName} file name): change one of them.`);
  }
  return options.format ?? fromName ?? 'mermaid';
}

function openDiagram(target: string, stateMachine: string | undefined): { diagram: WorkflowDiagram; source: string } {
  if (!existsSync(target)) throw new DiagramUsageError(`${target} does not exist.`);
  if (statSync(target).isDirectory()) return openAssembly(target, stateMachine);
  if (stateMachine !== undefined) throw new DiagramUsageError(`--state-machine picks a state machine of a cloud assembly; ${target} holds one definition.`);
  const definition = readJson(target, 'an ASL definition') as AslDefinition;
  if (!definition || typeof definition !== 'object' || typeof definition.States !== 'object' || typeof definition.StartAt !== 'string') {
    throw new DiagramUsageError(`${target} is not an ASL definition: it has no StartAt and States.`);
  }
  const title = path.basename(target).replace(/(\.asl)?\.json$/i, '') || 'State machine';
  return { diagram: WorkflowDiagram.fromDefinition(definition, { title }), source: path.normalize(target) };
}

function openAssembly(directory: string, id: string | undefined): { diagram: WorkflowDiagram; source: string } {
  let workflows: AssemblyWorkflow[];
  try {
    workflows = readAssemblyWorkflows(directory);
  } catch (error) {
    throw new DiagramUsageError((error as Error).message);
  }
  const matching = workflows.filter((workflow) => id === undefined || namesWorkflow(workflow, id));
  if (matching.length !== 1) throw new DiagramUsageError(choiceProblem(directory, workflows, id, matching.length));
  return { diagram: WorkflowDiagram.fromSynthesized(matching[0].machine), source: matching[0].source };
}

/** A state machine is named by its construct path (with or without `/StateMachine`), the end of it, its logical id or its literal name. */
function namesWorkflow(workflow: AssemblyWorkflow, id: string): boolean {
  const { source, constructPath, machine } = workflow;
  return [source, constructPath, machine.logicalId, machine.stateMachineName].includes(id) || source.endsWith(`/${id}`);
}

function choiceProblem(directory: string, workflows: AssemblyWorkflow[], id: string | undefined, matches: number): string {
  const available = workflows.map((workflow) => workflow.source).join(', ') || 'none';
  if (workflows.length === 0) return `${directory} has no state machine.`;
  if (id === undefined) return `${directory} has ${workflows.length} state machines: pick one with --state-machine (${available}).`;
  if (matches === 0) return `${directory} has no state machine '${id}'. State machines: ${available}.`;
  return `'${id}' names ${matches} state machines of ${directory}: use the construct path (${available}).`;
}

/** A GetExecutionHistory response as an ExecutionResult, read against the definition drawn. */
function readExecution(file: string, definition: AslDefinition): ExecutionResult {
  if (!existsSync(file)) throw new DiagramUsageError(`--execution ${file} does not exist.`);
  const history = readJson(file, 'a GetExecutionHistory response') as { events?: unknown };
  try {
    return ExecutionResult.fromHistory(history as { events: Array<Record<string, unknown>> }, { definition });
  } catch (error) {
    throw new DiagramUsageError(`--execution ${file}: ${(error as Error).message}`);
  }
}

/** Reads a JSON file; a mistake names the file and what it should hold, without the parser's jargon. */
function readJson(file: string, what: string): unknown {
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new DiagramUsageError(`${file} is not JSON${text.trim() === '' ? ' (it is empty)' : ''}: expected ${what}.`);
  }
}

function parseFormat(value: string): DiagramFormat {
  const format = value.toLowerCase() as DiagramFormat;
  if (!FORMATS.includes(format)) throw new InvalidArgumentError(`expected one of ${FORMATS.join(', ')}.`);
  return format;
}

/** Usage errors of `diagram` (unknown option, missing argument) exit with 2; help keeps its code. */
function exitWithUsageCode(error: CommanderError): never {
  if (error.exitCode === 1) throw new CommanderError(DIAGRAM_EXIT_CODES.usage, error.code, error.message);
  throw error;
}
