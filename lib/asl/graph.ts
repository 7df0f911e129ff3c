import { AslDefinition, AslState, transitionsOf } from './definition';
import { isJsonObject, ownField } from './json-value';

/**
 * The transitions of one container (a state machine, a Parallel branch or a Map item
 * processor) as a graph over its state names. Nested containers are separate graphs.
 * Works on any input: entries of `States` that are not objects (or a `States` that is not an
 * object) contribute no state, and no method recurses, so a chain of 100,000 states is fine.
 */
export class StateGraphView {
  /** Successors of each state: `Next`, `Default`, Choice rules and Catch targets. */
  public readonly successors: Map<string, string[]>;

  constructor(public readonly definition: AslDefinition) {
    this.successors = new Map(statesOf(definition).map(([name, state]) => [name, transitionsOf(state)]));
  }

  /** The states reachable from `StartAt`, in breadth-first order. */
  public reachable(): Set<string> {
    const seen = new Set<string>();
    const start = this.definition.StartAt;
    const queue = typeof start === 'string' && this.successors.has(start) ? [start] : [];
    for (let head = 0; head < queue.length; head++) {
      const name = queue[head];
      if (seen.has(name)) continue;
      seen.add(name);
      for (const next of this.successors.get(name) ?? []) if (this.successors.has(next) && !seen.has(next)) queue.push(next);
    }
    return seen;
  }

  /** Whether a state ends its container: `End: true`, or a Succeed or Fail state. */
  public isTerminal(name: string): boolean {
    const states = ownField(this.definition, 'States');
    const state = isJsonObject(states) ? ownField(states, name) : undefined;
    return isJsonObject(state) && (state.End === true || state.Type === 'Succeed' || state.Type === 'Fail');
  }

  /**
   * The strongly connected components that form loops (more than one state, or a state that
   * transitions to itself), each as a list of state names.
   */
  public loops(): string[][] {
    return stronglyConnectedComponents(this.successors).filter(
      (component) => component.length > 1 || (this.successors.get(component[0]) ?? []).includes(component[0]),
    );
  }

  /** Whether a loop has a transition leaving it, or a state in it that ends the container. */
  public loopHasExit(loop: string[]): boolean {
    const members = new Set(loop);
    return loop.some((name) => this.isTerminal(name) || (this.successors.get(name) ?? []).some((next) => !members.has(next)));
  }
}

function statesOf(definition: AslDefinition): Array<[string, AslState]> {
  const states = isJsonObject(definition) ? ownField(definition, 'States') : undefined;
  if (!isJsonObject(states)) return [];
  return Object.entries(states).filter((entry): entry is [string, AslState] => isJsonObject(entry[1]));
}

/** Tarjan's algorithm over a successor map, with an explicit stack instead of recursion. */
function stronglyConnectedComponents(successors: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];

  const open = (node: string) => {
    index.set(node, counter);
    lowLink.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
  };
  const close = (node: string) => {
    if (lowLink.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    components.push(component);
  };

  for (const root of successors.keys()) {
    if (index.has(root)) continue;
    open(root);
    const work: Array<{ node: string; next: number }> = [{ node: root, next: 0 }];
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const targets = successors.get(frame.node) ?? [];
      if (frame.next < targets.length) {
        const target = targets[frame.next++];
        if (!successors.has(target)) continue;
        if (!index.has(target)) {
          open(target);
          work.push({ node: target, next: 0 });
        } else if (onStack.has(target)) {
          lowLink.set(frame.node, Math.min(lowLink.get(frame.node)!, index.get(target)!));
        }
        continue;
      }
      work.pop();
      close(frame.node);
      const parent = work[work.length - 1];
      if (parent) lowLink.set(parent.node, Math.min(lowLink.get(parent.node)!, lowLink.get(frame.node)!));
    }
  }
  return components;
}
