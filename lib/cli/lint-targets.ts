import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { DefinitionTextProblem, parseDefinitionText } from '../asl/definition-text';
import { acknowledgedRulesFor } from '../assembly/cloud-assembly';
import { Finding, RuleContext, Severity } from '../validation/rule';
import { readAssemblyWorkflowsOrProblems } from './assembly-workflows';

/** One state machine to check, with where it came from. */
export interface LintTarget {
  /** The file or construct path it came from. */
  readonly source: string;
  /**
   * What the rules know about it.
   * @default - it could not be read: see `problems`
   */
  readonly context?: RuleContext;
  /**
   * Why it could not be read (a file that is not UTF-8 JSON, or too large; a stack whose
   * template cannot be read). The rules do not run then, and these findings cannot be ignored.
   * @default - none
   */
  readonly problems?: Finding[];
  /** Rule ids acknowledged for it (in the cloud assembly, with `Validations.of(x).acknowledge`). */
  readonly acknowledged: Set<string>;
}

/**
 * The largest file `lint` reads. Step Functions accepts definitions of at most 1 MB, so a file
 * above 16 MiB cannot be one; it is reported without being read.
 */
export const MAX_LINT_FILE_BYTES = 16 * 1024 * 1024;

/** The definition size limit of Step Functions, in bytes. @see https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html */
const MAX_DEFINITION_BYTES = 1024 * 1024;

/**
 * The state machines in a cloud assembly directory (every stack), or the one definition in an
 * ASL JSON file. A file that is not UTF-8 JSON, or is too large, becomes a target with a
 * finding that says where and why; so does a stack whose state machines cannot be read.
 *
 * @param stateMachineType the type of a plain ASL file (an assembly records its own)
 * @throws Error if the path does not exist, or is a directory that is not a cloud assembly.
 */
export function readLintTargets(input: string, stateMachineType?: string): LintTarget[] {
  if (!existsSync(input)) throw new Error(`${input} does not exist.`);
  return statSync(input).isDirectory() ? assemblyTargets(input) : [fileTarget(input, stateMachineType)];
}

function assemblyTargets(directory: string): LintTarget[] {
  const { workflows, unreadable } = readAssemblyWorkflowsOrProblems(directory);
  return [
    ...workflows.map(({ source, constructPath, stack, machine }) => ({
      source,
      context: machine,
      acknowledged: acknowledgedRulesFor(stack, `${constructPath}/Resource`),
    })),
    ...unreadable.map(({ source, message }) => ({ source, problems: [unreadableFinding(message)], acknowledged: new Set<string>() })),
  ];
}

function fileTarget(file: string, stateMachineType?: string): LintTarget {
  const source = path.normalize(file);
  const size = statSync(file).size;
  if (size > MAX_LINT_FILE_BYTES) return { source, problems: [tooLargeFinding(size)], acknowledged: new Set() };
  const parsed = parseDefinitionText(readFileSync(file));
  if (!parsed.ok) return { source, problems: [textFinding(parsed.problem)], acknowledged: new Set() };
  return { source, context: { definition: parsed.value as RuleContext['definition'], stateMachineType }, acknowledged: new Set() };
}

/** The rule id of a file that is not a JSON document. */
const DEFINITION_TEXT_RULE_ID = 'Workflow-DefinitionJson';

function textFinding(problem: DefinitionTextProblem): Finding {
  return {
    ruleId: DEFINITION_TEXT_RULE_ID,
    severity: Severity.ERROR,
    acknowledgeable: false,
    message: problem.message,
    location: `line ${problem.line}, column ${problem.column}`,
    see: 'https://docs.aws.amazon.com/step-functions/latest/dg/concepts-amazon-states-language.html',
  };
}

function tooLargeFinding(size: number): Finding {
  return {
    ruleId: 'Workflow-DefinitionSize',
    severity: Severity.ERROR,
    acknowledgeable: false,
    message: `The file is ${size.toLocaleString('en-US')} bytes; Step Functions accepts definitions of at most ${MAX_DEFINITION_BYTES.toLocaleString('en-US')} bytes, and lint does not read files over ${MAX_LINT_FILE_BYTES.toLocaleString('en-US')}. Move large literals to S3 or split the workflow into nested workflows.`,
    location: 'the whole file',
    see: 'https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html',
  };
}

function unreadableFinding(message: string): Finding {
  return {
    ruleId: DEFINITION_TEXT_RULE_ID,
    severity: Severity.ERROR,
    acknowledgeable: false,
    message: `${message.replace(/\.?$/, '.')} Its state machines were not checked.`,
    location: 'the stack template',
    see: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-stepfunctions-statemachine.html',
  };
}
