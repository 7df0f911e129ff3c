import * as zlib from 'node:zlib';
import { States, StatesError } from './errors';
import { ObjectStore, StoredObject } from './object-store';

/**
 * A Distributed Map's `ItemReader.ReaderConfig`, as written in the definition (with
 * `MaxItemsPath` already resolved into `MaxItems` by the engine).
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
 */
export interface ReaderConfig {
  /** `CSV`, `JSON`, `JSONL`, `PARQUET` or `MANIFEST`. Required for `s3:getObject` (unless `ManifestType` is `S3_INVENTORY`) and for `LOAD_AND_FLATTEN`. */
  readonly InputType?: string;
  /** `FIRST_ROW` (default here) or `GIVEN` (then `CSVHeaders` names the columns). */
  readonly CSVHeaderLocation?: string;
  /** The column names when `CSVHeaderLocation` is `GIVEN`. */
  readonly CSVHeaders?: readonly string[];
  /** `COMMA` (default), `PIPE`, `SEMICOLON`, `SPACE` or `TAB`. */
  readonly CSVDelimiter?: string;
  /** `ATHENA_DATA` (with `InputType` CSV, JSONL or PARQUET) or `S3_INVENTORY` (without `InputType`). */
  readonly ManifestType?: string;
  /** For `s3:listObjectsV2`: `NONE` (default; items are object metadata) or `LOAD_AND_FLATTEN` (items are the objects' contents). */
  readonly Transformation?: string;
  /** For `InputType` JSON: an RFC 6901 JSON Pointer to the array (or object) to iterate, e.g. `/inventory/products/featured`. */
  readonly ItemsPointer?: string;
  /** Read at most this many items, the first ones (0 or absent: all). At most 100,000,000. */
  readonly MaxItems?: number;
}

/**
 * What the engine hands the reader: the `Resource`, the evaluated `Parameters` / `Arguments`
 * (`Bucket` and `Key` for `s3:getObject`; `Bucket` and optional `Prefix` / `StartAfter` for
 * `s3:listObjectsV2`; `VersionId` and `ExpectedBucketOwner` are accepted and ignored) and the
 * `ReaderConfig`.
 */
export interface ItemReaderSpec {
  /** `arn:aws:states:::s3:getObject` or `arn:aws:states:::s3:listObjectsV2` (any partition). */
  readonly resource: string;
  /** The evaluated `Parameters` (JSONPath) or `Arguments` (JSONata). */
  readonly parameters: { readonly [name: string]: unknown };
  /** The reader configuration. */
  readonly readerConfig?: ReaderConfig;
}

/** One item read from S3. */
export interface ReadItem {
  /** The item: what `$$.Map.Item.Value` holds and, without ItemSelector or ItemBatcher, the child's input. */
  readonly value: unknown;
  /**
   * Where the item came from, for `$$.Map.Item.Source`: `s3://bucket/key` of the object (or
   * data file) it was read from; `s3://bucket` for the metadata items of `s3:listObjectsV2`.
   */
  readonly source: string;
  /** For an item of a JSON object (rather than array) dataset, the member's name. */
  readonly key?: string;
}

/** The most items `MaxItems` may ask for. */
export const MAX_ITEMS_LIMIT = 100_000_000;

/** Step Functions reads CSV headers of up to 10 KiB. */
const MAX_CSV_HEADER_BYTES = 10 * 1024;

const DELIMITERS: { readonly [name: string]: string } = { COMMA: ',', PIPE: '|', SEMICOLON: ';', SPACE: ' ', TAB: '\t' };

const PARQUET_REFUSAL =
  'The local runner does not read Parquet (InputType PARQUET): convert the fixture to JSONL or CSV for local tests';

