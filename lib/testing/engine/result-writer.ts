import { States, StatesError } from './errors';
import { ObjectStore } from './object-store';

/** A child execution's status in a Map Run's results. */
export type ChildExecutionStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING';

/**
 * A child execution of a Distributed Map as the ResultWriter exports it (`Transformation`
 * `NONE`): DescribeExecution's fields, with `Input` and `Output` as JSON strings and dates as
 * ISO 8601 UTC strings with milliseconds (`2025-02-04T01:49:50.099Z`, see {@link awsTimestamp}).
 * A child that never started (`PENDING`) has only `Input`, `InputDetails` and `Status`.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html
 */
export interface ChildExecutionRecord {
  /** `arn:aws:states:<region>:<account>:execution:<stateMachine>/<mapLabel>:<name>`. */
  readonly ExecutionArn?: string;
  /** The child's input, as a JSON string. */
  readonly Input: string;
  /** `{"Included": true}` (false would mean the input was withheld). */
  readonly InputDetails: { readonly Included: boolean };
  /** The child execution's name. */
  readonly Name?: string;
  /** A succeeded child's output, as a JSON string. */
  readonly Output?: string;
  /** `{"Included": true}` for a succeeded child. */
  readonly OutputDetails?: { readonly Included: boolean };
  /** A failed child's error name. */
  readonly Error?: string;
  /** A failed child's cause. */
  readonly Cause?: string;
  /** How many times the child was redriven (0 locally). */
  readonly RedriveCount?: number;
  /** `NOT_REDRIVABLE`, `REDRIVABLE`, ... */
  readonly RedriveStatus?: string;
  /** Why, e.g. `Execution is SUCCEEDED and cannot be redriven`. */
  readonly RedriveStatusReason?: string;
  /** When the child started. */
  readonly StartDate?: string;
  /** `arn:aws:states:<region>:<account>:stateMachine:<stateMachine>/<mapLabel>`. */
  readonly StateMachineArn?: string;
  /** The child's status. */
  readonly Status: ChildExecutionStatus;
  /** When the child ended. */
  readonly StopDate?: string;
}

/** How child results are shaped: full records, outputs, or outputs with array outputs flattened. */
export type ResultTransformation = 'NONE' | 'COMPACT' | 'FLATTEN';

/** How an exported result file is laid out: one JSON array, or JSON Lines. */
export type ResultOutputType = 'JSON' | 'JSONL';

/** `ResultWriter.WriterConfig`. */
export interface WriterConfig {
  /** Default `NONE` when exporting. */
  readonly Transformation?: ResultTransformation;
  /** Default `JSON`. */
  readonly OutputType?: ResultOutputType;
}

/** Where and how to export: the evaluated `ResultWriter.Parameters` / `Arguments` and its `WriterConfig`. */
export interface ResultWriterSpec {
  /** The destination bucket. */
  readonly bucket: string;
  /** The key prefix; a `/` is added unless it is empty or already ends in one. */
  readonly prefix?: string;
  /** Formatting of the exported results. */
  readonly writerConfig?: WriterConfig;
}

/** The Map Run whose children are exported. */
export interface MapRunResults {
  /** `arn:aws:states:<region>:<account>:mapRun:<stateMachine>/<mapLabel>:<mapRunId>`. */
  readonly mapRunArn: string;
  /** The Map Run's UUID: the folder of the exported files. */
  readonly mapRunId: string;
  /** The children in item order. */
  readonly children: readonly ChildExecutionRecord[];
}

/** The Distributed Map's result when it exports to S3. */
export interface ResultWriterOutput {
  /** The Map Run's ARN. */
  readonly MapRunArn: string;
  /** Where `manifest.json` was written. */
  readonly ResultWriterDetails: { readonly Bucket: string; readonly Key: string };
}

/** One exported result file, as `manifest.json` lists it. */
export interface ResultFile {
  /** The object key. */
  readonly Key: string;
  /** Its size in bytes. */
  readonly Size: number;
}

/** The `manifest.json` of an export. */
export interface ResultManifest {
  /** The bucket the results were written to. */
  readonly DestinationBucket: string;
  /** The Map Run's ARN. */
  readonly MapRunArn: string;
  /** The files per outcome; an outcome with no child has no file (an empty list). */
  readonly ResultFiles: { readonly FAILED: ResultFile[]; readonly PENDING: ResultFile[]; readonly SUCCEEDED: ResultFile[] };
}

/** ISO 8601 in UTC with milliseconds, as exported records show dates: `2025-02-04T01:49:50.099Z`. */
export function awsTimestamp(date: Date): string {
  return date.toISOString();
}

/** The record of a child that never started, as `PENDING_n.json` holds it. */
export function pendingRecord(input: unknown): ChildExecutionRecord {
  return { Input: JSON.stringify(input), InputDetails: { Included: true }, Status: 'PENDING' };
}

/**
 * Exports a Map Run's child executions to the object store as Step Functions does, under
 * `<Prefix>/<mapRunId>/`:
 *
 * - `SUCCEEDED_0.json`: the succeeded children, shaped by `Transformation` (`NONE`: full
 *   records; `COMPACT`: their outputs; `FLATTEN`: their outputs with array outputs spread);
 * - `FAILED_0.json`: failed, timed-out and aborted children, always full records;
 * - `PENDING_0.json`: children that never started;
 * - `manifest.json`: `{DestinationBucket, MapRunArn, ResultFiles: {FAILED, PENDING, SUCCEEDED}}`
 *   listing each written file's `Key` and `Size`.
 *
 * A file is written only for an outcome that has children. With `OutputType` `JSONL` each
 * element is one line. Records are written with their fields in alphabetical order, as AWS's
 * files show them. Files are not split at 5 GB.
 *
 * @returns the Distributed Map's result: `{MapRunArn, ResultWriterDetails: {Bucket, Key}}`
 * @throws StatesError `States.ResultWriterFailed` when the bucket does not exist or a write fails
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
 */
