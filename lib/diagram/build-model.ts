import { maskContentHashes } from '../asl/content-hashes';
import { AslDefinition, AslState, catchersOf, retriersOf } from '../asl/definition';
import { AslTransition, stateTransitions, transitionKey } from '../asl/transitions';
import { ApprovalShape, approvalCatchText, findApprovals, REJECTED_OUTCOME_ERROR } from './approval-roles';
import { catcherText, choiceRuleText, retrierDetails, retrierText, stateTypeText, truncate } from './labels';
import { DiagramEdge, DiagramEdgeKind, DiagramGroup, DiagramModel, DiagramNode, DiagramRole } from './model';
import { findSagaRoles, SagaRoles } from './saga-roles';

/** Options of {@link buildDiagramModel}. */
export interface DiagramModelOptions {
  /**
   * The diagram's title.
   * @default 'State machine'
   */
  readonly title?: string;
  /**
   * The sagas' compensations: compensation state → the action it undoes, as `Workflow` records
   * them in the state machine's metadata (`SAGA_COMPENSATIONS_METADATA`).
   * @default - recognised from the ASL a `Saga` generates
   */
  readonly sagaCompensations?: Readonly<Record<string, string>>;
}

/**
 * Turns an ASL definition into a {@link DiagramModel}: a node per state (a group per Parallel
 * and Map, holding a group per branch or item processor), start and end markers, and an edge
 * per transition (`Next`, each Choice rule, `Default`, each `Catch`), labelled. Saga
 * compensations and the rest of their undo path, and human approvals with their approved,
 * rejected and expired outcomes, are marked.
 *
 * States are numbered in the order a reader meets them: breadth first from `StartAt`, normal
 * transitions before catchers, unreachable states last, so the ids (and the layout) stay the
 * same for the same definition.
 */
export function buildDiagramModel(definition: AslDefinition, options: DiagramModelOptions = {}): DiagramModel {
  return new ModelBuilder(definition, options).build();
}

class ModelBuilder {
  private readonly nodes: DiagramNode[] = [];
  private readonly groups: DiagramGroup[] = [];
  private readonly edges: DiagramEdge[] = [];
  private readonly stateElements = new Map<string, string>();
  private readonly saga: SagaRoles;
  private readonly approvals: Map<string, ApprovalShape>;
  private readonly approvalStates: Map<string, ApprovalShape>;
  private counters = { s: 0, g: 0, m: 0, v: 0, e: 0 };

  constructor(
    private readonly definition: AslDefinition,
    private readonly options: DiagramModelOptions,
  ) {
    this.saga = findSagaRoles(definition, options.sagaCompensations);
    this.approvals = new Map(findApprovals(definition).map((shape) => [shape.parallel, shape]));
    this.approvalStates = new Map([...this.approvals.values()].flatMap((shape) => [[shape.wait, shape], [shape.expired, shape]]));
  }

  public build(): DiagramModel {
    const start = this.addNode({ kind: 'start', role: 'step', title: 'Start', notes: [] }, 'm');
    const end = this.addNode({ kind: 'end', role: 'step', title: 'End', notes: [] }, 'm');
    this.addContainer(this.definition, undefined, { start: start.id, end: end.id });
    return { title: this.options.title ?? 'State machine', nodes: this.nodes, groups: this.groups, edges: this.edges, stateElements: this.stateElements };
  }

  /** Draws a container's states, then its edges; `ends` say where its start and its end states connect. */
  private addContainer(container: AslDefinition, group: string | undefined, ends: { start: string; end: string; endKind?: DiagramEdgeKind; startKind?: DiagramEdgeKind }): void {
    const order = readingOrder(container);
    for (const name of order) this.addState(name, container.States[name], group);
    if (this.stateElements.has(container.StartAt)) {
      this.addEdge({ kind: ends.startKind ?? 'start', from: ends.start, to: this.stateElements.get(container.StartAt)!, undo: false });
    }
    for (const name of order) this.addTransitions(name, container.States[name], ends);
  }

  private addState(name: string, state: AslState, group: string | undefined): void {
    if (state.Type === 'Parallel' || state.Type === 'Map') {
      this.addFanOut(name, state, group);
      return;
    }
    const role = this.roleOf(name);
    const node = this.addNode({
      kind: 'state', stateName: name, stateType: state.Type, role, group,
      title: role === 'compensation' ? `↩ ${name}` : name,
      notes: [...this.roleNotes(name, role, state), ...retriersOf(state).map((retrier) => truncate(retrierText(retrier)))],
      tooltip: tooltipOf(name, state),
    }, 's');
    this.stateElements.set(name, node.id);
    const approval = this.approvalStates.get(name);
    if (approval && approval.wait === name) {
      const outcome = this.addNode({ kind: 'outcome', stateName: name, role: 'approval-rejected', group, title: '✗ rejected', notes: [REJECTED_OUTCOME_ERROR], error: REJECTED_OUTCOME_ERROR }, 'v');
      this.addEdge({ kind: 'outcome', from: node.id, to: outcome.id, label: 'rejected', undo: false });
    }
  }

  private roleOf(name: string): DiagramRole {
    if (this.saga.compensations.has(name)) return 'compensation';
    const approval = this.approvalStates.get(name);
    if (approval) return approval.wait === name ? 'approval-wait' : 'approval-expired';
    return this.saga.undoStates.has(name) ? 'undo' : 'step';
  }

