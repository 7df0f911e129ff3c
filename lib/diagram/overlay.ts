/**
 * How an overlay marks a node, group or edge: on a run diagram `taken` (entered, or followed),
 * `failed` (where an error was not handled), `caught` (an error was caught here) or
 * `untaken`; on a coverage diagram `covered` or `uncovered`.
 */
export type OverlayStatus = 'taken' | 'failed' | 'caught' | 'untaken' | 'covered' | 'uncovered';

/** What an overlay says about one node or group (a state). */
export interface ElementMark {
  /** How the state is marked. */
  readonly status: OverlayStatus;
  /** A short tag drawn before the title: the step numbers (`3`, `5, 9 ×2`) or a count (`×12`). */
  readonly badge?: string;
  /** Lines added under the notes: retries, the error caught, the duration. */
  readonly notes?: readonly string[];
}

/** What an overlay says about one edge. */
export interface EdgeMark {
  /** How the edge is marked. */
  readonly status: OverlayStatus;
  /** Text added to the edge's label (`×3`, `never taken`). */
  readonly note?: string;
}

/**
 * A layer drawn over a diagram: one execution's path (a run diagram) or a test suite's
 * coverage. Elements and edges it does not mention keep their plain look.
 */
export interface DiagramOverlay {
  /** A line drawn under the title: the execution's outcome, the coverage figures. */
  readonly subtitle: string;
  /** Marks by node or group id. */
  readonly elements: ReadonlyMap<string, ElementMark>;
  /** Marks by edge id. */
  readonly edges: ReadonlyMap<string, EdgeMark>;
}
