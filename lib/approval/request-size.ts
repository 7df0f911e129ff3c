import { ApprovalRecord, SUMMARY_TOO_LARGE_ERROR } from './approval-record';

/**
 * DynamoDB's item size limit, in bytes (400 KB).
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-items
 */
export const MAX_ITEM_BYTES = 400 * 1024;

/**
 * Room kept in the item for what a decision adds later (decision, decider ARN, times, a comment of
 * up to 1,000 code points = 4,000 UTF-8 bytes, delivery bookkeeping) and the TTL attribute, so the
 * decision's update always fits.
 */
export const DECISION_RESERVE_BYTES = 8 * 1024;

/**
 * The largest SNS message and EventBridge entry, in bytes (256 KiB): the notification carries the summary.
 *
 * @see https://docs.aws.amazon.com/general/latest/gr/sns.html#limits_sns
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
 */
export const MAX_NOTIFICATION_BYTES = 256 * 1024;

/** Room kept in the notification for everything but the summary (ids, ARN, URLs, instructions). */
export const NOTIFICATION_ENVELOPE_BYTES = 4 * 1024;

/**
 * The deepest summary stored, in nested maps and lists: DynamoDB stores attributes nested up to
 * 32 levels; one level is kept as margin.
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-attributes
 */
export const MAX_SUMMARY_DEPTH = 31;

/**
 * The summary of an approval request is too large (or too deeply nested) to store in the approval
 * table or to announce. Never transient, so the HumanApproval step does not retry it.
 */
export class ApprovalSummaryTooLarge extends Error {
  public readonly name = SUMMARY_TOO_LARGE_ERROR;
}

/**
 * Checks that a new request can be stored (DynamoDB: item size with room for the decision,
 * nesting depth) and announced (SNS / EventBridge message size) before anything is written.
 *
 * @throws ApprovalSummaryTooLarge naming the limit the summary exceeds
 */
export function assertStorable(record: ApprovalRecord): void {
  const { bytes, depth } = measure(record);
  const where = `HumanApproval '${record.stateName}' of ${record.executionArn}`;
  if (depth > MAX_SUMMARY_DEPTH) {
    throw new ApprovalSummaryTooLarge(`The summary of ${where} is nested ${depth} levels deep; the approval store keeps at most ${MAX_SUMMARY_DEPTH}. Summarize it for the reviewer.`);
  }
  const itemLimit = MAX_ITEM_BYTES - DECISION_RESERVE_BYTES;
  if (bytes > itemLimit) {
    throw new ApprovalSummaryTooLarge(`The approval request of ${where} takes ${bytes} bytes as a DynamoDB item; at most ${itemLimit} fit (400 KB less room for the decision). Summarize it for the reviewer.`);
  }
  const summaryBytes = Buffer.byteLength(JSON.stringify(record.summary ?? null));
  const notificationLimit = MAX_NOTIFICATION_BYTES - NOTIFICATION_ENVELOPE_BYTES;
  if (summaryBytes > notificationLimit) {
    throw new ApprovalSummaryTooLarge(`The summary of ${where} takes ${summaryBytes} bytes as JSON; a notification carries at most ${notificationLimit} (256 KiB less its envelope). Summarize it for the reviewer.`);
  }
}

/**
 * An upper bound of the size DynamoDB counts for an item of plain JSON values (strings: UTF-8
 * bytes; numbers: 1 byte per 2 significant digits plus up to 3; null and booleans: 1; maps and
 * lists: 3, plus 1 per element and the element's name), and the depth of its deepest map or list
 * (an attribute holding `{}` is 1 deep). Iterative, so any depth is measured without recursion.
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
 */
export function measure(item: object): { bytes: number; depth: number } {
  let bytes = 0;
  let depth = 0;
  const stack: Array<{ value: unknown; depth: number }> = [];
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    bytes += Buffer.byteLength(name);
    stack.push({ value, depth: 0 });
  }
  while (stack.length > 0) {
    const { value, depth: level } = stack.pop()!;
    if (value === null || typeof value !== 'object') {
      bytes += scalarBytes(value);
      continue;
    }
    depth = Math.max(depth, level + 1);
    bytes += 3;
    const entries = Array.isArray(value) ? value.map((element) => ['', element] as const) : Object.entries(value);
    for (const [name, element] of entries) {
      if (element === undefined) continue;
      bytes += 1 + Buffer.byteLength(name);
      stack.push({ value: element, depth: level + 1 });
    }
  }
  return { bytes, depth };
}

function scalarBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return numberBytes(value);
  return 1;
}

/** DynamoDB stores a number in about 1 byte per 2 significant digits, plus 1; this adds 1 for the digit pairing and 1 for a sign. */
function numberBytes(value: number): number {
  const digits = Math.abs(value).toExponential().split('e')[0].replace('.', '').replace(/0+$/, '').length;
  return value === 0 ? 1 : 2 + Math.ceil(digits / 2) + (value < 0 ? 1 : 0);
}
