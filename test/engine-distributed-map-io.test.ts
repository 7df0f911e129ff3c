import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { gzipSync } from 'node:zlib';
import { States, StatesError } from '../lib/testing/engine/errors';
import { batchItems, MAX_BATCH_BYTES } from '../lib/testing/engine/item-batcher';
import { ItemReaderSpec, parseDelimited, ReaderConfig, readItems } from '../lib/testing/engine/item-reader';
import { InMemoryObjectStore, ObjectStore, ObjectStoreError } from '../lib/testing/engine/object-store';
import { ChildExecutionRecord, compactResults, pendingRecord, writeResults } from '../lib/testing/engine/result-writer';
import { LocalS3 } from '../lib/testing/local-s3';

const ITEM_READER_PAGE = 'https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html';
const ITEM_BATCHER_PAGE = 'https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html';
const RESULT_WRITER_PAGE = 'https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html';

const FIXTURES = path.join(__dirname, 'fixtures', 's3');
const BUCKET = 'amzn-s3-demo-bucket';
const GET_OBJECT = 'arn:aws:states:::s3:getObject';
const LIST_OBJECTS = 'arn:aws:states:::s3:listObjectsV2';

/** The three items of the pages' fact-check dataset (factcheck.json / factcheck.jsonl). */
const FACTS = [
  { verdict: 'true', statement_date: '6/11/2008', statement_source: 'speech' },
  { verdict: 'false', statement_date: '6/7/2022', statement_source: 'television' },
  { verdict: 'mostly-true', statement_date: '5/18/2016', statement_source: 'news' },
];

/** The three rows of the pages' ratings.csv, as items. */
const RATINGS = [
  { userId: '1', movieId: '307', rating: '3.5', timestamp: '1256677221' },
  { userId: '1', movieId: '481', rating: '3.5', timestamp: '1256677456' },
  { userId: '1', movieId: '1091', rating: '1.5', timestamp: '1256677471' },
];

function getObjectReader(key: string, readerConfig: ReaderConfig, bucket = BUCKET): ItemReaderSpec {
  return { resource: GET_OBJECT, parameters: { Bucket: bucket, Key: key }, readerConfig };
}

function values(spec: ItemReaderSpec, store: ObjectStore): unknown[] {
  return readItems(spec, store).map((item) => item.value);
}

/** Runs `action`, expecting a StatesError with that name and a cause matching `cause`. */
function expectStatesError(action: () => unknown, error: string, cause: RegExp): void {
  let thrown: unknown;
  try {
    action();
  } catch (caught) {
    thrown = caught;
  }
  expect(thrown).toBeInstanceOf(StatesError);
  expect((thrown as StatesError).error).toBe(error);
  expect((thrown as StatesError).causeText).toMatch(cause);
}

const temporaryDirectories: string[] = [];

function tempDirectory(): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'local-s3-'));
  temporaryDirectories.push(directory);
  return directory;
}

afterAll(() => {
  for (const directory of temporaryDirectories) fs.rmSync(directory, { recursive: true, force: true });
});

