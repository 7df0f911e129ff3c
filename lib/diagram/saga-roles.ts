import { AslDefinition, AslErrorHandler, catchersOf, listDefinitions, transitionsOf } from '../asl/definition';
import { isJsonObject } from '../asl/json-value';

/** The states of one state machine that make up its sagas' undo paths. */
export interface SagaRoles {
  /** Each compensation, with the action it undoes when known ('' when only the ASL tells). */
  readonly compensations: ReadonlyMap<string, string>;
  /** Every state on an undo path: the compensations, the failure records and routing before them, and the states after them. */
  readonly undoStates: ReadonlySet<string>;
}

/** A catcher of a library compensation keeps its error at `<errorPath>.compensationErrors.<step>`. */
const COMPENSATION_ERROR_PATH = /\.compensationErrors\.[^.]+$/;

/** In JSONata, it merges the error into the record variable's `compensationErrors`. */
const COMPENSATION_ERROR_MERGE = /"compensationErrors":\s*\$merge\(/;

/** Whether a catcher keeps a compensation's error in a saga's failure record (JSONPath or JSONata). */
function keepsCompensationError(catcher: AslErrorHandler): boolean {
  if (typeof catcher.ResultPath === 'string' && COMPENSATION_ERROR_PATH.test(catcher.ResultPath)) return true;
  const assign = catcher.Assign;
  return isJsonObject(assign) && Object.values(assign).some((value) => typeof value === 'string' && COMPENSATION_ERROR_MERGE.test(value));
}

/**
 * Finds the sagas' undo paths. The compensations come from `compensations` (recorded by
 * `Workflow` in the state machine's metadata: compensation → the action it undoes) or, without
 * it, from the ASL a `Saga` generates (a compensation catches into
 * `….compensationErrors.<step>`, or in JSONata merges its error into the record variable's
 * `compensationErrors`). The undo path is then the compensations, every state after
 * them, and the states entered by a catcher that lead only onto the undo path (the failure
 * records).
 */
export function findSagaRoles(definition: AslDefinition, compensations?: Readonly<Record<string, string>>): SagaRoles {
  const found = new Map<string, string>(Object.entries(compensations ?? {}));
  if (found.size === 0) {
    for (const name of compensationsFromAsl(definition)) found.set(name, '');
  }
  const undoStates = new Set<string>();
  for (const { definition: container } of listDefinitions(definition)) {
    const members = [...found.keys()].filter((name) => container.States[name] !== undefined);
    for (const name of undoPathOf(container, members)) undoStates.add(name);
  }
  return { compensations: found, undoStates };
}

function compensationsFromAsl(definition: AslDefinition): string[] {
  return listDefinitions(definition).flatMap(({ definition: container }) =>
    Object.entries(container.States)
      .filter(([, state]) => catchersOf(state).some(keepsCompensationError))
      .map(([name]) => name),
  );
}

/** The compensations of one container, what follows them, and the catch targets that lead only there. */
function undoPathOf(container: AslDefinition, compensations: string[]): Set<string> {
  const undo = new Set<string>();
  const queue = [...compensations];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (undo.has(name) || !container.States[name]) continue;
    undo.add(name);
    queue.push(...transitionsOf(container.States[name]));
  }
  if (undo.size === 0) return undo;
  const entered = enteredAfterCatch(container, undo);
  for (let grown = true; grown; ) {
    grown = false;
    for (const name of entered) {
      const successors = transitionsOf(container.States[name] ?? { Type: 'Pass' });
      if (!undo.has(name) && successors.length > 0 && successors.every((next) => undo.has(next))) {
        undo.add(name);
        grown = true;
      }
    }
  }
  return undo;
}

/**
 * The states entered after a catcher before the undo path: the catch targets and the states
 * that follow them (a saga's failure record and the Choice that picks the first compensation).
 */
function enteredAfterCatch(container: AslDefinition, undo: ReadonlySet<string>): Set<string> {
  const entered = new Set<string>();
  const queue = Object.values(container.States).flatMap((state) => catchersOf(state).map((catcher) => String(catcher.Next)));
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (entered.has(name) || undo.has(name) || !container.States[name]) continue;
    entered.add(name);
    queue.push(...transitionsOf(container.States[name]));
  }
  return entered;
}