/**
 * Reads a Distributed Map's items from an object store, as Step Functions does from S3:
 *
 * - `s3:getObject` with `InputType` `JSON` (an array, or an object whose members are the items;
 *   `ItemsPointer` selects a node inside the document), `JSONL` (one JSON value per line; blank
 *   lines skipped), `CSV` (one item per row: an object from header to field, every value a
 *   string), `MANIFEST` / `ManifestType` `S3_INVENTORY` (the CSV files an S3 inventory
 *   `manifest.json` lists, columns named by its `fileSchema`) or `ManifestType` `ATHENA_DATA`
 *   (the data files an Athena UNLOAD manifest lists, each read as `InputType`);
 * - `s3:listObjectsV2` with `Transformation` `NONE` (one item per object:
 *   `{Etag, Key, LastModified (epoch seconds), Size, StorageClass}`) or `LOAD_AND_FLATTEN` (the
 *   contents of every listed object, read as `InputType`, in key order).
 *
 * Files whose key ends in `.gz` (or whose bytes start like GZIP) are decompressed; `.zst`/`.zstd`
 * too when this Node.js has zstd. `MaxItems` keeps the first N items.
 *
 * @returns the items in reading order, each with its source
 * @throws StatesError `States.ItemReaderFailed` when the bucket or object is missing, the content
 *   does not parse or has the wrong shape, the configuration is inconsistent, or the input is
 *   Parquet (which the local runner does not read); the cause says which and where
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
 */
export function readItems(spec: ItemReaderSpec, store: ObjectStore): ReadItem[] {
  const config = spec.readerConfig ?? {};
  const limit = maxItemsOf(config);
  const bucket = requiredString(spec.parameters, 'Bucket');
  const collector = new ItemCollector(limit);
  switch (actionOf(spec.resource)) {
    case 'getObject':
      readObjectDataset(bucket, requiredString(spec.parameters, 'Key'), config, store, collector);
      break;
    case 'listObjectsV2':
      readListedDataset(bucket, spec.parameters, config, store, collector);
      break;
  }
  return collector.items;
}

/** Collects items up to MaxItems, so readers over many files can stop early. */
class ItemCollector {
  readonly items: ReadItem[] = [];

  constructor(private readonly limit: number) {}

  get full(): boolean {
    return this.items.length >= this.limit;
  }

  add(values: readonly unknown[], source: string, keys?: readonly string[]): void {
    for (let index = 0; index < values.length && !this.full; index++) {
      this.items.push(keys ? { value: values[index], source, key: keys[index] } : { value: values[index], source });
    }
  }
}

function failure(cause: string): StatesError {
  return new StatesError(States.ItemReaderFailed, cause);
}

function actionOf(resource: string): 'getObject' | 'listObjectsV2' {
  const match = /^arn:aws[a-z-]*:states:::s3:(getObject|listObjectsV2)$/.exec(resource);
  if (!match) throw failure(`The ItemReader Resource '${resource}' is not supported: use arn:aws:states:::s3:getObject or arn:aws:states:::s3:listObjectsV2`);
  return match[1] as 'getObject' | 'listObjectsV2';
}

