import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { computeMetrics, type Links, type NetworkMetrics, type NodeMetrics } from './metrics.js';
import { DomainError, ErrorCode } from '../errors/domain-error.js';

/**
 * Measures a network without stalling the server: betweenness grows with entities times
 * relations, so anything but a small network is measured in a worker thread, which is
 * terminated (its memory freed) when it runs past the time limit, when its request is
 * stopped, or when it outgrows its heap. Small networks are measured in place, where
 * starting a thread would cost more than the work.
 */
export const IN_PLACE_MAX_RELATIONS = 5_000;
/** Entities times relations measured in place at most: a few tens of milliseconds of the main thread. */
export const IN_PLACE_MAX_WORK = 250_000;
export const MEASURE_TIMEOUT_MS = 20_000;
/** The old-generation heap of one measuring thread. */
export const WORKER_HEAP_MB = 768;

/** A limit of measuring the request ran into: the caller can ask for a smaller selection. */
export class MeasureTimeoutError extends DomainError {
  readonly code = ErrorCode.BAD_USER_INPUT;
}
/** The measuring thread ran out of its heap: a limit of measuring, reported like its time limit. */
export class MeasureMemoryError extends MeasureTimeoutError {}

// The worker is TypeScript, like the server: its thread first registers tsx (its ES module
// API, found through tsx's own export map), then loads it.
const require = createRequire(import.meta.url);
const tsxPackage = require.resolve('tsx/package.json');
const tsxExports = (require('tsx/package.json') as { exports: Record<string, { import: { default: string } }> }).exports;
const tsxApi = pathToFileURL(join(dirname(tsxPackage), tsxExports['./esm/api']!.import.default)).href;
const workerUrl = new URL('./metrics-worker.ts', import.meta.url).href;
const BOOT = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(workerUrl)}); })`;

/** What crosses to the thread: the ids once, and each relation as two indexes into them. */
export interface CompactLinks {
  ids: string[];
  ends: Int32Array;
}

let threads = 0;
/** Measuring threads alive now (for tests and the benchmark). */
export function measuringThreads(): number {
  return threads;
}

export interface MeasureOptions {
  timeoutMs?: number;
  inPlaceMax?: number;
  /** Stops the measurement (and terminates its thread) with the signal's reason. */
  signal?: AbortSignal;
}

export async function measureNetwork(network: Links, opts: MeasureOptions = {}): Promise<NetworkMetrics> {
  opts.signal?.throwIfAborted();
  const inPlace = network.edges.length <= (opts.inPlaceMax ?? IN_PLACE_MAX_RELATIONS) && network.edges.length * network.nodes.length <= IN_PLACE_MAX_WORK;
  if (inPlace) return computeMetrics(network);
  const timeoutMs = opts.timeoutMs ?? MEASURE_TIMEOUT_MS;
  const index = new Map<string, number>();
  const ids = network.nodes.map((n, i) => {
    index.set(n.id, i);
    return n.id;
  });
  const ends = new Int32Array(network.edges.length * 2);
  network.edges.forEach((e, i) => {
    ends[2 * i] = index.get(e.from) ?? -1;
    ends[2 * i + 1] = index.get(e.to) ?? -1;
  });
  const links: CompactLinks = { ids, ends };
  const worker = new Worker(BOOT, {
    eval: true,
    workerData: links,
    transferList: [ends.buffer],
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
  });
  threads += 1;
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    threads -= 1;
    void worker.terminate();
  };
  return new Promise<NetworkMetrics>((resolve, reject) => {
    const finish = (fn: () => void) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      end();
      fn();
    };
    const timer = setTimeout(() => {
      finish(() =>
        reject(new MeasureTimeoutError(`measuring ${network.edges.length} relations took longer than ${timeoutMs / 1000} s; choose a neighborhood or fewer relation types`)),
      );
    }, timeoutMs);
    const onAbort = () => finish(() => reject(opts.signal!.reason as Error));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (msg: { byId: Array<[string, NodeMetrics]>; communities: number }) => {
      finish(() => resolve({ byId: new Map(msg.byId), communities: msg.communities }));
    });
    worker.once('error', (err: Error & { code?: string }) => {
      finish(() =>
        reject(
          err.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new MeasureMemoryError(`measuring ${network.edges.length} relations needed more than ${WORKER_HEAP_MB} MB; choose a neighborhood or fewer relation types`)
            : err,
        ),
      );
    });
    worker.once('exit', () => {
      if (!ended) finish(() => reject(new Error('the measuring thread stopped without an answer')));
    });
  });
}
