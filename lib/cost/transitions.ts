import { AslDefinition, AslState, DEFAULT_MAX_ATTEMPTS, listStates, nestedDefinitions, retriersOf } from '../asl/definition';
import { StateGraphView } from '../asl/graph';

/** Options of {@link analyzeTransitions}. */
export interface TransitionAnalysisOptions {
  /**
   * Items each Map state is assumed to process (the count depends on the input).
   * @default 1
   */
  readonly mapItems?: number;
}

/** The state transitions an execution can take, from a static reading of its ASL. */
export interface TransitionRange {
  /** Transitions of the shortest path from StartAt to an end (error paths included). */
  readonly shortest: number;
  /** Transitions of the longest path without retries; undefined when a loop makes it unbounded. */
  readonly longest?: number;
  /** The longest path with every retrier on it exhausted; undefined when unbounded. */
  readonly longestWithRetries?: number;
  /** Whether a Map state makes the numbers depend on `mapItems`. */
  readonly dependsOnMapItems: boolean;
}

/**
 * Counts the state transitions (states entered, as Standard workflows are billed) of the
 * shortest and longest paths through a definition. A Parallel state costs itself plus each
 * branch; a Map state itself plus `mapItems` runs of its item processor; a loop makes the
 * longest path unbounded.
 *
 * @see https://aws.amazon.com/step-functions/pricing/
 */
export function analyzeTransitions(definition: AslDefinition, options: TransitionAnalysisOptions = {}): TransitionRange {
  const mapItems = options.mapItems ?? 1;
  const shortest = pathCost(definition, 'shortest', mapItems, false);
  const longest = pathCost(definition, 'longest', mapItems, false);
  const longestWithRetries = pathCost(definition, 'longest', mapItems, true);
  return {
    shortest: shortest ?? 0,
    longest,
    longestWithRetries,
    dependsOnMapItems: listStates(definition).some(({ state }) => state.Type === 'Map'),
  };
}

type Mode = 'shortest' | 'longest';

/** The cost of the cheapest or dearest path of a container; undefined when unbounded. */
function pathCost(definition: AslDefinition, mode: Mode, mapItems: number, withRetries: boolean): number | undefined {
  const graph = new StateGraphView(definition);
  const cost = (name: string) => stateCost(definition.States[name], mode, mapItems, withRetries);
  return mode === 'shortest' ? shortestPath(graph, cost) : longestPath(graph, cost);
}

/** Node-weighted Dijkstra from StartAt to the cheapest terminal state. */
function shortestPath(graph: StateGraphView, cost: (name: string) => number | undefined): number | undefined {
  const start = graph.definition.StartAt;
  const startCost = cost(start);
  if (startCost === undefined) return undefined;
  const distance = new Map<string, number>([[start, startCost]]);
  const done = new Set<string>();
  while (true) {
    const candidates = [...distance].filter(([name]) => !done.has(name));
    if (candidates.length === 0) return undefined;
    const [name, dist] = candidates.reduce((best, entry) => (entry[1] < best[1] ? entry : best));
    if (graph.isTerminal(name)) return dist;
    done.add(name);
    for (const next of graph.successors.get(name) ?? []) {
      const step = graph.successors.has(next) ? cost(next) : undefined;
      if (step !== undefined && dist + step < (distance.get(next) ?? Number.POSITIVE_INFINITY)) distance.set(next, dist + step);
    }
  }
}

/** The dearest path from StartAt to a terminal state; undefined when a reachable loop makes it unbounded. */
function longestPath(graph: StateGraphView, cost: (name: string) => number | undefined): number | undefined {
  const reachable = graph.reachable();
  if (graph.loops().some((loop) => loop.some((name) => reachable.has(name)))) return undefined;
  const memo = new Map<string, number | undefined>();
  const costFrom = (name: string): number | undefined => {
    if (memo.has(name)) return memo.get(name);
    const own = cost(name);
    const rests = (graph.successors.get(name) ?? []).filter((next) => graph.successors.has(next)).map(costFrom);
    if (graph.isTerminal(name)) rests.push(0);
    const total = own === undefined || rests.some((rest) => rest === undefined) || rests.length === 0
      ? undefined
      : own + Math.max(...(rests as number[]));
    memo.set(name, total);
    return total;
  };
  return costFrom(graph.definition.StartAt);
}

function stateCost(state: AslState, mode: Mode, mapItems: number, withRetries: boolean): number | undefined {
  let cost = 1;
  for (const nested of nestedDefinitions(state)) {
    const inner = pathCost(nested, mode, mapItems, withRetries);
    if (inner === undefined) return undefined;
    cost += state.Type === 'Map' ? inner * mapItems : inner;
  }
  if (withRetries) {
    for (const retrier of retriersOf(state)) cost += typeof retrier.MaxAttempts === 'number' ? retrier.MaxAttempts : DEFAULT_MAX_ATTEMPTS;
  }
  return cost;
}
