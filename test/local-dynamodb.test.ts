import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Duration } from 'aws-cdk-lib';
import { Workflow } from '../lib';
import { LocalRunner } from '../lib/testing';
import { newStack } from './helpers';

/**
 * The runner's local DynamoDB (dynalite on loopback), following the Developer Guide page "Call
 * DynamoDB APIs with Step Functions" (connect-ddb.html), "Learning to use AWS service SDK
 * integrations" (supported-services-awssdk.html) and the error names and causes of executions
 * recorded against AWS (/work/shared/aws-truth, LocalStack's DynamoDB snapshot tests).
 */

const TABLE = 'Accounts';
const KEY_SCHEMA = { KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }] };

/** A plain definition of one Task, with the table created in the runner's local DynamoDB. */
async function runnerWithTable(states: Record<string, unknown>, startAt: string): Promise<LocalRunner> {
  const runner = LocalRunner.fromDefinition({ StartAt: startAt, States: states } as never);
  await runner.dynamoDb.createTable({ TableName: TABLE, ...KEY_SCHEMA });
  return runner;
}

function task(resource: string, parameters: Record<string, unknown>, extra: Record<string, unknown> = { End: true }): Record<string, unknown> {
  return { Type: 'Task', Resource: resource, Parameters: parameters, ...extra };
}

describe('LocalRunner DynamoDB: tables from the stack', () => {
  const stack = newStack();
  const table = new dynamodb.TableV2(stack, 'Orders', {
    partitionKey: { name: 'orderId', type: dynamodb.AttributeType.STRING },
    globalSecondaryIndexes: [{ indexName: 'byCustomer', partitionKey: { name: 'customerId', type: dynamodb.AttributeType.STRING } }],
  });
  const put = new tasks.DynamoPutItem(stack, 'PlaceOrder', {
    table,
    item: {
      orderId: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.orderId')),
      customerId: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.customerId')),
      status: tasks.DynamoAttributeValue.fromString('PLACED'),
    },
    conditionExpression: 'attribute_not_exists(orderId)',
    resultPath: sfn.JsonPath.DISCARD,
  });
  const query = new tasks.CallAwsService(stack, 'OrdersOfCustomer', {
    service: 'dynamodb',
    action: 'query',
    parameters: {
      TableName: table.tableName,
      IndexName: 'byCustomer',
      KeyConditionExpression: 'customerId = :c',
      ExpressionAttributeValues: { ':c': { 'S.$': '$.customerId' } },
    },
    iamResources: [table.tableArn, `${table.tableArn}/index/*`],
    resultSelector: { 'count.$': '$.Count', 'orderIds.$': '$.Items[*].orderId.S' },
    resultPath: '$.orders',
  });
  new Workflow(stack, 'Workflow', { definition: put.next(query), timeout: Duration.minutes(5) });
  const runner = LocalRunner.fromStack(stack);
  afterAll(() => runner.dispose());

  test('creates the synthesized table with its index, writes with a condition and queries the index (aws-sdk:dynamodb:query)', async () => {
    // WHEN two orders of one customer are placed
    await runner.stateMachine().run({ orderId: 'o-1', customerId: 'c-1' });
    const result = await runner.stateMachine().run({ orderId: 'o-2', customerId: 'c-1' });
    // THEN the query over the GSI sees both, and the table holds both rows
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output.orders.count).toBe(2);
    expect([...result.output.orders.orderIds].sort()).toEqual(['o-1', 'o-2']);
    expect(runner.dynamoDb.tableName('Orders')).toMatch(/^TestStack-Orders[0-9A-F]{8}$/);
    expect(await runner.dynamoDb.getItem('Orders', { orderId: 'o-1' })).toEqual({ customerId: 'c-1', orderId: 'o-1', status: 'PLACED' });
  });

  test('a failed condition fails the optimized task with DynamoDB.ConditionalCheckFailedException and the SDK v1 cause', async () => {
    // GIVEN an order already placed
    await runner.stateMachine().run({ orderId: 'o-3', customerId: 'c-2' });
    // WHEN it is placed again
    const result = await runner.stateMachine().run({ orderId: 'o-3', customerId: 'c-2' });
    // THEN
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('DynamoDB.ConditionalCheckFailedException');
    expect(result.cause).toMatch(/^The conditional request failed \(Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ConditionalCheckFailedException; Request ID: \S+; Proxy: null\)$/);
  });
});

