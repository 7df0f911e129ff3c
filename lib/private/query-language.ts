import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { IConstruct } from 'constructs';
import { definitionStates } from './definition-states';
import { WorkflowConfigurationError } from './errors';

/** Whether a query language is JSONata (JSONPath when unset, as in Step Functions). */
export function isJsonata(language: sfn.QueryLanguage | undefined): boolean {
  return language === sfn.QueryLanguage.JSONATA;
}

/** The query language a state was declared with, if any (CDK keeps it in a protected field). */
export function declaredQueryLanguage(state: sfn.State): sfn.QueryLanguage | undefined {
  return (state as unknown as { queryLanguage?: sfn.QueryLanguage }).queryLanguage;
}

/**
 * Declares a state's query language, as if it had been built with `queryLanguage`. Only for a
 * state that declared none, which would otherwise inherit it.
 */
export function declareQueryLanguage(state: sfn.State, language: sfn.QueryLanguage): void {
  (state as unknown as { queryLanguage?: sfn.QueryLanguage }).queryLanguage = language;
}

/**
 * Settles the query language of every state of a definition before it renders, for a state
 * machine whose top-level language is `language`:
 *
 * - a state declared JSONPath in a JSONata machine is refused (Step Functions refuses it when
 *   the state machine is created: `'QueryLanguage' can not be 'JSONPath' if set to 'JSONata'
 *   for whole state machine`);
 * - in a JSONata machine, each state that declared no language is declared JSONata, which is
 *   what it inherits. aws-cdk-lib renders some fields without the state machine's language (a
 *   Task's Retry, Catch and Assign; every state inside a Parallel branch or a Map processor,
 *   aws/aws-cdk#34352): without this, those render as JSONPath (a catcher's `Output` dropped, a
 *   `LambdaInvoke` in a branch with `Parameters`).
 *
 * A JSONPath machine is left as it is: its states render as they always did.
 *
 * @throws WorkflowConfigurationError for a state declared JSONPath in a JSONata machine
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 */
export function settleQueryLanguages(scope: IConstruct, definition: sfn.IChainable, language: sfn.QueryLanguage): void {
  if (!isJsonata(language)) return;
  for (const state of definitionStates(definition)) {
    const declared = declaredQueryLanguage(state);
    if (declared === sfn.QueryLanguage.JSON_PATH) {
      throw new WorkflowConfigurationError(
        scope,
        `State '${state.stateId}' (${state.node.path}) is declared JSONPath, but the workflow's queryLanguage is JSONata: Step Functions refuses a JSONPath state in a JSONata state machine.`,
        "build the state for JSONata (the library's steps, StepDefaults and Saga take queryLanguage: sfn.QueryLanguage.JSONATA; aws-cdk-lib's states have .jsonata() factories), or keep the Workflow JSONPath, which may hold JSONata states.",
      );
    }
    if (declared === undefined) declareQueryLanguage(state, language);
  }
}

/**
 * The query language a library step renders: the one it was given, else JSONPath (the default
 * of Step Functions and of aws-cdk-lib). Always declared on the state, so that a step built for
 * JSONPath can never silently render as JSONata in a JSONata machine.
 */
export function stepQueryLanguage(language: sfn.QueryLanguage | undefined): sfn.QueryLanguage {
  return language ?? sfn.QueryLanguage.JSON_PATH;
}

/**
 * Refuses JSONPath-only settings on a step built for JSONata, naming them and the JSONata way.
 *
 * @throws WorkflowConfigurationError when one of `settings` is set
 */
export function refuseJsonPathSettings(scope: IConstruct, settings: { [name: string]: unknown }, fix: string): void {
  const set = Object.entries(settings).filter(([, value]) => value !== undefined).map(([name]) => name);
  if (set.length === 0) return;
  throw new WorkflowConfigurationError(
    scope,
    `${set.join(', ')} ${set.length === 1 ? 'is a JSONPath setting' : 'are JSONPath settings'}, but the step is built for JSONata (queryLanguage: JSONATA), where Step Functions refuses InputPath, Parameters, ResultSelector, ResultPath and OutputPath.`,
    fix,
  );
}

/**
 * Refuses JSONata-only settings on a step built for JSONPath.
 *
 * @throws WorkflowConfigurationError when one of `settings` is set
 */
export function refuseJsonataSettings(scope: IConstruct, settings: { [name: string]: unknown }): void {
  const set = Object.entries(settings).filter(([, value]) => value !== undefined).map(([name]) => name);
  if (set.length === 0) return;
  throw new WorkflowConfigurationError(
    scope,
    `${set.join(', ')} ${set.length === 1 ? 'is a JSONata setting' : 'are JSONata settings'}, but the step is built for JSONPath (its queryLanguage is unset or JSONPath).`,
    'pass queryLanguage: sfn.QueryLanguage.JSONATA to the step (a JSONPath Workflow may hold JSONata states), or use the JSONPath settings (resultPath, resultSelector, outputPath).',
  );
}

/** The JSONata expression that keeps the state input and adds `value` under `field` (what a JSONPath `resultPath: '$.field'` does). */
export function mergeIntoInput(field: string, value: string): string {
  return `{% $merge([$states.input, {${JSON.stringify(field)}: ${value}}]) %}`;
}