function maxItemsOf(config: ReaderConfig): number {
  const value = config.MaxItems;
  if (value === undefined || value === 0) return Number.POSITIVE_INFINITY;
  if (!Number.isInteger(value) || value < 0 || value > MAX_ITEMS_LIMIT) {
    throw failure(`ReaderConfig.MaxItems must be an integer from 0 to ${MAX_ITEMS_LIMIT}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function requiredString(parameters: { readonly [name: string]: unknown }, name: string): string {
  const value = parameters[name];
  if (typeof value !== 'string' || value === '') {
    throw failure(`The ItemReader parameter ${name} must be a non-empty string, got ${JSON.stringify(value) ?? 'nothing'}`);
  }
  return value;
}

function optionalString(parameters: { readonly [name: string]: unknown }, name: string): string | undefined {
  const value = parameters[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw failure(`The ItemReader parameter ${name} must be a string, got ${JSON.stringify(value)}`);
  return value;
}

function s3Uri(bucket: string, key?: string): string {
  return key === undefined ? `s3://${bucket}` : `s3://${bucket}/${key}`;
}

// ---------------------------------------------------------------------------------------------
// s3:getObject

function readObjectDataset(bucket: string, key: string, config: ReaderConfig, store: ObjectStore, collector: ItemCollector): void {
  if (config.ManifestType !== undefined) return readManifest(bucket, key, config, store, collector);
  switch (config.InputType) {
    case 'MANIFEST':
      return readInventory(bucket, key, config, store, collector);
    case undefined:
      throw failure('ReaderConfig.InputType is required with s3:getObject: CSV, JSON, JSONL, PARQUET or MANIFEST');
    default:
      return readDataFile(bucket, key, config.InputType, config, store, collector);
  }
}

/** Reads one CSV, JSON or JSONL object into the collector. */
function readDataFile(bucket: string, key: string, inputType: string, config: ReaderConfig, store: ObjectStore, collector: ItemCollector): void {
  if (config.ItemsPointer !== undefined && inputType !== 'JSON') throw failure(`ReaderConfig.ItemsPointer applies to InputType JSON only, not ${inputType}`);
  const source = s3Uri(bucket, key);
  switch (inputType) {
    case 'JSON': {
      const { values, keys } = jsonItems(fetchText(store, bucket, key), config.ItemsPointer, source);
      return collector.add(values, source, keys);
    }
    case 'JSONL':
      return collector.add(jsonLinesItems(fetchText(store, bucket, key), source), source);
    case 'CSV':
      return collector.add(csvItems(fetchText(store, bucket, key), config, source), source);
    case 'PARQUET':
      throw failure(PARQUET_REFUSAL);
    default:
      throw failure(`ReaderConfig.InputType '${inputType}' is not one of CSV, JSON, JSONL, PARQUET, MANIFEST here`);
  }
}

/** An object's bytes, decompressed, or the failure a missing bucket or key raises. */
function fetchObject(store: ObjectStore, bucket: string, key: string): Buffer {
  let body: Uint8Array | undefined;
  try {
    body = store.getObject(bucket, key);
  } catch (error) {
    throw failure(`Cannot read ${s3Uri(bucket, key)}: ${(error as Error).message}`);
  }
  if (body === undefined) {
    throw failure(
      store.hasBucket(bucket)
        ? `The object ${s3Uri(bucket, key)} does not exist (S3 error NoSuchKey)`
        : `The bucket '${bucket}' does not exist (S3 error NoSuchBucket)`,
    );
  }
  return decompress(Buffer.from(body.buffer, body.byteOffset, body.byteLength), key, bucket);
}

function fetchText(store: ObjectStore, bucket: string, key: string): string {
  const bytes = fetchObject(store, bucket, key);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw failure(`${s3Uri(bucket, key)} is not valid UTF-8 text`);
  }
}

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

function decompress(body: Buffer, key: string, bucket: string): Buffer {
  const lower = key.toLowerCase();
  if (lower.endsWith('.gz') || lower.endsWith('.gzip') || startsWith(body, GZIP_MAGIC)) {
    try {
      return zlib.gunzipSync(body);
    } catch (error) {
      throw failure(`${s3Uri(bucket, key)} is not valid GZIP: ${(error as Error).message}`);
    }
  }
  if (lower.endsWith('.zst') || lower.endsWith('.zstd') || startsWith(body, ZSTD_MAGIC)) {
    const zstd = (zlib as unknown as { zstdDecompressSync?: (buffer: Buffer) => Buffer }).zstdDecompressSync;
    if (!zstd) throw failure(`${s3Uri(bucket, key)} is ZSTD-compressed and Node.js ${process.version} has no zstd: decompress the fixture, or run Node.js >= 22.15`);
    try {
      return zstd(body);
    } catch (error) {
      throw failure(`${s3Uri(bucket, key)} is not valid ZSTD: ${(error as Error).message}`);
    }
  }
  return body;
}

function startsWith(body: Buffer, magic: Buffer): boolean {
  return body.length >= magic.length && body.subarray(0, magic.length).equals(magic);
}

// ---------------------------------------------------------------------------------------------
// JSON and JSON Lines

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw failure(`${where} is not valid JSON: ${(error as Error).message}`);
  }
}