describe('LocalRunner DynamoDB: request and response shapes', () => {
  let runner: LocalRunner;
  afterEach(() => runner.dispose());

  test('the optimized integration answers the API response with SdkHttpMetadata and SdkResponseMetadata, as recorded from AWS', async () => {
    runner = await runnerWithTable(
      {
        Put: task('arn:aws:states:::dynamodb:putItem', { TableName: TABLE, Item: { id: { S: 'a-1' }, balance: { N: '10' }, photo: { B: 'AQID' } } }, { ResultPath: '$.put', Next: 'Get' }),
        Get: task('arn:aws:states:::dynamodb:getItem', { TableName: TABLE, Key: { id: { S: 'a-1' } } }, { ResultPath: '$.get', End: true }),
      },
      'Put',
    );
    const { output } = await runner.stateMachine().run({});
    expect(output.put).toEqual({ SdkHttpMetadata: expect.objectContaining({ HttpStatusCode: 200 }), SdkResponseMetadata: { RequestId: expect.any(String) } });
    expect(output.put.SdkHttpMetadata.HttpHeaders).toMatchObject({ 'Content-Length': '2', 'Content-Type': 'application/x-amz-json-1.0' });
    // binary values travel as base64 text, as in DynamoDB's JSON
    expect(output.get.Item).toEqual({ id: { S: 'a-1' }, balance: { N: '10' }, photo: { B: 'AQID' } });
  });

  test('the AWS SDK integration answers the plain response and names BOOL and NULL Bool and Nul (Java SDK v2 members)', async () => {
    runner = await runnerWithTable(
      {
        Update: task('arn:aws:states:::aws-sdk:dynamodb:updateItem', {
          TableName: TABLE,
          Key: { id: { S: 'a-1' } },
          UpdateExpression: 'SET active = :t, note = :n',
          ExpressionAttributeValues: { ':t': { Bool: true }, ':n': { Nul: true } },
          ReturnValues: 'ALL_NEW',
        }),
      },
      'Update',
    );
    const { output } = await runner.stateMachine().run({});
    expect(output).toEqual({ Attributes: { id: { S: 'a-1' }, active: { Bool: true }, note: { Nul: true } } });
    expect(await runner.dynamoDb.getItem(TABLE, { id: 'a-1' })).toEqual({ active: true, id: 'a-1', note: null });
  });

  test('transactWriteItems applies every action, or none when one condition fails (TransactionCanceledException with one reason per action)', async () => {
    const transfer = (amount: number) =>
      task('arn:aws:states:::aws-sdk:dynamodb:transactWriteItems', {
        TransactItems: [
          { Update: { TableName: TABLE, Key: { id: { S: 'from' } }, UpdateExpression: 'SET balance = balance - :a', ConditionExpression: 'balance >= :a', ExpressionAttributeValues: { ':a': { N: String(amount) } } } },
          { Update: { TableName: TABLE, Key: { id: { S: 'to' } }, UpdateExpression: 'SET balance = balance + :a', ExpressionAttributeValues: { ':a': { N: String(amount) } } } },
        ],
      });
    runner = await runnerWithTable({ Transfer: transfer(30) }, 'Transfer');
    await runner.dynamoDb.putItem(TABLE, { id: 'from', balance: 50 });
    await runner.dynamoDb.putItem(TABLE, { id: 'to', balance: 0 });
    // WHEN 30 moves, then 30 more (only 20 left)
    const first = await runner.stateMachine().run({});
    const second = await runner.stateMachine().run({});
    // THEN the first moved, the second changed nothing
    expect(first.status).toBe('SUCCEEDED');
    expect(first.output).toEqual({});
    expect(second.error).toBe('DynamoDb.TransactionCanceledException');
    expect(second.cause).toMatch(/^Transaction cancelled, please refer cancellation reasons for specific reasons \[ConditionalCheckFailed, None\] \(Service: DynamoDb, Status Code: 400, Request ID: \S+\)$/);
    expect(await runner.dynamoDb.items(TABLE)).toEqual(expect.arrayContaining([{ id: 'from', balance: 20 }, { id: 'to', balance: 30 }]));
  });

  test('transactWriteItems undoes the actions before a failed ConditionCheck, and transactGetItems reads each item', async () => {
    runner = await runnerWithTable(
      {
        Write: task(
          'arn:aws:states:::aws-sdk:dynamodb:transactWriteItems',
          {
            TransactItems: [
              { Put: { TableName: TABLE, Item: { id: { S: 'new' } } } },
              { ConditionCheck: { TableName: TABLE, Key: { id: { S: 'missing' } }, ConditionExpression: 'attribute_exists(id)' } },
            ],
          },
          { Catch: [{ ErrorEquals: ['DynamoDb.TransactionCanceledException'], ResultPath: '$.error', Next: 'Read' }], End: true },
        ),
        Read: task('arn:aws:states:::aws-sdk:dynamodb:transactGetItems', { TransactItems: [{ Get: { TableName: TABLE, Key: { id: { S: 'new' } } } }, { Get: { TableName: TABLE, Key: { id: { S: 'old' } } } }] }),
      },
      'Write',
    );
    await runner.dynamoDb.putItem(TABLE, { id: 'old' });
    const result = await runner.stateMachine().run({});
    expect(result.path).toEqual(['Write', 'Read']);
    expect(result.output).toEqual({ Responses: [{}, { Item: { id: { S: 'old' } } }] });
    expect(await runner.dynamoDb.items(TABLE)).toEqual([{ id: 'old' }]);
  });
});

