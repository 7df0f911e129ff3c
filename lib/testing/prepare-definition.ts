import { AslDefinition, AslState, integrationPatternOf, listStates } from '../asl/definition';
import { ROOT_INPUT, ROOT_START_TIME } from './context-markers';
import { unsupportedFeatures } from './definition-refusals';
import { adaptState, CallbackLimits, clampTimeout, takeCallbackLimits } from './state-rewrites';

/** A definition ready for aws-local-stepfunctions, with what the runner needs to know about it. */
export interface PreparedDefinition {
  /** The adapted ASL (placeholders resolved, unsupported spots rewritten). */
  readonly definition: AslDefinition;
  /** Every Task state by name, adapted, including those inside branches. */
  readonly tasks: Map<string, AslState>;
  /** Names of states that have a `Retry` field. */
  readonly retryingStates: string[];
  /** Names of Wait states. */
  readonly waitStates: string[];
  /** The timeouts of each `.waitForTaskToken` task, by state name. */
  readonly callbackLimits: Map<string, CallbackLimits>;
  /** The execution timeout in seconds, as defined (the interpreter gets at most its timer limit). */
  readonly timeoutSeconds?: number;
}

/**
 * Adapts a flattened definition for in-process execution: resolves `${...}` placeholders with
 * `resolvePlaceholders`, redirects `$$.Execution.Input`/`StartTime` to the
 * root execution's values, refuses what the interpreter would get silently wrong (see
 * unsupportedFeatures) and rewrites what the runner emulates (see adaptState).
 *
 * @throws Error naming each unsupported state and field.
 */
export function prepareDefinition(
  flattened: AslDefinition,
  resolvePlaceholders: (text: string) => string,
  label: string,
): PreparedDefinition {
  const text = resolvePlaceholders(JSON.stringify(flattened))
    .replace(/\$\$\.Execution\.Input\b/g, `$$$$.Execution.${ROOT_INPUT}`)
    .replace(/\$\$\.Execution\.StartTime\b/g, `$$$$.Execution.${ROOT_START_TIME}`);
  const definition = JSON.parse(text) as AslDefinition;
  const problems = unsupportedFeatures(definition);
  if (problems.length > 0) {
    throw new Error(
      `The local runner cannot execute ${label} faithfully:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'Test these parts with Step Functions TestState in AWS, or change the definition.',
    );
  }
  const tasks = new Map<string, AslState>();
  const retryingStates: string[] = [];
  const waitStates: string[] = [];
  const callbackLimits = new Map<string, CallbackLimits>();
  for (const { name, container } of listStates(definition)) {
    const state = adaptState(container, name);
    if (state.Type === 'Task') tasks.set(name, state);
    if (state.Type === 'Task' && integrationPatternOf(state) === 'WAIT_FOR_TASK_TOKEN') callbackLimits.set(name, takeCallbackLimits(state));
    if (Array.isArray(state.Retry)) retryingStates.push(name);
    if (state.Type === 'Wait') waitStates.push(name);
  }
  const timeoutSeconds = definition.TimeoutSeconds;
  clampTimeout(definition as Record<string, unknown>);
  return { definition, tasks, retryingStates, waitStates, callbackLimits, timeoutSeconds };
}