/** The items of a JSON document: the array's elements, or the object's member values (with their names). */
function jsonItems(text: string, pointer: string | undefined, source: string): { values: unknown[]; keys?: string[] } {
  const document = parseJson(text, source);
  const node = pointer === undefined ? document : resolvePointer(document, pointer, source);
  if (Array.isArray(node)) return { values: node };
  if (isObject(node)) return { values: Object.values(node), keys: Object.keys(node) };
  const what = pointer === undefined ? `The JSON document ${source}` : `ItemsPointer '${pointer}' in ${source}`;
  throw failure(`${what} selects ${describe(node)}, not an array or object of items`);
}

/** RFC 6901: `''` is the whole document; `/a/0/b~1c` walks members and indexes (`~1` is `/`, `~0` is `~`). */
function resolvePointer(document: unknown, pointer: string, source: string): unknown {
  if (pointer === '') return document;
  if (!pointer.startsWith('/')) throw failure(`ItemsPointer '${pointer}' is not a JSON Pointer: it must be empty or start with '/'`);
  let node = document;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^(0|[1-9]\d*)$/.test(token) && Number(token) < node.length) node = node[Number(token)];
    else if (isObject(node) && Object.prototype.hasOwnProperty.call(node, token)) node = node[token];
    else throw failure(`ItemsPointer '${pointer}' selects nothing in ${source}: no '${token}' in ${describe(node)}`);
  }
  return node;
}

function jsonLinesItems(text: string, source: string): unknown[] {
  const items: unknown[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    items.push(parseJson(line, `Line ${index + 1} of ${source}`));
  });
  return items;
}

function isObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

// ---------------------------------------------------------------------------------------------
// CSV (text delimited files)

/**
 * Splits delimited text into records by Step Functions' rules: RFC 4180 quoting (a field that
 * opens with `"` may hold delimiters, newlines and `""` for a quote), newlines (LF or CRLF)
 * between records, and backslash escapes: `\\`, `\"` and backslash-delimiter give the character
 * itself; a backslash before anything else is dropped. Blank lines are skipped.
 *
 * @throws Error when a quoted field is never closed
 */
export function parseDelimited(text: string, delimiter: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let started = false;
  let quoted = false;
  let line = 1;
  let quoteLine = 0;
  const endField = () => {
    record.push(field);
    field = '';
    started = false;
  };
  const endRecord = () => {
    endField();
    if (!(record.length === 1 && record[0] === '')) records.push(record);
    record = [];
  };
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === '\\') {
      const next = text[index + 1];
      if (next === '\\' || next === '"' || next === delimiter) {
        field += next;
        started = true;
        index++;
      }
      continue;
    }
    if (char === '\n') line++;
    if (quoted) {
      if (char !== '"') field += char;
      else if (text[index + 1] === '"') field += text[++index];
      else quoted = false;
    } else if (char === '"' && !started) {
      quoted = started = true;
      quoteLine = line;
    } else if (char === delimiter) {
      endField();
    } else if (char === '\n') {
      endRecord();
    } else if (!(char === '\r' && text[index + 1] === '\n')) {
      field += char;
      started = true;
    }
  }
  if (quoted) throw new Error(`the quoted field opened on line ${quoteLine} is never closed`);
  if (started || record.length > 0) endRecord();
  return records;
}

function delimiterOf(config: ReaderConfig): string {
  const name = config.CSVDelimiter ?? 'COMMA';
  const delimiter = DELIMITERS[name];
  if (delimiter === undefined) throw failure(`ReaderConfig.CSVDelimiter '${name}' is not one of ${Object.keys(DELIMITERS).join(', ')}`);
  return delimiter;
}

function parseRecords(text: string, delimiter: string, source: string): string[][] {
  try {
    return parseDelimited(text.replace(/^\uFEFF/, ''), delimiter);
  } catch (error) {
    throw failure(`${source} is not a valid delimited file: ${(error as Error).message}`);
  }
}

/** One object per row, header → field (all strings): missing fields are `""`, extra fields are skipped. */
function rowsToItems(header: readonly string[], rows: readonly string[][]): { [column: string]: string }[] {
  return rows.map((row) => {
    const item: { [column: string]: string } = {};
    header.forEach((column, index) => (item[column] = row[index] ?? ''));
    return item;
  });
}

function checkHeader(header: readonly string[], source: string): void {
  if (new Set(header).size !== header.length) throw failure(`The CSV headers of ${source} contain duplicates: ${JSON.stringify(header)}`);
}

