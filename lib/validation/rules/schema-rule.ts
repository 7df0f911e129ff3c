import { isJsonObject } from '../../asl/json-value';
import { AslSchemaError, aslSchemaErrors } from '../asl-schema';
import { stepFunctionsDefinitionErrors } from '../definition-check';
import { stateNameAt } from '../locations';
import { Rule, RuleProblem, Severity } from '../rule';
import { isQueryLanguageDiagnostic, jsonataSyntax } from './jsonata-rules';

/**
 * Codes of the definition check that rules of this project report with clearer messages
 * (Workflow-StateNameUnique, Workflow-StateNameLength, Workflow-TransitionTarget): left to them.
 */
const CODES_OF_OTHER_RULES = ['DUPLICATE_STATE_NAME', 'INVALID_STATE_NAME', 'MISSING_TRANSITION_TARGET'];

/**
 * The definition conforms to the Amazon States Language: Step Functions' own definition check
 * (as the local runner's engine models `ValidateStateMachineDefinition`) and asl-validator's
 * JSON schema (corrected where it refuses what Step Functions accepts). Where both find a
 * problem at the same place (or one inside the other), the definition check's is reported.
 * Fields of the other query language (Workflow-QueryLanguageField) and JSONata that does not
 * parse (Workflow-JsonataSyntax) are left to their own rules.
 */
export const aslSchema: Rule = {
  id: 'Workflow-AslSchema',
  // Step Functions refuses such a definition: an acknowledgement cannot make it deploy.
  acknowledgeable: false,
  severity: Severity.ERROR,
  description: "The definition passes Step Functions' definition check (as the local runner models it) and asl-validator's ASL schema.",
  see: 'https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinition.html',
  check: ({ definition }) => {
    if (!isJsonObject(definition)) {
      return [{ location: '/', message: `SCHEMA_VALIDATION_FAILED: The definition must be a JSON object with StartAt and States, not ${describeJson(definition)}.` }];
    }
    const diagnostics = stepFunctionsDefinitionErrors(definition).filter((diagnostic) => !CODES_OF_OTHER_RULES.includes(diagnostic.code));
    const checked = diagnostics.map((diagnostic) => ({ location: diagnostic.location ?? '/', message: `${diagnostic.code}: ${diagnostic.message}` }));
    // Problems the JSONata rules report with the state, field and position: the schema's reading of them is left out.
    const elsewhere = [...checked, ...jsonataSyntax.check({ definition }).map((problem) => ({ location: problem.location ?? '/' }))];
    const schema = aslSchemaErrors(definition, { checkPaths: false })
      .filter((error) => !elsewhere.some((found) => related(found.location, error.location)))
      .map((error) => ({ location: error.location, message: error.message }));
    const own = checked.filter((_, index) => !isQueryLanguageDiagnostic(diagnostics[index].message));
    return [...own, ...schema].map((problem) => locatedProblem(definition, problem));
  },
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
    const structural = new Set(aslSchemaErrors(definition, { checkPaths: false }).map(key));
    return aslSchemaErrors(definition)
      .filter((error) => !structural.has(key(error)))
      .map((error) => locatedProblem(definition, {
        location: error.location,
        message: `asl-validator cannot parse this path (${error.message.replace(/ \(asl-validator\)\.$/, '')}); Step Functions may reject it. Check the expression.`,
      }));
  },
};

/** How a JSON value that is not an object reads in a message. */
function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return 'a string';
  return `a ${typeof value}`;
}

const key = (error: AslSchemaError) => `${error.location}\n${error.message}`;

/** Whether two locations are the same place or one lies inside the other (`/`, the whole definition, only matches `/`). */
function related(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

function locatedProblem(definition: unknown, problem: { location: string; message: string }): RuleProblem {
  const stateName = stateNameAt(definition, problem.location);
  return stateName === undefined ? problem : { ...problem, stateName };
}
