import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Command, CommanderError } from 'commander';
import { isCallbackTask, listStates } from '../asl/definition';
import type { HistoryEvent } from '../testing/engine/history';
import type { PendingTask } from '../testing/engine/task-tokens';
import { InvalidDefinitionError } from '../testing/engine/validate';
import { ExecutionResult } from '../testing/execution-result';
import { LocalRunner } from '../testing/local-runner';
import type { LocalExecution, LocalStateMachine, RunOptions } from '../testing/local-state-machine';
import type { TaskHandler } from '../testing/task-host';
import type { Output } from './program';

/** Exit codes of `run`: the execution SUCCEEDED, ended otherwise (FAILED, TIMED_OUT, ABORTED), or the command line was wrong. */
export const RUN_EXIT_CODES = { succeeded: 0, endedOtherwise: 1, usage: 2 } as const;

/**
 * How long an unanswered callback is left waiting: longer than a Standard execution may run
 * (one year), so its TimeoutSeconds, HeartbeatSeconds or the execution's timeout always end it.
 */
const NOBODY_ANSWERS = Duration.days(366);

/** Options of `cdk-sfn-workflows run`, as the command line gives them. */
export interface RunCommandOptions {
  /** Which state machine of a cloud assembly (construct path, logical id or name). */
  readonly stateMachine?: string;
  /** The execution input: a JSON file, or JSON text. */
  readonly input?: string;
  /** Print the result as JSON. */
  readonly json?: boolean;
  /** The execution name. */
  readonly name?: string;
  /** Seed of the execution's randomness. */
  readonly seed?: string;
  /** `KEY=VALUE` definition substitutions, for a plain ASL file. */
  readonly substitution?: string[];
  /** `STATE=JSON` fixed responses of Task states (by state name or Resource). */
  readonly task?: string[];
  /** `STATE=JSON` outputs sent with SendTaskSuccess to callback tasks. */
  readonly callback?: string[];
}

/** A mistake in the command line or in the files it names: printed as `error: …`, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** One local execution and where it came from. */
export interface LocalRun {
  /** The ASL file, or the construct path of the state machine in the cloud assembly. */
  readonly source: string;
  /** The state machine's name. */
  readonly stateMachineName: string;
  /** The outcome, with the history Step Functions would record. */
  readonly result: ExecutionResult;
  /** Callback states that waited for a task token no `--callback` answered, in order. */
  readonly unansweredCallbacks: string[];
}

/** One row of the path table: a state entered. */
export interface PathRow {
  readonly name: string;
  /** The state type, from the history event type (`TaskStateEntered` → `Task`). */
  readonly type: string;
  /** Milliseconds since the execution started (virtual time). */
  readonly elapsedMs: number;
  /** Nesting: 0 at the top level, 1 inside a Parallel branch or Map iteration, ... */
  readonly depth: number;
  /** Retries, caught errors and the failure that happened in this state. */
  readonly notes: string[];
}

const HELP_AFTER = `
Tasks: a Task with nothing to run locally (a plain definition calling AWS) is refused; answer it
with --task 'STATE=JSON', the service's response. For a .waitForTaskToken task that is the
response of the send; the task then waits for its token: --callback 'STATE=JSON' sends it
(SendTaskSuccess). A callback nobody answers ends as in AWS: at its TimeoutSeconds or
HeartbeatSeconds, else at the execution's timeout (TimeoutSeconds, at most one year).
Time is virtual: Wait states, retry intervals and timeouts take no real time.

Exit codes: 0 the execution SUCCEEDED, 1 it FAILED, TIMED_OUT or was ABORTED, 2 a usage mistake.

Examples:
  $ cdk-sfn-workflows run order.asl.json --input '{"orderId":"o-1"}'
  $ cdk-sfn-workflows run cdk.out --state-machine Shop/Orders --input examples/order.json --json
  $ cdk-sfn-workflows run payment.asl.json --task 'Charge card={"Payload":{"chargeId":"ch-1"}}' \\
      --callback 'Request shipping={"trackingId":"1Z999"}'`;

