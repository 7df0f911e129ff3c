import { randomUUID } from 'node:crypto';
import type { LocalDynamoDB } from './local-dynamodb';

/**
 * DynamoDB transactions, which dynalite lacks, emulated with its single-item API:
 * `TransactWriteItems` runs its actions one after the other under a lock held per
 * {@link LocalDynamoDB} (other transactions wait; plain writes do not), each with its own
 * condition; when a condition fails, the actions already applied are undone from the items read
 * before, and the call fails with `TransactionCanceledException` and one cancellation reason per
 * action, as DynamoDB does. `TransactGetItems` reads the items one by one.
 *
 * Differences from DynamoDB: a plain write that lands between two actions of a transaction is
 * visible to it (DynamoDB isolates them); `ClientRequestToken` idempotency and
 * `ReturnValuesOnConditionCheckFailure` are not emulated.
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactGetItems.html
 */
const locks = new WeakMap<LocalDynamoDB, Promise<unknown>>();

type Request = Record<string, any>;

interface WriteAction {
  readonly kind: 'Put' | 'Update' | 'Delete' | 'ConditionCheck';
  readonly body: Request;
  readonly key: Request;
  before?: Request;
}

/** TransactWriteItems on the local DynamoDB. @throws the SDK-shaped error DynamoDB would answer. */
export async function transactWriteItems(db: LocalDynamoDB, request: Request): Promise<Record<string, unknown>> {
  const previous = locks.get(db) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => writeAll(db, request));
  locks.set(db, run);
  return run;
}

/** TransactGetItems on the local DynamoDB: `Responses` holds one entry per `Get`, `{}` for a missing item. */
export async function transactGetItems(db: LocalDynamoDB, request: Request): Promise<Record<string, unknown>> {
  const gets = transactItems(request).map((item) => item.Get as Request | undefined);
  if (gets.some((get) => !get)) throw serviceError('ValidationException', 'TransactItems can only contain Get actions');
  const responses = [];
  for (const get of gets as Request[]) {
    const { Item } = await db.send('GetItem', { ...get, ConsistentRead: true });
    responses.push(Item ? { Item } : {});
  }
  return { Responses: responses, $metadata: { requestId: randomUUID() } };
}

async function writeAll(db: LocalDynamoDB, request: Request): Promise<Record<string, unknown>> {
  const actions: WriteAction[] = [];
  for (const item of transactItems(request)) actions.push(await writeAction(db, item));
  const keys = actions.map((action) => `${action.body.TableName}\u0000${stableJson(action.key)}`);
  if (new Set(keys).size !== keys.length) throw serviceError('ValidationException', 'Transaction request cannot include multiple operations on one item');
  for (const action of actions) action.before = (await db.send('GetItem', { TableName: action.body.TableName, Key: action.key, ConsistentRead: true })).Item as Request | undefined;
  const reasons: Array<Record<string, string>> = [];
  const applied: WriteAction[] = [];
  try {
    for (const action of actions) {
      try {
        await apply(db, action);
        if (action.kind !== 'ConditionCheck') applied.push(action);
        reasons.push({ Code: 'None' });
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        reasons.push({ Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' });
      }
    }
  } catch (error) {
    await undo(db, applied);
    throw error;
  }
  if (reasons.every((reason) => reason.Code === 'None')) return { $metadata: { requestId: randomUUID() } };
  await undo(db, applied);
  const error = serviceError('TransactionCanceledException', `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`);
  Object.assign(error, { CancellationReasons: reasons });
  throw error;
}

function transactItems(request: Request): Request[] {
  const items = request.TransactItems;
  if (!Array.isArray(items) || items.length < 1 || items.length > 100) {
    throw serviceError('ValidationException', "1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100 and greater than or equal to 1");
  }
  return items;
}

async function writeAction(db: LocalDynamoDB, item: Request): Promise<WriteAction> {
  const kinds = (['Put', 'Update', 'Delete', 'ConditionCheck'] as const).filter((kind) => item[kind]);
  if (kinds.length !== 1) throw serviceError('ValidationException', 'Each TransactItem must have exactly one of ConditionCheck, Put, Update or Delete');
  const kind = kinds[0];
  const body = item[kind] as Request;
  return { kind, body, key: kind === 'Put' ? await keyOf(db, body.TableName, body.Item ?? {}) : (body.Key ?? {}) };
}

/** The key attributes of an item, read from the table's key schema. */
async function keyOf(db: LocalDynamoDB, tableName: string, item: Request): Promise<Request> {
  const { Table } = await db.send('DescribeTable', { TableName: tableName });
  const names = ((Table as Request).KeySchema as Array<{ AttributeName: string }>).map((key) => key.AttributeName);
  return Object.fromEntries(names.map((name) => [name, item[name]]));
}

async function apply(db: LocalDynamoDB, action: WriteAction): Promise<void> {
  const { ReturnValuesOnConditionCheckFailure: _ignored, ...body } = action.body;
  if (action.kind === 'Put') await db.send('PutItem', body);
  else if (action.kind === 'Update') await db.send('UpdateItem', body);
  else if (action.kind === 'Delete') await db.send('DeleteItem', body);
  else await checkCondition(db, action, body);
}

/** A ConditionCheck: a conditional write that leaves the item as it was (rewritten, or created and deleted again). */
async function checkCondition(db: LocalDynamoDB, action: WriteAction, body: Request): Promise<void> {
  const { Key: _key, ...condition } = body;
  await db.send('PutItem', { ...condition, Item: action.before ?? action.key });
  if (!action.before) await db.send('DeleteItem', { TableName: body.TableName, Key: action.key });
}

/** Puts back the items the applied actions changed, last first. */
async function undo(db: LocalDynamoDB, applied: WriteAction[]): Promise<void> {
  for (const action of [...applied].reverse()) {
    if (action.before) await db.send('PutItem', { TableName: action.body.TableName, Item: action.before });
    else await db.send('DeleteItem', { TableName: action.body.TableName, Key: action.key });
  }
}

/** An error shaped as the AWS SDK v3 throws a DynamoDB service exception. */
function serviceError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return Object.assign(error, { $fault: 'client', $metadata: { httpStatusCode: 400, requestId: randomUUID() } });
}

function stableJson(value: unknown): string {
  if (!value || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString('base64'));
  return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableJson((value as Request)[k])}`).join(',')}}`;
}
