import { aslSchemaErrors } from '../asl-schema';
import { Rule, Severity } from '../rule';

/**
 * asl-validator's graph checks that rules of this project make with clearer messages
 * (Workflow-TransitionTarget, Workflow-UnreachableState, Workflow-StateNameUnique): reported
 * once, by those rules.
 */
const CODES_OF_OTHER_RULES = ['MISSING_TRANSITION_TARGET', 'BRANCH_OUTBOUND_TRANSITION_TARGET', 'MAP_OUTBOUND_TRANSITION_TARGET', 'DUPLICATE_STATE_NAMES'];

/** The definition conforms to the Amazon States Language schema (asl-validator). */
export const aslSchema: Rule = {
  id: 'Workflow-AslSchema',
  severity: Severity.ERROR,
  description: 'The definition conforms to the Amazon States Language schema (asl-validator).',
  see: 'https://states-language.net/spec.html',
  check: ({ definition }) =>
    aslSchemaErrors(definition, { checkPaths: false })
      .filter((error) => !CODES_OF_OTHER_RULES.includes(error.code))
      .map((error) => ({ message: `ASL schema: ${error.code}: ${error.message}.` })),
};

/**
 * Path expressions asl-validator cannot parse. A warning: asl-validator is stricter than
 * Step Functions (it rejects `$.[0]`, which Step Functions accepts).
 */
export const aslPaths: Rule = {
  id: 'Workflow-AslPath',
  severity: Severity.WARNING,
  description: 'Path expressions in payload templates parse as JSONPath or intrinsic functions (asl-validator).',
  see: 'https://states-language.net/spec.html#path',
  check: ({ definition }) => {
    const structural = new Set(aslSchemaErrors(definition, { checkPaths: false }).map((error) => error.message));
    return aslSchemaErrors(definition)
      .filter((error) => !structural.has(error.message))
      .map((error) => ({ message: `asl-validator cannot parse a path (${error.code}: ${error.message}); Step Functions may reject it. Check the expression.` }));
  },
};
