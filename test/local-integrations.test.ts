import { createHash } from 'node:crypto';
import { Duration } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Workflow } from '../lib';
import { LocalRunner, LocalS3, TaskFailure } from '../lib/testing';
import { newStack } from './helpers';

/**
 * The runner's local integrations besides DynamoDB, following the Developer Guide pages "Send
 * messages to an Amazon SQS queue" (connect-sqs.html), "Publish messages to an Amazon SNS topic"
 * (connect-sns.html), "Add EventBridge events" (connect-eventbridge.html), "Call HTTPS APIs"
 * (call-https-apis.html), "Learning to use AWS service SDK integrations"
 * (supported-services-awssdk.html), and the shapes of executions recorded against AWS
 * (/work/shared/aws-truth: LocalStack's snapshot tests).
 */

function task(resource: string, parameters: Record<string, unknown>, extra: Record<string, unknown> = { End: true }): Record<string, unknown> {
  return { Type: 'Task', Resource: resource, Parameters: parameters, ...extra };
}

function runnerOf(states: Record<string, unknown>, startAt: string, options = {}): LocalRunner {
  return LocalRunner.fromDefinition({ StartAt: startAt, States: states } as never, options);
}

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/orders';

describe('SQS sendMessage', () => {
  test('records each message in the order sent and answers MessageId and the MD5s as SQS does', async () => {
    const attributes = { kind: { DataType: 'String', StringValue: 'order' } };
    const runner = runnerOf(
      {
        First: task('arn:aws:states:::sqs:sendMessage', { QueueUrl: QUEUE_URL, MessageBody: { orderId: 'o-1' }, MessageAttributes: attributes }, { ResultPath: '$.first', Next: 'Second' }),
        Second: task('arn:aws:states:::sqs:sendMessage', { QueueUrl: QUEUE_URL, MessageBody: 'plain text', DelaySeconds: 5 }, { ResultPath: '$.second', End: true }),
      },
      'First',
    );
    const result = await runner.stateMachine().run({});
    expect(result.sentMessages.map((message) => [message.stateName, message.body, message.delaySeconds])).toEqual([
      ['First', '{"orderId":"o-1"}', 0],
      ['Second', 'plain text', 5],
    ]);
    expect(result.output.first).toMatchObject({
      MessageId: result.sentMessages[0].messageId,
      MD5OfMessageBody: createHash('md5').update('{"orderId":"o-1"}').digest('hex'),
      // SQS's documented digest of the attributes (length-prefixed name, type, transport byte 1, value)
      MD5OfMessageAttributes: createHash('md5').update(Buffer.concat([
        Buffer.from([0, 0, 0, 4]), Buffer.from('kind'), Buffer.from([0, 0, 0, 6]), Buffer.from('String'), Buffer.from([1]), Buffer.from([0, 0, 0, 5]), Buffer.from('order'),
      ])).digest('hex'),
      SdkHttpMetadata: expect.objectContaining({ HttpStatusCode: 200 }),
    });
  });

  test.each([
    ['a body over 256 KiB', { MessageBody: 'x'.repeat(262_145) }, /Message must be shorter than 262144 bytes/],
    ['11 message attributes', { MessageBody: 'x', MessageAttributes: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }])) }, /Number of message attributes \[11\] exceeds the allowed maximum \[10\]/],
    ['no body (recorded from AWS)', {}, /^The request must contain the parameter MessageBody\. \(Service: AmazonSQS; Status Code: 400; Error Code: MissingParameter; Request ID: \S+; Proxy: null\)$/],
    ['a delay over 900 s', { MessageBody: 'x', DelaySeconds: 901 }, /DelaySeconds must be >= 0 and <= 900/],
  ])('refuses %s with SQS.AmazonSQSException and records nothing', async (_, parameters, cause) => {
    const runner = runnerOf({ Send: task('arn:aws:states:::sqs:sendMessage', { QueueUrl: QUEUE_URL, ...parameters }) }, 'Send');
    const result = await runner.stateMachine().run({});
    expect(result.error).toBe('SQS.AmazonSQSException');
    expect(result.cause).toMatch(cause);
    expect(result.sentMessages).toEqual([]);
  });

  test('a FIFO queue of the stack needs a message group, and a queue not in the stack does not exist', async () => {
    // GIVEN a stack with a FIFO queue (no content-based deduplication)
    const stack = newStack();
    const queue = new sqs.Queue(stack, 'Jobs', { fifo: true, enforceSSL: true });
    const send = (id: string, url: string, extra: Record<string, unknown>) =>
      new tasks.SqsSendMessage(stack, id, { queue: sqs.Queue.fromQueueAttributes(stack, `${id}Queue`, { queueArn: queue.queueArn, queueUrl: url }), messageBody: sfn.TaskInput.fromText('job'), ...extra });
    new Workflow(stack, 'Workflow', {
      definition: sfn.Chain.start(
        new sfn.Choice(stack, 'Which?')
          .when(sfn.Condition.stringEquals('$.case', 'grouped'), send('Grouped', queue.queueUrl, { messageGroupId: 'g', messageDeduplicationId: 'd' }))
          .when(sfn.Condition.stringEquals('$.case', 'ungrouped'), send('Ungrouped', queue.queueUrl, {}))
          .otherwise(send('Elsewhere', 'https://sqs.us-east-1.amazonaws.com/123456789012/not-mine', {})),
      ),
      timeout: Duration.minutes(5),
    });
    const runner = LocalRunner.fromStack(stack);
    // WHEN / THEN
    const grouped = await runner.stateMachine().run({ case: 'grouped' });
    expect(grouped.status).toBe('SUCCEEDED');
    expect(grouped.sentMessages[0]).toMatchObject({ queueUrl: expect.stringMatching(/\/TestStack-Jobs[0-9A-F]{8}\.fifo$/), messageGroupId: 'g', messageDeduplicationId: 'd' });
    expect(grouped.output.SequenceNumber).toMatch(/^\d{20}$/);
    const ungrouped = await runner.stateMachine().run({ case: 'ungrouped' });
    expect([ungrouped.error, ungrouped.cause]).toEqual(['SQS.AmazonSQSException', expect.stringMatching(/^The request must contain the parameter MessageGroupId\./)]);
    const elsewhere = await runner.stateMachine().run({ case: 'other' });
    expect(elsewhere.error).toBe('SQS.QueueDoesNotExistException');
  });
});

