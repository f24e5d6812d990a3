import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { CompactLinks } from './measure.js';
import { computeMetrics, type Links } from './metrics.js';

// Runs in a worker thread (see measure.ts): the measures of one network, sent back as entries.
// At a low CPU priority (on Linux this thread's own: a thread is a task there), so on a busy
// machine the server's event loop gets a core first; not the lowest, so that other busy
// processes on the machine do not starve the measurement into its time limit.
try {
  setPriority(10);
} catch {
  // Not allowed or not supported: measured at normal priority.
}
const { ids, ends } = workerData as CompactLinks;
const edges: Array<{ from: string; to: string }> = [];
for (let i = 0; i < ends.length; i += 2) {
  const from = ids[ends[i]!];
  const to = ids[ends[i + 1]!];
  // An end outside the nodes (index -1) is skipped by computeMetrics as well.
  edges.push({ from: from ?? '', to: to ?? '' });
}
const links: Links = { nodes: ids.map((id) => ({ id })), edges };
const metrics = computeMetrics(links);
parentPort?.postMessage({ byId: [...metrics.byId], communities: metrics.communities });