/**
 * Adds `run <cdk.out | file.asl.json>` to the program: one execution on the local runner,
 * printed as a path table and its outcome, or as JSON.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html
 */
export function addRunCommand(program: Command, out: Output, setExitCode: (code: number) => void): void {
  const command = program
    .command('run')
    .description('Runs one execution locally (the library\'s ASL engine, virtual time) and prints the states it went through and its outcome.')
    .argument('<target>', 'an .asl.json file or a cdk.out directory');
  withExecutionOptions(command)
    .option('--json', 'print the result as JSON, with the AWS-shaped history')
    .option('--seed <seed>', 'seed of the run\'s randomness (retry jitter, task tokens, UUIDs)')
    .option('--substitution <key=value>', 'a DefinitionSubstitutions value for a plain ASL file (repeatable)', collect)
    .option('--task <state=json>', 'answer a Task (by state name or Resource) with this fixed response (repeatable)', collect)
    .option('--callback <state=json>', 'answer a .waitForTaskToken task with SendTaskSuccess and this output (repeatable)', collect)
    .addHelpText('after', HELP_AFTER)
    .exitOverride(exitWithUsageCode)
    .action(async (target: string, options: RunCommandOptions) => {
      try {
        const run = await runLocally(target, options);
        out(options.json ? JSON.stringify(runJson(run), null, 2) : formatRunText(run));
        setExitCode(run.result.status === 'SUCCEEDED' ? RUN_EXIT_CODES.succeeded : RUN_EXIT_CODES.endedOtherwise);
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        out(`error: ${error.message}`);
        setExitCode(RUN_EXIT_CODES.usage);
      }
    });
}

/**
 * Runs one execution of the state machine in `target` (an ASL file or a cloud assembly
 * directory) to its end, answering Task states and callbacks as the options say.
 *
 * @throws UsageError for a mistake of the command line: a missing file, input that is not
 * JSON, an unknown or ambiguous state machine, an invalid definition, a Task with nothing to
 * run, an option naming no such state.
 */
/** The options that pick a state machine of the target and start one execution of it: `--state-machine`, `--input`, `--name`. */
export function withExecutionOptions(command: Command): Command {
  return command
    .option('--state-machine <id>', 'the state machine of a cloud assembly: construct path, logical id or name (required when it has several)')
    .option('--input <file|json>', 'the execution input: a JSON file or JSON text (default: {})')
    .option('--name <name>', 'the execution name (default: a random UUID)');
}

export async function runLocally(target: string, options: RunCommandOptions): Promise<LocalRun> {
  const input = readInput(options.input);
  const tasks = parseAssignments(options.task ?? [], '--task', parseJsonText);
  const callbacks = parseAssignments(options.callback ?? [], '--callback', parseJsonText);
  const { runner, machine, source } = openStateMachine(target, options);
  try {
    checkTaskOptions(machine, tasks, callbacks);
    const runOptions: RunOptions = { tasks: fixedResponses(tasks), name: options.name, seed: options.seed };
    const execution = startExecution(machine, runOptions, input, source);
    const { result, unanswered } = await keepingProcessAlive(answerCallbacks(runner, execution, callbacks));
    return { source, stateMachineName: machine.name, result, unansweredCallbacks: unanswered };
  } finally {
    runner.dispose();
  }
}

/** A collector for a repeatable option. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Usage errors of `run` (unknown option, missing argument) exit with 2; help and version keep theirs. */
export function exitWithUsageCode(error: CommanderError): never {
  if (error.exitCode === 1) throw new CommanderError(RUN_EXIT_CODES.usage, error.code, error.message);
  throw error;
}

// ---------------------------------------------------------------------------------------
// Reading the command line

