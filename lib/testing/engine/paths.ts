import { StatesError, States } from './errors';
import { CompiledPath, describeMiss, NOT_FOUND } from './json-path';
import { EvaluationScope } from './scope';

/** Selects with a compiled path from the scope's input, context object or variable: the node, NOT_FOUND or (indefinite) an array. */
export function selectPath(path: CompiledPath, scope: EvaluationScope): unknown {
  switch (path.root) {
    case 'input':
      return path.read(scope.input);
    case 'context':
      return path.read(scope.context());
    case 'variable': {
      const value = scope.variable(path.variable!);
      return value === NOT_FOUND ? NOT_FOUND : path.read(value);
    }
  }
}

/**
 * Selects with a path that must select something (InputPath, OutputPath, `.$` fields, ...).
 *
 * @throws StatesError `States.Runtime` naming the path, the field and the input, as Step Functions reports it.
 */
export function requirePath(path: CompiledPath, scope: EvaluationScope, field: string): unknown {
  const value = selectPath(path, scope);
  if (value === NOT_FOUND) throw pathNotFound(path, field, path.root === 'context' ? scope.context() : scope.input);
  return value;
}

/**
 * Selects with InputPath or OutputPath (a path, or null for `{}`).
 *
 * @throws StatesError `States.Runtime` (`Invalid path '$.x' : No results for path: $['x']`) when it selects nothing.
 */
export function applyFilterPath(path: CompiledPath | null | undefined, scope: EvaluationScope): unknown {
  if (path === null) return {};
  if (path === undefined) return scope.input;
  const value = selectPath(path, scope);
  if (value !== NOT_FOUND) return value;
  const searched = path.root === 'context' ? scope.context() : path.root === 'variable' ? scope.variable(path.variable!) : scope.input;
  throw new StatesError(States.Runtime, `Invalid path '${path.text}' : ${describeMiss(path, searched)}`);
}

/** Step Functions' error for a path of a payload template or intrinsic that selects nothing. */
export function pathNotFound(path: CompiledPath, field: string, searched: unknown): StatesError {
  if (path.root === 'variable') {
    return new StatesError(States.Runtime, `The JSONPath '${path.text}' specified for the field '${field}' could not be found: variable '${path.variable}' is not assigned.`);
  }
  return new StatesError(States.Runtime, `The JSONPath '${path.text}' specified for the field '${field}' could not be found in the input '${jsonText(searched)}'`);
}

/** JSON text of a value for an error cause (never throws). */
export function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return String(value);
  }
}
