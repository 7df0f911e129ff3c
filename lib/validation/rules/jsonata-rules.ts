import { AslDefinition } from '../../asl/definition';
import { hasPlaceholder, isJsonObject } from '../../asl/json-value';
import { JsonataNode, walkJsonata } from '../../asl/jsonata-ast';
import { stepFunctionsDefinitionErrors } from '../definition-check';
import {
  assignedNames,
  expressionsOf,
  LocatedExpression,
  parseJsonata,
  ScopedDefinition,
  scopedStates,
  successorsOf,
} from '../jsonata-expressions';
import { stateNameAt } from '../locations';
import { Rule, RuleProblem, Severity } from '../rule';

const TRANSFORMING_DATA = 'https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html';
const VARIABLES = 'https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html';

/** What the definition check says about a field of the other query language, or a JSONPath state in a JSONata machine. */
const OTHER_LANGUAGE = /only supported for the '(JSONata|JSONPath)' QueryLanguage|can not be 'JSONPath' if set to 'JSONata'/;

/**
 * Whether a definition-check diagnostic is one {@link queryLanguageFields} reports (the schema
 * rule leaves it to this rule, so `lint` reports it once).
 */
export function isQueryLanguageDiagnostic(message: string): boolean {
  return OTHER_LANGUAGE.test(message);
}

/**
 * Each state uses the fields of its query language: no `Parameters`, `ResultPath`,
 * `ResultSelector`, `InputPath`, `OutputPath`, `ItemsPath`, `…Path` settings or Choice
 * `Variable` rules in a JSONata state; no `Arguments`, `Output`, `Items` or `Condition` in a
 * JSONPath one; no JSONPath state in a JSONata state machine. Step Functions refuses such a
 * definition (`SCHEMA_VALIDATION_FAILED`). This is also how the aws-cdk-lib renderings that
 * mix the two show (a `LambdaInvoke` without a declared language inside a JSONata Parallel or
 * Map renders `Parameters`, aws/aws-cdk#34352). The check is the local runner's model of
 * Step Functions' definition check.
 */
export const queryLanguageFields: Rule = {
  id: 'Workflow-QueryLanguageField',
  // Step Functions refuses such a definition: an acknowledgement cannot make it deploy.
  acknowledgeable: false,
  severity: Severity.ERROR,
  description: 'Each state uses only the fields of its query language (JSONata: Arguments, Output; JSONPath: Parameters, ResultPath, ...), and a JSONata state machine holds no JSONPath state.',
  see: TRANSFORMING_DATA,
  check: ({ definition }) => {
    if (!isJsonObject(definition)) return [];
    return stepFunctionsDefinitionErrors(definition)
      .filter((diagnostic) => isQueryLanguageDiagnostic(diagnostic.message))
      .map((diagnostic): RuleProblem => {
        const location = diagnostic.location ?? '/';
        const stateName = stateNameAt(definition, location);
        const field = /field '([^']+)'/.exec(diagnostic.message)?.[1];
        const message = field
          ? `State '${stateName}' has '${field}' at ${location}, ${fieldAdvice(diagnostic.message, field)}`
          : `State '${stateName}' declares QueryLanguage JSONPath, but the state machine is JSONata: Step Functions refuses it. Make the state JSONata, or the state machine JSONPath (a JSONPath state machine may hold JSONata states).`;
        return { stateName, location, message };
      });
  },
};

function fieldAdvice(diagnostic: string, field: string): string {
  if (/is only supported for the 'JSONPath'/.test(diagnostic)) {
    return `a JSONPath field, but the state is JSONata: use Arguments for the input and Output (with $states.result) for the result${field === 'Parameters' ? '. A task of aws-cdk-lib inside a JSONata Parallel or Map renders Parameters unless it declares its language (aws/aws-cdk#34352): build it with its .jsonata() factory or queryLanguage: sfn.QueryLanguage.JSONATA' : ''}.`;
  }
  return "a JSONata field, but the state is JSONPath: set the state's (or the state machine's) QueryLanguage to JSONata, or use the JSONPath fields (Parameters, ResultSelector, ResultPath, OutputPath).";
}