/** The execution input: `{}` by default, else the JSON file named, else the JSON text given. */
export function readInput(value: string | undefined): unknown {
  if (value === undefined) return {};
  if (existsSync(value) && statSync(value).isFile()) return parseJsonText(readFileSync(value, 'utf8'), `--input file ${value}`);
  if (/^\s*([[{"\d-]|true|false|null)/.test(value)) return parseJsonText(value, '--input');
  throw new UsageError(`--input ${value}: no such file, and not JSON text either.`);
}

/** `KEY=VALUE` arguments of a repeatable option as a record, the value read by `parse`. */
function parseAssignments<T>(values: string[], option: string, parse: (text: string, what: string) => T): Map<string, T> {
  const parsed = new Map<string, T>();
  for (const value of values) {
    const at = value.indexOf('=');
    if (at <= 0) throw new UsageError(`${option} expects ${option === '--substitution' ? 'KEY=VALUE' : 'STATE=JSON'}, got '${value}'.`);
    const key = value.slice(0, at);
    parsed.set(key, parse(value.slice(at + 1), `${option} ${key}`));
  }
  return parsed;
}

/** Parses JSON text; a mistake names where it is, in words rather than the parser's error. */
function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what} is not valid JSON: ${jsonProblem(text, (error as Error).message)}.`);
  }
}

function jsonProblem(text: string, message: string): string {
  if (/end of JSON input/i.test(message)) return text.trim() === '' ? 'it is empty' : 'it ends too early';
  const token = /^Unexpected token '(.+?)'/.exec(message);
  if (token) return `unexpected '${token[1]}'`;
  const position = /position (\d+)/.exec(message);
  const reason = message.replace(/\s*(in|after) JSON.*$/s, '').replace(/^\w/, (c) => c.toLowerCase());
  if (!position) return reason;
  const before = text.slice(0, Number(position[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${reason} at line ${line}, column ${column}`;
}

// ---------------------------------------------------------------------------------------
// Finding the state machine

export interface OpenedStateMachine {
  readonly runner: LocalRunner;
  readonly machine: LocalStateMachine;
  readonly source: string;
}

export function openStateMachine(target: string, options: RunCommandOptions): OpenedStateMachine {
  if (!existsSync(target)) throw new UsageError(`${target} does not exist.`);
  return statSync(target).isDirectory() ? openCloudAssembly(target, options) : openDefinitionFile(target, options);
}

/** A plain ASL file, with its `${...}` placeholders filled from `--substitution`. */
function openDefinitionFile(file: string, options: RunCommandOptions): OpenedStateMachine {
  if (options.stateMachine !== undefined) throw new UsageError(`--state-machine picks a state machine of a cloud assembly; ${file} holds one definition.`);
  const source = path.normalize(file);
  const text = readFileSync(file, 'utf8');
  parseJsonText(text, source);
  const substitutions = Object.fromEntries(parseAssignments(options.substitution ?? [], '--substitution', (value) => value));
  const missing = unfilledPlaceholders(text, substitutions);
  if (missing.length > 0) {
    throw new UsageError(`${source} uses ${missing.map((name) => `\${${name}}`).join(', ')}: pass ${missing.map((name) => `--substitution ${name}=VALUE`).join(' ')}.`);
  }
  const runner = asUsageError(source, () => LocalRunner.fromDefinition(text, { name: stateMachineNameOf(file), definitionSubstitutions: substitutions }));
  return { runner, machine: runner.stateMachine(), source };
}

/** `${Name}` placeholders of a definition that neither a substitution nor a pseudo parameter fills. */
function unfilledPlaceholders(text: string, substitutions: Record<string, string>): string[] {
  const names = [...text.matchAll(/\$\{([^}"\\]+)\}/g)].map((match) => match[1]);
  return [...new Set(names)].filter((name) => !name.startsWith('AWS::') && substitutions[name] === undefined);
}

/** `order-review.asl.json` → `order-review`. */
function stateMachineNameOf(file: string): string {
  return path.basename(file).replace(/(\.asl)?\.json$/i, '') || 'StateMachine';
}

function openCloudAssembly(directory: string, options: RunCommandOptions): OpenedStateMachine {
  if ((options.substitution ?? []).length > 0) throw new UsageError(`--substitution fills a plain ASL file; ${directory} is a cloud assembly, which resolves its own references.`);
  const runner = asUsageError(directory, () => LocalRunner.fromCloudAssembly(directory));
  const matching = runner.stateMachines.filter((machine) => options.stateMachine === undefined || matches(runner, machine, options.stateMachine));
  if (matching.length !== 1) {
    runner.dispose();
    throw new UsageError(stateMachineChoiceProblem(directory, runner.stateMachines, options.stateMachine, matching.length));
  }
  const machine = matching[0];
  return { runner, machine, source: displayIdOf(machine) };
}

function matches(runner: LocalRunner, machine: LocalStateMachine, id: string): boolean {
  try {
    return runner.stateMachine(id) === machine;
  } catch {
    return false;
  }
}

function stateMachineChoiceProblem(directory: string, machines: LocalStateMachine[], id: string | undefined, matched: number): string {
  const known = machines.map(displayIdOf);
  if (known.length === 0) return `${directory} has no state machine.`;
  const list = known.map((name) => `  ${name}`).join('\n');
  if (id === undefined) return `${directory} has ${known.length} state machines: pass --state-machine with one of\n${list}`;
  return `${matched === 0 ? 'No' : 'More than one'} state machine of ${directory} matches '${id}'. State machines:\n${list}`;
}

/** The construct path the CLI names a state machine by (that of its Workflow), as `lint` and `cost` print it. */
function displayIdOf(machine: LocalStateMachine): string {
  return (machine.synthesized?.constructPath ?? machine.name).replace(/\/StateMachine$/, '');
}

/** Calls `open`, turning a refusal of the runner (not JSON, invalid, not an assembly) into a usage error. */
function asUsageError<T>(source: string, open: () => T): T {
  try {
    return open();
  } catch (error) {
    if (error instanceof InvalidDefinitionError) throw new UsageError(invalidDefinitionText(source, error));
    throw new UsageError((error as Error).message);
  }
}

function invalidDefinitionText(source: string, error: InvalidDefinitionError): string {
  const errors = error.diagnostics.filter((d) => d.severity === 'ERROR');
  const lines = errors.map((d) => `  ${d.code}${d.location === undefined ? '' : ` at ${d.location}`}: ${d.message}`);
  return `${source} is not a valid state machine definition (${errors.length} error${errors.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}

// ---------------------------------------------------------------------------------------
// Running

/** `--task` and `--callback` must name states that exist, so that a typo is not silently ignored. */
function checkTaskOptions(machine: LocalStateMachine, tasks: Map<string, unknown>, callbacks: Map<string, unknown>): void {
  const taskStates = listStates(machine.resolvedDefinition).filter(({ state }) => state.Type === 'Task');
  const taskKeys = new Set(taskStates.flatMap(({ name, state }) => [name, String(state.Resource)]));
  const unknownTasks = [...tasks.keys()].filter((key) => !taskKeys.has(key));
  if (unknownTasks.length > 0) {
    throw new UsageError(`--task names ${quoteAll(unknownTasks)}, not a Task state of ${machine.name}. Task states: ${quoteAll(taskStates.map(({ name }) => name)) || 'none'}.`);
  }
  const callbackStates = taskStates.filter(({ state }) => isCallbackTask(state)).map(({ name }) => name);
  const unknownCallbacks = [...callbacks.keys()].filter((key) => !callbackStates.includes(key));
  if (unknownCallbacks.length > 0) {
    throw new UsageError(`--callback names ${quoteAll(unknownCallbacks)}, not a .waitForTaskToken Task state of ${machine.name}. Callback states: ${quoteAll(callbackStates) || 'none'}.`);
  }
}

function quoteAll(names: string[]): string {
  return names.map((name) => `'${name}'`).join(', ');
}

/** Each `--task` value as a replacement that answers with it, whatever the request. */
function fixedResponses(tasks: Map<string, unknown>): Record<string, TaskHandler> {
  return Object.fromEntries([...tasks].map(([key, response]) => [key, () => response]));
}

/** Starts the execution; the runner's refusals (invalid definition, a Task with nothing to run) are usage errors worded for the CLI. */
export function startExecution(machine: LocalStateMachine, options: RunOptions, input: unknown, source: string): LocalExecution {
  try {
    return machine.start(input, options);
  } catch (error) {
    if (error instanceof InvalidDefinitionError) throw new UsageError(invalidDefinitionText(source, error));
    throw new UsageError(inCliTerms((error as Error).message));
  }
}

/** The runner's advice names its API (`RunOptions.tasks`); the CLI's user needs the option. */
function inCliTerms(message: string): string {
  const lines = message.split('\n').filter((line) => !/RunOptions\./.test(line));
  if (lines.length === message.split('\n').length) return message;
  return [...lines, "Answer each with --task 'STATE=JSON' (the service's response), e.g. --task 'Charge card={\"Payload\":{}}'."].join('\n');
}

/**
 * Answers the execution's callback tasks until it ends: with `--callback`'s output when one is
 * given for the state, else by moving the clock on (nobody will answer), so that the task's
 * own timeouts, or the execution's, end the wait as they would in AWS.
 */
async function answerCallbacks(
  runner: LocalRunner,
  execution: LocalExecution,
  answers: Map<string, unknown>,
): Promise<{ result: ExecutionResult; unanswered: string[] }> {
  const unanswered: string[] = [];
  const seen = new Set<string>();
  let advancing = Promise.resolve();
  const ended = execution.result.then(() => undefined);
  for (;;) {
    const waiting = runner.waitForTaskToken((task) => task.executionArn === execution.executionArn && !seen.has(task.taskToken));
    const task: PendingTask | undefined = await Promise.race([waiting, ended]);
    if (!task) break;
    seen.add(task.taskToken);
    if (answers.has(task.stateName)) {
      sendQuietly(() => runner.sendTaskSuccess(task.taskToken, JSON.stringify(answers.get(task.stateName))));
    } else {
      unanswered.push(task.stateName);
      advancing = advancing.then(() => runner.advanceTime(NOBODY_ANSWERS));
    }
  }
  await advancing;
  return { result: await execution.result, unanswered };
}

/** A token that no longer waits (it timed out meanwhile) refuses the answer: the history says what happened. */
function sendQuietly(send: () => void): void {
  try {
    send();
  } catch {
    // TaskTimedOut: the task ended before the answer.
  }
}

/**
 * Awaits `work` with a referenced timer running: the runner's own timers do not keep Node's
 * event loop alive (a test runner's process should exit), so without one a CLI process could
 * end, exit code 0, while an execution waits.
 */
async function keepingProcessAlive<T>(work: Promise<T>): Promise<T> {
  const timer = setInterval(() => undefined, 60_000);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

// ---------------------------------------------------------------------------------------
// Printing

/** The run as JSON: the outcome, what tests assert on (path, retries, catches, transitions) and the history. */
export function runJson(run: LocalRun): Record<string, unknown> {
  const result = run.result;
  return {
    stateMachine: run.stateMachineName,
    source: run.source,
    executionArn: result.executionArn,
    status: result.status,
    output: result.output ?? null,
    error: result.error ?? null,
    cause: result.cause ?? null,
    path: result.path,
    retries: result.retries,
    catches: result.catches,
    transitions: result.transitions,
    unansweredCallbacks: run.unansweredCallbacks,
    events: result.events,
  };
}

/** The run as text: a table of the states entered, then the outcome. */
export function formatRunText(run: LocalRun): string {
  const result = run.result;
  const lines = [`${run.stateMachineName} (${run.source}), execution ${result.executionArn.split(':').pop()}`, ''];
  lines.push(...formatPathTable(pathRows(result)), '');
  const total = totalElapsedMs(result.events);
  lines.push(`${result.status} after ${formatDuration(total)} (virtual time), ${result.transitions} state transition${result.transitions === 1 ? '' : 's'}`);
  if (result.status === 'SUCCEEDED') lines.push(`output: ${JSON.stringify(result.output, null, 2)}`);
  if (result.error !== undefined) lines.push(`error: ${result.error}`);
  if (result.cause !== undefined) lines.push(`cause: ${result.cause}`);
  for (const state of new Set(run.unansweredCallbacks)) {
    lines.push(`callback '${state}' was not answered (pass --callback '${state}=JSON'): it waited until its own timeout or the execution's.`);
  }
  return lines.join('\n');
}

function formatPathTable(rows: PathRow[]): string[] {
  const cells = rows.map((row, index) => [String(index + 1), `${'  '.repeat(row.depth)}${row.name}`, row.type, `+${formatDuration(row.elapsedMs)}`, row.notes.join('; ')]);
  const header = ['#', 'STATE', 'TYPE', 'AT', 'NOTE'];
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((cell) => cell[column].length)));
  const format = (cell: string[]) =>
    cell
      .map((text, column) => (column === 0 ? text.padStart(widths[0]) : column === cell.length - 1 ? text : text.padEnd(widths[column])))
      .join('  ')
      .trimEnd();
  return [format(header), ...cells.map(format)];
}

/** `90061000` → `1d 1h`; the two largest units, `0s` under a second. */
export function formatDuration(ms: number): string {
  const units: Array<[string, number]> = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]];
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || parts.length > 0) parts.push(`${count}${unit}`);
  }
  const shown = parts.slice(0, 2).filter((part, index) => index === 0 || !part.startsWith('0'));
  return shown.length > 0 ? shown.join(' ') : '0s';
}

