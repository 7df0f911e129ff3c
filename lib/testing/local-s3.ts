import * as fs from 'node:fs';
import * as path from 'node:path';
import { InMemoryObjectStore, ObjectStore, ObjectStoreError, s3ETag, sortByKey, StoredObject } from './engine/object-store';

/**
 * Objects to put in a {@link LocalS3.inMemory} store: bucket name → key → body (a string is
 * stored as UTF-8).
 */
export interface LocalS3Contents {
  /** A bucket's objects: key → body. */
  readonly [bucket: string]: { readonly [key: string]: string | Uint8Array };
}

/**
 * A local stand-in for Amazon S3 that the runner's distributed Map reads items from
 * (`ItemReader`) and writes results to (`ResultWriter`).
 *
 * On disk ({@link LocalS3.fromDirectory}) each sub-directory of the root is a bucket and each
 * file below it an object, its key the file's path relative to the bucket with `/` separators:
 *
 * ```
 * fixtures/s3/
 *   amzn-s3-demo-bucket/csvDataset/ratings.csv   → s3://amzn-s3-demo-bucket/csvDataset/ratings.csv
 *   results-bucket/                              → an empty bucket a ResultWriter can write to
 * ```
 *
 * ```ts
 * const s3 = LocalS3.fromDirectory(path.join(__dirname, 'fixtures/s3'));
 * const s3 = LocalS3.inMemory({ 'amzn-s3-demo-bucket': { 'jsonDataset/factcheck.json': '[{"verdict":"true"}]' } });
 * ```
 *
 * Keys must be relative paths: a key that is empty, absolute (`/a`, `C:\a`), holds a `.` or
 * `..` segment, an empty segment (`a//b`, or a trailing `/` folder marker), a backslash or a NUL
 * is refused with an `ObjectStoreError` `InvalidKey` (S3 accepts some of these; a
 * directory cannot hold them safely). Bucket names may not contain `/`, `\` or NUL, nor be
 * `.` or `..`. The same rules apply in memory, so a test behaves alike on both.
 *
 * Objects have no versions (`VersionId` is ignored), the storage class is always `STANDARD`,
 * `ETag` is the quoted MD5 of the body (S3's single-part ETag) and `LastModified` the file's
 * modification time.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
 */
export class LocalS3 implements ObjectStore {
  /**
   * A store over an existing directory: one sub-directory per bucket. Reads and writes go to
   * the files directly (writes create the key's directories).
   *
   * @param rootDirectory the directory that holds the buckets
   * @throws Error when `rootDirectory` is not an existing directory
   */
  static fromDirectory(rootDirectory: string): LocalS3 {
    const root = path.resolve(rootDirectory);
    if (!isDirectory(root)) {
      throw new Error(`LocalS3.fromDirectory: '${rootDirectory}' is not an existing directory; create it (one sub-directory per bucket) or use LocalS3.inMemory()`);
    }
    return new LocalS3(new DirectoryObjectStore(root));
  }

  /**
   * A store in memory, optionally filled with `contents` (each named bucket is created).
   *
   * @param contents bucket name → key → body
   * @param now the clock that stamps `LastModified`
   * @throws ObjectStoreError `InvalidKey` / `InvalidBucketName` for an unsafe key or bucket name
   */
  static inMemory(contents: LocalS3Contents = {}, now?: () => Date): LocalS3 {
    const store = new LocalS3(new InMemoryObjectStore(now));
    for (const [bucket, objects] of Object.entries(contents)) {
      store.createBucket(bucket);
      for (const [key, body] of Object.entries(objects)) store.putObject(bucket, key, body);
    }
    return store;
  }

  private constructor(private readonly backend: ObjectStore & { createBucket(bucket: string): unknown }) {}

  /**
   * Creates the bucket (a directory on disk) if it does not exist yet.
   *
   * @throws ObjectStoreError `InvalidBucketName` for an unsafe name
   */
  createBucket(bucket: string): this {
    checkBucket(bucket);
    this.backend.createBucket(bucket);
    return this;
  }

  /** Whether the bucket exists. */
  hasBucket(bucket: string): boolean {
    return isSafeBucket(bucket) && this.backend.hasBucket(bucket);
  }

  /**
   * The object's body, or `undefined` when the bucket or key does not exist.
   *
   * @throws ObjectStoreError `InvalidKey` / `InvalidBucketName` for an unsafe key or bucket name
   */
  getObject(bucket: string, key: string): Uint8Array | undefined {
    checkBucket(bucket);
    checkKey(key);
    return this.backend.getObject(bucket, key);
  }

  /**
   * Writes (or replaces) an object; a string body is stored as UTF-8.
   *
   * @throws ObjectStoreError `NoSuchBucket` when the bucket does not exist;
   *   `InvalidKey` / `InvalidBucketName` for an unsafe key or bucket name
   */
  putObject(bucket: string, key: string, body: Uint8Array | string): void {
    checkBucket(bucket);
    checkKey(key);
    this.backend.putObject(bucket, key, body);
  }

