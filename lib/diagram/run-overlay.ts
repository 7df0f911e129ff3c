import { ExecutionTrace, TraceStep } from './execution-trace';
import { durationText, truncate } from './labels';
import { DiagramEdge, DiagramModel, DiagramNode } from './model';
import { DiagramOverlay, EdgeMark, ElementMark } from './overlay';
import { stateNamesByElement } from './state-elements';

/** Options of {@link runOverlay}. */
export interface RunOverlayOptions {
  /**
   * The execution's name for the subtitle.
   * @default - none
   */
  readonly executionName?: string;
  /**
   * Whether to show how long each state and the execution took (from the event timestamps).
   * Leave them out for a picture that must not change between runs.
   * @default true
   */
  readonly durations?: boolean;
}

/** How many step numbers a badge lists before it shortens to `first, second, … ×n`. */
const BADGE_STEPS = 3;

/**
 * One execution's path as an overlay: each state entered is `taken` (or `failed`, or `caught`
 * when an error left it through a catcher) with its step numbers, retries, errors and
 * durations; each transition followed is `taken`, with `×n` when followed more than once;
 * everything else is `untaken`.
 */
export function runOverlay(model: DiagramModel, trace: ExecutionTrace, options: RunOverlayOptions = {}): DiagramOverlay {
  const durations = options.durations ?? true;
  const stepsByState = groupSteps(trace.steps);
  const names = stateNamesByElement(model);
  const elements = new Map<string, ElementMark>();
  for (const node of model.nodes) elements.set(node.id, nodeMark(node, stepsByState, trace, durations));
  for (const group of model.groups) {
    const steps = stepsByState.get(group.stateName ?? '') ?? [];
    if (group.stateName) elements.set(group.id, stateMark(steps, durations));
  }
  const taken = countTransitions(trace);
  const edges = new Map<string, EdgeMark>(model.edges.map((edge) => [edge.id, edgeMark(edge, taken, elements, names, stepsByState)]));
  return { subtitle: subtitleOf(trace, options.executionName, durations), elements, edges };
}

function groupSteps(steps: readonly TraceStep[]): Map<string, TraceStep[]> {
  const grouped = new Map<string, TraceStep[]>();
  for (const step of steps) grouped.set(step.stateName, [...(grouped.get(step.stateName) ?? []), step]);
  return grouped;
}

function nodeMark(node: DiagramNode, stepsByState: Map<string, TraceStep[]>, trace: ExecutionTrace, durations: boolean): ElementMark {
  switch (node.kind) {
    case 'start':
      return { status: trace.steps.length > 0 ? 'taken' : 'untaken' };
    case 'end':
      return { status: trace.status === 'SUCCEEDED' ? 'taken' : 'untaken' };
    case 'outcome': {
      const hit = (stepsByState.get(node.stateName ?? '') ?? []).some((step) => step.failure?.error === node.error);
      return { status: hit ? 'failed' : 'untaken' };
    }
    default:
      return stateMark(stepsByState.get(node.stateName ?? '') ?? [], durations);
  }
}

/** The mark of a state from its entries: the worst outcome, the step numbers, retries, errors, time spent. */
function stateMark(steps: TraceStep[], durations: boolean): ElementMark {
  if (steps.length === 0) return { status: 'untaken' };
  const status = steps.some((step) => step.outcome === 'failed') ? 'failed' : steps.some((step) => step.outcome === 'caught') ? 'caught' : 'taken';
  const notes: string[] = [];
  const retries = steps.flatMap((step) => step.retries);
  if (retries.length > 0) notes.push(truncate(`↻ ${retries.length} ${retries.length === 1 ? 'retry' : 'retries'}: ${unique(retries.map((retry) => retry.error || '?')).join(', ')}`));
  const errors = unique(steps.filter((step) => step.outcome === 'failed' || step.outcome === 'caught').map((step) => step.failure?.error ?? '').filter(Boolean));
  if (errors.length > 0) notes.push(truncate(`✗ ${errors.join(', ')}${status === 'caught' ? ' (caught)' : ''}`));
  if (steps.some((step) => step.outcome === 'aborted')) notes.push('aborted');
  if (durations) notes.push(durationText(steps.reduce((total, step) => total + spent(step), 0)));
  return { status, badge: badgeOf(steps), notes };
}

function spent(step: TraceStep): number {
  return (step.exitedAt ?? step.lastEventAt).getTime() - step.enteredAt.getTime();
}

function badgeOf(steps: TraceStep[]): string {
  const numbers = steps.map((step) => String(step.number));
  return numbers.length <= BADGE_STEPS ? numbers.join(', ') : `${numbers.slice(0, 2).join(', ')}, … ×${numbers.length}`;
}

function countTransitions(trace: ExecutionTrace): Map<string, number> {
  const counts = new Map<string, number>();
  for (const transition of trace.transitions) counts.set(transition.key, (counts.get(transition.key) ?? 0) + 1);
  return counts;
}

/**
 * An ASL transition is taken when the trace followed it; a structural edge (start, end, fork,
 * join, outcome) when both its ends were reached and, for an end or join, its state ended well.
 */
function edgeMark(
  edge: DiagramEdge,
  taken: Map<string, number>,
  elements: Map<string, ElementMark>,
  names: Map<string, string>,
  stepsByState: Map<string, TraceStep[]>,
): EdgeMark {
  if (edge.transition !== undefined) {
    const count = taken.get(edge.transition) ?? 0;
    return count > 0 ? { status: 'taken', note: count > 1 ? `×${count}` : undefined } : { status: 'untaken' };
  }
  const reached = (id: string) => (elements.get(id)?.status ?? 'untaken') !== 'untaken';
  if (edge.kind === 'end' || edge.kind === 'join') {
    const steps = stepsByState.get(names.get(edge.from) ?? '') ?? [];
    return steps.some((step) => step.outcome === 'succeeded') && reached(edge.to) ? { status: 'taken' } : { status: 'untaken' };
  }
  return reached(edge.from) && reached(edge.to) ? { status: 'taken' } : { status: 'untaken' };
}

function subtitleOf(trace: ExecutionTrace, executionName: string | undefined, durations: boolean): string {
  const retries = trace.steps.reduce((total, step) => total + step.retries.length, 0);
  const parts = [
    ...(executionName ? [executionName] : []),
    trace.status + (trace.error ? `: ${trace.error}` : ''),
    `${trace.steps.length} states entered`,
    `${retries} ${retries === 1 ? 'retry' : 'retries'}`,
  ];
  if (durations && trace.startedAt && trace.endedAt) parts.push(durationText(trace.endedAt.getTime() - trace.startedAt.getTime()));
  return parts.join(' · ');
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
