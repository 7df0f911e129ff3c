import { AslState } from '../../asl/definition';
import { StatesError, States } from './errors';
import { compilePath, compileReferencePath, CompiledPath, writeAtPath } from './json-path';
import { compileJsonataField, JsonataField, StatesAccess } from './jsonata-fields';
import { applyFilterPath, jsonText } from './paths';
import { compilePayloadTemplate, Evaluator } from './payload-template';
import { scopeOf, StateRun } from './thread';

/** `Output` and `Assign` of a state (or of the Choice rule that matched). */
export interface Finish {
  /** The state's output. */
  readonly output: unknown;
  /** The variables assigned, all evaluated with the values from before the state. */
  readonly assigned?: Record<string, unknown>;
}

/** What a state does with data around its work, in its query language. */
export interface StateProcessing {
  /** The query language of the state. */
  readonly language: 'JSONPath' | 'JSONata';
  /** The input of the state's work: InputPath then Parameters (JSONPath), Arguments (JSONata). */
  effectiveInput(run: StateRun): unknown | Promise<unknown>;
  /** What the input becomes in a state without work (Choice, Wait, Succeed): InputPath (JSONPath), the input (JSONata). */
  selectedInput(run: StateRun): unknown;
  /**
   * The output and variables from the work's result (`hasResult`) or from the selected input.
   * `rule` holds a Choice rule's own Output / Assign, which replace the state's.
   */
  finish(run: StateRun, selected: unknown, result: unknown, hasResult: boolean, rule?: RuleFields): Promise<Finish> | Finish;
  /** The output and variables of a catcher that caught `errorOutput`. */
  catchOutput(run: StateRun, catcher: CompiledCatcher, errorOutput: unknown): Promise<Finish> | Finish;
}

/** A Choice rule's own `Output` and `Assign`. */
export interface RuleFields {
  readonly output?: JsonataField;
  readonly assign?: AssignFields;
}

/** A compiled catcher's data fields. */
export interface CompiledCatcher {
  readonly errorEquals: readonly string[];
  readonly next: string;
  /** JSONPath: where the error output goes (`null`: discarded; undefined: replaces the input). */
  readonly resultPath?: CompiledPath | null;
  /** JSONata: the catcher's Output. */
  readonly output?: JsonataField;
  readonly assign?: AssignFields;
}

/** A compiled `Assign`: evaluates all values, sets none. */
export type AssignFields =
  | { readonly language: 'JSONPath'; readonly evaluate: Evaluator }
  | { readonly language: 'JSONata'; readonly fields: ReadonlyArray<[string, JsonataField]> };

/** Compiles the data fields of a state for its query language. */
export function compileProcessing(state: AslState, language: 'JSONPath' | 'JSONata'): StateProcessing {
  return language === 'JSONata' ? jsonataProcessing(state) : jsonPathProcessing(state);
}

/** Compiles a catcher's fields (ResultPath or Output, Assign) in the state's language. */
export function compileCatcher(catcher: Record<string, unknown>, language: 'JSONPath' | 'JSONata'): CompiledCatcher {
  const base = { errorEquals: (catcher.ErrorEquals as string[]) ?? [], next: String(catcher.Next) };
  const assign = compileAssign(catcher.Assign, language, 'Assign', { errorOutput: true });
  if (language === 'JSONata') {
    return { ...base, assign, output: catcher.Output === undefined ? undefined : compileJsonataField(catcher.Output, 'Output', { errorOutput: true }) };
  }
  return { ...base, assign, resultPath: optionalReferencePath(catcher, 'ResultPath') };
}

/**
 * Compiles an `Assign` field in a language (undefined when absent).
 *
 * @param field how causes name it: `Assign`, or `Choices[i]/Assign` for a Choice rule's
 */
export function compileAssign(assign: unknown, language: 'JSONPath' | 'JSONata', field = 'Assign', access: StatesAccess = {}): AssignFields | undefined {
  if (assign === undefined) return undefined;
  if (language === 'JSONPath') return { language, evaluate: compilePayloadTemplate(assign, 'Assign') };
  const fields = Object.entries(assign as Record<string, unknown>).map(([name, value]): [string, JsonataField] => [name, compileJsonataField(value, `${field}/${name}`, access)]);
  return { language, fields };
}

/** Evaluates an Assign: JSONPath over `dollar`, JSONata over `$states`. */
export function evaluateAssign(
  assign: AssignFields,
  run: StateRun,
  dollar: unknown,
  states: { input: unknown; result?: unknown; errorOutput?: unknown },
): Record<string, unknown> | Promise<Record<string, unknown>> {
  if (assign.language === 'JSONPath') return assign.evaluate(scopeOf(run, dollar)) as Record<string, unknown>;
  return evaluateJsonataObject(assign.fields, run, states);
}

