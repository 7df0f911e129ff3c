import { Agent, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { requireOptional } from '../../private/optional-dependency';
import type { LocalTableDefinition } from './table-definitions';
import { attributeValueMapToJson, jsonToAttributeValueMap } from './attribute-values';

/** The packages the local DynamoDB needs (optional peer dependencies of `cdk-sfn-workflows/testing`). */
export const LOCAL_DYNAMODB_PACKAGES = ['dynalite', '@aws-sdk/client-dynamodb'];

/** The part of `@aws-sdk/client-dynamodb` the local DynamoDB uses. */
type DynamoDbModule = Record<string, any> & { DynamoDBClient: new (config: Record<string, unknown>) => DynamoDbClientLike };

/** A DynamoDB client (typed loosely: the SDK is an optional peer, absent from the public declarations). */
interface DynamoDbClientLike {
  send(command: unknown): Promise<Record<string, unknown>>;
  destroy(): void;
}

interface Started {
  readonly server: Server;
  readonly endpoint: string;
  readonly client: DynamoDbClientLike;
  readonly sdk: DynamoDbModule;
}

/**
 * A DynamoDB-compatible server on loopback ([dynalite](https://github.com/architect/dynalite),
 * in memory) holding the tables of the stacks a {@link LocalRunner} read, created from their
 * synthesized `AWS::DynamoDB::Table` / `AWS::DynamoDB::GlobalTable` definitions (key schema,
 * global and local secondary indexes). The runner's DynamoDB tasks (`arn:aws:states:::dynamodb:*`
 * and `arn:aws:states:::aws-sdk:dynamodb:*`) read and write it with the AWS SDK for
 * JavaScript v3, so conditions, update expressions and key checks are DynamoDB's, not ours.
 *
 * The server starts on first use (the first DynamoDB task, or a call below) and stops with the
 * runner's `dispose()`; tables and items live as long as the runner, across its executions.
 * A table without a literal `TableName` is named `<stack name>-<logical id>` locally.
 *
 * Needs the optional peer dependencies `dynalite` and `@aws-sdk/client-dynamodb`
 * (`npm i -D dynalite @aws-sdk/client-dynamodb`).
 *
 * ```ts
 * const runner = LocalRunner.fromStack(stack);
 * await runner.stateMachine('Orders').run({ orderId: 'o-1' });
 * expect(await runner.dynamoDb.items('Orders')).toEqual([{ orderId: 'o-1', status: 'PLACED' }]);
 * ```
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html
 */
export class LocalDynamoDB {
  private starting?: Promise<Started>;
  private readonly created = new Set<string>();

  /** @internal */
  constructor(
    private readonly tables: readonly LocalTableDefinition[],
    private readonly region: string,
  ) {}

  /** Whether the server runs (it starts on first use). */
  public get started(): boolean {
    return this.starting !== undefined;
  }

  /** The names of the tables the server knows: the stacks' tables and those created with {@link LocalDynamoDB.createTable}. */
  public get tableNames(): string[] {
    return [...new Set([...this.tables.map((table) => String(table.request.TableName)), ...this.created])];
  }

  /**
   * The server's endpoint (`http://127.0.0.1:<port>`), for a DynamoDB client of the test's own
   * (any region and credentials work). Starts the server.
   *
   * @throws Error when the optional packages are not installed.
   */
  public async endpoint(): Promise<string> {
    return (await this.start()).endpoint;
  }

  /**
   * The local name of a table of the stacks: by construct path (of the table or of a construct
   * holding it, with or without the stack's path), logical id or `TableName`.
   *
   * @throws Error listing the tables when none or several match.
   */
  public tableName(id: string): string {
    const matches = this.tables.filter((table) => tableMatches(table, id));
    if (matches.length === 1) return String(matches[0].request.TableName);
    if (matches.length === 0 && this.created.has(id)) return id;
    const known = this.tables.map((t) => t.constructPath ?? t.logicalId).concat([...this.created]).join(', ') || 'none';
    throw new Error(`${matches.length === 0 ? 'No' : 'More than one'} DynamoDB table matches '${id}'. Tables: ${known}.`);
  }

  /**
   * Creates a table (a CreateTable request in the API's PascalCase, e.g. for a definition given
   * to `LocalRunner.fromDefinition`). `BillingMode` defaults to `PAY_PER_REQUEST`.
   *
   * @throws Error named as DynamoDB's exception (`ResourceInUseException`, `ValidationException`).
   * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html
   */
  public async createTable(request: Record<string, unknown>): Promise<void> {
    this.created.add(String(request.TableName));
    await this.send('CreateTable', { BillingMode: request.ProvisionedThroughput ? undefined : 'PAY_PER_REQUEST', ...request });
  }

  /**
   * Writes an item (plain JSON, e.g. `{ orderId: 'o-1', total: 42 }`), to seed a table before a run.
   *
   * @param table the table (see {@link LocalDynamoDB.tableName})
   */
  public async putItem(table: string, item: Record<string, unknown>): Promise<void> {
    await this.send('PutItem', { TableName: this.tableName(table), Item: jsonToAttributeValueMap(item) });
  }

  /**
   * An item as plain JSON (numbers as numbers, sets and lists as arrays, binary as base64), or
   * `undefined` when there is none.
   *
   * @param table the table (see {@link LocalDynamoDB.tableName})
   * @param key the item's key as plain JSON, e.g. `{ orderId: 'o-1' }`
   */
  public async getItem(table: string, key: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
    const response = await this.send('GetItem', { TableName: this.tableName(table), Key: jsonToAttributeValueMap(key), ConsistentRead: true });
    return response.Item ? attributeValueMapToJson(response.Item as Record<string, unknown>) : undefined;
  }

  /**
   * Every item of a table as plain JSON (see {@link LocalDynamoDB.getItem}), in DynamoDB's scan order.
   *
   * @param table the table (see {@link LocalDynamoDB.tableName})
   */
  public async items(table: string): Promise<Array<Record<string, unknown>>> {
    const items: Array<Record<string, unknown>> = [];
    let start: unknown;
    do {
      const page = await this.send('Scan', { TableName: this.tableName(table), ConsistentRead: true, ExclusiveStartKey: start });
      items.push(...((page.Items ?? []) as Array<Record<string, unknown>>).map(attributeValueMapToJson));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /**
   * Sends one DynamoDB API request (PascalCase, attribute values as the SDK takes them) and
   * returns the SDK's response (with its `$metadata`).
   *
   * @internal
   */
  public async send(action: string, request: Record<string, unknown>): Promise<Record<string, unknown>> {
    const { client, sdk } = await this.start();
    const Command = sdk[`${action}Command`];
    if (typeof Command !== 'function') throw new Error(`@aws-sdk/client-dynamodb has no command ${action}Command`);
    return client.send(new Command(request));
  }

  /** The SDK module (loaded on first use). @internal */
  public async sdk(): Promise<DynamoDbModule> {
    return (await this.start()).sdk;
  }

  /** Stops the server. The next use starts a new, empty one. @internal */
  public async dispose(): Promise<void> {
    const starting = this.starting;
    this.starting = undefined;
    if (!starting) return;
    const { server, client } = await starting.catch(() => ({ server: undefined, client: undefined }));
    client?.destroy();
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    }
  }

  private start(): Promise<Started> {
    this.starting ??= this.launch();
    return this.starting;
  }

  private async launch(): Promise<Started> {
    const dynalite = requireOptional<(options: Record<string, unknown>) => Server>('dynalite', 'The local DynamoDB', LOCAL_DYNAMODB_PACKAGES);
    const sdk = requireOptional<DynamoDbModule>('@aws-sdk/client-dynamodb', 'The local DynamoDB', LOCAL_DYNAMODB_PACKAGES);
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    server.unref();
    server.on('connection', (socket: Socket) => socket.unref());
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Connections are kept alive (a new one per request costs more than the request); neither
    // end holds the process open: Node unrefs idle pooled sockets, and the server's are unref'd here.
    const client = new sdk.DynamoDBClient({
      endpoint,
      region: this.region,
      maxAttempts: 1,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      requestHandler: { httpAgent: new Agent({ keepAlive: true }) },
    });
    for (const table of this.tables) await client.send(new sdk.CreateTableCommand(table.request));
    return { server, endpoint, client, sdk };
  }
}

function tableMatches(table: LocalTableDefinition, id: string): boolean {
  const path = table.constructPath;
  const relative = table.relativePath;
  const candidates = [table.logicalId, String(table.request.TableName), path, relative];
  return candidates.includes(id) || [path, relative].some((p) => p === `${id}/Resource` || p?.startsWith(`${id}/`));
}
