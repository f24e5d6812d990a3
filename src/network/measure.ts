import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { computeMetrics, type Links, type NetworkMetrics, type NodeMetrics } from './metrics.js';

/**
 * Measures a network without stalling the server: betweenness grows with entities times
 * relations, so anything but a small network is measured in a worker thread, which is
 * stopped when it runs past the time limit. Small networks are measured in place, where
 * starting a thread would cost more than the work.
 */
export const IN_PLACE_MAX_RELATIONS = 5_000;
export const MEASURE_TIMEOUT_MS = 60_000;

export class MeasureTimeoutError extends Error {}

// The worker is TypeScript, like the server: its thread first registers tsx (its ES module
// API, found through tsx's own export map), then loads it.
const require = createRequire(import.meta.url);
const tsxPackage = require.resolve('tsx/package.json');
const tsxExports = (require('tsx/package.json') as { exports: Record<string, { import: { default: string } }> }).exports;
const tsxApi = pathToFileURL(join(dirname(tsxPackage), tsxExports['./esm/api']!.import.default)).href;
const workerUrl = new URL('./metrics-worker.ts', import.meta.url).href;
const BOOT = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(workerUrl)}); })`;

export async function measureNetwork(network: Links, opts: { timeoutMs?: number; inPlaceMax?: number } = {}): Promise<NetworkMetrics> {
  if (network.edges.length <= (opts.inPlaceMax ?? IN_PLACE_MAX_RELATIONS)) return computeMetrics(network);
  const timeoutMs = opts.timeoutMs ?? MEASURE_TIMEOUT_MS;
  // Only ids cross to the thread.
  const links: Links = { nodes: network.nodes.map((n) => ({ id: n.id })), edges: network.edges.map((e) => ({ from: e.from, to: e.to })) };
  const worker = new Worker(BOOT, { eval: true, workerData: links });
  return new Promise<NetworkMetrics>((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new MeasureTimeoutError(`measuring ${network.edges.length} relations took longer than ${timeoutMs / 1000} s; choose a neighborhood or fewer relation types`));
    }, timeoutMs);
    worker.once('message', (msg: { byId: Array<[string, NodeMetrics]>; communities: number }) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve({ byId: new Map(msg.byId), communities: msg.communities });
    });
    worker.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
