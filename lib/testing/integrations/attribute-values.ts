/**
 * DynamoDB attribute values between the JSON a state machine carries and the AWS SDK for
 * JavaScript v3: binary values are base64 text in JSON (as in DynamoDB's wire format) and
 * `Uint8Array` in the SDK.
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_AttributeValue.html
 */

type Json = unknown;

/** Whether `value` looks like one attribute value: an object with a single type member. */
function isAttributeValue(value: Json, types: readonly string[]): value is Record<string, Json> {
  if (!value || typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && types.includes(keys[0]);
}

/**
 * A request as the SDK takes it: `B` / `BS` base64 text becomes bytes, and with `sdkCasing`
 * (the `aws-sdk:dynamodb` integration) the Java SDK v2 member names `Bool` and `Nul` become the
 * API's `BOOL` and `NULL`.
 */
export function toSdkRequest(value: Json, sdkCasing: boolean): Json {
  if (Array.isArray(value)) return value.map((item) => toSdkRequest(item, sdkCasing));
  if (!value || typeof value !== 'object') return value;
  if (isAttributeValue(value, ['B'])) return typeof value.B === 'string' ? { B: Buffer.from(value.B, 'base64') } : value;
  if (isAttributeValue(value, ['BS'])) return Array.isArray(value.BS) ? { BS: value.BS.map((item) => (typeof item === 'string' ? Buffer.from(item, 'base64') : item)) } : value;
  if (sdkCasing && isAttributeValue(value, ['Bool'])) return { BOOL: value.Bool };
  if (sdkCasing && isAttributeValue(value, ['Nul'])) return { NULL: value.Nul };
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toSdkRequest(item, sdkCasing)]));
}

/**
 * A response as a state machine receives it: bytes become base64 text, dates ISO 8601 text,
 * `undefined` members are dropped. With `sdkCasing`, `BOOL` and `NULL` are named `Bool` and
 * `Nul` (the Java SDK v2 member names the `aws-sdk` integration uses: observed for requests,
 * assumed for responses).
 */
export function fromSdkResponse(value: Json, sdkCasing: boolean): Json {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => fromSdkResponse(item, sdkCasing));
  if (!value || typeof value !== 'object') return value;
  if (sdkCasing && isAttributeValue(value, ['BOOL'])) return { Bool: value.BOOL };
  if (sdkCasing && isAttributeValue(value, ['NULL'])) return { Nul: value.NULL };
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined).map(([key, item]) => [key, fromSdkResponse(item, sdkCasing)]));
}

/** One attribute value as plain JSON: numbers as numbers, sets and lists as arrays, binary as base64 text. */
export function attributeValueToJson(value: Record<string, any>): Json {
  const [type, content] = Object.entries(value)[0] ?? [];
  switch (type) {
    case 'S': case 'BOOL': return content;
    case 'N': return Number(content);
    case 'NULL': return null;
    case 'B': return Buffer.from(content).toString('base64');
    case 'SS': return [...content];
    case 'NS': return content.map(Number);
    case 'BS': return content.map((item: Uint8Array) => Buffer.from(item).toString('base64'));
    case 'L': return content.map(attributeValueToJson);
    case 'M': return attributeValueMapToJson(content);
    default: throw new Error(`Unknown DynamoDB attribute value ${JSON.stringify(value)}`);
  }
}

/** An item (attribute name → attribute value) as plain JSON, attributes sorted by name. */
export function attributeValueMapToJson(item: Record<string, any>): Record<string, Json> {
  return Object.fromEntries(Object.keys(item).sort().map((name) => [name, attributeValueToJson(item[name])]));
}

/** A plain JSON value as an attribute value: string → S, number → N, boolean → BOOL, null → NULL, array → L, object → M. */
export function jsonToAttributeValue(value: Json): Record<string, unknown> {
  if (value === null || value === undefined) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(jsonToAttributeValue) };
  return { M: jsonToAttributeValueMap(value as Record<string, Json>) };
}

/** A plain JSON object as an item. */
export function jsonToAttributeValueMap(item: Record<string, Json>): Record<string, Record<string, unknown>> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, jsonToAttributeValue(value)]));
}