describe('LocalRunner DynamoDB: error names as recorded from AWS', () => {
  const cases = [
    { resource: 'arn:aws:states:::dynamodb:putItem', table: 'NoSuchTable', item: { id: { S: 'x' } }, error: 'DynamoDB.ResourceNotFoundException', cause: /^Requested resource not found \(Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ResourceNotFoundException; Request ID: \S+; Proxy: null\)$/ },
    { resource: 'arn:aws:states:::aws-sdk:dynamodb:putItem', table: 'NoSuchTable', item: { id: { S: 'x' } }, error: 'DynamoDb.ResourceNotFoundException', cause: /^Requested resource not found \(Service: DynamoDb, Status Code: 400, Request ID: \S+\)$/ },
    { resource: 'arn:aws:states:::dynamodb:putItem', table: TABLE, item: null, error: 'DynamoDB.AmazonDynamoDBException', cause: /Error Code: ValidationException; Request ID: \S+; Proxy: null\)$/ },
    { resource: 'arn:aws:states:::aws-sdk:dynamodb:putItem', table: TABLE, item: null, error: 'DynamoDb.DynamoDbException', cause: /\(Service: DynamoDb, Status Code: 400, Request ID: \S+\)$/ },
  ];
  test.each(cases)('$resource on $table with item $item fails with $error', async ({ resource, table, item, error, cause }) => {
    const runner = await runnerWithTable({ Put: task(resource, { TableName: table, Item: item }) }, 'Put');
    const result = await runner.stateMachine().run({});
    await runner.dispose();
    expect(result.error).toBe(error);
    expect(result.cause).toMatch(cause);
  });

  test('an aws-sdk:dynamodb action the local server does not answer is refused before the run, naming it', async () => {
    const runner = LocalRunner.fromDefinition({ StartAt: 'Backup', States: { Backup: task('arn:aws:states:::aws-sdk:dynamodb:createBackup', { TableName: TABLE, BackupName: 'b' }) } } as never);
    await expect(runner.stateMachine().run({})).rejects.toThrow(/Task 'Backup' \(arn:aws:states:::aws-sdk:dynamodb:createBackup\): the local DynamoDB does not answer createBackup/);
    // AND a handler registered for the action answers it instead
    const result = await runner.stateMachine().run({}, { tasks: { 'aws-sdk:dynamodb:createBackup': () => ({ BackupDetails: { BackupName: 'b' } }) } });
    expect(result.output).toEqual({ BackupDetails: { BackupName: 'b' } });
  });
});

describe('LocalRunner DynamoDB: started on demand', () => {
  test('a run without DynamoDB tasks starts no server; dispose stops a started one', async () => {
    const runner = LocalRunner.fromDefinition({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } } as never);
    await runner.stateMachine().run({});
    expect(runner.dynamoDb.started).toBe(false);
    const endpoint = await runner.dynamoDb.endpoint();
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(runner.dynamoDb.started).toBe(true);
    await runner.dispose();
    expect(runner.dynamoDb.started).toBe(false);
  });
});