export function writeResults(spec: ResultWriterSpec, run: MapRunResults, store: ObjectStore): ResultWriterOutput {
  const { bucket } = spec;
  if (typeof bucket !== 'string' || bucket === '' || !store.hasBucket(bucket)) {
    throw new StatesError(States.ResultWriterFailed, `The ResultWriter bucket ${JSON.stringify(bucket)} does not exist (S3 error NoSuchBucket)`);
  }
  const transformation = checkedTransformation(spec.writerConfig?.Transformation ?? 'NONE');
  const outputType = checkedOutputType(spec.writerConfig?.OutputType ?? 'JSON');
  const folder = `${normalizePrefix(spec.prefix)}${run.mapRunId}/`;
  const groups = groupByOutcome(run.children);
  const put = (key: string, body: string): ResultFile => {
    try {
      store.putObject(bucket, key, body);
    } catch (error) {
      throw new StatesError(States.ResultWriterFailed, `Cannot write s3://${bucket}/${key}: ${(error as Error).message}`);
    }
    return { Key: key, Size: Buffer.byteLength(body, 'utf8') };
  };
  const writeGroup = (name: string, elements: unknown[]): ResultFile[] =>
    elements.length === 0 ? [] : [put(`${folder}${name}_0.json`, serialize(elements, outputType))];

  const manifest: ResultManifest = {
    DestinationBucket: bucket,
    MapRunArn: run.mapRunArn,
    ResultFiles: {
      FAILED: writeGroup('FAILED', groups.failed.map(orderedRecord)),
      PENDING: writeGroup('PENDING', groups.pending.map(orderedRecord)),
      SUCCEEDED: writeGroup('SUCCEEDED', transformSucceeded(groups.succeeded, transformation)),
    },
  };
  const manifestKey = `${folder}manifest.json`;
  put(manifestKey, JSON.stringify(manifest));
  return { MapRunArn: run.mapRunArn, ResultWriterDetails: { Bucket: bucket, Key: manifestKey } };
}

/**
 * The Distributed Map's result without an export: one element per child in item order —
 * `COMPACT` (the default) its output, `FLATTEN` its output with an array output spread into the
 * result, `NONE` its full record. A failed, timed-out or aborted child always gives its full
 * record; a child that never started gives nothing.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
 */
export function compactResults(children: readonly ChildExecutionRecord[], transformation: ResultTransformation = 'COMPACT'): unknown[] {
  checkedTransformation(transformation);
  const results: unknown[] = [];
  for (const child of children) {
    if (child.Status === 'PENDING') continue;
    if (child.Status !== 'SUCCEEDED') results.push(orderedRecord(child));
    else results.push(...transformSucceeded([child], transformation));
  }
  return results;
}

function normalizePrefix(prefix: string | undefined): string {
  if (!prefix) return '';
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
}

function groupByOutcome(children: readonly ChildExecutionRecord[]) {
  const groups = { succeeded: [] as ChildExecutionRecord[], failed: [] as ChildExecutionRecord[], pending: [] as ChildExecutionRecord[] };
  for (const child of children) {
    if (child.Status === 'SUCCEEDED') groups.succeeded.push(child);
    else if (child.Status === 'PENDING') groups.pending.push(child);
    else groups.failed.push(child);
  }
  return groups;
}

function transformSucceeded(children: readonly ChildExecutionRecord[], transformation: ResultTransformation): unknown[] {
  switch (transformation) {
    case 'NONE':
      return children.map(orderedRecord);
    case 'COMPACT':
      return children.map(outputOf);
    case 'FLATTEN':
      return children.flatMap((child) => {
        const output = outputOf(child);
        return Array.isArray(output) ? output : [output];
      });
  }
}

function checkedTransformation(value: string): ResultTransformation {
  if (value === 'NONE' || value === 'COMPACT' || value === 'FLATTEN') return value;
  throw new StatesError(States.Runtime, `ResultWriter.WriterConfig.Transformation '${value}' is not NONE, COMPACT or FLATTEN`);
}

function checkedOutputType(value: string): ResultOutputType {
  if (value === 'JSON' || value === 'JSONL') return value;
  throw new StatesError(States.Runtime, `ResultWriter.WriterConfig.OutputType '${value}' is not JSON or JSONL`);
}

function outputOf(child: ChildExecutionRecord): unknown {
  return child.Output === undefined ? null : JSON.parse(child.Output);
}

/** The record with its fields in alphabetical order and absent fields left out. */
function orderedRecord(record: ChildExecutionRecord): ChildExecutionRecord {
  const ordered: { [field: string]: unknown } = {};
  for (const [field, value] of Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (value !== undefined) ordered[field] = value;
  }
  return ordered as unknown as ChildExecutionRecord;
}

function serialize(elements: readonly unknown[], outputType: ResultOutputType): string {
  return outputType === 'JSON' ? JSON.stringify(elements) : elements.map((element) => `${JSON.stringify(element)}\n`).join('');
}
