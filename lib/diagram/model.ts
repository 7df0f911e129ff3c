/**
 * What a node of a diagram stands for: a state, the start or end of the state machine, or an
 * outcome that is no state (a rejected approval ends in an error, not in a state).
 */
export type DiagramNodeKind = 'state' | 'start' | 'end' | 'outcome';

/**
 * What part a state plays, read from the ASL the library generates and the metadata its
 * constructs record: an ordinary step, a saga's compensation, another state on a saga's undo
 * path (failure records, the compensation check, the hooks), a human approval's wait for a
 * decision, or its expiry.
 */
export type DiagramRole = 'step' | 'compensation' | 'undo' | 'approval-wait' | 'approval-expired' | 'approval-rejected';

/** A node: a state that is not a Parallel or Map, a start or end marker, or an outcome. */
export interface DiagramNode {
  /** An id safe in Mermaid and DOT (`s0`, `m0`, `v0`, ...). */
  readonly id: string;
  /** What the node stands for. */
  readonly kind: DiagramNodeKind;
  /** The state's name (for kind `state`; for `outcome`, the state whose error it is). */
  readonly stateName?: string;
  /** The ASL state type (`Task`, `Pass`, `Choice`, `Wait`, `Succeed`, `Fail`). */
  readonly stateType?: string;
  /** The part the node plays in the workflow, which its style shows. */
  readonly role: DiagramRole;
  /** The first line: the state name, or the marker's word. */
  readonly title: string;
  /** Further lines: the type and resource, retries, what the state undoes. */
  readonly notes: readonly string[];
  /** The full text for a tooltip (every retrier and catcher in full). */
  readonly tooltip?: string;
  /** The group that holds the node; undefined at the top level. */
  readonly group?: string;
  /** For an `outcome`: the error that leads to it. */
  readonly error?: string;
}

/**
 * What a group stands for: a Parallel state (holding its branches), one branch, a Map state
 * (holding its item processor), or the processor.
 */
export type DiagramGroupKind = 'parallel' | 'branch' | 'map' | 'processor';

/** A group drawn as a box around its nodes and groups (a Mermaid subgraph, a DOT cluster). */
export interface DiagramGroup {
  /** An id safe in Mermaid and DOT (`g0`, ...). */
  readonly id: string;
  /** What the group stands for. */
  readonly kind: DiagramGroupKind;
  /** For `parallel` and `map`: the state's name. */
  readonly stateName?: string;
  /** The title line. */
  readonly title: string;
  /** Further lines: retries, the Map's mode. */
  readonly notes: readonly string[];
  /** The full text for a tooltip. */
  readonly tooltip?: string;
  /** The enclosing group; undefined at the top level. */
  readonly parent?: string;
  /** A `parallel` group that is a human approval. */
  readonly approval: boolean;
  /** Whether renderers draw the box (a Parallel with one branch needs no box for the branch). */
  readonly drawn: boolean;
}

/**
 * What an edge stands for: the start marker to `StartAt`, an end state to the end marker, an
 * ASL transition (`next`, `choice`, `default`, `catch`), a Parallel or Map to the first state
 * of a branch (`fork`) and a branch's last state back to it (`join`), or a state to an
 * `outcome` node.
 */
export type DiagramEdgeKind = 'start' | 'end' | 'next' | 'choice' | 'default' | 'catch' | 'fork' | 'join' | 'outcome';

/** An edge between two nodes or groups (a Parallel or Map state is a group). */
export interface DiagramEdge {
  /** An id safe in Mermaid and DOT (`e0`, ...). */
  readonly id: string;
  /** What the edge stands for. */
  readonly kind: DiagramEdgeKind;
  /** The node or group it leaves. */
  readonly from: string;
  /** The node or group it enters. */
  readonly to: string;
  /** The text on the edge: a Choice rule, `Default`, the errors a catcher matches, an approval's outcome. */
  readonly label?: string;
  /** For ASL transitions: the key of the transition (see `transitionKey`), by which runs and coverage find it. */
  readonly transition?: string;
  /** Whether the edge lies on a saga's undo path. */
  readonly undo: boolean;
}

/** A state machine drawn as nodes, groups and edges, before any renderer sees it. */
export interface DiagramModel {
  /** The title (the state machine's name or path). */
  readonly title: string;
  /** The nodes: states, the start and end markers, and outcomes. */
  readonly nodes: readonly DiagramNode[];
  /** The groups: Parallel branches and Map item processors, drawn as boxes around their states. */
  readonly groups: readonly DiagramGroup[];
  /** The edges: the transitions. */
  readonly edges: readonly DiagramEdge[];
  /** Where each state is drawn: the node id, or the group id for a Parallel or Map. */
  readonly stateElements: ReadonlyMap<string, string>;
}