function totalElapsedMs(events: HistoryEvent[]): number {
  return events.length === 0 ? 0 : events[events.length - 1].timestamp.getTime() - events[0].timestamp.getTime();
}

/**
 * One row per state entered, in history order, with the retries, caught errors and failure
 * that happened in it. Errors come from the result's `retries` and `catches`; the history's
 * `previousEventId` links say which entry of a state they belong to.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
 */
export function pathRows(result: ExecutionResult): PathRow[] {
  const history = new HistoryLinks(result.events);
  const rows = new Map<number, PathRow>();
  const rowBefore = (event: HistoryEvent, match: (entered: HistoryEvent) => boolean) => rows.get(history.enteredBefore(event, match)?.id ?? 0);
  const started = result.events[0]?.timestamp.getTime() ?? 0;
  const retryErrors = groupByState(result.retries);
  const catches = [...result.catches];
  const retriesOf = new Map<PathRow, string[]>();
  for (const event of result.events) {
    if (event.type.endsWith('StateEntered')) {
      rows.set(event.id, { name: stateNameOf(event), type: event.type.slice(0, -'StateEntered'.length), elapsedMs: event.timestamp.getTime() - started, depth: depthOf(event, history, rows), notes: [] });
      const caught = history.caughtBefore(event);
      const record = caught && catches.shift();
      if (caught && record) rows.get(caught.id)?.notes.push(`caught ${record.error || 'an error'} → ${record.next}`);
    } else if (history.isRetry(event)) {
      const row = rowBefore(event, (entered) => entered.type.startsWith(attemptStateType(event)));
      if (row) retriesOf.set(row, [...(retriesOf.get(row) ?? []), retryErrors.get(row.name)?.shift()?.error || 'an error']);
    } else if (/^Execution(Failed|TimedOut|Aborted)$/.test(event.type)) {
      rowBefore(event, () => true)?.notes.push(endNote(event, result));
    }
  }
  for (const [row, errors] of retriesOf) row.notes.unshift(`retried ${errors.length}× (${[...new Set(errors)].join(', ')})`);
  return [...rows.values()];
}