/**
 * Each `{% %}` expression of a JSONata state parses as JSONata (Step Functions refuses the
 * definition otherwise). The finding names the state, the field and the position where the
 * parser stopped.
 */
export const jsonataSyntax: Rule = {
  id: 'Workflow-JsonataSyntax',
  // Step Functions refuses such a definition: an acknowledgement cannot make it deploy.
  acknowledgeable: false,
  severity: Severity.ERROR,
  description: 'Every {% %} expression of a JSONata state is valid JSONata.',
  see: TRANSFORMING_DATA,
  check: ({ definition }) =>
    jsonataExpressions(definition).flatMap((expression) => {
      const parsed = parseJsonata(expression.expression);
      // A `${...}` placeholder is replaced at deploy time: the expression is only known then.
      if (parsed.ok || hasPlaceholder(expression.expression)) return [];
      return [{
        stateName: expression.stateName,
        location: expression.location,
        message: `State '${expression.stateName}', field '${expression.field}': the JSONata expression '${expression.expression}' does not parse: ${parsed.message} (${parsed.code}, at position ${parsed.position}). Fix the expression.`,
      }];
    }),
};

/** The members of `$states`. */
const STATES_MEMBERS = new Set(['input', 'result', 'errorOutput', 'context']);

/**
 * `$states` references name one of its members (`input`, `result`, `errorOutput`, `context`),
 * and read `result` only in the `Output` and `Assign` of a Task, Parallel or Map state and
 * `errorOutput` only in a catcher's `Output` and `Assign`, where they exist.
 */
export const jsonataStatesReferences: Rule = {
  id: 'Workflow-JsonataStates',
  // The local runner refuses such a definition, as the Developer Guide describes where each member exists.
  acknowledgeable: false,
  severity: Severity.ERROR,
  description: '$states is read as $states.input, .context, .result (Output and Assign of Task, Parallel, Map) or .errorOutput (a catcher\'s Output and Assign).',
  see: VARIABLES,
  check: ({ definition }) =>
    jsonataExpressions(definition).flatMap((expression) => {
      const parsed = parseJsonata(expression.expression);
      if (!parsed.ok) return [];
      const problems: RuleProblem[] = [];
      walkJsonata(parsed.ast, (node) => {
        const member = statesMember(node);
        if (member === undefined) return;
        const problem = statesMemberProblem(member, expression);
        if (problem) problems.push({ stateName: expression.stateName, location: expression.location, message: `State '${expression.stateName}', field '${expression.field}': '${expression.expression}' reads $states.${member}, ${problem}` });
      });
      return problems;
    }),
};

function statesMember(node: JsonataNode): string | undefined {
  if (node.type !== 'path' || !node.steps || node.steps.length < 2) return undefined;
  const [first, second] = node.steps;
  if (first.type !== 'variable' || first.value !== 'states' || second.type !== 'name' || typeof second.value !== 'string') return undefined;
  return second.value;
}

function statesMemberProblem(member: string, expression: LocatedExpression): string | undefined {
  if (!STATES_MEMBERS.has(member)) return 'which does not exist: $states has input, result, errorOutput and context.';
  if (member === 'result' && expression.access !== 'result') {
    return "which exists only in the Output and Assign of a Task, Parallel or Map state (in a catcher, the error is $states.errorOutput). Read $states.input, or move the expression.";
  }
  if (member === 'errorOutput' && expression.access !== 'errorOutput') {
    return "which exists only in a catcher's Output and Assign. Move the expression into the Catch.";
  }
  return undefined;
}

