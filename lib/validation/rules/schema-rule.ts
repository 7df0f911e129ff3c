import { checkAslSchema } from '../asl-schema';
import { Rule, Severity } from '../rule';

/** The definition conforms to the Amazon States Language schema (asl-validator). */
export const aslSchema: Rule = {
  id: 'Workflow-AslSchema',
  severity: Severity.ERROR,
  description: 'The definition conforms to the Amazon States Language schema (asl-validator).',
  see: 'https://states-language.net/spec.html',
  check: ({ definition }) => checkAslSchema(definition, { checkPaths: false }).map((error) => ({ message: `ASL schema: ${error}.` })),
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
    const structural = new Set(checkAslSchema(definition, { checkPaths: false }));
    return checkAslSchema(definition)
      .filter((error) => !structural.has(error))
      .map((error) => ({ message: `asl-validator cannot parse a path (${error}); Step Functions may reject it. Check the expression.` }));
  },
};
