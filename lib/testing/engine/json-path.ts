import { JSONPath } from 'jsonpath-plus';

/** What a path reads from: the state's input (`$`), the context object (`$$`) or a variable (`$name`). */
export type PathRoot = 'input' | 'context' | 'variable';

/** What a definite path that selects nothing returns. */
export const NOT_FOUND: unique symbol = Symbol('NOT_FOUND');

/** One step of a definite path: a field name or an array index. */
type Segment = { readonly name: string } | { readonly index: number };

/**
 * A JSONPath compiled once: `$.a.b[0]`, `$$.Execution.Id`, `$order.total`, `$.items[?(@.qty > 1)]`.
 *
 * A **definite** path (field names and indexes only, as ASL's reference paths) selects one
 * node or nothing. An **indefinite** path (wildcards, filters, slices, unions, `..`) selects a
 * list: its result is always an array, empty when nothing matches (Jayway JsonPath's rule, the
 * library Step Functions uses).
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html
 */
export interface CompiledPath {
  /** The path as written. */
  readonly text: string;
  /** What the path reads from. */
  readonly root: PathRoot;
  /** For a variable path, the variable's name. */
  readonly variable?: string;
  /** Whether the path selects at most one node. */
  readonly definite: boolean;
  /** The field names and indexes of a definite path, outermost first. */
  readonly segments?: readonly Segment[];
  /** Selects from the root value: the node, NOT_FOUND, or (indefinite) an array of nodes. */
  read(root: unknown): unknown;
}

/** A path that is not valid JSONPath. */
export class PathSyntaxError extends Error {
  constructor(path: string, problem: string) {
    super(`Invalid path '${path}': ${problem}`);
    this.name = 'PathSyntaxError';
  }
}

const cache = new Map<string, CompiledPath>();

/**
 * Compiles a path (cached by text).
 *
 * @throws PathSyntaxError if the text is not a path.
 */
export function compilePath(text: string): CompiledPath {
  let compiled = cache.get(text);
  if (!compiled) {
    compiled = parsePath(text);
    cache.set(text, compiled);
  }
  return compiled;
}

/**
 * Compiles a reference path: a definite path over the input (`ResultPath`, `ItemsPath`,
 * `*SecondsPath`, ...), or over a variable or the context object where `allowOtherRoots` says so.
 *
 * @throws PathSyntaxError if the text is not a reference path.
 */
export function compileReferencePath(text: string, allowOtherRoots = false): CompiledPath {
  const path = compilePath(text);
  if (!path.definite) throw new PathSyntaxError(text, 'a reference path selects a single node: no wildcards, filters, slices, unions or "..".');
  if (!allowOtherRoots && path.root !== 'input') throw new PathSyntaxError(text, 'a reference path here starts with "$." or is "$".');
  return path;
}