function csvItems(text: string, config: ReaderConfig, source: string): unknown[] {
  const delimiter = delimiterOf(config);
  const records = parseRecords(text, delimiter, source);
  const location = config.CSVHeaderLocation ?? 'FIRST_ROW';
  if (location === 'GIVEN') {
    const header = givenHeader(config);
    checkHeader(header, source);
    return rowsToItems(header, records);
  }
  if (location !== 'FIRST_ROW') throw failure(`ReaderConfig.CSVHeaderLocation '${location}' is not FIRST_ROW or GIVEN`);
  const [header, ...rows] = records;
  if (header === undefined) return [];
  if (Buffer.byteLength(header.join(delimiter), 'utf8') > MAX_CSV_HEADER_BYTES) throw failure(`The CSV header row of ${source} is over 10 KiB`);
  checkHeader(header, source);
  return rowsToItems(header, rows);
}

function givenHeader(config: ReaderConfig): readonly string[] {
  const headers = config.CSVHeaders;
  if (!Array.isArray(headers) || headers.length === 0 || headers.some((name) => typeof name !== 'string')) {
    throw failure('ReaderConfig.CSVHeaderLocation GIVEN needs CSVHeaders, a non-empty array of column names');
  }
  return headers;
}

// ---------------------------------------------------------------------------------------------
// Manifests: S3 inventory and Athena data

function readManifest(bucket: string, key: string, config: ReaderConfig, store: ObjectStore, collector: ItemCollector): void {
  switch (config.ManifestType) {
    case 'S3_INVENTORY':
      if (config.InputType !== undefined && config.InputType !== 'MANIFEST') {
        throw failure(`ManifestType S3_INVENTORY takes no InputType (the inventory is CSV), got InputType ${config.InputType}`);
      }
      return readInventory(bucket, key, config, store, collector);
    case 'ATHENA_DATA':
      return readAthenaManifest(bucket, key, config, store, collector);
    default:
      throw failure(`ReaderConfig.ManifestType '${config.ManifestType}' is not ATHENA_DATA or S3_INVENTORY`);
  }
}

interface InventoryManifest {
  readonly destinationBucket?: unknown;
  readonly fileFormat?: unknown;
  readonly fileSchema?: unknown;
  readonly files?: unknown;
}

/**
 * An S3 inventory: `manifest.json` names the CSV data files (usually `.csv.gz`, in the
 * `destinationBucket`) and their columns (`fileSchema`); each row becomes an item of strings.
 */
function readInventory(bucket: string, key: string, config: ReaderConfig, store: ObjectStore, collector: ItemCollector): void {
  const where = s3Uri(bucket, key);
  const manifest = parseJson(fetchText(store, bucket, key), `The inventory manifest ${where}`);
  if (!isObject(manifest)) throw failure(`The inventory manifest ${where} is ${describe(manifest)}, not an object`);
  const { fileFormat, fileSchema, files, destinationBucket } = manifest as InventoryManifest;
  if (fileFormat !== 'CSV') throw failure(`The inventory ${where} has fileFormat ${JSON.stringify(fileFormat)}: Step Functions reads CSV inventories only`);
  if (typeof fileSchema !== 'string' || fileSchema.trim() === '') throw failure(`The inventory manifest ${where} has no fileSchema`);
  if (!Array.isArray(files) || files.some((file) => !isObject(file) || typeof file.key !== 'string')) {
    throw failure(`The inventory manifest ${where} needs files: an array of {"key": ...}`);
  }
  const columns = fileSchema.split(',').map((column) => column.trim());
  const dataBucket = inventoryBucket(destinationBucket) ?? bucket;
  const delimiter = delimiterOf(config);
  for (const file of files as { key: string }[]) {
    if (collector.full) return;
    const source = s3Uri(dataBucket, file.key);
    collector.add(rowsToItems(columns, parseRecords(fetchText(store, dataBucket, file.key), delimiter, source)), source);
  }
}

