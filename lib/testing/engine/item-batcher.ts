import { States, StatesError } from './errors';

/** The largest batch Step Functions builds, and the default byte limit when batching: 256 KiB. */
export const MAX_BATCH_BYTES = 256 * 1024;

/**
 * A Distributed Map's `ItemBatcher`, with `MaxItemsPerBatchPath` / `MaxInputBytesPerBatchPath`
 * and `BatchInput` already evaluated by the engine. At least one limit must be set.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html
 */
export interface ItemBatcherSpec {
  /** The most items in one batch (a positive integer). */
  readonly maxItemsPerBatch?: number;
  /**
   * The most bytes of one batch (a positive integer; values over 256 KiB count as 256 KiB).
   * Without it, a batch still stays within 256 KiB.
   */
  readonly maxInputBytesPerBatch?: number;
  /** The fixed `BatchInput` every batch carries. */
  readonly batchInput?: unknown;
}

/** A child execution's input when batching: `{"BatchInput": ..., "Items": [...]}` (no `BatchInput` key without one). */
export interface ItemBatch {
  /** The fixed input of `ItemBatcher.BatchInput`, when given. */
  readonly BatchInput?: unknown;
  /** The batch's items, in item order. */
  readonly Items: unknown[];
}

/**
 * Groups items into child inputs, in order: each batch takes items while it holds fewer than
 * `maxItemsPerBatch` and while the batch, serialized as UTF-8 JSON exactly as the child receives
 * it (`BatchInput` included), stays within the byte limit. So when both limits are set the item
 * count shrinks to fit the bytes, as AWS documents (1130 items at 100 per batch → 11 batches of
 * 100 and one of 30).
 *
 * @returns the batches; none for no items
 * @throws StatesError `States.Runtime` when neither limit is set, a limit is not a positive
 *   integer, or one item alone is over the byte limit (AWS's error for that case is not documented)
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html
 */
export function batchItems(items: readonly unknown[], spec: ItemBatcherSpec): ItemBatch[] {
  const maxItems = limitOf(spec.maxItemsPerBatch, 'MaxItemsPerBatch') ?? Number.POSITIVE_INFINITY;
  const requestedBytes = limitOf(spec.maxInputBytesPerBatch, 'MaxInputBytesPerBatch');
  if (spec.maxItemsPerBatch === undefined && requestedBytes === undefined) {
    throw new StatesError(States.Runtime, 'ItemBatcher needs MaxItemsPerBatch or MaxInputBytesPerBatch (or their Path forms)');
  }
  const maxBytes = Math.min(requestedBytes ?? MAX_BATCH_BYTES, MAX_BATCH_BYTES);
  const emptyBytes = jsonBytes(newBatch(spec, []));
  const batches: ItemBatch[] = [];
  let current: unknown[] = [];
  let currentBytes = emptyBytes;
  items.forEach((item, index) => {
    const itemBytes = jsonBytes(item ?? null);
    // A comma separates every item from the one before it in "Items":[...].
    const grown = currentBytes + itemBytes + (current.length > 0 ? 1 : 0);
    if (current.length > 0 && (current.length >= maxItems || grown > maxBytes)) {
      batches.push(newBatch(spec, current));
      current = [];
      currentBytes = emptyBytes;
    }
    const bytes = currentBytes + itemBytes + (current.length > 0 ? 1 : 0);
    if (bytes > maxBytes) {
      throw new StatesError(
        States.Runtime,
        `Item ${index} is too large to batch: alone in a batch it makes ${bytes} bytes of child input, over the limit of ${maxBytes} bytes (MaxInputBytesPerBatch, at most 256 KiB)`,
      );
    }
    current.push(item);
    currentBytes = bytes;
  });
  if (current.length > 0) batches.push(newBatch(spec, current));
  return batches;
}

function newBatch(spec: ItemBatcherSpec, items: unknown[]): ItemBatch {
  return spec.batchInput === undefined ? { Items: items } : { BatchInput: spec.batchInput, Items: items };
}

function limitOf(value: number | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value <= 0) {
    throw new StatesError(States.Runtime, `ItemBatcher.${field} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** The size of a value serialized as JSON, in UTF-8 bytes. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? 'null', 'utf8');
}
