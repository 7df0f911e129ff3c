import { createHash } from 'node:crypto';

/**
 * One object as S3's `ListObjectsV2` describes it (the `Contents` entries of the response).
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html
 */
export interface StoredObject {
  /** The object's key, e.g. `csvDataset/ratings.csv`. */
  readonly Key: string;
  /** The body's size in bytes. */
  readonly Size: number;
  /** The entity tag as S3 returns it: the MD5 of the body in lowercase hex, in double quotes. */
  readonly ETag: string;
  /**
   * When the object was last written. S3's API returns a timestamp; a Distributed Map item
   * shows it as whole epoch seconds (see `readItems`).
   */
  readonly LastModified: Date;
  /** The storage class; always `STANDARD` locally. */
  readonly StorageClass: string;
}

/**
 * The S3 operations the distributed Map needs (`GetObject`, `PutObject`, `ListObjectsV2`),
 * synchronous because the stores behind it are local (a directory, or memory).
 *
 * Buckets must exist before objects are written to them, as in S3.
 */
export interface ObjectStore {
  /** The object's body, or `undefined` when the bucket or the key does not exist. */
  getObject(bucket: string, key: string): Uint8Array | undefined;
  /**
   * Writes (or replaces) an object; a string body is stored as UTF-8.
   *
   * @throws ObjectStoreError `NoSuchBucket` when the bucket does not exist
   */
  putObject(bucket: string, key: string, body: Uint8Array | string): void;
  /**
   * The objects whose key starts with `prefix` (all when omitted), in S3's order: ascending by
   * the UTF-8 bytes of the key. An unknown bucket lists nothing.
   */
  listObjects(bucket: string, prefix?: string): StoredObject[];
  /** Whether the bucket exists. */
  hasBucket(bucket: string): boolean;
}

/** An S3 error code a local store raises. */
export type ObjectStoreErrorCode = 'NoSuchBucket' | 'InvalidKey' | 'InvalidBucketName';

/** A refused object-store operation, with the S3 error code it stands for. */
export class ObjectStoreError extends Error {
  constructor(
    /** The S3 error code (`NoSuchBucket`, ...) or `InvalidKey` for a key the local store refuses. */
    public readonly code: ObjectStoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

/** S3's ETag of a body uploaded in one part: the MD5 in lowercase hex, double-quoted. */
export function s3ETag(body: Uint8Array): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}

/** Sorts objects the way `ListObjectsV2` returns them: by the UTF-8 bytes of their keys. */
export function sortByKey(objects: StoredObject[]): StoredObject[] {
  return objects.sort((a, b) => Buffer.compare(Buffer.from(a.Key, 'utf8'), Buffer.from(b.Key, 'utf8')));
}

interface MemoryObject {
  readonly body: Uint8Array;
  readonly lastModified: Date;
}

/**
 * An {@link ObjectStore} in memory: buckets are created with {@link createBucket}; the clock
 * that stamps `LastModified` can be replaced for reproducible listings.
 */
export class InMemoryObjectStore implements ObjectStore {
  private readonly buckets = new Map<string, Map<string, MemoryObject>>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Creates the bucket if it does not exist yet. */
  createBucket(bucket: string): this {
    if (!this.buckets.has(bucket)) this.buckets.set(bucket, new Map());
    return this;
  }

  hasBucket(bucket: string): boolean {
    return this.buckets.has(bucket);
  }

  getObject(bucket: string, key: string): Uint8Array | undefined {
    const stored = this.buckets.get(bucket)?.get(key);
    return stored ? Buffer.from(stored.body) : undefined;
  }

  putObject(bucket: string, key: string, body: Uint8Array | string): void {
    const objects = this.buckets.get(bucket);
    if (!objects) throw new ObjectStoreError('NoSuchBucket', `The bucket '${bucket}' does not exist`);
    objects.set(key, { body: Buffer.from(body), lastModified: this.now() });
  }

  listObjects(bucket: string, prefix = ''): StoredObject[] {
    const objects = this.buckets.get(bucket) ?? new Map<string, MemoryObject>();
    const listed: StoredObject[] = [];
    for (const [key, stored] of objects) {
      if (!key.startsWith(prefix)) continue;
      listed.push({ Key: key, Size: stored.body.length, ETag: s3ETag(stored.body), LastModified: stored.lastModified, StorageClass: 'STANDARD' });
    }
    return sortByKey(listed);
  }
}
