/*
 * cdk-sfn-workflows/asl: tooling over any Amazon States Language definition, without the
 * constructs: the validation rules `Workflow` runs at synth (and `cdk-sfn-workflows lint`
 * runs on files), the cost model, and flattening of synthesized definitions.
 */
export { catchersOf, isCallbackTask, isDistributedMap, listStates, nestedDefinitions, retriersOf, transitionsOf } from './definition';
export type { AslDefinition, AslErrorHandler, AslState, LocatedState } from './definition';
export { flattenIntrinsic, parseFlattenedDefinition } from './flatten';
export { Severity } from '../validation/rule';
export type { Finding, Rule, RuleContext, RuleProblem } from '../validation/rule';
export { ALL_RULES, LINT_RULES } from '../validation/rules';
export { validateDefinition } from '../validation/validate-definition';
export { costReport, DEFAULT_COST_ASSUMPTIONS, expressBlockers, priceRuns } from '../cost/cost-report';
export type { CostReport, CostReportOptions, PricedRun, RunsCost } from '../cost/cost-report';
export { estimateExpressCost, estimateStandardCost } from '../cost/estimate';
export type { CostEstimate, ExpressUsage } from '../cost/estimate';
export { STEP_FUNCTIONS_PRICES } from '../cost/prices';
export { analyzeTransitions } from '../cost/transitions';
export type { TransitionAnalysisOptions, TransitionRange } from '../cost/transitions';