/** Whether a string is written as a path: `$`, `$.x`, `$[0]`, `$$...` or `$name...`. */
export function looksLikePath(text: string): boolean {
  return /^\$(?:$|[.[$]|[\p{ID_Start}_])/u.test(text);
}

function parsePath(text: string): CompiledPath {
  if (!text.startsWith('$')) throw new PathSyntaxError(text, 'a path starts with "$".');
  let root: PathRoot = 'input';
  let position = 1;
  let variable: string | undefined;
  if (text[1] === '$') {
    root = 'context';
    position = 2;
  } else {
    const name = /^[\p{ID_Start}_][\p{ID_Continue}]*/u.exec(text.slice(1))?.[0];
    if (name) {
      root = 'variable';
      variable = name;
      position = 1 + name.length;
    }
  }
  const rest = text.slice(position);
  const segments = definiteSegments(text, rest);
  if (segments) return definitePath(text, root, variable, segments);
  return indefinitePath(text, root, variable, `$${rest}`);
}

/** The segments of a definite path, or undefined when the path is indefinite. */
function definiteSegments(text: string, rest: string): Segment[] | undefined {
  const segments: Segment[] = [];
  let i = 0;
  while (i < rest.length) {
    const char = rest[i];
    if (char === '.' && rest[i + 1] === '[') {
      // `$.[0]` and `$.a.['b']`: Jayway JsonPath (and so Step Functions) reads `.[` as `[`.
      i++;
    } else if (char === '.') {
      if (rest[i + 1] === '.') return undefined;
      let end = i + 1;
      while (end < rest.length && rest[end] !== '.' && rest[end] !== '[') end++;
      const name = rest.slice(i + 1, end);
      if (name === '') throw new PathSyntaxError(text, `empty field name at position ${i + 1}.`);
      if (name === '*' || name.includes('(')) return undefined;
      segments.push({ name });
      i = end;
    } else if (char === '[') {
      const end = closingBracket(text, rest, i);
      const inner = rest.slice(i + 1, end).trim();
      const quoted = /^'((?:[^'\\]|\\.)*)'$|^"((?:[^"\\]|\\.)*)"$/.exec(inner);
      if (/^-?\d+$/.test(inner)) segments.push({ index: Number(inner) });
      // A backslash in a bracketed name is literal (recorded in AWS), except before the closing quote.
      else if (quoted) segments.push({ name: quoted[1] !== undefined ? quoted[1].replace(/\\'/g, "'") : quoted[2] });
      else if (inner === '') throw new PathSyntaxError(text, 'empty brackets.');
      else return undefined;
      i = end + 1;
    } else {
      throw new PathSyntaxError(text, `unexpected '${char}' at position ${text.length - rest.length + i}.`);
    }
  }
  return segments;
}

function closingBracket(text: string, rest: string, open: number): number {
  let quote: string | undefined;
  let depth = 0;
  for (let i = open; i < rest.length; i++) {
    const char = rest[i];
    if (quote) {
      if (char === '\\') i++;
      else if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char === '[') {
      depth++;
    } else if (char === ']' && --depth === 0) {
      return i;
    }
  }
  throw new PathSyntaxError(text, 'unclosed "[".');
}

function definitePath(text: string, root: PathRoot, variable: string | undefined, segments: Segment[]): CompiledPath {
  return { text, root, variable, definite: true, segments, read: (value) => readSegments(value, segments, segments.length) };
}

/** Follows the first `count` segments from `value`: the node reached, or NOT_FOUND. */
function readSegments(value: unknown, segments: readonly Segment[], count: number): unknown {
  let node = value;
  for (let i = 0; i < count; i++) {
    const segment = segments[i];
    if ('name' in segment) {
      if (node === null || typeof node !== 'object' || Array.isArray(node)) return NOT_FOUND;
      if (!Object.prototype.hasOwnProperty.call(node, segment.name)) return NOT_FOUND;
      node = (node as Record<string, unknown>)[segment.name];
    } else {
      if (!Array.isArray(node)) return NOT_FOUND;
      const index = segment.index < 0 ? node.length + segment.index : segment.index;
      if (index < 0 || index >= node.length) return NOT_FOUND;
      node = node[index];
    }
  }
  return node;
}

function indefinitePath(text: string, root: PathRoot, variable: string | undefined, libraryPath: string): CompiledPath {
  try {
    JSONPath.toPathArray(libraryPath);
  } catch (error) {
    throw new PathSyntaxError(text, (error as Error).message);
  }
  const read = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return [];
    return JSONPath({ path: libraryPath, json: value as object, wrap: true, resultType: 'value', eval: 'safe' }) ?? [];
  };
  return { text, root, variable, definite: false, read };
}

/**
 * Writes `value` at a reference path of `target` without changing `target`: the objects
 * along the path are copied, missing objects are created. Returns the new root.
 *
 * @returns undefined when the path cannot apply (an object expected, another value found),
 * which Step Functions reports as `States.ResultPathMatchFailure`.
 */
export function writeAtPath(target: unknown, path: CompiledPath, value: unknown): { value: unknown } | undefined {
  const segments = path.segments ?? [];
  const write = (node: unknown, depth: number): { value: unknown } | undefined => {
    if (depth === segments.length) return { value };
    const segment = segments[depth];
    if ('name' in segment) {
      if (node === undefined) node = {};
      if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
      const child = write((node as Record<string, unknown>)[segment.name], depth + 1);
      return child && { value: { ...(node as object), [segment.name]: child.value } };
    }
    if (!Array.isArray(node)) return undefined;
    const index = segment.index < 0 ? node.length + segment.index : segment.index;
    if (index < 0 || index >= node.length) return undefined;
    const child = write(node[index], depth + 1);
    if (!child) return undefined;
    const copy = node.slice();
    copy[index] = child.value;
    return { value: copy };
  };
  if (segments.length > 0 && (target === null || typeof target !== 'object' || Array.isArray(target))) return undefined;
  return write(target, 0);
}

/**
 * Why a definite path selects nothing, in Jayway JsonPath's words as Step Functions reports
 * them: `No results for path: $['a']['b']` when only the last step is missing,
 * `Missing property in path $['a']` when an earlier one is.
 */
export function describeMiss(path: CompiledPath, root: unknown): string {
  const segments = path.segments ?? [];
  let written = '$';
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    written += 'name' in segment ? `['${segment.name}']` : `[${segment.index}]`;
    if (readSegments(root, segments, i + 1) === NOT_FOUND && i < segments.length - 1) return `Missing property in path ${written}`;
  }
  return `No results for path: ${written}`;
}
