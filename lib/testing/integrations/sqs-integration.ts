import { createHash, randomUUID } from 'node:crypto';
import type { TaskIntegration } from '../task-host';
import { md5OfMessageAttributes, messageAttributesBytes, messageAttributesProblem } from './message-attributes';
import { MAX_MESSAGE_BYTES, messageText, optimizedError, withSdkMetadata } from './service-errors';

/** A message a run sent with `sqs:sendMessage`, as the queue would receive it. */
export interface SentMessage {
  /** The queue's URL (a queue of the stack: `https://sqs.<region>.amazonaws.com/<account>/<name>`). */
  readonly queueUrl: string;
  /** The body as SQS receives it: the task's `MessageBody`, JSON text when the task gave an object. */
  readonly body: string;
  /** The message attributes, as sent. */
  readonly messageAttributes: Record<string, unknown>;
  /** The FIFO message group, if any. */
  readonly messageGroupId?: string;
  /** The FIFO deduplication id, if any. */
  readonly messageDeduplicationId?: string;
  /** The delay asked for, in seconds (0 when none). */
  readonly delaySeconds: number;
  /** The id SQS answered with. */
  readonly messageId: string;
  /** The task that sent it. */
  readonly stateName: string;
}

/** A queue of the stacks, as the integration checks sends against it. */
export interface LocalQueue {
  readonly fifo: boolean;
  readonly contentBasedDeduplication: boolean;
}

const SEND_MESSAGE = /^arn:[^:]+:states:::sqs:sendMessage(\.waitForTaskToken)?$/;

/**
 * Records the messages of `sqs:sendMessage` tasks (request-response and `.waitForTaskToken`) in
 * the execution's result instead of sending them, with SQS's checks: a body is required and,
 * with its attributes, at most 256 KiB; at most 10 attributes; `DelaySeconds` 0–900; a FIFO
 * queue needs `MessageGroupId` and (without content-based deduplication)
 * `MessageDeduplicationId` and refuses a per-message delay. The response is SQS's
 * (`MessageId`, `MD5OfMessageBody`, `MD5OfMessageAttributes`, `SequenceNumber` for FIFO) with
 * the integration's HTTP metadata. A refused send fails the task with `SQS.AmazonSQSException`
 * (as recorded from AWS for a missing body), an unknown queue of a synthesized stack with
 * `SQS.QueueDoesNotExistException`.
 *
 * @param queues the stacks' queues by URL; undefined (a plain definition) accepts any queue as a standard queue
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-sqs.html
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
 */
export function sqsIntegration(queues: () => ReadonlyMap<string, LocalQueue> | undefined): TaskIntegration {
  let sequence = 0;
  return {
    matches: (resource) => SEND_MESSAGE.test(resource),
    invoke: async ({ invocation, scope }) => {
      const request = (invocation.input ?? {}) as Record<string, any>;
      const queueUrl = String(request.QueueUrl ?? '');
      if (!request.QueueUrl) throw invalid('The request must contain the parameter QueueUrl.', 'MissingParameter');
      const known = queues();
      const queue = known ? known.get(queueUrl) : { fifo: queueUrl.endsWith('.fifo'), contentBasedDeduplication: false };
      if (!queue) throw optimizedError('SQS.QueueDoesNotExistException', 'The specified queue does not exist.', 'AmazonSQS', 400, 'AWS.SimpleQueueService.NonExistentQueue');
      if (request.MessageBody === undefined || request.MessageBody === '') throw invalid('The request must contain the parameter MessageBody.', 'MissingParameter');
      const body = messageText(request.MessageBody);
      const attributes = (request.MessageAttributes ?? {}) as Record<string, any>;
      checkSend(request, body, attributes, queue);
      const messageId = randomUUID();
      scope.sentMessages.push({
        queueUrl, body, messageAttributes: attributes, messageGroupId: request.MessageGroupId, messageDeduplicationId: request.MessageDeduplicationId,
        delaySeconds: Number(request.DelaySeconds ?? 0), messageId, stateName: invocation.stateName,
      });
      const response: Record<string, unknown> = { MD5OfMessageBody: createHash('md5').update(body).digest('hex'), MessageId: messageId };
      if (Object.keys(attributes).length > 0) response.MD5OfMessageAttributes = md5OfMessageAttributes(attributes);
      if (queue.fifo) response.SequenceNumber = String(10_000_000_000_000_000_000n + BigInt(++sequence));
      return withSdkMetadata(response, 'text/xml');
    },
  };
}

function checkSend(request: Record<string, any>, body: string, attributes: Record<string, any>, queue: LocalQueue): void {
  const attributesProblem = messageAttributesProblem(attributes);
  if (attributesProblem) throw invalid(attributesProblem, 'InvalidParameterValue');
  if (Buffer.byteLength(body) + messageAttributesBytes(attributes) > MAX_MESSAGE_BYTES) {
    throw invalid(`One or more parameters are invalid. Reason: Message must be shorter than ${MAX_MESSAGE_BYTES} bytes.`, 'InvalidParameterValue');
  }
  const delay = request.DelaySeconds;
  if (delay !== undefined && (!Number.isInteger(delay) || delay < 0 || delay > 900)) {
    throw invalid(`Value ${delay} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.`, 'InvalidParameterValue');
  }
  if (!queue.fifo) return;
  if (request.MessageGroupId === undefined) throw invalid('The request must contain the parameter MessageGroupId.', 'MissingParameter');
  if (request.MessageDeduplicationId === undefined && !queue.contentBasedDeduplication) {
    throw invalid('The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly', 'InvalidParameterValue');
  }
  if (delay !== undefined && delay !== 0) {
    throw invalid(`Value ${delay} for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.`, 'InvalidParameterValue');
  }
}

function invalid(message: string, errorCode: string) {
  return optimizedError('SQS.AmazonSQSException', message, 'AmazonSQS', 400, errorCode);
}
