import { randomUUID } from 'node:crypto';
import { StatesError } from '../engine/errors';

/**
 * A task error as an optimized integration reports it: Step Functions calls the service with the
 * AWS SDK for Java v1, so the cause ends in that SDK's detail text.
 *
 * @param error the Step Functions error, e.g. `SQS.AmazonSQSException`
 * @param service the SDK v1 service name, e.g. `AmazonSQS`
 * @param errorCode the service's error code, e.g. `MissingParameter`
 */
export function optimizedError(error: string, message: string, service: string, statusCode: number, errorCode: string): StatesError {
  return taskError(error, `${message} (Service: ${service}; Status Code: ${statusCode}; Error Code: ${errorCode}; Request ID: ${randomUUID()}; Proxy: null)`);
}

/** A StatesError a task raised (so Retry and Catch see it as the task's). */
export function taskError(error: string, cause: string): StatesError {
  const failure = new StatesError(error, cause);
  failure.fromTask = true;
  return failure;
}

/**
 * The `SdkHttpMetadata` / `SdkResponseMetadata` envelope optimized integrations add to a
 * response (shape recorded from AWS executions).
 */
export function withSdkMetadata(body: Record<string, unknown>, contentType: string, requestId: string = randomUUID()): Record<string, unknown> {
  const headers: Record<string, string> = {
    'Content-Length': String(Buffer.byteLength(JSON.stringify(body))),
    'Content-Type': contentType,
    Date: new Date().toUTCString(),
    'x-amzn-RequestId': requestId,
  };
  return {
    ...body,
    SdkHttpMetadata: { AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])), HttpHeaders: headers, HttpStatusCode: 200 },
    SdkResponseMetadata: { RequestId: requestId },
  };
}

/** A message body as the service receives it: a string as it is, other JSON as JSON text (as Step Functions serializes it). */
export function messageText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The maximum size of an SQS message, an SNS message and a PutEvents call: 256 KiB. */
export const MAX_MESSAGE_BYTES = 262_144;
