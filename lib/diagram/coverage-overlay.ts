import { DiagramEdge, DiagramModel, DiagramNode } from './model';
import { DiagramOverlay, EdgeMark, ElementMark } from './overlay';

/** How often each state was entered and each transition taken, across any number of executions. */
export interface CoverageCounts {
  /** Entries by state name. */
  readonly states: Readonly<Record<string, number>>;
  /** Times taken by transition key (see `transitionKey`). */
  readonly transitions: Readonly<Record<string, number>>;
}

/**
 * Coverage as an overlay: each state `covered` (with `×n`, how often it was entered) or
 * `uncovered` ("never entered"), each transition `covered` or `uncovered` ("never taken").
 * Start and end markers and the edges that only connect groups follow their states.
 *
 * @param subtitle the coverage figures, for the line under the title
 */
export function coverageOverlay(model: DiagramModel, counts: CoverageCounts, subtitle: string): DiagramOverlay {
  const elements = new Map<string, ElementMark>();
  for (const node of model.nodes) {
    if (node.kind !== 'outcome') elements.set(node.id, nodeMark(node, counts));
  }
  for (const group of model.groups) {
    if (group.stateName) elements.set(group.id, stateMark(counts.states[group.stateName] ?? 0));
  }
  // An outcome (a rejected approval) is no state: coverage does not count it.
  const edges = new Map<string, EdgeMark>(model.edges.filter((edge) => edge.kind !== 'outcome').map((edge) => [edge.id, edgeMark(edge, counts, elements)]));
  return { subtitle, elements, edges };
}

function nodeMark(node: DiagramNode, counts: CoverageCounts): ElementMark {
  if (node.kind === 'state') return stateMark(counts.states[node.stateName ?? ''] ?? 0);
  const entered = Object.values(counts.states).some((count) => count > 0);
  return { status: entered ? 'covered' : 'uncovered' };
}

function stateMark(entries: number): ElementMark {
  return entries > 0 ? { status: 'covered', badge: `×${entries}` } : { status: 'uncovered', notes: ['never entered'] };
}

function edgeMark(edge: DiagramEdge, counts: CoverageCounts, elements: Map<string, ElementMark>): EdgeMark {
  if (edge.transition !== undefined) {
    const taken = counts.transitions[edge.transition] ?? 0;
    return taken > 0 ? { status: 'covered', note: `×${taken}` } : { status: 'uncovered', note: 'never taken' };
  }
  const covered = (id: string) => elements.get(id)?.status === 'covered';
  return { status: covered(edge.from) && covered(edge.to) ? 'covered' : 'uncovered' };
}
