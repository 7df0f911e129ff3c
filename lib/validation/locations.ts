import { hasOwn, isJsonObject } from '../asl/json-value';

/** What a node of a definition is, as far as locating states goes. */
type NodeKind = 'container' | 'states' | 'state' | 'branches' | 'data';

/**
 * The innermost state a location points into (`/States/Fan/Branches/0/States/Work/Next` →
 * `Work`), read against the definition so that state names holding `/` resolve; undefined when
 * the location is not inside a state. Data that happens to hold a `States` field is not mistaken
 * for a state machine.
 *
 * @see https://states-language.net/spec.html#states-fields
 */
export function stateNameAt(definition: unknown, location: string): string | undefined {
  const parts = location === '/' ? [] : location.split('/').slice(1);
  let node: unknown = definition;
  let kind: NodeKind = 'container';
  let state: string | undefined;
  for (let i = 0; i < parts.length; ) {
    const found = ownKeyAt(node, parts, i);
    if (!found) break;
    kind = childKind(kind, found.key);
    if (kind === 'state') state = found.key;
    node = (node as Record<string, unknown>)[found.key];
    i = found.next;
  }
  return state;
}

function childKind(kind: NodeKind, key: string): NodeKind {
  switch (kind) {
    case 'container':
      return key === 'States' ? 'states' : 'data';
    case 'states':
      return 'state';
    case 'state':
      return key === 'Branches' ? 'branches' : key === 'ItemProcessor' || key === 'Iterator' ? 'container' : 'data';
    case 'branches':
      return 'container';
    default:
      return 'data';
  }
}

/** The shortest run of segments from `start` that, joined with `/`, is an own key of `node`. */
function ownKeyAt(node: unknown, parts: string[], start: number): { key: string; next: number } | undefined {
  if (!isJsonObject(node) && !Array.isArray(node)) return undefined;
  let key = parts[start];
  for (let end = start + 1; ; end++) {
    if (hasOwn(node as Record<string, unknown>, key)) return { key, next: end };
    if (end >= parts.length) return undefined;
    key = `${key}/${parts[end]}`;
  }
}