async function evaluateJsonataObject(
  fields: ReadonlyArray<[string, JsonataField]>,
  run: StateRun,
  states: { input: unknown; result?: unknown; errorOutput?: unknown },
): Promise<Record<string, unknown>> {
  const values: Record<string, unknown> = {};
  for (const [name, field] of fields) values[name] = await field.evaluate(states, run);
  return values;
}

// ------------------------------------------------------------------------------------------
// JSONPath

function jsonPathProcessing(state: AslState): StateProcessing {
  const inputPath = optionalPath(state, 'InputPath');
  const outputPath = optionalPath(state, 'OutputPath');
  const resultPath = optionalReferencePath(state, 'ResultPath');
  const parameters = state.Parameters === undefined || state.Type === 'Map' ? undefined : compilePayloadTemplate(state.Parameters, 'Parameters');
  const resultSelector = state.ResultSelector === undefined ? undefined : compilePayloadTemplate(state.ResultSelector, 'ResultSelector');
  const assign = compileAssign(state.Assign, 'JSONPath');

  const selectedInput = (run: StateRun) => applyFilterPath(inputPath, scopeOf(run, run.input));
  return {
    language: 'JSONPath',
    selectedInput,
    effectiveInput: (run) => {
      const selected = selectedInput(run);
      return parameters ? parameters(scopeOf(run, selected)) : selected;
    },
    finish: (run, selected, result, hasResult, rule) => {
      const effective = hasResult && resultSelector ? resultSelector(scopeOf(run, result)) : result;
      const chosenAssign = rule?.assign ?? assign;
      const assigned = chosenAssign ? (evaluateAssign(chosenAssign, run, hasResult ? effective : selected, { input: run.input }) as Record<string, unknown>) : undefined;
      const combined = hasResult ? placeResult(run, resultPath, effective) : selected;
      return { output: applyFilterPath(outputPath, scopeOf(run, combined)), assigned };
    },
    catchOutput: (run, catcher, errorOutput) => {
      const assigned = catcher.assign ? (evaluateAssign(catcher.assign, run, errorOutput, { input: run.input, errorOutput }) as Record<string, unknown>) : undefined;
      return { output: placeResult(run, catcher.resultPath, errorOutput), assigned };
    },
  };
}

/**
 * ResultPath: the result replaces the raw input (`$`, the default), is discarded (`null`), or
 * is written into a copy of the raw input.
 *
 * @throws StatesError `States.ResultPathMatchFailure` when the path cannot be written.
 */
function placeResult(run: StateRun, resultPath: CompiledPath | null | undefined, result: unknown): unknown {
  if (resultPath === null) return run.input;
  if (resultPath === undefined || resultPath.segments?.length === 0) return result;
  const written = writeAtPath(run.input, resultPath, result);
  if (!written) {
    throw new StatesError(
      States.ResultPathMatchFailure,
      `Unable to apply ResultPath '${resultPath.text}' to input '${jsonText(run.input)}': the path cannot be written into it.`,
    );
  }
  return written.value;
}

function optionalPath(state: Record<string, unknown>, field: string): CompiledPath | null | undefined {
  const value = state[field];
  if (value === undefined) return undefined;
  if (value === null) return null;
  return compilePath(String(value));
}

function optionalReferencePath(state: Record<string, unknown>, field: string): CompiledPath | null | undefined {
  const value = state[field];
  if (value === undefined) return undefined;
  if (value === null) return null;
  return compileReferencePath(String(value));
}

// ------------------------------------------------------------------------------------------
// JSONata

function jsonataProcessing(state: AslState): StateProcessing {
  const access: StatesAccess = { result: ['Task', 'Parallel', 'Map'].includes(state.Type) };
  const args = state.Arguments === undefined ? undefined : compileJsonataField(state.Arguments, 'Arguments');
  const output = state.Output === undefined ? undefined : compileJsonataField(state.Output, 'Output', access);
  const assign = compileAssign(state.Assign, 'JSONata', 'Assign', access);
  return {
    language: 'JSONata',
    selectedInput: (run) => run.input,
    effectiveInput: (run) => (args ? args.evaluate({ input: run.input }, run) : run.input),
    finish: async (run, _selected, result, hasResult, rule) => {
      const states = hasResult ? { input: run.input, result } : { input: run.input };
      const chosenAssign = rule?.assign ?? assign;
      const chosenOutput = rule?.output ?? output;
      const assigned = chosenAssign ? await evaluateAssign(chosenAssign, run, undefined, states) : undefined;
      const value = chosenOutput ? await chosenOutput.evaluate(states, run) : hasResult ? result : run.input;
      return { output: value, assigned };
    },
    catchOutput: async (run, catcher, errorOutput) => {
      const states = { input: run.input, errorOutput };
      const assigned = catcher.assign ? await evaluateAssign(catcher.assign, run, undefined, states) : undefined;
      const value = catcher.output ? await catcher.output.evaluate(states, run) : errorOutput;
      return { output: value, assigned };
    },
  };
}
