import { StateMachine } from 'aws-local-stepfunctions';
import { AslDefinition, AslState, isCallbackTask, listStates } from '../asl/definition';
import { ROOT_INPUT, ROOT_START_TIME } from './context-markers';
import { unsupportedFeatures } from './definition-refusals';
import { adaptState, CallbackLimits, clampTimeout, takeCallbackLimits } from './state-rewrites';

/** A definition ready for aws-local-stepfunctions, with what the runner needs to know about it. */
export interface PreparedDefinition {
  /** The interpreter of the adapted ASL (placeholders resolved, unsupported spots rewritten). */
  readonly interpreter: StateMachine;
  /** Every Task state by name, adapted, including those inside branches. */
  readonly tasks: Map<string, AslState>;
  /** The interpreter overrides that make retry intervals and Wait states take no time. */
  readonly zeroDelays: { retryIntervalOverrides: Record<string, number>; waitTimeOverrides: Record<string, number> };
  /** The timeouts of each `.waitForTaskToken` task, by state name. */
  readonly callbackLimits: Map<string, CallbackLimits>;
  /** The execution timeout in seconds, as defined (the interpreter gets at most its timer limit). */
  readonly timeoutSeconds?: number;
}

/**
 * Adapts a flattened definition for in-process execution: resolves `${...}` placeholders with
 * `resolvePlaceholders`, redirects `$$.Execution.Input`/`StartTime` to the
 * root execution's values, refuses what the interpreter would get silently wrong (see
 * unsupportedFeatures) and rewrites what the runner emulates (see adaptState). Building the
 * interpreter validates the definition (~75 ms), so it is done here, once per state machine.
 *
 * @throws Error naming each unsupported state and field, or the interpreter's validation error.
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
  const callbackLimits = new Map<string, CallbackLimits>();
  const zeroDelays = { retryIntervalOverrides: {} as Record<string, number>, waitTimeOverrides: {} as Record<string, number> };
  for (const { name, container } of listStates(definition)) {
    const state = adaptState(container, name);
    if (state.Type === 'Task') tasks.set(name, state);
    if (isCallbackTask(state)) callbackLimits.set(name, takeCallbackLimits(state));
    if (Array.isArray(state.Retry)) zeroDelays.retryIntervalOverrides[name] = 0;
    if (state.Type === 'Wait') zeroDelays.waitTimeOverrides[name] = 0;
  }
  const timeoutSeconds = definition.TimeoutSeconds;
  clampTimeout(definition as Record<string, unknown>);
  const interpreter = new StateMachine(definition as ConstructorParameters<typeof StateMachine>[0]);
  return { interpreter, tasks, zeroDelays, callbackLimits, timeoutSeconds };
}
