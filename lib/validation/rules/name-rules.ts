import { listStates } from '../../asl/definition';
import { MAX_STATE_NAME_LENGTH } from '../../state-names';
import { Rule, Severity } from '../rule';

/** State names are at most 80 characters; longer names fail deployment with INVALID_STATE_NAME. */
export const stateNameLength: Rule = {
  id: 'Workflow-StateNameLength',
  severity: Severity.ERROR,
  description: `State names are at most ${MAX_STATE_NAME_LENGTH} characters.`,
  see: 'https://states-language.net/spec.html#states-fields',
  check: ({ definition }) =>
    listStates(definition)
      .filter(({ name }) => name.length > MAX_STATE_NAME_LENGTH)
      .map(({ name }) => ({
        stateName: name,
        message: `State name '${name}' is ${name.length} characters long; Step Functions accepts at most ${MAX_STATE_NAME_LENGTH}. Give the state a shorter stateName.`,
      })),
};

/** State names are unique across the whole state machine, Parallel branches and Map processors included. */
export const stateNameUnique: Rule = {
  id: 'Workflow-StateNameUnique',
  severity: Severity.ERROR,
  description: 'State names are unique across the state machine, including Parallel branches and Map item processors.',
  see: 'https://states-language.net/spec.html#states-fields',
  check: ({ definition }) => {
    const seen = new Set<string>();
    const findings: Array<{ stateName: string; message: string }> = [];
    for (const { name, enclosingStates } of listStates(definition)) {
      if (seen.has(name)) {
        const where = enclosingStates.length > 0 ? ` (again inside '${enclosingStates.join("' > '")}')` : '';
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

/** Workflow variables (Assign) are identifiers of at most 80 characters, and not `states`. */
export const variableNames: Rule = {
  id: 'Workflow-VariableName',
  severity: Severity.ERROR,
  description: 'Assign variable names are identifiers (letter or _, then letters, digits, _), at most 80 characters, not "states".',
  see: 'https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html',
  check: ({ definition }) =>
    listStates(definition).flatMap(({ name, state }) =>
      Object.keys((state.Assign as Record<string, unknown> | undefined) ?? {})
        .map((key) => key.replace(/\.\$$/, ''))
        .filter((variable) => variable === 'states' || variable.length > MAX_STATE_NAME_LENGTH || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable))
        .map((variable) => ({
          stateName: name,
          message: `State '${name}' assigns variable '${variable}': variable names are identifiers of at most ${MAX_STATE_NAME_LENGTH} characters and cannot be 'states'. Rename it.`,
        })),
    ),
};
