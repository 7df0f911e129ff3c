import { randomUUID } from 'node:crypto';
import { optimizedError } from './integrations/service-errors';
import { TaskIntegration } from './task-host';
import { TaskFailure } from './task-failure';

/** PutEvents takes at most 10 entries per call. */
const MAX_ENTRIES = 10;
/** PutEvents takes at most 256 KiB of entries per call. */
const MAX_REQUEST_BYTES = 262_144;

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
 * `EventBridge.FailedEntry` (nothing of that call is recorded). A call with more than 10 entries,
 * or entries over 256 KiB together (sized as EventBridge sizes them: 14 bytes for `Time`, then
 * `Source`, `DetailType`, `Detail` and `Resources` in UTF-8), fails with
 * `EventBridge.AmazonEventBridgeException` (the SDK v1 base exception, as other optimized
 * integrations report unmodelled errors; AWS's name for this case was not recorded).
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-eventbridge.html
 */
export const putEventsIntegration: TaskIntegration = {
  matches: (resource) => /^arn:[^:]+:states:::events:putEvents(\.waitForTaskToken)?$/.test(resource),
  invoke: async ({ invocation, scope }) => {
    const { stateName } = invocation;
    const entries = ((invocation.input as { Entries?: unknown }).Entries ?? []) as Array<Record<string, unknown>>;
    checkRequestLimits(entries);
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

function checkRequestLimits(entries: Array<Record<string, unknown>>): void {
  if (entries.length === 0 || entries.length > MAX_ENTRIES) {
    throw optimizedError(
      'EventBridge.AmazonEventBridgeException',
      `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ENTRIES} and greater than or equal to 1`,
      'AmazonEventBridge', 400, 'ValidationException',
    );
  }
  const bytes = entries.reduce((sum, entry) => sum + entrySize(entry), 0);
  if (bytes > MAX_REQUEST_BYTES) {
    throw optimizedError('EventBridge.AmazonEventBridgeException', 'Total size of the entries in the request is over the limit.', 'AmazonEventBridge', 400, 'ValidationException');
  }
}

/** An entry's size as EventBridge counts it towards the 256 KiB limit. */
function entrySize(entry: Record<string, unknown>): number {
  const text = (value: unknown) => (value === undefined ? 0 : Buffer.byteLength(typeof value === 'string' ? value : JSON.stringify(value)));
  const resources = Array.isArray(entry.Resources) ? entry.Resources.reduce((sum: number, resource) => sum + text(resource), 0) : 0;
  return 14 + text(entry.Source) + text(entry.DetailType) + text(entry.Detail) + resources;
}
