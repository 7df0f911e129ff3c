import { Rule, Severity } from '../rule';
import { expressDuration, expressIdempotency, expressIntegrationPattern } from './express-rules';
import { choiceDefault, loopWithoutExit, transitionTargets, unreachableStates } from './graph-rules';
import { jsonataStatesReferences, jsonataSyntax, queryLanguageFields, unknownVariables } from './jsonata-rules';
import { stateMachineName, stateNameLength, stateNameUnique, variableNames } from './name-rules';
import { errorsAllLast, retryFields } from './retry-catch-rules';
import { aslPaths, aslSchema } from './schema-rule';
import { definitionSize, inlineMapConcurrency, literalPayloadSize } from './size-rules';
import { callbackTimeout, heartbeatBelowTimeout, taskTimeout, taskTimeoutWithinExecution, taskTokenInLogs } from './timeout-rules';

/** The rules every Workflow runs at synth, in the order findings are reported. */
export const ALL_RULES: readonly Rule[] = Object.freeze([
  stateNameLength,
  stateNameUnique,
  stateMachineName,
  variableNames,
  transitionTargets,
  unreachableStates,
  expressIntegrationPattern,
  expressDuration,
  heartbeatBelowTimeout,
  retryFields,
  errorsAllLast,
  definitionSize,
  literalPayloadSize,
  expressIdempotency,
  callbackTimeout,
  taskTimeout,
  taskTimeoutWithinExecution,
  taskTokenInLogs,
  choiceDefault,
  loopWithoutExit,
  inlineMapConcurrency,
  queryLanguageFields,
  jsonataSyntax,
  jsonataStatesReferences,
  unknownVariables,
]);

/**
 * Rules that are errors at synth (the workflow will fail when it runs) but not errors Step
 * Functions raises when the definition is created: `lint` reports them as warnings, because
 * its errors are what Step Functions would refuse. A literal payload over 256 KiB deploys and
 * then fails with States.DataLimitExceeded when its state runs (aws-truth:
 * test_states_errors test_start_large_input). Reading a variable nobody assigned fails the
 * state with States.QueryEvaluationError when it runs (workflow-variables.html).
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html
 */
const RUN_TIME_FAILURES: readonly Rule[] = [literalPayloadSize, unknownVariables];

/** The same rule, reported as a warning. */
function asWarning(rule: Rule): Rule {
  return { ...rule, severity: Severity.WARNING, check: (context) => rule.check(context).map((problem) => ({ ...problem, severity: Severity.WARNING })) };
}

/**
 * The rules `cdk-sfn-workflows lint` runs on plain ASL: every rule plus the definition and
 * schema checks (Workflow-AslSchema) and the path check (asl-validator). Its errors are the
 * problems Step Functions would refuse the definition for; what would only fail at run time
 * is a warning. A Workflow skips the schema check: CDK renders schema-valid ASL, and the one
 * thing it lets through (a state name over 80 characters) has its own rule.
 */
export const LINT_RULES: readonly Rule[] = Object.freeze([
  aslSchema,
  ...ALL_RULES.map((rule) => (RUN_TIME_FAILURES.includes(rule) ? asWarning(rule) : rule)),
  aslPaths,
]);