describe('SNS publish', () => {
  const TOPIC = 'arn:aws:sns:us-east-1:123456789012:alerts';

  test('records each message in order and answers its MessageId', async () => {
    const runner = runnerOf(
      {
        Alert: task('arn:aws:states:::sns:publish', { TopicArn: TOPIC, Message: { level: 'high' }, Subject: 'Order failed' }, { ResultPath: '$.published', End: true }),
      },
      'Alert',
    );
    const result = await runner.stateMachine().run({});
    expect(result.publishedMessages).toEqual([
      { destination: TOPIC, message: '{"level":"high"}', subject: 'Order failed', messageAttributes: {}, messageStructure: undefined, messageGroupId: undefined, messageId: result.output.published.MessageId, stateName: 'Alert' },
    ]);
    expect(result.output.published.SdkHttpMetadata.HttpHeaders['Content-Type']).toBe('text/xml');
  });

  test.each([
    ['a message over 256 KiB', { TopicArn: TOPIC, Message: 'x'.repeat(262_145) }, 'SNS.InvalidParameterException', /^Invalid parameter: Message too long \(Service: AmazonSNS; Status Code: 400; Error Code: InvalidParameter;/],
    ['a FIFO topic without a message group (recorded from AWS)', { TopicArn: `${TOPIC}.fifo`, Message: 'x' }, 'SNS.InvalidParameterException', /^Invalid parameter: The MessageGroupId parameter is required for FIFO topics/],
    ['MessageStructure json without a default entry', { TopicArn: TOPIC, Message: { sqs: 'x' }, MessageStructure: 'json' }, 'SNS.InvalidParameterException', /No default entry in JSON message body/],
    ['no destination', { Message: 'x' }, 'SNS.InvalidParameterException', /TopicArn or TargetArn/],
  ])('refuses %s', async (_, parameters, error, cause) => {
    const runner = runnerOf({ Alert: task('arn:aws:states:::sns:publish', parameters) }, 'Alert');
    const result = await runner.stateMachine().run({});
    expect([result.error, result.cause]).toEqual([error, expect.stringMatching(cause)]);
    expect(result.publishedMessages).toEqual([]);
  });

  test('a topic of the stack takes the message; one not in the stack is SNS.NotFoundException (recorded from AWS)', async () => {
    const stack = newStack();
    const topic = new sns.Topic(stack, 'Alerts', { enforceSSL: true });
    const other = sns.Topic.fromTopicArn(stack, 'Other', 'arn:aws:sns:us-east-1:123456789012:not-mine');
    new Workflow(stack, 'Workflow', {
      definition: new tasks.SnsPublish(stack, 'Mine', { topic, message: sfn.TaskInput.fromText('x'), resultPath: sfn.JsonPath.DISCARD })
        .next(new tasks.SnsPublish(stack, 'Theirs', { topic: other, message: sfn.TaskInput.fromText('y') })),
      timeout: Duration.minutes(5),
    });
    const result = await LocalRunner.fromStack(stack).stateMachine().run({});
    expect(result.publishedMessages.map((message) => [message.stateName, message.destination])).toEqual([['Mine', expect.stringMatching(/^arn:aws:sns:us-east-1:123456789012:TestStack-Alerts[0-9A-F]{8}$/)]]);
    expect([result.error, result.cause]).toEqual(['SNS.NotFoundException', expect.stringMatching(/^Topic does not exist \(Service: AmazonSNS; Status Code: 404; Error Code: NotFound;/)]);
  });
});

describe('EventBridge putEvents limits', () => {
  test('more than 10 entries fail the task and record nothing', async () => {
    const entries = Array.from({ length: 11 }, (_, i) => ({ Source: 'shop', DetailType: 'Tick', Detail: { i } }));
    const runner = runnerOf({ Put: task('arn:aws:states:::events:putEvents', { Entries: entries }) }, 'Put');
    const result = await runner.stateMachine().run({});
    expect(result.error).toBe('EventBridge.AmazonEventBridgeException');
    expect(result.cause).toMatch(/Member must have length less than or equal to 10/);
    expect(result.publishedEvents).toEqual([]);
  });

  test('entries over 256 KiB together fail the task', async () => {
    const entries = [1, 2].map((i) => ({ Source: 'shop', DetailType: 'Big', Detail: { i, text: 'x'.repeat(140_000) } }));
    const result = await runnerOf({ Put: task('arn:aws:states:::events:putEvents', { Entries: entries }) }, 'Put').stateMachine().run({});
    expect(result.cause).toMatch(/Total size of the entries in the request is over the limit/);
  });
});

describe('S3 getObject and putObject (aws-sdk:s3) on the local S3', () => {
  test('putObject stores the body (JSON as text) and answers as recorded from AWS; getObject reads it back', async () => {
    const s3 = LocalS3.inMemory({ reports: {} });
    const runner = runnerOf(
      {
        Put: task('arn:aws:states:::aws-sdk:s3:putObject', { Bucket: 'reports', Key: 'day/1.json', Body: { Dict: 'Value' } }, { ResultPath: '$.put', Next: 'Get' }),
        Get: task('arn:aws:states:::aws-sdk:s3:getObject', { Bucket: 'reports', Key: 'day/1.json' }, { ResultPath: '$.get', End: true }),
      },
      'Put',
      { objectStore: s3 },
    );
    const { output } = await runner.stateMachine().run({});
    // the values AWS answered for the same body
    expect(output.put).toEqual({ ChecksumCRC32: 'hnEfWw==', ChecksumType: 'FULL_OBJECT', ETag: '"49e31cee5aec8faf3345893addb14346"', ServerSideEncryption: 'AES256' });
    expect(output.get).toMatchObject({ AcceptRanges: 'bytes', Body: '{"Dict":"Value"}', ContentLength: 16, ContentType: 'binary/octet-stream', ETag: '"49e31cee5aec8faf3345893addb14346"', Metadata: {} });
    expect(s3.readJson('reports', 'day/1.json')).toEqual({ Dict: 'Value' });
  });

  test.each([
    ['a missing key', 'reports', 'S3.NoSuchKeyException', /^The specified key does not exist\. \(Service: S3, Status Code: 404, Request ID: \S+, Extended Request ID: \S+\)$/],
    ['a missing bucket', 'nope', 'S3.NoSuchBucketException', /^The specified bucket does not exist \(Service: S3, Status Code: 404,/],
  ])('getObject of %s fails as recorded from AWS', async (_, bucket, error, cause) => {
    const runner = runnerOf({ Get: task('arn:aws:states:::aws-sdk:s3:getObject', { Bucket: bucket, Key: 'none.json' }) }, 'Get', { objectStore: LocalS3.inMemory({ reports: {} }) });
    const result = await runner.stateMachine().run({});
    expect([result.error, result.cause]).toEqual([error, expect.stringMatching(cause)]);
  });

  test('without a local S3 the run is refused before it starts, naming the option', async () => {
    const runner = runnerOf({ Get: task('arn:aws:states:::aws-sdk:s3:getObject', { Bucket: 'b', Key: 'k' }) }, 'Get');
    await expect(runner.stateMachine().run({})).rejects.toThrow(/Task 'Get' \(arn:aws:states:::aws-sdk:s3:getObject\): the runner has no local S3: pass LocalRunnerOptions.objectStore/);
  });
});

describe('HTTP tasks and other AWS SDK calls: handlers registered by service action', () => {
  const httpTask = task('arn:aws:states:::http:invoke', { ApiEndpoint: 'https://api.example.com/orders', Method: 'GET', Authentication: { ConnectionArn: 'arn:aws:events:us-east-1:123456789012:connection/c/1' } });

  test('an http:invoke handler (registered for the runner) answers every HTTP task; missing fields take their defaults', async () => {
    const runner = runnerOf({ Call: httpTask }, 'Call', { tasks: { 'http:invoke': (request: any) => ({ ResponseBody: { url: request.ApiEndpoint } }) } });
    const result = await runner.stateMachine().run({});
    expect(result.output).toEqual({ Headers: {}, ResponseBody: { url: 'https://api.example.com/orders' }, StatusCode: 200, StatusText: 'OK' });
  });

  test('a status outside 2xx fails the task with States.Http.StatusCode.<code>', async () => {
    const runner = runnerOf({ Call: { ...httpTask, Retry: [{ ErrorEquals: ['States.Http.StatusCode.503'], MaxAttempts: 1, IntervalSeconds: 1 }] } }, 'Call');
    const result = await runner.stateMachine().run({}, { tasks: { 'http:invoke': () => ({ StatusCode: 503, StatusText: 'Service Unavailable' }) } });
    expect(result.error).toBe('States.Http.StatusCode.503');
    expect(result.retries.map((retry) => retry.error)).toEqual(['States.Http.StatusCode.503']);
  });

  test("an aws-sdk handler's error is named as AWS names SDK integration errors: <Service>.<Name>Exception", async () => {
    const runner = runnerOf(
      { Read: task('arn:aws:states:::aws-sdk:ssm:getParameter', { Name: 'limit' }, { Catch: [{ ErrorEquals: ['Ssm.ParameterNotFoundException'], ResultPath: '$.error', Next: 'Default' }], End: true }), Default: { Type: 'Pass', End: true } },
      'Read',
    );
    const result = await runner.stateMachine().run({}, { tasks: { 'aws-sdk:ssm:getParameter': () => { throw new TaskFailure('ParameterNotFound', 'Parameter limit not found'); } } });
    expect(result.path).toEqual(['Read', 'Default']);
    expect(result.output.error).toEqual({ Error: 'Ssm.ParameterNotFoundException', Cause: 'Parameter limit not found' });
  });

  test('a handler registered by state name takes precedence over one registered by service action', async () => {
    const runner = runnerOf({ Call: httpTask }, 'Call');
    const result = await runner.stateMachine().run({}, { tasks: { Call: () => ({ ResponseBody: 'by name' }), 'http:invoke': () => ({ ResponseBody: 'by action' }) } });
    expect(result.output.ResponseBody).toBe('by name');
  });
});
