import type { GraphStore } from '../store/graph-store.js';
import { computeMetrics, type NetworkMetrics } from './metrics.js';
import { selectionKey, selectNetwork, type SelectedNetwork, type Selection } from './selection.js';

export interface MeasuredNetwork extends SelectedNetwork {
  metrics: NetworkMetrics;
}

/**
 * Selections with their measures, kept per graph version: any write (from this server,
 * another one, or the import command) records an audit entry, which moves the version,
 * so a cached answer is never stale. A few recent selections are kept.
 */
export class NetworkCache {
  private readonly entries = new Map<string, Promise<MeasuredNetwork>>();
  constructor(private readonly capacity = 16) {}

  async get(store: GraphStore, sel: Selection): Promise<MeasuredNetwork> {
    const key = `${await store.graphVersion()}|${selectionKey(sel)}`;
    let entry = this.entries.get(key);
    if (entry) {
      // Most recently used last, so the oldest is the first to go.
      this.entries.delete(key);
    } else {
      entry = selectNetwork(store, sel).then((network) => ({ ...network, metrics: computeMetrics(network) }));
      // A failed computation is not kept; the next request tries again.
      entry.catch(() => this.entries.delete(key));
    }
    this.entries.set(key, entry);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }
}
