import { Rule } from '../rule';
import { expressDuration, expressIdempotency, expressIntegrationPattern } from './express-rules';
import { choiceDefault, loopWithoutExit, transitionTargets, unreachableStates } from './graph-rules';
import { stateMachineName, stateNameLength, stateNameUnique, variableNames } from './name-rules';
import { errorsAllLast, retryFields } from './retry-catch-rules';
import { aslPaths, aslSchema } from './schema-rule';
import { definitionSize, inlineMapConcurrency, literalPayloadSize } from './size-rules';
import { callbackTimeout, heartbeatBelowTimeout, taskTimeout, taskTimeoutWithinExecution } from './timeout-rules';

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
  choiceDefault,
  loopWithoutExit,
  inlineMapConcurrency,
]);

/**
 * The rules `cdk-sfn-workflows lint` runs on plain ASL: every rule plus the ASL schema and
 * path checks (asl-validator). A Workflow skips the schema check: CDK renders schema-valid ASL,
 * and the one thing it lets through (a state name over 80 characters) has its own rule.
 */
export const LINT_RULES: readonly Rule[] = Object.freeze([aslSchema, ...ALL_RULES, aslPaths]);
