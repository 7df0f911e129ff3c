/**
 * The part of the `jsonata` package's expression tree (`jsonata(text).ast()`) that the rules
 * and the engine read: its typings lack the `path` nodes and their steps.
 */
export interface JsonataNode {
  readonly type: string;
  readonly value?: unknown;
  readonly steps?: readonly JsonataNode[];
  readonly [key: string]: unknown;
}

/**
 * Visits every node of a jsonata expression tree, parents before children and children in
 * order, without recursion (a deeply nested expression cannot overflow the stack).
 */
export function walkJsonata(root: JsonataNode, visit: (node: JsonataNode) => void): void {
  const seen = new Set<object>();
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const item = pending.pop();
    if (item === null || typeof item !== 'object' || seen.has(item)) continue;
    seen.add(item);
    const children = Array.isArray(item) ? item : Object.values(item);
    if (!Array.isArray(item) && typeof (item as JsonataNode).type === 'string') visit(item as JsonataNode);
    for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]);
  }
}
