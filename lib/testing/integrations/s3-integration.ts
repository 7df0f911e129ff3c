import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { s3ETag, type ObjectStore } from '../engine/object-store';
import type { TaskIntegration } from '../task-host';
import { taskError } from './service-errors';

const S3_ACTION = /^arn:[^:]+:states:::aws-sdk:s3:(getObject|putObject)$/;

/**
 * Runs `aws-sdk:s3:getObject` and `aws-sdk:s3:putObject` tasks against the runner's local S3
 * (`LocalRunnerOptions.objectStore`, e.g. a `LocalS3` over a directory with one sub-directory
 * per bucket). Shapes follow executions recorded against AWS: `putObject` stores a string `Body`
 * as UTF-8 and any other JSON as JSON text and answers `ETag`, `ChecksumCRC32`,
 * `ChecksumType: FULL_OBJECT` and `ServerSideEncryption: AES256`; `getObject` answers the body
 * as UTF-8 text with `ContentLength`, `ETag`, `LastModified`, `AcceptRanges`, `Metadata` and
 * `ContentType: binary/octet-stream` (the local store keeps no content type or metadata).
 * A missing bucket or key fails with `S3.NoSuchBucketException` / `S3.NoSuchKeyException`.
 * How AWS renders `LastModified` here is not recorded (ISO 8601 locally).
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
 */
export function s3Integration(store: () => ObjectStore | undefined): TaskIntegration {
  return {
    matches: (resource) => S3_ACTION.test(resource),
    problem: () => (store() ? undefined : 'the runner has no local S3: pass LocalRunnerOptions.objectStore (LocalS3.fromDirectory(...) or LocalS3.inMemory(...))'),
    invoke: async ({ invocation }) => {
      const objects = store()!;
      const request = (invocation.input ?? {}) as Record<string, unknown>;
      const bucket = String(request.Bucket ?? '');
      const key = String(request.Key ?? '');
      if (!objects.hasBucket(bucket)) throw s3Error('NoSuchBucket', 'The specified bucket does not exist');
      if (S3_ACTION.exec(invocation.resource)![1] === 'putObject') {
        const body = Buffer.from(typeof request.Body === 'string' ? request.Body : JSON.stringify(request.Body ?? ''), 'utf8');
        objects.putObject(bucket, key, body);
        return { ChecksumCRC32: crc32Base64(body), ChecksumType: 'FULL_OBJECT', ETag: s3ETag(body), ServerSideEncryption: 'AES256' };
      }
      const body = objects.getObject(bucket, key);
      if (body === undefined) throw s3Error('NoSuchKey', 'The specified key does not exist.');
      const listed = objects.listObjects(bucket, key).find((object) => object.Key === key);
      return {
        AcceptRanges: 'bytes',
        Body: Buffer.from(body).toString('utf8'),
        ContentLength: body.length,
        ContentType: 'binary/octet-stream',
        ETag: s3ETag(body),
        LastModified: (listed?.LastModified ?? new Date()).toISOString(),
        Metadata: {},
        ServerSideEncryption: 'AES256',
      };
    },
  };
}

/** An S3 error as the SDK integration reports it (the cause carries S3's extended request id too). */
function s3Error(code: string, message: string) {
  return taskError(`S3.${code}Exception`, `${message} (Service: S3, Status Code: 404, Request ID: ${randomBytes(8).toString('hex').toUpperCase()}, Extended Request ID: ${randomBytes(32).toString('base64')})`);
}

function crc32Base64(body: Buffer): string {
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32BE(crc32(body));
  return checksum.toString('base64');
}
