import { parentPort, workerData } from 'node:worker_threads';
import { computeMetrics, type Links } from './metrics.js';

// Runs in a worker thread (see measure.ts): the measures of one network, sent back as entries.
const metrics = computeMetrics(workerData as Links);
parentPort?.postMessage({ byId: [...metrics.byId], communities: metrics.communities });
