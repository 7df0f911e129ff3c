import { randomUUID } from 'node:crypto';
import type { TaskIntegration } from '../task-host';
import { messageAttributesBytes, messageAttributesProblem } from './message-attributes';
import { MAX_MESSAGE_BYTES, messageText, optimizedError, withSdkMetadata } from './service-errors';

/** A message a run published with `sns:publish`, as the topic would receive it. */
export interface PublishedMessage {
  /** Where it went: the `TopicArn`, `TargetArn` or `PhoneNumber` the task gave. */
  readonly destination: string;
  /** The message as SNS receives it: the task's `Message`, JSON text when the task gave an object. */
  readonly message: string;
  /** The subject, if any. */
  readonly subject?: string;
  /** The message attributes, as sent. */
  readonly messageAttributes: Record<string, unknown>;
  /** `json` when the task set `MessageStructure` (a message per protocol), if any. */
  readonly messageStructure?: string;
  /** The FIFO message group, if any. */
  readonly messageGroupId?: string;
  /** The id SNS answered with. */
  readonly messageId: string;
  /** The task that published it. */
  readonly stateName: string;
}

/** A topic of the stacks, as the integration checks publishes against it. */
export interface LocalTopic {
  readonly fifo: boolean;
  readonly contentBasedDeduplication: boolean;
}

const PUBLISH = /^arn:[^:]+:states:::sns:publish(\.waitForTaskToken)?$/;

/**
 * Records the messages of `sns:publish` tasks (request-response and `.waitForTaskToken`) in the
 * execution's result instead of publishing them, with SNS's checks: exactly one destination, a
 * message of at most 256 KiB with its attributes, at most 10 attributes, a subject under 100
 * characters, `MessageStructure: json` only with a `default` entry, and for a FIFO topic a
 * `MessageGroupId` (and a deduplication id without content-based deduplication). Failures are
 * `SNS.InvalidParameterException` and, for a topic not in the stacks, `SNS.NotFoundException`
 * (names and texts as recorded from AWS). The response is `{ MessageId }` (`SequenceNumber`
 * too for FIFO) with the integration's HTTP metadata.
 *
 * @param topics the stacks' topics by ARN; undefined (a plain definition) accepts any topic
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-sns.html
 * @see https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 */
export function snsIntegration(topics: () => ReadonlyMap<string, LocalTopic> | undefined): TaskIntegration {
  let sequence = 0;
  return {
    matches: (resource) => PUBLISH.test(resource),
    invoke: async ({ invocation, scope }) => {
      const request = (invocation.input ?? {}) as Record<string, any>;
      const destinations = [request.TopicArn, request.TargetArn, request.PhoneNumber].filter((value) => value !== undefined);
      if (destinations.length !== 1) throw invalid('Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter');
      const destination = String(destinations[0]);
      const known = topics();
      const topic = request.PhoneNumber !== undefined ? { fifo: false, contentBasedDeduplication: false } : known ? known.get(destination) : { fifo: destination.endsWith('.fifo'), contentBasedDeduplication: false };
      if (!topic) throw optimizedError('SNS.NotFoundException', 'Topic does not exist', 'AmazonSNS', 404, 'NotFound');
      if (request.Message === undefined || request.Message === '') throw invalid('Invalid parameter: Empty message');
      const message = messageText(request.Message);
      const attributes = (request.MessageAttributes ?? {}) as Record<string, any>;
      checkPublish(request, message, attributes, topic);
      const messageId = randomUUID();
      scope.publishedMessages.push({
        destination, message, subject: request.Subject, messageAttributes: attributes, messageStructure: request.MessageStructure,
        messageGroupId: request.MessageGroupId, messageId, stateName: invocation.stateName,
      });
      const response: Record<string, unknown> = { MessageId: messageId };
      if (topic.fifo) response.SequenceNumber = String(10_000_000_000_000_000_000n + BigInt(++sequence));
      return withSdkMetadata(response, 'text/xml');
    },
  };
}

function checkPublish(request: Record<string, any>, message: string, attributes: Record<string, any>, topic: LocalTopic): void {
  const attributesProblem = messageAttributesProblem(attributes);
  if (attributesProblem) throw invalid(`Invalid parameter: MessageAttributes Reason: ${attributesProblem}`);
  if (Buffer.byteLength(message) + messageAttributesBytes(attributes) > MAX_MESSAGE_BYTES) throw invalid('Invalid parameter: Message too long');
  if (request.Subject !== undefined && (typeof request.Subject !== 'string' || request.Subject.length === 0 || request.Subject.length >= 100)) {
    throw invalid('Invalid parameter: Subject');
  }
  if (request.MessageStructure !== undefined) {
    const parsed = parseObject(message);
    if (request.MessageStructure !== 'json' || !parsed || typeof parsed.default !== 'string') {
      throw invalid("Invalid parameter: Message Structure - No default entry in JSON message body");
    }
  }
  if (!topic.fifo) return;
  if (request.MessageGroupId === undefined) throw invalid('Invalid parameter: The MessageGroupId parameter is required for FIFO topics');
  if (request.MessageDeduplicationId === undefined && !topic.contentBasedDeduplication) {
    throw invalid('Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function invalid(message: string) {
  return optimizedError('SNS.InvalidParameterException', message, 'AmazonSNS', 400, 'InvalidParameter');
}
