import { HistoryEvent, HistoryEventType } from './engine/history';

/** A sequence of states in a history: the top level, a Parallel branch or a Map iteration. */
export interface HistoryThread {
  readonly parent?: HistoryThread;
  /** For a Map iteration: the Map state's name. */
  readonly iterationOf?: string;
  /** The state entered on this thread and not yet exited. */
  open?: OpenState;
}

/** A state entered and not yet exited. */
export interface OpenState {
  readonly name: string;
  readonly type: string;
  /** The `*StateEntered` event. */
  readonly entered: HistoryEvent;
  /** For Map and Parallel: it recorded `*StateFailed`. */
  failed: boolean;
}

const FAN_OUT_EVENTS = new Set<HistoryEventType>([
  'MapStateStarted', 'MapStateSucceeded', 'MapStateFailed', 'MapStateAborted', 'MapStateExited',
  'MapRunStarted', 'MapRunSucceeded', 'MapRunFailed', 'MapRunAborted',
  'ParallelStateStarted', 'ParallelStateSucceeded', 'ParallelStateFailed', 'ParallelStateAborted', 'ParallelStateExited',
]);

/** Where an event happened: its thread, and the state open on it just before the event. */
export interface EventPlace {
  readonly thread: HistoryThread;
  readonly open?: OpenState;
}

/**
 * Assigns every event of a history to the thread it happened on, following `previousEventId`
 * as Step Functions links events: a Parallel branch starts after `ParallelStateStarted`, a Map
 * iteration at `MapIterationStarted`, and the events that close a Map or Parallel state follow
 * an event inside it, so they belong to the nearest enclosing thread where that state is open.
 */
export function assignThreads(events: readonly HistoryEvent[]): Map<HistoryEvent, EventPlace> {
  const byId = new Map(events.map((event) => [event.id, event]));
  const places = new Map<HistoryEvent, EventPlace>();
  const root: HistoryThread = {};
  for (const event of events) {
    const previous = event.previousEventId ? byId.get(event.previousEventId) : undefined;
    const previousThread = previous ? places.get(previous)?.thread ?? root : root;
    const thread = threadOf(event, previous, previousThread);
    places.set(event, { thread, open: thread.open });
    track(event, thread);
  }
  return places;
}

function threadOf(event: HistoryEvent, previous: HistoryEvent | undefined, previousThread: HistoryThread): HistoryThread {
  if (event.type.endsWith('StateEntered') && previous?.type === 'ParallelStateStarted') return { parent: previousThread };
  if (event.type === 'MapIterationStarted') {
    const name = event.mapIterationStartedEventDetails?.name;
    const sibling = (event.mapIterationStartedEventDetails?.index ?? 0) > 0 && previousThread.iterationOf === name && previousThread.parent;
    return { parent: sibling ? previousThread.parent : previousThread, iterationOf: name };
  }
  if (FAN_OUT_EVENTS.has(event.type)) {
    const type = event.type.startsWith('Parallel') ? 'Parallel' : 'Map';
    const name = event.stateExitedEventDetails?.name;
    return enclosing(previousThread, type, name, event.type.endsWith('Exited')) ?? previousThread;
  }
  return previousThread;
}

/** The nearest thread from `thread` up whose open state is a Map or Parallel still running (or, for its Exited, by name). */
function enclosing(thread: HistoryThread | undefined, type: string, name: string | undefined, exiting: boolean): HistoryThread | undefined {
  for (let current = thread; current; current = current.parent) {
    const open = current.open;
    if (open && open.type === type && (name === undefined || open.name === name) && (exiting || !open.failed)) return current;
  }
  return undefined;
}

function track(event: HistoryEvent, thread: HistoryThread): void {
  if (event.type.endsWith('StateEntered')) {
    thread.open = { name: event.stateEnteredEventDetails?.name ?? '', type: event.type.slice(0, -'StateEntered'.length), entered: event, failed: false };
  } else if (event.type.endsWith('StateExited')) {
    thread.open = undefined;
  } else if ((event.type === 'MapStateFailed' || event.type === 'ParallelStateFailed') && thread.open) {
    thread.open.failed = true;
  }
}