/** JSONata's own functions (2.x) and the ones Step Functions adds: `$name(...)` reads them, not a variable. */
const FUNCTIONS = new Set([
  'sum', 'count', 'max', 'min', 'average', 'string', 'substring', 'substringBefore', 'substringAfter', 'lowercase', 'uppercase', 'length',
  'trim', 'pad', 'match', 'contains', 'replace', 'split', 'join', 'formatNumber', 'formatBase', 'formatInteger', 'parseInteger', 'number',
  'floor', 'ceil', 'round', 'abs', 'sqrt', 'power', 'random', 'boolean', 'not', 'map', 'zip', 'filter', 'single', 'reduce', 'sift', 'keys',
  'lookup', 'append', 'exists', 'spread', 'merge', 'reverse', 'each', 'error', 'assert', 'type', 'sort', 'shuffle', 'distinct',
  'base64encode', 'base64decode', 'encodeUrlComponent', 'encodeUrl', 'decodeUrlComponent', 'decodeUrl', 'toMillis', 'fromMillis', 'clone',
  'now', 'millis',
  // Added by Step Functions (transforming-data.html, "JSONata functions provided by Step Functions").
  'partition', 'range', 'hash', 'uuid', 'parse',
]);

/**
 * Every variable an expression reads is assigned before it, in a state that can run before
 * this one in the same scope or an enclosing one (a Parallel branch or Map iteration reads the
 * variables of the states around it, not those of its siblings): reading a variable nobody
 * assigned fails the state with `States.QueryEvaluationError`. JSONata's functions, `$states`,
 * and names the expression binds itself (`$x := ...`, function parameters) are not variables.
 * JSONPath states are checked too, where a `.$` field reads `$name`.
 */
export const unknownVariables: Rule = {
  id: 'Workflow-UnknownVariable',
  acknowledgeable: false,
  severity: Severity.ERROR,
  description: 'Every variable read ($name) is assigned by a state that can run before, in the same or an enclosing scope.',
  see: VARIABLES,
  check: ({ definition }) => {
    if (!isJsonObject(definition)) return [];
    const scoped = scopedStates(definition as AslDefinition);
    const reads = variableReads(scoped);
    if (reads.length === 0) return [];
    const available = availableVariables(scoped);
    return reads
      .filter((read) => !available.get(read.stateIndex)!.has(read.name))
      .map((read) => ({
        stateName: read.stateName,
        location: read.location,
        message: read.name === 'eval'
          ? `State '${read.stateName}', field '${read.field}': Step Functions does not provide $eval. Use $parse to read JSON text.`
          : `State '${read.stateName}', field '${read.field}' reads $${read.name}, but no state that can run before it assigns '${read.name}' (in its scope or an enclosing one), and it is no JSONata function: the state would fail with States.QueryEvaluationError. Assign it in an earlier state, or fix the name.`,
      }));
  },
};

interface VariableRead {
  readonly stateIndex: number;
  readonly stateName: string;
  readonly location: string;
  readonly field: string;
  readonly name: string;
}

/** The variables each state reads: `$name` in its JSONata expressions, `"x.$": "$name..."` in JSONPath. */
function variableReads(scoped: ScopedDefinition): VariableRead[] {
  const reads: VariableRead[] = [];
  scoped.states.forEach((state, stateIndex) => {
    if (state.language === 'JSONata') {
      for (const expression of expressionsOf(state)) {
        const parsed = parseJsonata(expression.expression);
        if (!parsed.ok) continue;
        for (const name of freeVariables(parsed.ast)) reads.push({ stateIndex, stateName: state.name, location: expression.location, field: expression.field, name });
      }
    } else {
      for (const { path, value } of jsonPathVariableFields(state.state)) {
        const name = /^\$([\p{ID_Start}_][\p{ID_Continue}]*)/u.exec(value)?.[1];
        if (name) reads.push({ stateIndex, stateName: state.name, location: `${state.location}/${path}`, field: path, name });
      }
    }
  });
  return reads;
}