  /**
   * The bucket's objects whose key starts with `prefix`, ascending by key (S3's order).
   *
   * @throws ObjectStoreError `InvalidBucketName` for an unsafe bucket name
   */
  listObjects(bucket: string, prefix?: string): StoredObject[] {
    checkBucket(bucket);
    return this.backend.listObjects(bucket, prefix);
  }

  /**
   * An object's body parsed as UTF-8 JSON: handy to check what a `ResultWriter` exported.
   *
   * @throws Error when the object does not exist or is not JSON
   */
  readJson(bucket: string, key: string): unknown {
    const body = this.getObject(bucket, key);
    if (body === undefined) throw new Error(`LocalS3: no object s3://${bucket}/${key}`);
    return JSON.parse(Buffer.from(body).toString('utf8'));
  }
}

/** An {@link ObjectStore} over a directory (keys are assumed checked by {@link LocalS3}). */
class DirectoryObjectStore implements ObjectStore {
  constructor(private readonly root: string) {}

  createBucket(bucket: string): void {
    fs.mkdirSync(this.bucketPath(bucket), { recursive: true });
  }

  hasBucket(bucket: string): boolean {
    return isDirectory(this.bucketPath(bucket));
  }

  getObject(bucket: string, key: string): Uint8Array | undefined {
    const file = this.objectPath(bucket, key);
    return isFile(file) ? fs.readFileSync(file) : undefined;
  }

  putObject(bucket: string, key: string, body: Uint8Array | string): void {
    if (!this.hasBucket(bucket)) throw new ObjectStoreError('NoSuchBucket', `The bucket '${bucket}' does not exist (no directory ${this.bucketPath(bucket)})`);
    const file = this.objectPath(bucket, key);
    if (isDirectory(file)) throw new ObjectStoreError('InvalidKey', `The key '${key}' names a directory in the local bucket '${bucket}'`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, body);
  }

  listObjects(bucket: string, prefix = ''): StoredObject[] {
    if (!this.hasBucket(bucket)) return [];
    const listed: StoredObject[] = [];
    for (const key of walkFiles(this.bucketPath(bucket), '')) {
      if (!key.startsWith(prefix)) continue;
      const file = this.objectPath(bucket, key);
      const body = fs.readFileSync(file);
      listed.push({ Key: key, Size: body.length, ETag: s3ETag(body), LastModified: fs.statSync(file).mtime, StorageClass: 'STANDARD' });
    }
    return sortByKey(listed);
  }

  private bucketPath(bucket: string): string {
    return path.join(this.root, bucket);
  }

  private objectPath(bucket: string, key: string): string {
    const bucketPath = this.bucketPath(bucket);
    const file = path.join(bucketPath, ...key.split('/'));
    // Defence in depth: checkKey already refuses every key that could leave the bucket.
    const relative = path.relative(bucketPath, file);
    if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
      throw new ObjectStoreError('InvalidKey', `The key '${key}' leaves the bucket directory`);
    }
    return file;
  }
}

/** The keys (relative, `/`-separated) of the files below `directory`; symbolic links to files count, to directories not. */
function* walkFiles(directory: string, keyPrefix: string): Generator<string> {
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    const key = keyPrefix + entry.name;
    if (entry.isDirectory()) yield* walkFiles(path.join(directory, entry.name), `${key}/`);
    else if (entry.isFile() || (entry.isSymbolicLink() && isFile(path.join(directory, entry.name)))) yield key;
  }
}

function isDirectory(target: string): boolean {
  return fs.statSync(target, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function isFile(target: string): boolean {
  return fs.statSync(target, { throwIfNoEntry: false })?.isFile() ?? false;
}

function isSafeBucket(bucket: string): boolean {
  return typeof bucket === 'string' && bucket !== '' && bucket !== '.' && bucket !== '..' && !/[/\\\0]/.test(bucket);
}

function checkBucket(bucket: string): void {
  if (!isSafeBucket(bucket)) {
    throw new ObjectStoreError('InvalidBucketName', `LocalS3 refuses the bucket name ${JSON.stringify(bucket)}: it must be non-empty, not '.' or '..', without '/', '\\' or NUL`);
  }
}

/** Why a key is unsafe as a relative file path, or `undefined` when it is safe. */
function keyProblem(key: string): string | undefined {
  if (typeof key !== 'string' || key === '') return 'it is empty';
  if (key.includes('\0')) return 'it holds a NUL character';
  if (key.includes('\\')) return 'it holds a backslash';
  if (key.startsWith('/') || /^[A-Za-z]:/.test(key)) return 'it is absolute';
  const segments = key.split('/');
  if (segments.some((segment) => segment === '..' || segment === '.')) return "it holds a '.' or '..' segment";
  if (segments.some((segment) => segment === '')) return "it holds an empty segment ('//' or a trailing '/')";
  return undefined;
}

function checkKey(key: string): void {
  const problem = keyProblem(key);
  if (problem) throw new ObjectStoreError('InvalidKey', `LocalS3 refuses the key ${JSON.stringify(key)}: ${problem}; use a relative path like 'data/items.json'`);
}
