import { AslDefinition, AslState, DEFAULT_MAX_ATTEMPTS, listDefinitions, listStates, nestedDefinitions, retriersOf } from '../asl/definition';
import { StateGraphView } from '../asl/graph';
import { ownField } from '../asl/json-value';

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
 * longest path unbounded. Never throws and never recurses: any nesting depth and any number of
 * states is fine; parts that are not well-formed ASL (a `States` that is not an object, a
 * transition to no state) simply lead nowhere.
 *
 * @see https://aws.amazon.com/step-functions/pricing/
 */
export function analyzeTransitions(definition: AslDefinition, options: TransitionAnalysisOptions = {}): TransitionRange {
  const costs = containerCosts(listDefinitions(definition).map(({ definition: container }) => container), options.mapItems ?? 1);
  return {
    shortest: costs.shortest.get(definition) ?? 0,
    longest: costs.longest.get(definition),
    longestWithRetries: costs.longestWithRetries.get(definition),
    dependsOnMapItems: listStates(definition).some(({ state }) => state.Type === 'Map'),
  };
}

/** A container's cost for each measure; undefined when unbounded or when no path reaches an end. */
type Costs = Map<AslDefinition, number | undefined>;

/**
 * The cost of the cheapest path, the dearest, and the dearest with every retrier exhausted, of
 * every container, innermost first (containers come in depth-first order, so a container's
 * nested ones follow it). Each container's graph is built once.
 */
function containerCosts(containers: AslDefinition[], mapItems: number): { shortest: Costs; longest: Costs; longestWithRetries: Costs } {
  const shortest: Costs = new Map();
  const longest: Costs = new Map();
  const longestWithRetries: Costs = new Map();
  for (let i = containers.length - 1; i >= 0; i--) {
    const container = containers[i];
    const graph = new StateGraphView(container);
    const cost = (costs: Costs, withRetries: boolean) => (name: string) => stateCost(ownState(container, name), mapItems, withRetries, costs);
    shortest.set(container, shortestPath(graph, cost(shortest, false)));
    const bounded = !hasReachableLoop(graph);
    longest.set(container, bounded ? longestPath(graph, cost(longest, false)) : undefined);
    longestWithRetries.set(container, bounded ? longestPath(graph, cost(longestWithRetries, true)) : undefined);
  }
  return { shortest, longest, longestWithRetries };
}

function hasReachableLoop(graph: StateGraphView): boolean {
  const reachable = graph.reachable();
  return graph.loops().some((loop) => loop.some((name) => reachable.has(name)));
}

function ownState(container: AslDefinition, name: string): AslState {
  return ownField(container.States as unknown as Record<string, unknown>, name) as AslState;
}

/** Node-weighted Dijkstra from StartAt to the cheapest terminal state. */
function shortestPath(graph: StateGraphView, cost: (name: string) => number | undefined): number | undefined {
  const start = graph.definition.StartAt;
  if (typeof start !== 'string' || !graph.successors.has(start)) return undefined;
  const startCost = cost(start);
  if (startCost === undefined) return undefined;
  const distance = new Map<string, number>([[start, startCost]]);
  const done = new Set<string>();
  const queue = new MinQueue();
  queue.push(start, startCost);
  for (let next = queue.pop(); next; next = queue.pop()) {
    const { name, priority: dist } = next;
    if (done.has(name) || dist > (distance.get(name) ?? Number.POSITIVE_INFINITY)) continue;
    if (graph.isTerminal(name)) return dist;
    done.add(name);
    for (const target of graph.successors.get(name) ?? []) {
      const step = graph.successors.has(target) ? cost(target) : undefined;
      if (step !== undefined && dist + step < (distance.get(target) ?? Number.POSITIVE_INFINITY)) {
        distance.set(target, dist + step);
        queue.push(target, dist + step);
      }
    }
  }
  return undefined;
}

/** The dearest path from StartAt to a terminal state, in a container with no reachable loop. */
function longestPath(graph: StateGraphView, cost: (name: string) => number | undefined): number | undefined {
  const start = graph.definition.StartAt;
  if (typeof start !== 'string' || !graph.successors.has(start)) return undefined;
  const memo = new Map<string, number | undefined>();
  const next = (name: string) => (graph.successors.get(name) ?? []).filter((target) => graph.successors.has(target));
  // Post-order over an acyclic graph with an explicit stack: a state's cost once all its successors have one.
  const stack: Array<{ name: string; expanded: boolean }> = [{ name: start, expanded: false }];
  while (stack.length > 0) {
    const top = stack.pop()!;
    if (memo.has(top.name)) continue;
    if (!top.expanded) {
      stack.push({ name: top.name, expanded: true });
      for (const target of next(top.name)) if (!memo.has(target)) stack.push({ name: target, expanded: false });
      continue;
    }
    const own = cost(top.name);
    const rests = next(top.name).map((target) => memo.get(target));
    if (graph.isTerminal(top.name)) rests.push(0);
    memo.set(top.name, own === undefined || rests.length === 0 || rests.some((rest) => rest === undefined) ? undefined : own + Math.max(...(rests as number[])));
  }
  return memo.get(start);
}

function stateCost(state: AslState, mapItems: number, withRetries: boolean, costs: Costs): number | undefined {
  let cost = 1;
  for (const nested of nestedDefinitions(state)) {
    const inner = costs.get(nested);
    if (inner === undefined) return undefined;
    cost += state.Type === 'Map' ? inner * mapItems : inner;
  }
  if (withRetries) {
    for (const retrier of retriersOf(state)) cost += typeof retrier.MaxAttempts === 'number' ? retrier.MaxAttempts : DEFAULT_MAX_ATTEMPTS;
  }
  return cost;
}

/** A binary min-heap of names by priority. */
class MinQueue {
  private readonly heap: Array<{ name: string; priority: number }> = [];

  push(name: string, priority: number): void {
    const heap = this.heap;
    heap.push({ name, priority });
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (heap[parent].priority <= heap[i].priority) break;
      [heap[parent], heap[i]] = [heap[i], heap[parent]];
      i = parent;
    }
  }

  pop(): { name: string; priority: number } | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && heap[left].priority < heap[smallest].priority) smallest = left;
        if (right < heap.length && heap[right].priority < heap[smallest].priority) smallest = right;
        if (smallest === i) break;
        [heap[smallest], heap[i]] = [heap[i], heap[smallest]];
        i = smallest;
      }
    }
    return top;
  }
}