function endNote(event: HistoryEvent, result: ExecutionResult): string {
  if (event.type === 'ExecutionTimedOut') return 'execution timed out here';
  if (event.type === 'ExecutionAborted') return 'execution aborted here';
  return `failed: ${result.error ?? 'no error name'}`;
}

function groupByState<T extends { readonly stateName: string }>(records: T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const record of records) groups.set(record.stateName, [...(groups.get(record.stateName) ?? []), record]);
  return groups;
}

function stateNameOf(event: HistoryEvent): string {
  return event.stateEnteredEventDetails?.name ?? '';
}

/** The state type an attempt event belongs to: `TaskScheduled` → `Task`, `MapStateStarted` → `Map`. */
function attemptStateType(event: HistoryEvent): string {
  return /^(Task|LambdaFunction|Activity)/.test(event.type) ? 'Task' : event.type.replace(/StateStarted$/, '');
}

/** 0 at the top level, one more inside each Parallel branch and Map iteration. */
function depthOf(event: HistoryEvent, history: HistoryLinks, rows: Map<number, PathRow>): number {
  const previous = history.previous(event);
  if (!previous) return 0;
  let parent: HistoryEvent | undefined;
  if (previous.type === 'ParallelStateStarted') parent = history.enteredBefore(previous, (e) => e.type === 'ParallelStateEntered');
  else if (previous.type === 'MapIterationStarted') parent = history.enteredBefore(previous, (e) => e.type === 'MapStateEntered' && stateNameOf(e) === previous.mapIterationStartedEventDetails?.name);
  else return rows.get(history.enteredBefore(previous, (e) => stateNameOf(e) === previous.stateExitedEventDetails?.name)?.id ?? 0)?.depth ?? 0;
  return (rows.get(parent?.id ?? 0)?.depth ?? -1) + 1;
}