  private roleNotes(name: string, role: DiagramRole, state: AslState): string[] {
    const type = stateTypeText(state);
    if (role === 'compensation') {
      const undoes = this.saga.compensations.get(name);
      return [type, undoes ? `compensation: undoes ${undoes}` : 'compensation'];
    }
    if (role === 'approval-wait') return [type, 'waits for a reviewer\'s decision'];
    if (role === 'approval-expired') return ['Fail · no decision in time', String(state.Error)];
    return [type];
  }

  /** A Parallel or Map: a group holding a group per branch (or the item processor), each drawn as a container. */
  private addFanOut(name: string, state: AslState, parent: string | undefined): void {
    const approval = this.approvals.has(name);
    const group = this.addGroup({
      kind: state.Type === 'Parallel' ? 'parallel' : 'map', stateName: name, parent, approval, drawn: true,
      title: name,
      notes: [approval ? 'Parallel · human approval' : stateTypeText(state), ...retriersOf(state).map((retrier) => truncate(retrierText(retrier)))],
      tooltip: tooltipOf(name, state),
    });
    this.stateElements.set(name, group.id);
    const nested = state.Type === 'Parallel' ? ((state.Branches ?? []) as AslDefinition[]) : [(state.ItemProcessor ?? state.Iterator) as AslDefinition].filter(Boolean);
    nested.forEach((definition, index) => {
      const inner = this.addGroup({
        kind: state.Type === 'Parallel' ? 'branch' : 'processor', parent: group.id, approval: false,
        drawn: state.Type === 'Map' || nested.length > 1,
        title: state.Type === 'Parallel' ? `branch ${index + 1}` : 'for each item', notes: [],
      });
      this.addContainer(definition, inner.id, { start: group.id, end: group.id, startKind: 'fork', endKind: 'join' });
    });
  }

  private addTransitions(name: string, state: AslState, ends: { end: string; endKind?: DiagramEdgeKind }): void {
    const from = this.stateElements.get(name)!;
    for (const transition of stateTransitions(name, state)) {
      const to = this.stateElements.get(transition.to);
      if (!to) continue; // a transition to a state that does not exist: lint reports it
      this.addEdge({
        kind: transition.kind, from, to, transition: transitionKey(transition),
        label: this.transitionLabel(transition),
        // Whatever follows an undo state is on the undo path too (see findSagaRoles).
        undo: this.saga.undoStates.has(name),
      });
    }
    if (state.End === true || state.Type === 'Succeed') {
      const approved = this.approvalStates.get(name)?.wait === name;
      this.addEdge({ kind: ends.endKind ?? 'end', from, to: ends.end, label: approved ? 'approved' : undefined, undo: this.saga.undoStates.has(name) });
    }
  }

  private transitionLabel(transition: AslTransition): string | undefined {
    const state = transition.from;
    switch (transition.kind) {
      case 'choice':
        return truncate(choiceRuleText(transition.rule ?? {}));
      case 'default':
        return 'Default';
      case 'catch':
        if (this.approvals.has(state)) return truncate(approvalCatchText(transition.errors ?? []));
        if (this.approvalStates.get(state)?.expired === transition.to) return `✗ ${(transition.errors ?? []).join(', ')}: expired`;
        return truncate(catcherText({ ErrorEquals: [...(transition.errors ?? [])] }));
      default: {
        const approval = this.approvals.get(state);
        if (!approval) return undefined;
        return approval.notRequired ? 'approved or not required' : 'approved';
      }
    }
  }

  private addNode(node: Omit<DiagramNode, 'id'>, prefix: 's' | 'm' | 'v'): DiagramNode {
    const created = { ...node, id: `${prefix}${this.counters[prefix]++}` };
    this.nodes.push(created);
    return created;
  }

  private addGroup(group: Omit<DiagramGroup, 'id'>): DiagramGroup {
    const created = { ...group, id: `g${this.counters.g++}` };
    this.groups.push(created);
    return created;
  }

  private addEdge(edge: Omit<DiagramEdge, 'id'>): void {
    this.edges.push({ ...edge, id: `e${this.counters.e++}` });
  }
}

/**
 * The states of a container in reading order: breadth first from `StartAt`, following `Next`,
 * Choice rules and `Default` before catchers; states not reached that way follow in
 * definition order.
 */
function readingOrder(container: AslDefinition): string[] {
  const states = container.States ?? {};
  const seen = new Set<string>();
  const queue = states[container.StartAt] ? [container.StartAt] : [];
  const visit = (names: string[]) => {
    while (names.length > 0) {
      const name = names.shift()!;
      if (seen.has(name) || !states[name]) continue;
      seen.add(name);
      const transitions = stateTransitions(name, states[name]);
      names.push(...transitions.filter((t) => t.kind !== 'catch').map((t) => t.to), ...transitions.filter((t) => t.kind === 'catch').map((t) => t.to));
    }
  };
  visit(queue);
  for (const name of Object.keys(states)) visit([name]);
  return [...seen];
}

/** A state's type, retriers and catchers in full, for a tooltip. */
function tooltipOf(name: string, state: AslState): string {
  const lines = [`${name} (${state.Type})`];
  // Masked, so a code change alone does not redraw the diagram.
  if (typeof state.Resource === 'string') lines.push(`Resource ${maskContentHashes(state.Resource)}`);
  if (typeof state.Comment === 'string') lines.push(state.Comment);
  lines.push(...retriersOf(state).map(retrierDetails));
  lines.push(...catchersOf(state).map((catcher) => `Catch ${(catcher.ErrorEquals ?? []).join(', ')} → ${String(catcher.Next)}`));
  return lines.join('\n');
}
