import { AslDefinition, AslState } from '../../../asl/definition';
import { StatesError, States } from '../errors';
import { ExecutionRun } from '../execution';
import { CompiledGraph } from '../graph';
import { batchItems } from '../item-batcher';
import { ReadItem, readItems } from '../item-reader';
import { compileJsonataField } from '../jsonata-fields';
import { jsonText } from '../paths';
import { compilePayloadTemplate } from '../payload-template';
import { ChildExecutionRecord, compactResults, writeResults } from '../result-writer';
import { scopeOf, StateRun } from '../thread';
import { VariableScope } from '../variables';
import { Tolerance } from './fan-out';
import { MapSettings } from './map-settings';

/** The fields of a distributed Map that the inline one has not. */
export interface DistributedMapSpec {
  readonly state: AslState;
  readonly processorDefinition: AslDefinition;
  readonly language: 'JSONPath' | 'JSONata';
}

/** Step Functions runs at most this many child executions of a Map Run at once. */
const MAX_CHILD_CONCURRENCY = 10_000;

/**
 * Runs a distributed Map's Map Run: reads the items (from the state input or, with
 * `ItemReader`, from the runner's local S3), selects and batches them, runs each item or
 * batch as a child execution of the item processor (its own history, no outer variables),
 * and returns the outputs in item order, or with `ResultWriter` exports them to S3 and
 * returns where. The parent history records `MapStateStarted`, `MapRunStarted` and
 * `MapRunSucceeded` / `MapRunFailed`; the children are in `childRuns`.
 *
 * @throws StatesError `States.ExceedToleratedFailureThreshold` when more children fail than
 * tolerated (by default, any), `States.ItemReaderFailed`, `States.ResultWriterFailed`.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
 */
export async function runDistributed(
  run: StateRun,
  selected: unknown,
  settings: MapSettings,
  processor: CompiledGraph,
  spec: DistributedMapSpec,
): Promise<unknown> {
  const { thread } = run;
  const execution = thread.run;
  const history = execution.history;
  const items = await readDistributedItems(run, selected, settings, spec);
  const inputs = await childInputs(run, selected, settings, spec, items);
  const maxConcurrency = (await settings.maxConcurrency(run, selected)) || MAX_CHILD_CONCURRENCY;
  const tolerance = (await settings.tolerance(run, selected)) ?? {};
  const label = typeof spec.state.Label === 'string' ? spec.state.Label : run.state.name;
  const mapRunId = execution.random.uuid();
  const { region, account, stateMachineName, stateMachineArn } = execution.request;
  const mapRunArn = `arn:aws:states:${region}:${account}:mapRun:${stateMachineName}/${label}:${mapRunId}`;

  thread.lastEventId = history.add('MapStateStarted', thread.lastEventId, { length: items.length });
  const mapRunStarted = history.add('MapRunStarted', thread.lastEventId, { mapRunArn });
  thread.lastEventId = mapRunStarted;
  const processorConfig = ((spec.processorDefinition as Record<string, unknown>).ProcessorConfig ?? {}) as { ExecutionType?: string };
  const children = await runChildren(inputs, maxConcurrency, tolerance, (input) =>
    new ExecutionRun(processor, {
      ...execution.request,
      executionArn: `arn:aws:states:${region}:${account}:execution:${stateMachineName}/${label}:${execution.random.uuid()}`,
      name: execution.random.uuid(),
      input,
      stateMachineArn: `${stateMachineArn}/${label}`,
      stateMachineName: `${stateMachineName}/${label}`,
      stateMachineType: processorConfig.ExecutionType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
      timeoutSeconds: undefined,
      variables: VariableScope.root(),
    }, { host: execution.host, clock: execution.clock, tokens: execution.tokens }),
  );
  execution.childRuns.push(...children.runs);
  if (children.failure) {
    thread.lastEventId = history.add('MapRunFailed', mapRunStarted, { error: children.failure.error, cause: children.failure.causeText });
    throw children.failure;
  }
  history.add('MapStateSucceeded', history.add('MapRunSucceeded', mapRunStarted));
  const records = children.runs.map(childRecord);
  if (spec.state.ResultWriter === undefined) return compactResults(records);
  return writeResults(await resultWriterSpec(run, selected, spec), { mapRunArn, mapRunId, children: records }, objectStore(run));
}

async function readDistributedItems(run: StateRun, selected: unknown, settings: MapSettings, spec: DistributedMapSpec): Promise<ReadItem[]> {
  const reader = spec.state.ItemReader as Record<string, unknown> | undefined;
  if (!reader) return (await settings.items(run, selected)).map((value) => ({ value, source: 'STATE_DATA' }));
  const parameters = (await evaluateField(run, selected, spec.language, reader.Parameters ?? reader.Arguments ?? {}, 'ItemReader')) as Record<string, unknown>;
  return readItems({ resource: String(reader.Resource), parameters, readerConfig: reader.ReaderConfig as Record<string, never> | undefined }, objectStore(run));
}