const ATTEMPT_EVENTS = new Set(['TaskScheduled', 'LambdaFunctionScheduled', 'ActivityScheduled', 'MapStateStarted', 'ParallelStateStarted']);

/** A history's `previousEventId` links, as Step Functions records them. */
class HistoryLinks {
  private readonly byId: Map<number, HistoryEvent>;

  constructor(events: HistoryEvent[]) {
    this.byId = new Map(events.map((event) => [event.id, event]));
  }

  public previous(event: HistoryEvent): HistoryEvent | undefined {
    return event.previousEventId ? this.byId.get(event.previousEventId) : undefined;
  }

  /** The nearest `*StateEntered` event from `event` back along the links that satisfies `match`. */
  public enteredBefore(event: HistoryEvent, match: (entered: HistoryEvent) => boolean): HistoryEvent | undefined {
    for (let current: HistoryEvent | undefined = event; current; current = this.previous(current)) {
      if (current.type.endsWith('StateEntered') && match(current)) return current;
    }
    return undefined;
  }

  /** A second or later attempt: a scheduling (or Map/Parallel start) that follows a failure rather than the state's entry. */
  public isRetry(event: HistoryEvent): boolean {
    const previous = this.previous(event);
    return ATTEMPT_EVENTS.has(event.type) && previous !== undefined && !previous.type.endsWith('StateEntered');
  }

  /** For a state entered from a catcher: the `*StateEntered` event of the state whose error was caught. */
  public caughtBefore(event: HistoryEvent): HistoryEvent | undefined {
    const exited = this.previous(event);
    if (!exited?.type.endsWith('StateExited')) return undefined;
    const failure = this.previous(exited);
    if (!failure || !/(Failed|TimedOut)$/.test(failure.type)) return undefined;
    return this.enteredBefore(exited, (entered) => stateNameOf(entered) === exited.stateExitedEventDetails?.name);
  }
}
