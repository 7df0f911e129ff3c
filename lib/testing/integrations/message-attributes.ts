import { createHash } from 'node:crypto';

/** A message attribute as SQS and SNS take it. */
interface MessageAttribute {
  readonly DataType?: unknown;
  readonly StringValue?: unknown;
  readonly BinaryValue?: unknown;
}

/** The most message attributes SQS and SNS accept on one message. */
export const MAX_MESSAGE_ATTRIBUTES = 10;

/** Why the attributes are refused (SQS's and SNS's texts), or undefined. */
export function messageAttributesProblem(attributes: Record<string, MessageAttribute>): string | undefined {
  const names = Object.keys(attributes);
  if (names.length > MAX_MESSAGE_ATTRIBUTES) return `Number of message attributes [${names.length}] exceeds the allowed maximum [${MAX_MESSAGE_ATTRIBUTES}].`;
  for (const name of names) {
    const attribute = attributes[name] ?? {};
    if (typeof attribute.DataType !== 'string' || !/^(String|Number|Binary)(\..+)?$/.test(attribute.DataType)) return `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`;
    if (attribute.StringValue === undefined && attribute.BinaryValue === undefined) return `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${attribute.DataType}'.`;
  }
  return undefined;
}

/** The bytes the attributes count towards the 256 KiB message size: names, types and values. */
export function messageAttributesBytes(attributes: Record<string, MessageAttribute>): number {
  return Object.entries(attributes).reduce((sum, [name, attribute]) => sum + Buffer.byteLength(name) + Buffer.byteLength(String(attribute.DataType)) + valueBytes(attribute).length, 0);
}

/**
 * `MD5OfMessageAttributes` as SQS computes it: per attribute in name order, the length-prefixed
 * name, data type, a transport byte (1 string, 2 binary) and the length-prefixed value.
 *
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html#sqs-attributes-md5-message-digest-calculation
 */
export function md5OfMessageAttributes(attributes: Record<string, MessageAttribute>): string {
  const hash = createHash('md5');
  for (const name of Object.keys(attributes).sort()) {
    const attribute = attributes[name];
    const binary = attribute.BinaryValue !== undefined;
    hash.update(lengthPrefixed(Buffer.from(name)));
    hash.update(lengthPrefixed(Buffer.from(String(attribute.DataType))));
    hash.update(Buffer.from([binary ? 2 : 1]));
    hash.update(lengthPrefixed(valueBytes(attribute)));
  }
  return hash.digest('hex');
}

function valueBytes(attribute: MessageAttribute): Buffer {
  return attribute.BinaryValue !== undefined ? Buffer.from(String(attribute.BinaryValue), 'base64') : Buffer.from(String(attribute.StringValue));
}

function lengthPrefixed(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}
