import { listStates } from '../../asl/definition';
import { hasPlaceholder, isJsonObject } from '../../asl/json-value';
import { MAX_STATE_NAME_LENGTH } from '../../private/state-names';
import { Rule, Severity } from '../rule';
import { characterCount, describeEnclosing } from './values';

/**
 * State names are at most 80 characters; longer names fail deployment with INVALID_STATE_NAME.
 * Characters are counted as Unicode code points (an emoji is one), the reading that refuses
 * nothing Step Functions accepts; a name holding a `${...}` placeholder is left alone.
 */
export const stateNameLength: Rule = {
  id: 'Workflow-StateNameLength',
  // Step Functions refuses such a definition: an acknowledgement cannot make it deploy.
  acknowledgeable: false,
  severity: Severity.ERROR,
  description: `State names are at most ${MAX_STATE_NAME_LENGTH} characters.`,
  see: 'https://states-language.net/spec.html#states-fields',
  check: ({ definition }) =>
    listStates(definition)
      .filter(({ name }) => !hasPlaceholder(name) && characterCount(name) > MAX_STATE_NAME_LENGTH)
      .map(({ name }) => ({
        stateName: name,
        message: `State name '${name}' is ${characterCount(name)} characters long; Step Functions accepts at most ${MAX_STATE_NAME_LENGTH}. Give the state a shorter stateName.`,
      })),
};

/** State names are unique across the whole state machine, Parallel branches and Map processors included. */
export const stateNameUnique: Rule = {
  id: 'Workflow-StateNameUnique',
  // Step Functions refuses such a definition: an acknowledgement cannot make it deploy.
  acknowledgeable: false,
  severity: Severity.ERROR,
  description: 'State names are unique across the state machine, including Parallel branches and Map item processors.',
  see: 'https://states-language.net/spec.html#states-fields',
  check: ({ definition }) => {
    const seen = new Set<string>();
    const findings: Array<{ stateName: string; message: string }> = [];
    for (const located of listStates(definition)) {
      const { name } = located;
      if (seen.has(name)) {
        const enclosing = located.enclosingStates;
        const where = enclosing.length > 0 ? ` (again inside ${describeEnclosing(enclosing)})` : '';
        findings.push({ stateName: name, message: `State name '${name}' is used more than once${where}. Rename one of the states.` });
      }
      seen.add(name);
    }
    return findings;
  },
};

/** The longest state machine name Step Functions accepts. */
const MAX_STATE_MACHINE_NAME_LENGTH = 80;

/** Characters a state machine name may not contain (besides whitespace and control characters). */
const FORBIDDEN_NAME_CHARACTERS = /[\s?*<>{}[\]"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

/** State machine names are 1–80 characters without whitespace or reserved characters. */
export const stateMachineName: Rule = {
  id: 'Workflow-StateMachineName',
  // Step Functions refuses such a definition: an acknowledgement cannot make it deploy.
  acknowledgeable: false,
  severity: Severity.ERROR,
  description: 'The state machine name is 1–80 characters, without whitespace, control characters or ? * < > { } [ ] " # % \\ ^ | ~ ` $ & , ; : /.',
  see: 'https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html',
  check: ({ stateMachineName: name }) => {
    if (name === undefined) return [];
    if (name.length < 1 || name.length > MAX_STATE_MACHINE_NAME_LENGTH) {
      return [{ message: `State machine name '${name}' is ${name.length} characters long; it must be 1–${MAX_STATE_MACHINE_NAME_LENGTH}. Shorten it.` }];
    }
    const bad = FORBIDDEN_NAME_CHARACTERS.exec(name);
    return bad ? [{ message: `State machine name '${name}' contains ${JSON.stringify(bad[0])}, which names may not contain. Use letters, digits, - and _.` }] : [];
  },
};

/**
 * A variable name is a Unicode identifier: "Variable names must follow the rules for Unicode
 * Identifiers" (a letter or `_`, then letters, digits, marks or `_`), as the local runner's
 * definition check reads it.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
 */
const VARIABLE_NAME = /^[\p{ID_Start}_][\p{ID_Continue}]*$/u;

function invalidVariableName(variable: string): boolean {
  if (hasPlaceholder(variable)) return false;
  return variable === 'states' || characterCount(variable) > MAX_STATE_NAME_LENGTH || !VARIABLE_NAME.test(variable);
}

/** Workflow variables (Assign) are Unicode identifiers of at most 80 characters, and not `states`. */
export const variableNames: Rule = {
  id: 'Workflow-VariableName',
  // Step Functions refuses such a definition: an acknowledgement cannot make it deploy.
  acknowledgeable: false,
  severity: Severity.ERROR,
  description: 'Assign variable names are Unicode identifiers (a letter or _, then letters, digits, _), at most 80 characters, not "states".',
  see: 'https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html',
  check: ({ definition }) =>
    listStates(definition).flatMap(({ name, state }) =>
      Object.keys(isJsonObject(state.Assign) ? state.Assign : {})
        .map((key) => key.replace(/\.\$$/, ''))
        .filter(invalidVariableName)
        .map((variable) => ({
          stateName: name,
          message: `State '${name}' assigns variable '${variable}': variable names are identifiers of at most ${MAX_STATE_NAME_LENGTH} characters and cannot be 'states'. Rename it.`,
        })),
    ),
};