/** The `$names` an expression reads that it does not bind itself and that are not functions. */
function freeVariables(ast: JsonataNode): string[] {
  const bound = new Set<string>();
  const read = new Set<string>();
  walkJsonata(ast, (node) => {
    if (node.type === 'bind' && isVariableNode(node.lhs)) bound.add(node.lhs.value);
    if (node.type === 'lambda' && Array.isArray(node.arguments)) for (const argument of node.arguments) if (isVariableNode(argument)) bound.add(argument.value);
    for (const key of ['focus', 'index']) if (typeof node[key] === 'string') bound.add(node[key] as string);
    if (isVariableNode(node)) read.add(node.value);
  });
  return [...read].filter((name) => name !== '' && name !== '$' && name !== 'states' && !bound.has(name) && !FUNCTIONS.has(name));
}

function isVariableNode(node: unknown): node is JsonataNode & { value: string } {
  return isJsonObject(node) && node.type === 'variable' && typeof node.value === 'string';
}

/** JSONPath fields whose value is read as a path: keys ending in `.$` (any depth) and Choice `Variable`s. */
function jsonPathVariableFields(state: Record<string, unknown>): Array<{ path: string; value: string }> {
  const found: Array<{ path: string; value: string }> = [];
  const pending: Array<{ value: unknown; path: string }> = Object.entries(state)
    .filter(([key]) => !['Branches', 'ItemProcessor', 'Iterator'].includes(key))
    .map(([key, value]) => ({ value, path: key }));
  while (pending.length > 0) {
    const { value, path } = pending.pop()!;
    if (Array.isArray(value)) value.forEach((item, index) => pending.push({ value: item, path: `${path}/${index}` }));
    else if (isJsonObject(value)) {
      for (const [key, item] of Object.entries(value)) {
        if (typeof item === 'string' && (key.endsWith('.$') || key === 'Variable') && !hasPlaceholder(item)) found.push({ path: `${path}/${key}`, value: item });
        else pending.push({ value: item, path: `${path}/${key}` });
      }
    }
  }
  return found;
}

/**
 * The variables each state may read: those assigned by the states that can run before it in
 * its scope (through Next, Default, Choice rules and catchers), and those its scope inherits
 * from the states before the Parallel or Map holding it. A state's own Assign counts only when
 * it can run again (a loop): Assign applies after the state.
 */
function availableVariables(scoped: ScopedDefinition): Map<number, Set<string>> {
  const available = new Map<number, Set<string>>();
  const byScope = new Map<number, number[]>();
  scoped.states.forEach((state, index) => {
    const members = byScope.get(state.scope);
    if (members) members.push(index);
    else byScope.set(state.scope, [index]);
  });
  const scopeStateIndex = new Map<string, number>();
  scoped.states.forEach((state, index) => scopeStateIndex.set(`${state.scope}\n${state.name}`, index));
  // Scopes are numbered parents first.
  scoped.scopes.forEach((scope, scopeIndex) => {
    const inherited = scope.parent ? (available.get(scopeStateIndex.get(`${scope.parent.scope}\n${scope.parent.stateName}`)!) ?? new Set<string>()) : new Set<string>();
    const members = byScope.get(scopeIndex) ?? [];
    for (const index of members) available.set(index, new Set(inherited));
    const pending = [...members];
    while (pending.length > 0) {
      const index = pending.pop()!;
      const state = scoped.states[index];
      const out = new Set([...available.get(index)!, ...assignedNames(state.state)]);
      for (const next of successorsOf(state.state)) {
        const target = scopeStateIndex.get(`${scopeIndex}\n${next}`);
        if (target === undefined) continue;
        const set = available.get(target)!;
        const before = set.size;
        for (const name of out) set.add(name);
        if (set.size !== before) pending.push(target);
      }
    }
  });
  return available;
}

/** Every `{% %}` expression of the definition's JSONata states. */
function jsonataExpressions(definition: unknown): LocatedExpression[] {
  if (!isJsonObject(definition)) return [];
  return scopedStates(definition as AslDefinition).states
    .filter((state) => state.language === 'JSONata')
    .flatMap((state) => expressionsOf(state));
}