describe(`ItemReader: CSV files (${ITEM_READER_PAGE})`, () => {
  const fixtures = LocalS3.fromDirectory(FIXTURES);

  test('GIVEN the page\'s ratings.csv with CSVHeaderLocation FIRST_ROW WHEN read THEN each row after the header is an item of strings', () => {
    const items = readItems(getObjectReader('csvDataset/ratings.csv', { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' }), fixtures);

    // The page's child input: {"rating": "3.5", "movieId": "307", "userId": "1", "timestamp": "1256677221"}
    expect(items.map((item) => item.value)).toEqual(RATINGS);
    expect(items[0].source).toBe('s3://amzn-s3-demo-bucket/csvDataset/ratings.csv');
  });

  test('GIVEN the page\'s header-less rows with CSVHeaderLocation GIVEN WHEN read THEN CSVHeaders name the columns and the first row is an item', () => {
    const config = { InputType: 'CSV', CSVHeaderLocation: 'GIVEN', CSVHeaders: ['userId', 'movieId', 'rating', 'timestamp'] };

    expect(values(getObjectReader('csvDataset/ratings-no-header.csv', config), fixtures)).toEqual(RATINGS);
  });

  test('GIVEN the page\'s CSVDelimiter PIPE example WHEN read THEN fields split on |', () => {
    const config = { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW', CSVDelimiter: 'PIPE' };

    expect(values(getObjectReader('csvDataset/ratings-pipe.csv', config), fixtures)).toEqual(RATINGS);
  });

  test.each([
    ['SEMICOLON', 'a;b\n1;2\n'],
    ['SPACE', 'a b\n1 2\n'],
    ['TAB', 'a\tb\n1\t2\n'],
    ['COMMA', 'a,b\n1,2\n'],
  ])('GIVEN CSVDelimiter %s WHEN read THEN that character separates fields', (delimiter, text) => {
    const store = LocalS3.inMemory({ [BUCKET]: { 'data.csv': text } });

    expect(values(getObjectReader('data.csv', { InputType: 'CSV', CSVDelimiter: delimiter }), store)).toEqual([{ a: '1', b: '2' }]);
  });

  test('GIVEN quoted fields WHEN parsed THEN delimiters, newlines and doubled quotes inside quotes are data (the page\'s parsing rules)', () => {
    const text = 'name,note\r\n"Smith, Jo","said ""hi""\nthen left"\r\nplain,"",\n';

    expect(parseDelimited(text, ',')).toEqual([
      ['name', 'note'],
      ['Smith, Jo', 'said "hi"\nthen left'],
      ['plain', '', ''],
    ]);
  });

  test('GIVEN the page\'s backslash example WHEN parsed THEN doubled backslashes keep one and a backslash escapes a quote or the delimiter', () => {
    const text = 'path,size\nC:\\\\Program Files\\\\MyApp.exe,6534512\nsay \\"x\\",a\\,b\nq\\zed,1\n';

    expect(parseDelimited(text, ',')).toEqual([
      ['path', 'size'],
      ['C:\\Program Files\\MyApp.exe', '6534512'],
      ['say "x"', 'a,b'],
      ['qzed', '1'],
    ]);
  });

  test('GIVEN rows shorter and longer than the header WHEN read THEN missing fields are "" and extra fields are skipped', () => {
    const store = LocalS3.inMemory({ [BUCKET]: { 'data.csv': 'a,b,c\n1\n1,2,3,4\n\n' } });

    expect(values(getObjectReader('data.csv', { InputType: 'CSV' }), store)).toEqual([
      { a: '1', b: '', c: '' },
      { a: '1', b: '2', c: '3' },
    ]);
  });

  test('GIVEN MaxItems 2 WHEN a CSV file with a header row is read THEN the first two rows are the items', () => {
    const config = { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW', MaxItems: 2 };

    expect(values(getObjectReader('csvDataset/ratings.csv', config), fixtures)).toEqual(RATINGS.slice(0, 2));
  });

  test('GIVEN MaxItems 0 WHEN read THEN there is no limit', () => {
    expect(values(getObjectReader('csvDataset/ratings.csv', { InputType: 'CSV', MaxItems: 0 }), fixtures)).toHaveLength(3);
  });

  test('GIVEN a UTF-8 byte order mark WHEN read THEN it is not part of the first column name', () => {
    const store = LocalS3.inMemory({ [BUCKET]: { 'bom.csv': '\uFEFFid,name\n1,x\n' } });

    expect(values(getObjectReader('bom.csv', { InputType: 'CSV' }), store)).toEqual([{ id: '1', name: 'x' }]);
  });

  test('fails when the header row is over 10 KiB (the page\'s header limit)', () => {
    const header = Array.from({ length: 1100 }, (_, index) => `column${index}`).join(',');
    const store = LocalS3.inMemory({ [BUCKET]: { 'wide.csv': `${header}\n` } });

    expectStatesError(() => readItems(getObjectReader('wide.csv', { InputType: 'CSV' }), store), States.ItemReaderFailed, /header row of .* is over 10 KiB/);
  });

  test('fails when a quoted field is never closed', () => {
    const store = LocalS3.inMemory({ [BUCKET]: { 'bad.csv': 'a,b\n1,"open\n2,3\n' } });

    expectStatesError(() => readItems(getObjectReader('bad.csv', { InputType: 'CSV' }), store), States.ItemReaderFailed, /quoted field opened on line 2 is never closed/);
  });

  test('fails when the CSV headers repeat a name', () => {
    const store = LocalS3.inMemory({ [BUCKET]: { 'dup.csv': 'a,a\n1,2\n' } });

    expectStatesError(() => readItems(getObjectReader('dup.csv', { InputType: 'CSV' }), store), States.ItemReaderFailed, /headers .* contain duplicates/);
  });

  test('fails when CSVHeaderLocation is GIVEN without CSVHeaders, or the delimiter is unknown', () => {
    expectStatesError(
      () => readItems(getObjectReader('csvDataset/ratings.csv', { InputType: 'CSV', CSVHeaderLocation: 'GIVEN' }), fixtures),
      States.ItemReaderFailed,
      /GIVEN needs CSVHeaders/,
    );
    expectStatesError(
      () => readItems(getObjectReader('csvDataset/ratings.csv', { InputType: 'CSV', CSVDelimiter: 'COLON' }), fixtures),
      States.ItemReaderFailed,
      /CSVDelimiter 'COLON' is not one of/,
    );
  });
});

describe(`ItemReader: JSON and JSON Lines files (${ITEM_READER_PAGE})`, () => {
  const fixtures = LocalS3.fromDirectory(FIXTURES);

  test('GIVEN the page\'s factcheck.json WHEN read with InputType JSON THEN each array element is an item', () => {
    const items = readItems(getObjectReader('jsonDataset/factcheck.json', { InputType: 'JSON' }), fixtures);

    expect(items.map((item) => item.value)).toEqual(FACTS);
    expect(items.map((item) => item.source)).toEqual(Array(3).fill('s3://amzn-s3-demo-bucket/jsonDataset/factcheck.json'));
  });

  test('GIVEN the page\'s ItemsPointer /inventory/products/featured WHEN read THEN the nested array is the dataset', () => {
    const config = { InputType: 'JSON', ItemsPointer: '/inventory/products/featured' };

    expect(values(getObjectReader('nested-data-file.json', config), fixtures)).toEqual([
      { sku: 'A-1', name: 'Kettle' },
      { sku: 'B-2', name: 'Teapot' },
    ]);
  });

  test('GIVEN a JSON object dataset WHEN read THEN its member values are the items, with their names', () => {
    const store = LocalS3.inMemory({ [BUCKET]: { 'doc.json': '{"a/b":{"x":{"first":1,"second":[2]}}}' } });

    const items = readItems(getObjectReader('doc.json', { InputType: 'JSON', ItemsPointer: '/a~1b/x' }), store);

    expect(items.map((item) => [item.key, item.value])).toEqual([
      ['first', 1],
      ['second', [2]],
    ]);
  });

  test('GIVEN the page\'s factcheck.jsonl WHEN read with InputType JSONL THEN each line is an item', () => {
    expect(values(getObjectReader('jsonlDataset/factcheck.jsonl', { InputType: 'JSONL' }), fixtures)).toEqual(FACTS);
  });

  test('GIVEN a gzip-compressed JSONL file (the page\'s myObject.jsonl.gz) WHEN read THEN it is decompressed first', () => {
    const store = LocalS3.inMemory({ [BUCKET]: { 'myObject.jsonl.gz': gzipSync('{"n":1}\n{"n":2}\n') } });

    expect(values(getObjectReader('myObject.jsonl.gz', { InputType: 'JSONL' }), store)).toEqual([{ n: 1 }, { n: 2 }]);
  });

  test('GIVEN gzip bytes under a key without .gz WHEN read THEN they are recognised by their magic number', () => {
    const store = LocalS3.inMemory({ [BUCKET]: { 'data.json': gzipSync('[1,2]') } });

    expect(values(getObjectReader('data.json', { InputType: 'JSON' }), store)).toEqual([1, 2]);
  });

  test('GIVEN a .zstd file (the page\'s myObject.csv.zstd) WHEN read THEN it is decompressed where Node.js has zstd, else refused with the reason', () => {
    const compress = (zlib as unknown as { zstdCompressSync?: (input: string) => Buffer }).zstdCompressSync;
    const store = LocalS3.inMemory({ [BUCKET]: { 'myObject.csv.zstd': compress ? compress('a\n1\n') : Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0]) } });
    const spec = getObjectReader('myObject.csv.zstd', { InputType: 'CSV' });

    if (compress) expect(values(spec, store)).toEqual([{ a: '1' }]);
    else expectStatesError(() => readItems(spec, store), States.ItemReaderFailed, /ZSTD-compressed and Node\.js v[\d.]+ has no zstd/);
  });

  test('fails when the object is not UTF-8 or ItemsPointer is given for another InputType', () => {
    const store = LocalS3.inMemory({ [BUCKET]: { 'latin1.csv': Buffer.from([0x61, 0x0a, 0xe9, 0x0a]), 'a.jsonl': '1\n' } });

    expectStatesError(() => readItems(getObjectReader('latin1.csv', { InputType: 'CSV' }), store), States.ItemReaderFailed, /latin1\.csv is not valid UTF-8/);
    expectStatesError(
      () => readItems(getObjectReader('a.jsonl', { InputType: 'JSONL', ItemsPointer: '/x' }), store),
      States.ItemReaderFailed,
      /ItemsPointer applies to InputType JSON only, not JSONL/,
    );
  });

  test('fails when the JSON does not parse, a line of JSONL does not parse, or the pointer selects nothing or a scalar', () => {
    const store = LocalS3.inMemory({ [BUCKET]: { 'bad.json': '[1,', 'bad.jsonl': '{"ok":1}\n{oops}\n', 'scalar.json': '{"n":5}' } });

    expectStatesError(() => readItems(getObjectReader('bad.json', { InputType: 'JSON' }), store), States.ItemReaderFailed, /bad\.json is not valid JSON/);
    expectStatesError(() => readItems(getObjectReader('bad.jsonl', { InputType: 'JSONL' }), store), States.ItemReaderFailed, /^Line 2 of .*bad\.jsonl is not valid JSON/);
    expectStatesError(
      () => readItems(getObjectReader('scalar.json', { InputType: 'JSON', ItemsPointer: '/missing' }), store),
      States.ItemReaderFailed,
      /ItemsPointer '\/missing' selects nothing/,
    );
    expectStatesError(
      () => readItems(getObjectReader('scalar.json', { InputType: 'JSON', ItemsPointer: '/n' }), store),
      States.ItemReaderFailed,
      /selects a number, not an array or object/,
    );
  });
});

describe(`ItemReader: manifests (${ITEM_READER_PAGE})`, () => {
  const inventoryKey = 'amzn-s3-demo-bucket/destination-prefix/data/20e55de8-9c21-45d4-99b9-46c732000228.csv.gz';
  const manifestKey = 'destination-prefix/amzn-s3-demo-bucket/config-id/YYYY-MM-DDTHH-MMZ/manifest.json';
  const inventoryRows = [
    '"amzn-s3-demo-source-bucket","csvDataset/","0","2022-11-16T00:27:19.000Z"',
    '"amzn-s3-demo-source-bucket","csvDataset/titles.csv","3399671","2022-11-16T00:29:32.000Z"',
    '"amzn-s3-demo-source-bucket","imageDataset/","0","2022-11-15T20:00:44.000Z"',
    '"amzn-s3-demo-source-bucket","imageDataset/n02085620_10074.jpg","27034","2022-11-15T20:02:16.000Z"',
  ].join('\n');

  function inventoryStore(fileFormat = 'CSV'): LocalS3 {
    const manifest = {
      sourceBucket: 'amzn-s3-demo-source-bucket',
      destinationBucket: 'arn:aws:s3:::amzn-s3-demo-inventory',
      version: '2016-11-30',
      creationTimestamp: '1668560400000',
      fileFormat,
      fileSchema: 'Bucket, Key, Size, LastModifiedDate',
      files: [{ key: inventoryKey, size: 7300, MD5checksum: 'a7ff4a1d4164c3cd55851055ec8f6b20' }],
    };
    return LocalS3.inMemory({
      'amzn-s3-demo-destination-bucket': { [manifestKey]: JSON.stringify(manifest) },
      'amzn-s3-demo-inventory': { [inventoryKey]: gzipSync(`${inventoryRows}\n`) },
    });
  }

  test('GIVEN the page\'s S3 inventory manifest (InputType MANIFEST) WHEN read THEN each inventory row is an item named by fileSchema', () => {
    const items = readItems(getObjectReader(manifestKey, { InputType: 'MANIFEST' }, 'amzn-s3-demo-destination-bucket'), inventoryStore());

    expect(items).toHaveLength(4);
    // The page's child input for this inventory.
    expect(items[1].value).toEqual({
      LastModifiedDate: '2022-11-16T00:29:32.000Z',
      Bucket: 'amzn-s3-demo-source-bucket',
      Size: '3399671',
      Key: 'csvDataset/titles.csv',
    });
    expect(items[1].source).toBe(`s3://amzn-s3-demo-inventory/${inventoryKey}`);
  });

  test('GIVEN ManifestType S3_INVENTORY without InputType WHEN read THEN the inventory is read the same way', () => {
    const items = values(getObjectReader(manifestKey, { ManifestType: 'S3_INVENTORY', MaxItems: 2 }, 'amzn-s3-demo-destination-bucket'), inventoryStore());

    expect(items).toEqual([
      { Bucket: 'amzn-s3-demo-source-bucket', Key: 'csvDataset/', Size: '0', LastModifiedDate: '2022-11-16T00:27:19.000Z' },
      { Bucket: 'amzn-s3-demo-source-bucket', Key: 'csvDataset/titles.csv', Size: '3399671', LastModifiedDate: '2022-11-16T00:29:32.000Z' },
    ]);
  });

  test('fails when S3_INVENTORY comes with an InputType, or the inventory is not CSV', () => {
    expectStatesError(
      () => readItems(getObjectReader(manifestKey, { ManifestType: 'S3_INVENTORY', InputType: 'CSV' }, 'amzn-s3-demo-destination-bucket'), inventoryStore()),
      States.ItemReaderFailed,
      /S3_INVENTORY takes no InputType/,
    );
    expectStatesError(
      () => readItems(getObjectReader(manifestKey, { InputType: 'MANIFEST' }, 'amzn-s3-demo-destination-bucket'), inventoryStore('ORC')),
      States.ItemReaderFailed,
      /fileFormat "ORC": Step Functions reads CSV inventories only/,
    );
  });

  test('GIVEN the page\'s Athena data manifest (ManifestType ATHENA_DATA, InputType JSONL) WHEN read THEN the listed data files\' lines are the items, in order', () => {
    const store = LocalS3.inMemory({
      results: {
        'unload/q-1-manifest.csv': 's3://results/unload/part-0\ns3://results/unload/part-1\n',
        'unload/part-0': '{"id":1}\n{"id":2}\n',
        'unload/part-1': '{"id":3}\n',
      },
    });

    const items = readItems(getObjectReader('unload/q-1-manifest.csv', { ManifestType: 'ATHENA_DATA', InputType: 'JSONL' }, 'results'), store);

    expect(items.map((item) => [item.value, item.source])).toEqual([
      [{ id: 1 }, 's3://results/unload/part-0'],
      [{ id: 2 }, 's3://results/unload/part-0'],
      [{ id: 3 }, 's3://results/unload/part-1'],
    ]);
  });

  test('GIVEN an Athena manifest of header-less CSV files WHEN read with CSVHeaders THEN the rows are items', () => {
    const store = LocalS3.inMemory({ results: { 'm.csv': 's3://results/d.csv\n', 'd.csv': '7,x\n' } });
    const config = { ManifestType: 'ATHENA_DATA', InputType: 'CSV', CSVHeaderLocation: 'GIVEN', CSVHeaders: ['id', 'name'] };

    expect(values(getObjectReader('m.csv', config, 'results'), store)).toEqual([{ id: '7', name: 'x' }]);
  });

  test('fails with a clear cause for Parquet, which the local runner does not read', () => {
    const store = LocalS3.inMemory({ results: { 'm.csv': 's3://results/d.parquet\n', 'd.parquet': 'PAR1' } });

    expectStatesError(() => readItems(getObjectReader('d.parquet', { InputType: 'PARQUET' }, 'results'), store), States.ItemReaderFailed, /local runner does not read Parquet/);
    expectStatesError(
      () => readItems(getObjectReader('m.csv', { ManifestType: 'ATHENA_DATA', InputType: 'PARQUET' }, 'results'), store),
      States.ItemReaderFailed,
      /local runner does not read Parquet/,
    );
  });
});

describe(`ItemReader: s3:listObjectsV2 (${ITEM_READER_PAGE})`, () => {
  const lastModified = new Date('2022-11-17T15:44:41.000Z');

  function bucketOf(objects: { [key: string]: string }): LocalS3 {
    return LocalS3.inMemory({ [BUCKET]: objects }, () => lastModified);
  }

  test('GIVEN the page\'s processData prefix WHEN listed with Transformation NONE THEN each object\'s metadata is an item as AWS writes it', () => {
    const store = bucketOf({ 'processData/images/n02085620_1073.jpg': 'hello', 'other/skip.txt': 'x' });

    const items = readItems({ resource: LIST_OBJECTS, parameters: { Bucket: BUCKET, Prefix: 'processData' } }, store);

    // The page's child input: {"Etag": "\"0570...\"", "Key": "...", "LastModified": 1668699881, "Size": 34910, "StorageClass": "STANDARD"}
    expect(items.map((item) => item.value)).toEqual([
      { Etag: '"5d41402abc4b2a76b9719d911017c592"', Key: 'processData/images/n02085620_1073.jpg', LastModified: 1668699881, Size: 5, StorageClass: 'STANDARD' },
    ]);
    expect(items[0].source).toBe('s3://amzn-s3-demo-bucket');
  });

  test('GIVEN the page\'s prefix recommendation WHEN listing folder1 and folder1/ THEN the first also takes folder10, the second does not', () => {
    const store = bucketOf({ 'folder1/myData.csv': 'a', 'folder10/myData.csv': 'b' });
    const keysFor = (Prefix: string) => values({ resource: LIST_OBJECTS, parameters: { Bucket: BUCKET, Prefix } }, store).map((item) => (item as { Key: string }).Key);

    expect(keysFor('folder1')).toEqual(['folder1/myData.csv', 'folder10/myData.csv']);
    expect(keysFor('folder1/')).toEqual(['folder1/myData.csv']);
  });

  test('GIVEN the page\'s LOAD_AND_FLATTEN example WHEN read THEN the listed objects\' contents are the items, in key order', () => {
    const store = bucketOf({ 'logs/02.json': '[{"h":2}]', 'logs/01.json': '[{"h":0},{"h":1}]', 'other.json': '[{"h":9}]' });

    const items = readItems({ resource: LIST_OBJECTS, parameters: { Bucket: BUCKET, Prefix: 'logs/' }, readerConfig: { InputType: 'JSON', Transformation: 'LOAD_AND_FLATTEN' } }, store);

    expect(items.map((item) => [item.value, item.source])).toEqual([
      [{ h: 0 }, 's3://amzn-s3-demo-bucket/logs/01.json'],
      [{ h: 1 }, 's3://amzn-s3-demo-bucket/logs/01.json'],
      [{ h: 2 }, 's3://amzn-s3-demo-bucket/logs/02.json'],
    ]);
  });

  test('GIVEN StartAfter WHEN listed THEN only keys after it are items', () => {
    const store = bucketOf({ 'a.txt': '', 'b.txt': '', 'c.txt': '' });

    const keys = values({ resource: LIST_OBJECTS, parameters: { Bucket: BUCKET, StartAfter: 'a.txt' } }, store).map((item) => (item as { Key: string }).Key);

    expect(keys).toEqual(['b.txt', 'c.txt']);
  });

  test('GIVEN a console-made folder object WHEN LOAD_AND_FLATTEN reads the prefix THEN the empty folder marker gives no item', () => {
    const store = new InMemoryObjectStore().createBucket(BUCKET);
    store.putObject(BUCKET, 'logs/', '');
    store.putObject(BUCKET, 'logs/a.json', '[7]');

    expect(values({ resource: LIST_OBJECTS, parameters: { Bucket: BUCKET, Prefix: 'logs/' }, readerConfig: { InputType: 'JSON', Transformation: 'LOAD_AND_FLATTEN' } }, store)).toEqual([7]);
  });

  test('GIVEN MaxItems 2 WHEN LOAD_AND_FLATTEN reads several files THEN the first two items are kept and later files are not needed', () => {
    const store = bucketOf({ 'a.jsonl': '1\n2\n3\n', 'b.jsonl': 'not json' });

    const items = values({ resource: LIST_OBJECTS, parameters: { Bucket: BUCKET }, readerConfig: { InputType: 'JSONL', Transformation: 'LOAD_AND_FLATTEN', MaxItems: 2 } }, store);

    expect(items).toEqual([1, 2]);
  });

  test('fails when LOAD_AND_FLATTEN has no InputType, the bucket is missing, or MaxItems is out of range', () => {
    const store = bucketOf({ 'a.json': '[]' });

    expectStatesError(
      () => readItems({ resource: LIST_OBJECTS, parameters: { Bucket: BUCKET }, readerConfig: { Transformation: 'LOAD_AND_FLATTEN' } }, store),
      States.ItemReaderFailed,
      /LOAD_AND_FLATTEN needs InputType/,
    );
    expectStatesError(() => readItems({ resource: LIST_OBJECTS, parameters: { Bucket: 'nope' } }, store), States.ItemReaderFailed, /bucket 'nope' does not exist/);
    expectStatesError(
      () => readItems({ resource: LIST_OBJECTS, parameters: { Bucket: BUCKET }, readerConfig: { MaxItems: 100_000_001 } }, store),
      States.ItemReaderFailed,
      /MaxItems must be an integer from 0 to 100000000/,
    );
  });
});

describe(`ItemReader: failures (${ITEM_READER_PAGE})`, () => {
  const store = LocalS3.inMemory({ [BUCKET]: { 'a.json': '[]' } });

  test.each([
    ['a missing object', getObjectReader('missing.json', { InputType: 'JSON' }), /s3:\/\/amzn-s3-demo-bucket\/missing\.json does not exist \(S3 error NoSuchKey\)/],
    ['a missing bucket', getObjectReader('a.json', { InputType: 'JSON' }, 'no-such-bucket'), /bucket 'no-such-bucket' does not exist \(S3 error NoSuchBucket\)/],
    ['no InputType for s3:getObject', getObjectReader('a.json', {}), /InputType is required with s3:getObject/],
    ['an unsafe key', getObjectReader('../a.json', { InputType: 'JSON' }), /Cannot read .*refuses the key/],
    ['a Resource other than getObject or listObjectsV2', { resource: 'arn:aws:states:::s3:putObject', parameters: { Bucket: BUCKET } }, /Resource 'arn:aws:states:::s3:putObject' is not supported/],
    ['no Key for s3:getObject', { resource: GET_OBJECT, parameters: { Bucket: BUCKET }, readerConfig: { InputType: 'JSON' } }, /parameter Key must be a non-empty string/],
    ['a Delimiter for s3:listObjectsV2', { resource: LIST_OBJECTS, parameters: { Bucket: BUCKET, Delimiter: '/' } }, /Delimiter of s3:listObjectsV2 is not supported/],
    ['an unknown InputType', getObjectReader('a.json', { InputType: 'XML' }), /InputType 'XML' is not one of/],
  ])('fails with States.ItemReaderFailed for %s', (_case, spec, cause) => {
    expectStatesError(() => readItems(spec as ItemReaderSpec, store), States.ItemReaderFailed, cause);
  });
});

describe(`ItemBatcher (${ITEM_BATCHER_PAGE})`, () => {
  test('GIVEN the page\'s fact-check items and a batch of two WHEN batched THEN a child receives {"Items": [first, second]} and nothing else', () => {
    const batches = batchItems(FACTS, { maxItemsPerBatch: 2 });

    expect(batches).toEqual([{ Items: FACTS.slice(0, 2) }, { Items: FACTS.slice(2) }]);
    expect(Object.keys(batches[0])).toEqual(['Items']);
  });

  test('GIVEN the page\'s 1130 items and MaxItemsPerBatch 100 WHEN batched THEN 11 batches hold 100 items and the twelfth 30', () => {
    const items = Array.from({ length: 1130 }, (_, index) => index);

    const sizes = batchItems(items, { maxItemsPerBatch: 100 }).map((batch) => batch.Items.length);

    expect(sizes).toEqual([...Array(11).fill(100), 30]);
  });

  test('GIVEN the page\'s BatchInput {"factCheck": "December 2022"} WHEN batched THEN every child input carries it beside Items', () => {
    const batches = batchItems(FACTS, { maxItemsPerBatch: 2, batchInput: { factCheck: 'December 2022' } });

    expect(batches).toEqual([
      { BatchInput: { factCheck: 'December 2022' }, Items: FACTS.slice(0, 2) },
      { BatchInput: { factCheck: 'December 2022' }, Items: FACTS.slice(2) },
    ]);
  });

  // Ten 8-letter strings: '"xxxxxxxx"' is 10 bytes, so a batch of k is {"Items":[...]} = 11k + 11 bytes.
  const tenItems = Array(10).fill('xxxxxxxx');

  test('GIVEN only MaxInputBytesPerBatch WHEN batched THEN each batch takes as many items as fit, a batch of exactly the limit included', () => {
    const batches = batchItems(tenItems, { maxInputBytesPerBatch: 55 });

    expect(batches.map((batch) => batch.Items.length)).toEqual([4, 4, 2]);
    expect(Buffer.byteLength(JSON.stringify(batches[0]))).toBe(55);
    expect(batchItems(tenItems, { maxInputBytesPerBatch: 54 }).map((batch) => batch.Items.length)).toEqual([3, 3, 3, 1]);
  });

  test('GIVEN both limits WHEN the item count would exceed the bytes THEN the count shrinks to fit the bytes', () => {
    expect(batchItems(tenItems, { maxItemsPerBatch: 100, maxInputBytesPerBatch: 55 }).map((batch) => batch.Items.length)).toEqual([4, 4, 2]);
    expect(batchItems(tenItems, { maxItemsPerBatch: 3, maxInputBytesPerBatch: 55 }).map((batch) => batch.Items.length)).toEqual([3, 3, 3, 1]);
  });

  test('GIVEN a BatchInput WHEN batching by bytes THEN its bytes count too (the whole child input is measured)', () => {
    // {"BatchInput":1,"Items":[...]} adds 15 bytes: a batch of k is 11k + 26 bytes.
    expect(batchItems(tenItems, { maxInputBytesPerBatch: 55, batchInput: 1 }).map((batch) => batch.Items.length)).toEqual([2, 2, 2, 2, 2]);
  });

  test('GIVEN multi-byte characters WHEN batching by bytes THEN UTF-8 bytes are counted, not characters', () => {
    // '"ééé"' is 5 characters but 8 bytes: {"Items":["ééé"]} is 20 bytes.
    expect(batchItems(['ééé', 'ééé'], { maxInputBytesPerBatch: 20 }).map((batch) => batch.Items.length)).toEqual([1, 1]);
    expect(() => batchItems(['ééé'], { maxInputBytesPerBatch: 19 })).toThrow(StatesError);
  });

  test('GIVEN only MaxItemsPerBatch WHEN items are large THEN a batch still stays within 256 KiB', () => {
    const item = 'y'.repeat(100 * 1024);

    const batches = batchItems([item, item, item], { maxItemsPerBatch: 10 });

    expect(batches.map((batch) => batch.Items.length)).toEqual([2, 1]);
    expect(Buffer.byteLength(JSON.stringify(batches[0]))).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    expect(batchItems([item, item, item], { maxInputBytesPerBatch: 1_000_000 }).map((batch) => batch.Items.length)).toEqual([2, 1]);
  });

  test('GIVEN no items WHEN batched THEN there is no batch', () => {
    expect(batchItems([], { maxItemsPerBatch: 5 })).toEqual([]);
  });

  test('fails when one item alone is over the byte limit', () => {
    expectStatesError(() => batchItems(['small', 'x'.repeat(100)], { maxInputBytesPerBatch: 50 }), States.Runtime, /^Item 1 is too large to batch: .* 114 bytes .* limit of 50 bytes/);
  });

  test('fails when no limit is given or a limit is not a positive integer', () => {
    expectStatesError(() => batchItems(FACTS, {}), States.Runtime, /needs MaxItemsPerBatch or MaxInputBytesPerBatch/);
    expectStatesError(() => batchItems(FACTS, { maxItemsPerBatch: 0 }), States.Runtime, /MaxItemsPerBatch must be a positive integer, got 0/);
    expectStatesError(() => batchItems(FACTS, { maxInputBytesPerBatch: 1.5 }), States.Runtime, /MaxInputBytesPerBatch must be a positive integer, got 1.5/);
  });
});

describe(`ResultWriter (${RESULT_WRITER_PAGE})`, () => {
  const mapRunId = 'ad9b5f27-090b-3ac6-9beb-243cd77144a7';
  const mapRunArn = `arn:aws:states:us-east-2:123456789012:mapRun:csvProcess/Map:${mapRunId}`;
  const destination = 'amzn-s3-demo-destination-bucket';
  const orders = [
    [
      { customer_id: '145538', order_id: '100000' },
      { customer_id: '898037', order_id: '100001' },
    ],
    [
      { customer_id: '169881', order_id: '100005' },
      { customer_id: '797471', order_id: '100006' },
    ],
  ];

  function succeeded(name: string, output: unknown): ChildExecutionRecord {
    return {
      ExecutionArn: `arn:aws:states:us-east-2:123456789012:execution:orderProcessing/getOrders:${name}`,
      Input: '{}',
      InputDetails: { Included: true },
      Name: name,
      Output: JSON.stringify(output),
      OutputDetails: { Included: true },
      RedriveCount: 0,
      RedriveStatus: 'NOT_REDRIVABLE',
      RedriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven',
      StartDate: '2025-02-04T01:49:50.099Z',
      StateMachineArn: 'arn:aws:states:us-east-2:123456789012:stateMachine:orderProcessing/getOrders',
      Status: 'SUCCEEDED',
      StopDate: '2025-02-04T01:49:50.163Z',
    };
  }

  function failed(name: string, status: 'FAILED' | 'TIMED_OUT' | 'ABORTED'): ChildExecutionRecord {
    return {
      Status: status,
      StopDate: '2025-02-04T01:49:51.000Z',
      Name: name,
      Input: '{"order":7}',
      InputDetails: { Included: true },
      Error: 'OrderError',
      Cause: 'bad order',
      ExecutionArn: `arn:aws:states:us-east-2:123456789012:execution:orderProcessing/getOrders:${name}`,
    };
  }

  const children = [succeeded('da4e9fc7-abab-3b27-9a77-a277e463b709', orders[0]), succeeded('f43a56f7-d21e-3fe9-a40c-9b9b8d0adf5a', orders[1])];

  function destinationStore(): LocalS3 {
    return LocalS3.inMemory().createBucket(destination);
  }

  test('GIVEN the page\'s Prefix csvProcessJobs WHEN results are exported THEN the Map\'s result is the page\'s {MapRunArn, ResultWriterDetails}', () => {
    const result = writeResults({ bucket: destination, prefix: 'csvProcessJobs' }, { mapRunArn, mapRunId, children }, destinationStore());

    expect(result).toEqual({
      MapRunArn: mapRunArn,
      ResultWriterDetails: { Bucket: destination, Key: 'csvProcessJobs/ad9b5f27-090b-3ac6-9beb-243cd77144a7/manifest.json' },
    });
  });

  test('GIVEN succeeded, failed and never-started children WHEN exported THEN manifest.json lists each written file with its size, and an empty outcome has no file', () => {
    const store = destinationStore();
    const all = [...children, failed('c-3', 'FAILED')];

    writeResults({ bucket: destination, prefix: 'csvProcessJobs' }, { mapRunArn, mapRunId, children: all }, store);

    const folder = `csvProcessJobs/${mapRunId}/`;
    const sizeOf = (key: string) => store.getObject(destination, key)!.length;
    expect(store.readJson(destination, `${folder}manifest.json`)).toEqual({
      DestinationBucket: destination,
      MapRunArn: mapRunArn,
      ResultFiles: {
        FAILED: [{ Key: `${folder}FAILED_0.json`, Size: sizeOf(`${folder}FAILED_0.json`) }],
        PENDING: [],
        SUCCEEDED: [{ Key: `${folder}SUCCEEDED_0.json`, Size: sizeOf(`${folder}SUCCEEDED_0.json`) }],
      },
    });
    expect(store.getObject(destination, `${folder}PENDING_0.json`)).toBeUndefined();
  });

  test('GIVEN Transformation NONE (the export default) WHEN exported THEN SUCCEEDED_0.json holds the page\'s full records, fields in alphabetical order', () => {
    const store = destinationStore();

    writeResults({ bucket: destination, prefix: 'jobs' }, { mapRunArn, mapRunId, children }, store);

    const records = store.readJson(destination, `jobs/${mapRunId}/SUCCEEDED_0.json`) as ChildExecutionRecord[];
    expect(records).toEqual(children);
    expect(records[0].Output).toBe('[{"customer_id":"145538","order_id":"100000"},{"customer_id":"898037","order_id":"100001"}]');
    expect(Object.keys(records[0])).toEqual([...Object.keys(records[0])].sort());
  });

  test('GIVEN the page\'s COMPACT and FLATTEN examples WHEN exported THEN outputs keep their arrays, or are flattened into one', () => {
    const store = destinationStore();

    writeResults({ bucket: destination, prefix: 'compact', writerConfig: { Transformation: 'COMPACT', OutputType: 'JSON' } }, { mapRunArn, mapRunId, children }, store);
    writeResults({ bucket: destination, prefix: 'flat', writerConfig: { Transformation: 'FLATTEN', OutputType: 'JSON' } }, { mapRunArn, mapRunId, children }, store);

    expect(store.readJson(destination, `compact/${mapRunId}/SUCCEEDED_0.json`)).toEqual(orders);
    expect(store.readJson(destination, `flat/${mapRunId}/SUCCEEDED_0.json`)).toEqual([...orders[0], ...orders[1]]);
  });

  test('GIVEN COMPACT WHEN children fail, time out or abort THEN FAILED_0.json still holds their full records (as NONE)', () => {
    const store = destinationStore();
    const failures = [failed('f-1', 'FAILED'), failed('f-2', 'TIMED_OUT'), failed('f-3', 'ABORTED')];

    writeResults({ bucket: destination, writerConfig: { Transformation: 'COMPACT' } }, { mapRunArn, mapRunId, children: [...children, ...failures] }, store);

    const written = store.readJson(destination, `${mapRunId}/FAILED_0.json`) as ChildExecutionRecord[];
    expect(written).toEqual(failures);
    expect(Object.keys(written[0])).toEqual(['Cause', 'Error', 'ExecutionArn', 'Input', 'InputDetails', 'Name', 'Status', 'StopDate']);
  });

  test('GIVEN children that never started WHEN exported THEN PENDING_0.json holds their Input, InputDetails and Status', () => {
    const store = destinationStore();

    writeResults({ bucket: destination, prefix: 'p/' }, { mapRunArn, mapRunId, children: [pendingRecord({ order: 9 })] }, store);

    expect(store.readJson(destination, `p/${mapRunId}/PENDING_0.json`)).toEqual([{ Input: '{"order":9}', InputDetails: { Included: true }, Status: 'PENDING' }]);
    expect(store.getObject(destination, `p/${mapRunId}/SUCCEEDED_0.json`)).toBeUndefined();
  });

  test('GIVEN OutputType JSONL WHEN exported THEN each result is one line', () => {
    const store = destinationStore();

    writeResults({ bucket: destination, prefix: 'lines', writerConfig: { Transformation: 'FLATTEN', OutputType: 'JSONL' } }, { mapRunArn, mapRunId, children }, store);

    expect(Buffer.from(store.getObject(destination, `lines/${mapRunId}/SUCCEEDED_0.json`)!).toString('utf8')).toBe(
      [...orders[0], ...orders[1]].map((order) => `${JSON.stringify(order)}\n`).join(''),
    );
  });

  test('GIVEN a LocalS3 directory WHEN results are exported THEN the files are on disk under <bucket>/<prefix>/<uuid>/', () => {
    const root = tempDirectory();
    const store = LocalS3.fromDirectory(root).createBucket(destination);

    writeResults({ bucket: destination, prefix: 'csvProcessJobs' }, { mapRunArn, mapRunId, children }, store);

    const folder = path.join(root, destination, 'csvProcessJobs', mapRunId);
    expect(fs.readdirSync(folder).sort()).toEqual(['SUCCEEDED_0.json', 'manifest.json']);
  });

  test('fails with States.Runtime for an unknown Transformation or OutputType, before writing anything', () => {
    const store = destinationStore();

    expectStatesError(
      () => writeResults({ bucket: destination, writerConfig: { Transformation: 'SQUASH' as 'NONE' } }, { mapRunArn, mapRunId, children }, store),
      States.Runtime,
      /Transformation 'SQUASH' is not NONE, COMPACT or FLATTEN/,
    );
    expectStatesError(
      () => writeResults({ bucket: destination, writerConfig: { OutputType: 'CSV' as 'JSON' } }, { mapRunArn, mapRunId, children }, store),
      States.Runtime,
      /OutputType 'CSV' is not JSON or JSONL/,
    );
    expect(store.listObjects(destination)).toEqual([]);
  });

  test('fails with States.ResultWriterFailed when the bucket does not exist or a write fails', () => {
    expectStatesError(() => writeResults({ bucket: 'missing-bucket', prefix: 'x' }, { mapRunArn, mapRunId, children }, destinationStore()), States.ResultWriterFailed, /"missing-bucket" does not exist/);

    const refusing: ObjectStore = {
      hasBucket: () => true,
      getObject: () => undefined,
      listObjects: () => [],
      putObject: () => {
        throw new ObjectStoreError('NoSuchBucket', 'disk full');
      },
    };
    expectStatesError(() => writeResults({ bucket: destination }, { mapRunArn, mapRunId, children }, refusing), States.ResultWriterFailed, /Cannot write s3:\/\/amzn-s3-demo-destination-bucket\/.*SUCCEEDED_0\.json: disk full/);
  });
});

describe(`compactResults: the Map's result without an export (${RESULT_WRITER_PAGE})`, () => {
  const ok = (output: unknown, name = 'ok'): ChildExecutionRecord => ({ Input: '{}', InputDetails: { Included: true }, Name: name, Output: JSON.stringify(output), Status: 'SUCCEEDED' });
  const bad: ChildExecutionRecord = { Input: '{}', InputDetails: { Included: true }, Name: 'bad', Error: 'E', Cause: 'c', Status: 'FAILED' };

  test('GIVEN no ResultWriter (COMPACT) WHEN children succeed THEN the result is their outputs in item order', () => {
    expect(compactResults([ok({ statusCode: 200 }), ok([1, 2]), ok(null)])).toEqual([{ statusCode: 200 }, [1, 2], null]);
  });

  test('GIVEN FLATTEN WHEN outputs are arrays THEN they are spread into the result', () => {
    expect(compactResults([ok([1, 2]), ok(3), ok([[4]])], 'FLATTEN')).toEqual([1, 2, 3, [4]]);
  });

  test('GIVEN a failed child and one never started WHEN compacted THEN the failure is its full record in place and the pending one is left out', () => {
    expect(compactResults([ok('a'), bad, { ...pendingRecord(1) }, ok('b')])).toEqual(['a', { Cause: 'c', Error: 'E', Input: '{}', InputDetails: { Included: true }, Name: 'bad', Status: 'FAILED' }, 'b']);
  });

  test('GIVEN NONE WHEN compacted THEN every child is its full record', () => {
    expect(compactResults([ok('a', 'n1')], 'NONE')).toEqual([{ Input: '{}', InputDetails: { Included: true }, Name: 'n1', Output: '"a"', Status: 'SUCCEEDED' }]);
  });
});

describe('LocalS3', () => {
  test('GIVEN the fixture folder WHEN listed THEN keys are relative paths with / and ETag is the quoted MD5 of the file', () => {
    const store = LocalS3.fromDirectory(FIXTURES);

    const listed = store.listObjects(BUCKET, 'jsonDataset/');

    expect(listed.map((object) => object.Key)).toEqual(['jsonDataset/factcheck.json']);
    const body = fs.readFileSync(path.join(FIXTURES, BUCKET, 'jsonDataset', 'factcheck.json'));
    expect(listed[0].ETag).toBe(`"${createHash('md5').update(body).digest('hex')}"`);
    expect(listed[0].Size).toBe(body.length);
    expect(store.hasBucket(BUCKET)).toBe(true);
    expect(store.hasBucket('not-there')).toBe(false);
  });

  test('GIVEN keys of mixed case and non-ASCII WHEN listed THEN the order is S3\'s, by UTF-8 bytes', () => {
    const store = LocalS3.inMemory({ b: { 'é': '', 'a': '', 'B': '', 'b/c': '' } });

    expect(store.listObjects('b').map((object) => object.Key)).toEqual(['B', 'a', 'b/c', 'é']);
  });

  test.each(['../escape.json', 'a/../../escape.json', '/etc/passwd', 'C:\\x', 'a\\b', '', 'a//b', 'folder/', 'a/./b', 'nul\0byte'])(
    'refuses the unsafe key %j for reads and writes, on disk and in memory',
    (key) => {
      const root = tempDirectory();
      const onDisk = LocalS3.fromDirectory(root).createBucket('b');
      const inMemory = LocalS3.inMemory({ b: {} });

      for (const store of [onDisk, inMemory]) {
        expect(() => store.putObject('b', key, 'x')).toThrow(expect.objectContaining({ code: 'InvalidKey' }));
        expect(() => store.getObject('b', key)).toThrow(expect.objectContaining({ code: 'InvalidKey' }));
      }
      expect(fs.readdirSync(root)).toEqual(['b']);
      expect(fs.readdirSync(path.join(root, 'b'))).toEqual([]);
    },
  );

  test.each(['..', '.', 'a/b', ''])('refuses the unsafe bucket name %j', (bucket) => {
    const store = LocalS3.fromDirectory(tempDirectory());

    expect(() => store.createBucket(bucket)).toThrow(expect.objectContaining({ code: 'InvalidBucketName' }));
    expect(() => store.getObject(bucket, 'k')).toThrow(expect.objectContaining({ code: 'InvalidBucketName' }));
  });

  test('GIVEN a directory store WHEN writing to a missing bucket THEN NoSuchBucket; after createBucket the object reads back', () => {
    const root = tempDirectory();
    const store = LocalS3.fromDirectory(root);

    expect(() => store.putObject('out', 'a/b.json', '{"x":1}')).toThrow(expect.objectContaining({ code: 'NoSuchBucket' }));
    store.createBucket('out').putObject('out', 'a/b.json', '{"x":1}');

    expect(fs.readFileSync(path.join(root, 'out', 'a', 'b.json'), 'utf8')).toBe('{"x":1}');
    expect(store.readJson('out', 'a/b.json')).toEqual({ x: 1 });
    expect(store.getObject('out', 'a/missing.json')).toBeUndefined();
  });

  test('fails when the root directory does not exist', () => {
    expect(() => LocalS3.fromDirectory(path.join(tempDirectory(), 'nope'))).toThrow(/is not an existing directory/);
  });
});
