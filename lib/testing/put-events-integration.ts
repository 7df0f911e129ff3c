import { randomUUID } from 'node:crypto';
import type { ExecutionScope } from './local-state-machine';
import { TaskIntegration } from './task-dispatcher';

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
 * them, and answers as EventBridge does (one event id per entry, no failed entries).
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-eventbridge.html
 */
export function putEventsIntegration(scope: ExecutionScope): TaskIntegration {
  return {
    matches: (resource) => /^arn:aws:states:::events:putEvents$/.test(resource),
    invoke: async ({ input, stateName }) => {
      const entries = (input.Entries ?? []) as Array<Record<string, unknown>>;
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
}
