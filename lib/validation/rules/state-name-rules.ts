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
