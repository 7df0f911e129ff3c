import { AslDefinition, transitionsOf } from './definition';

/**
 * The transitions of one container (a state machine, a Parallel branch or a Map item
 * processor) as a graph over its state names. Nested containers are separate graphs.
 */
export class StateGraphView {
  /** Successors of each state: `Next`, `Default`, Choice rules and Catch targets. */
  public readonly successors: Map<string, string[]>;

  constructor(public readonly definition: AslDefinition) {
    this.successors = new Map(Object.entries(definition.States ?? {}).map(([name, state]) => [name, transitionsOf(state)]));
  }

  /** The states reachable from `StartAt`, in breadth-first order. */
  public reachable(): Set<string> {
    const seen = new Set<string>();
    const queue = this.successors.has(this.definition.StartAt) ? [this.definition.StartAt] : [];
    while (queue.length > 0) {
      const name = queue.shift()!;
      if (seen.has(name)) continue;
      seen.add(name);
      queue.push(...(this.successors.get(name) ?? []).filter((next) => this.successors.has(next)));
    }
    return seen;
  }

  /** Whether a state ends its container: `End: true`, or a Succeed or Fail state. */
  public isTerminal(name: string): boolean {
    const state = this.definition.States[name];
    return state?.End === true || state?.Type === 'Succeed' || state?.Type === 'Fail';
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

/** Tarjan's algorithm over a successor map. */
function stronglyConnectedComponents(successors: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const lowLinks = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];

  const visit = (node: string): void => {
    indices.set(node, index);
    lowLinks.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of successors.get(node) ?? []) {
      if (!successors.has(next)) continue;
      if (!indices.has(next)) {
        visit(next);
        lowLinks.set(node, Math.min(lowLinks.get(node)!, lowLinks.get(next)!));
      } else if (onStack.has(next)) {
        lowLinks.set(node, Math.min(lowLinks.get(node)!, indices.get(next)!));
      }
    }
    if (lowLinks.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      components.push(component);
    }
  };
  for (const node of successors.keys()) if (!indices.has(node)) visit(node);
  return components;
}