/** The bucket name in the manifest's `destinationBucket` (`arn:aws:s3:::name`, or a bare name). */
function inventoryBucket(destinationBucket: unknown): string | undefined {
  if (typeof destinationBucket !== 'string' || destinationBucket === '') return undefined;
  const arn = /^arn:aws[a-z-]*:s3:::(.+)$/.exec(destinationBucket);
  return arn ? arn[1] : destinationBucket;
}

/**
 * An Athena UNLOAD data manifest: a CSV list of `s3://bucket/key` data files, every one read
 * as `InputType` (CSV or JSONL; UNLOAD's CSV has no header row, so give `CSVHeaders`).
 */
function readAthenaManifest(bucket: string, key: string, config: ReaderConfig, store: ObjectStore, collector: ItemCollector): void {
  const inputType = config.InputType;
  if (inputType === 'PARQUET') throw failure(PARQUET_REFUSAL);
  if (inputType !== 'CSV' && inputType !== 'JSONL') {
    throw failure(`ManifestType ATHENA_DATA needs InputType CSV, JSONL or PARQUET (the data files' format), got ${JSON.stringify(inputType)}`);
  }
  const where = s3Uri(bucket, key);
  for (const [uri] of parseRecords(fetchText(store, bucket, key), ',', where)) {
    if (collector.full) return;
    const file = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri.trim());
    if (!file) throw failure(`The Athena manifest ${where} lists '${uri}', not an s3://bucket/key URI`);
    readDataFile(file[1], file[2], inputType, config, store, collector);
  }
}

// ---------------------------------------------------------------------------------------------
// s3:listObjectsV2

function readListedDataset(
  bucket: string,
  parameters: { readonly [name: string]: unknown },
  config: ReaderConfig,
  store: ObjectStore,
  collector: ItemCollector,
): void {
  if (parameters.Delimiter !== undefined) throw failure('The ItemReader parameter Delimiter of s3:listObjectsV2 is not supported by the local runner');
  if (config.ManifestType !== undefined) throw failure('ReaderConfig.ManifestType applies to s3:getObject, not s3:listObjectsV2');
  if (!store.hasBucket(bucket)) throw failure(`The bucket '${bucket}' does not exist (S3 error NoSuchBucket)`);
  const objects = listed(store, bucket, optionalString(parameters, 'Prefix') ?? '', optionalString(parameters, 'StartAfter'));
  const transformation = config.Transformation ?? 'NONE';
  if (transformation === 'NONE') return collector.add(objects.map(metadataItem), s3Uri(bucket));
  if (transformation !== 'LOAD_AND_FLATTEN') throw failure(`ReaderConfig.Transformation '${transformation}' is not NONE or LOAD_AND_FLATTEN`);
  const inputType = config.InputType;
  if (inputType !== 'CSV' && inputType !== 'JSON' && inputType !== 'JSONL' && inputType !== 'PARQUET') {
    throw failure(`Transformation LOAD_AND_FLATTEN needs InputType CSV, JSON, JSONL or PARQUET, got ${JSON.stringify(inputType)}`);
  }
  for (const object of objects) {
    if (collector.full) return;
    // A console-made "folder" is an empty object whose key ends in '/': it holds no items.
    if (object.Key.endsWith('/') && object.Size === 0) continue;
    readDataFile(bucket, object.Key, inputType, config, store, collector);
  }
}

function listed(store: ObjectStore, bucket: string, prefix: string, startAfter: string | undefined): StoredObject[] {
  const objects = store.listObjects(bucket, prefix);
  if (startAfter === undefined) return objects;
  const after = Buffer.from(startAfter, 'utf8');
  return objects.filter((object) => Buffer.compare(Buffer.from(object.Key, 'utf8'), after) > 0);
}

/**
 * The item `s3:listObjectsV2` gives a child, as AWS writes it: note `Etag` (not S3's `ETag`)
 * and `LastModified` in whole epoch seconds.
 */
function metadataItem(object: StoredObject): { Etag: string; Key: string; LastModified: number; Size: number; StorageClass: string } {
  return {
    Etag: object.ETag,
    Key: object.Key,
    LastModified: Math.floor(object.LastModified.getTime() / 1000),
    Size: object.Size,
    StorageClass: object.StorageClass,
  };
}
