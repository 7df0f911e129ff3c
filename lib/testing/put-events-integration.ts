import { randomUUID } from 'node:crypto';
import { TaskIntegration } from './task-host';
import { TaskFailure } from './task-failure';

/** An event a run published with `events:putEvents`. */
export interface PublishedEvent {
  /** The bus name or ARN the task named (`default` if none). */
  readonly eventBusName: string;
  /** The event source. */
  readonly source: string;
  /** The event detail-type. */
  readonly detailType: string;
  /** The detail, as JSON (Step Functions serializes an object detail). */
  readonly detail: unknown;
  /** The task that published it. */
  readonly stateName: string;
}

/**
 * Records the events of `events:putEvents` tasks in the execution's result instead of sending
 * them, and answers as EventBridge does: one event id per entry. An entry without `Source`,
 * `DetailType` or a JSON object `Detail` is refused, and the task fails with
 * `EventBridge.FailedEntry` (nothing of that call is recorded).
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-eventbridge.html
 */
export const putEventsIntegration: TaskIntegration = {
  matches: (resource) => /^arn:[^:]+:states:::events:putEvents(\.waitForTaskToken)?$/.test(resource),
  invoke: async ({ invocation, scope }) => {
    const { stateName } = invocation;
    const entries = ((invocation.input as { Entries?: unknown }).Entries ?? []) as Array<Record<string, unknown>>;
    const failed = entries.map(entryProblem);
    if (failed.some((problem) => problem !== undefined)) {
      const response = {
        Entries: failed.map((problem) => (problem ? { ErrorCode: 'InvalidArgument', ErrorMessage: problem } : { EventId: randomUUID() })),
        FailedEntryCount: failed.filter((problem) => problem !== undefined).length,
      };
      throw new TaskFailure('EventBridge.FailedEntry', JSON.stringify(response));
    }
    for (const entry of entries) {
      scope.publishedEvents.push({
        eventBusName: String(entry.EventBusName ?? 'default'),
        source: String(entry.Source),
        detailType: String(entry.DetailType),
        detail: typeof entry.Detail === 'string' ? JSON.parse(entry.Detail) : entry.Detail,
        stateName,
      });
    }
    return { Entries: entries.map(() => ({ EventId: randomUUID() })), FailedEntryCount: 0 };
  },
};

function entryProblem(entry: Record<string, unknown>): string | undefined {
  if (typeof entry.Source !== 'string' || entry.Source === '') return 'Parameter Source is not valid.';
  if (typeof entry.DetailType !== 'string' || entry.DetailType === '') return 'Parameter DetailType is not valid.';
  const detail = typeof entry.Detail === 'string' ? parseJson(entry.Detail) : entry.Detail;
  if (!detail || typeof detail !== 'object' || Array.isArray(detail)) return 'Parameter Detail is not valid.';
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