async function childInputs(run: StateRun, selected: unknown, settings: MapSettings, spec: DistributedMapSpec, items: ReadItem[]): Promise<unknown[]> {
  const selectedItems: unknown[] = [];
  for (let index = 0; index < items.length; index++) {
    const { value, source, key } = items[index];
    selectedItems.push(await settings.itemInput(run, selected, { Index: index, Value: value, ...(key === undefined ? {} : { Key: key }), Source: source }));
  }
  const batcher = spec.state.ItemBatcher as Record<string, unknown> | undefined;
  if (!batcher) return selectedItems;
  return batchItems(selectedItems, {
    maxItemsPerBatch: (await numberField(run, selected, spec, batcher, 'MaxItemsPerBatch')) as number | undefined,
    maxInputBytesPerBatch: (await numberField(run, selected, spec, batcher, 'MaxInputBytesPerBatch')) as number | undefined,
    batchInput: batcher.BatchInput === undefined ? undefined : await evaluateField(run, selected, spec.language, batcher.BatchInput, 'ItemBatcher'),
  });
}

async function numberField(run: StateRun, selected: unknown, spec: DistributedMapSpec, holder: Record<string, unknown>, field: string): Promise<unknown> {
  if (holder[field] !== undefined) return evaluateField(run, selected, spec.language, holder[field], field);
  const path = holder[`${field}Path`];
  return typeof path === 'string' ? evaluateField(run, selected, 'JSONPath', { 'value.$': path }, field).then((v) => (v as { value: unknown }).value) : undefined;
}

/** A JSONPath template over the selected input, or a JSONata field over the state input. */
async function evaluateField(run: StateRun, selected: unknown, language: string, value: unknown, field: string): Promise<unknown> {
  if (language === 'JSONata') return compileJsonataField(value, field).evaluate({ input: run.input }, run);
  return compilePayloadTemplate(value, field)(scopeOf(run, selected));
}

async function resultWriterSpec(run: StateRun, selected: unknown, spec: DistributedMapSpec) {
  const writer = spec.state.ResultWriter as Record<string, unknown>;
  const target = (await evaluateField(run, selected, spec.language, writer.Parameters ?? writer.Arguments ?? {}, 'ResultWriter')) as Record<string, unknown>;
  return { bucket: String(target.Bucket ?? ''), prefix: target.Prefix === undefined ? undefined : String(target.Prefix), writerConfig: writer.WriterConfig as never };
}

function objectStore(run: StateRun) {
  const store = run.thread.run.host.objectStore;
  if (!store) throw new StatesError(States.ItemReaderFailed, 'The runner has no local S3: pass an objectStore (LocalS3) to read items or write results.');
  return store;
}

/** The child executions in item order, and the failure that ended the Map Run early, if any. */
async function runChildren(
  inputs: unknown[],
  maxConcurrency: number,
  tolerance: Tolerance,
  start: (input: unknown) => ExecutionRun,
): Promise<{ runs: ExecutionRun[]; failure?: StatesError }> {
  const runs: ExecutionRun[] = new Array(inputs.length);
  let next = 0;
  let failures = 0;
  let failure: StatesError | undefined;
  const worker = async () => {
    while (next < inputs.length && !failure) {
      const index = next++;
      const child = start(inputs[index]);
      runs[index] = child;
      await child.done;
      if (child.status === 'SUCCEEDED') continue;
      failures++;
      if (exceeded(tolerance, failures, inputs.length)) {
        failure = new StatesError(States.ExceedToleratedFailureThreshold, `The Map Run failed: ${failures} of ${inputs.length} child executions failed, more than tolerated. Last failure: ${child.error?.error ?? child.status} ${child.error?.causeText ?? ''}`.trim());
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(maxConcurrency, Math.max(inputs.length, 1)) }, worker));
  if (failure) for (const child of runs) child?.abort();
  return { runs: runs.filter(Boolean), failure };
}

function exceeded(tolerance: Tolerance, failures: number, total: number): boolean {
  const count = tolerance.count ?? 0;
  const percentage = tolerance.percentage ?? 0;
  const overCount = tolerance.count !== undefined || tolerance.percentage === undefined ? failures > count : false;
  const overPercentage = tolerance.percentage !== undefined ? (failures * 100) / Math.max(total, 1) > percentage : false;
  return overCount || overPercentage;
}

/** A child execution as DescribeExecution (and the ResultWriter) shows it. */
function childRecord(child: ExecutionRun): ChildExecutionRecord {
  const failed = child.status !== 'SUCCEEDED';
  return {
    ExecutionArn: child.executionArn,
    Input: jsonText(child.request.input),
    InputDetails: { Included: true },
    Name: child.request.name,
    ...(failed ? {} : { Output: jsonText(child.output), OutputDetails: { Included: true } }),
    ...(failed && child.error?.given.error ? { Error: child.error.error } : {}),
    ...(failed && child.error?.given.cause ? { Cause: child.error.causeText } : {}),
    RedriveCount: 0,
    RedriveStatus: 'NOT_REDRIVABLE',
    StartDate: new Date(child.startTime).toISOString(),
    StateMachineArn: child.request.stateMachineArn,
    Status: child.status === 'RUNNING' ? 'ABORTED' : child.status,
    StopDate: new Date(child.stopTime ?? child.startTime).toISOString(),
  };
}
