import { Worker } from 'node:worker_threads';
import { resolveOptional } from '../private/optional-dependency';

/**
 * The code of the worker thread that runs Graphviz: `@hpcc-js/wasm-graphviz` is an ES module,
 * which a worker imports natively wherever it is called from (jest's module system, for one,
 * cannot load ES modules). The WebAssembly is compiled once, on the first request.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');
const graphviz = import(pathToFileURL(workerData.module).href).then(({ Graphviz }) => Graphviz.load());
parentPort.on('message', async ({ id, dot }) => {
  try {
    parentPort.postMessage({ id, svg: (await graphviz).dot(dot, 'svg') });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
  }
});`;

interface Pending {
  readonly resolve: (svg: string) => void;
  readonly reject: (error: Error) => void;
}

let worker: Worker | undefined;
const pending = new Map<number, Pending>();
let nextId = 0;

/** The Graphviz worker, started on first use; it keeps the process alive only while a request waits. */
function graphvizWorker(): Worker {
  if (worker) return worker;
  const started = new Worker(WORKER_SOURCE, { eval: true, workerData: { module: resolveOptional('@hpcc-js/wasm-graphviz', 'Drawing a diagram as SVG', ['@hpcc-js/wasm-graphviz']) } });
  started.on('message', ({ id, svg, error }: { id: number; svg?: string; error?: string }) => {
    const request = pending.get(id);
    pending.delete(id);
    if (pending.size === 0) started.unref();
    if (error !== undefined) request?.reject(new Error(`Graphviz could not draw the DOT source: ${error}`));
    else request?.resolve(svg!);
  });
  started.on('error', (error) => failAll(error));
  started.on('exit', () => {
    worker = undefined;
    failAll(new Error('The Graphviz worker stopped.'));
  });
  started.unref();
  worker = started;
  return started;
}

function failAll(error: Error): void {
  for (const request of pending.values()) request.reject(error);
  pending.clear();
}

/**
 * Lays out and draws DOT source as SVG, in-process: Graphviz's `dot` engine as WebAssembly
 * (`@hpcc-js/wasm-graphviz`, in a worker thread), no native binary, no browser, no network.
 *
 * @returns the SVG document (UTF-8 text)
 * @throws Error (rejects) with Graphviz's message when the DOT source does not parse.
 * @throws MissingOptionalDependencyError (rejects) when `@hpcc-js/wasm-graphviz` is not installed.
 * @see https://graphviz.org/docs/outputs/svg/
 */
export async function renderSvg(dot: string): Promise<string> {
  const target = graphvizWorker();
  return new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    target.ref();
    target.postMessage({ id, dot });
  });
}
