import { AslDefinition } from '../asl/definition';
import { StateGraphView } from '../asl/graph';
import { isJsonObject } from '../asl/json-value';
import { expressDuration, expressIntegrationPattern } from '../validation/rules/express-rules';
import { CostEstimate, estimateExpressCost, estimateStandardCost } from './estimate';
import { analyzeTransitions, TransitionRange } from './transitions';

/** Assumptions of a cost report. */
export interface CostReportOptions {
  /**
   * Executions to price (Express GB-second tiers apply to this total, as to a month).
   * @default 1,000,000
   */
  readonly executions?: number;
  /**
   * Average duration of one execution, in seconds, for the Express price.
   * @default 1
   */
  readonly durationSeconds?: number;
  /**
   * Average memory of one Express execution, in MB.
   * @default 64
   */
  readonly memoryMb?: number;
  /**
   * Items each Map state is assumed to process.
   * @default 1
   */
  readonly mapItems?: number;
}

/** The assumptions a cost report makes where its options are silent. */
export const DEFAULT_COST_ASSUMPTIONS: Required<CostReportOptions> = Object.freeze({ executions: 1_000_000, durationSeconds: 1, memoryMb: 64, mapItems: 1 });

/** The numbers that decide between STANDARD and EXPRESS for one definition. */
export interface CostReport {
  /** The assumptions the report priced with. */
  readonly assumptions: Required<CostReportOptions>;
  /** The executions priced. */
  readonly executions: number;
  /** Transitions of the shortest and longest paths. */
  readonly transitions: TransitionRange;
  /** Standard price of the executions if each took the shortest path. */
  readonly standardShortest: CostEstimate;
  /** Standard price if each took the longest path (undefined when unbounded). */
  readonly standardLongest?: CostEstimate;
  /** Express price for the assumed duration and memory. */
  readonly express: CostEstimate;
  /** Why the definition cannot run as EXPRESS (empty when it can). */
  readonly expressBlockers: string[];
  /**
   * Why the transitions could not be counted (the definition is not a state machine, or no
   * path from StartAt reaches an end); the STANDARD prices are then meaningless.
   * @default - the definition was priced
   */
  readonly notPriced?: string;
}

/**
 * Prices a definition under both workflow types: Standard from its static transition counts,
 * Express from the assumed duration and memory, and says whether it could run as EXPRESS.
 * Never throws: a definition that cannot be priced says why in `notPriced`.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/choosing-workflow-type.html
 */
export function costReport(definition: AslDefinition, options: CostReportOptions = {}): CostReport {
  const assumptions = { ...DEFAULT_COST_ASSUMPTIONS, ...definedFields(options) };
  const { executions, durationSeconds, memoryMb, mapItems } = assumptions;
  const transitions = analyzeTransitions(definition, { mapItems });
  return {
    assumptions,
    executions,
    transitions,
    standardShortest: estimateStandardCost(transitions.shortest, executions),
    standardLongest: transitions.longest === undefined ? undefined : estimateStandardCost(transitions.longest, executions),
    express: estimateExpressCost({ executions, durationSeconds, memoryMb }),
    expressBlockers: expressBlockers(definition),
    ...definedFields({ notPriced: whyNotPriced(definition, transitions) }),
  };
}

/** Why a definition's transitions cannot be counted, or undefined when they were. */
function whyNotPriced(definition: unknown, transitions: TransitionRange): string | undefined {
  if (!isJsonObject(definition)) return 'the definition is not a JSON object';
  if (!isJsonObject(definition.States)) return 'the definition has no States object';
  const graph = new StateGraphView(definition as AslDefinition);
  if (typeof definition.StartAt !== 'string' || !graph.successors.has(definition.StartAt)) return 'StartAt names no state';
  if (transitions.shortest === 0) return 'no path from StartAt reaches an end state (at the top level or inside a Parallel or Map)';
  return undefined;
}

function definedFields<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** Why a definition could not run as EXPRESS (the EXPRESS rules' errors); empty when it could. */
export function expressBlockers(definition: AslDefinition): string[] {
  const context = { definition, stateMachineType: 'EXPRESS' };
  return [...expressIntegrationPattern.check(context), ...expressDuration.check(context)].map((problem) => problem.message);
}

/** One execution as {@link priceRuns} needs it: its transitions (a LocalRunner result fits). */
export interface PricedRun {
  /** The state transitions the execution used (states entered plus retries). */
  readonly transitions: number;
}

/** What a set of runs would cost under each type. */
export interface RunsCost {
  /** The runs priced. */
  readonly executions: number;
  /** Their transitions, summed. */
  readonly transitions: number;
  /** Standard: the summed transitions at the list price. */
  readonly standard: CostEstimate;
  /** Express: one request per run, plus the assumed duration and memory. */
  readonly express: CostEstimate;
}

/**
 * Prices a set of executions (for example local runs of the example orders) under STANDARD,
 * from their measured transitions, and under EXPRESS, from an assumed duration and memory
 * (local runs are far faster than AWS, so their timings are not used).
 */
export function priceRuns(runs: PricedRun[], express: { durationSeconds: number; memoryMb?: number }): RunsCost {
  const transitions = runs.reduce((sum, run) => sum + run.transitions, 0);
  return {
    executions: runs.length,
    transitions,
    standard: estimateStandardCost(transitions, 1),
    express: estimateExpressCost({ executions: runs.length, ...express }),
  };
}
