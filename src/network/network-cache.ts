import type { GraphStore } from '../store/graph-store.js';
import { measureNetwork } from './measure.js';
import type { NetworkMetrics } from './metrics.js';
import { selectionKey, selectNetwork, type SelectedNetwork, type Selection } from './selection.js';

export interface MeasuredNetwork extends SelectedNetwork {
  metrics: NetworkMetrics;
}

/**
 * Selections with their measures, kept per graph version: every write (from this server,
 * another one, or the import command) records an audit entry, which moves the version,
 * so an answer computed for an older version is never served. Entries of older versions
 * are dropped as soon as a newer one is stored, and a few recent selections are kept.
 */
export class NetworkCache {
  private readonly entries = new Map<string, { version: string; network: Promise<MeasuredNetwork> }>();
  constructor(private readonly capacity = 8) {}

  async get(store: GraphStore, sel: Selection, version: string): Promise<MeasuredNetwork> {
    const key = `${version}|${selectionKey(sel)}`;
    let entry = this.entries.get(key);
    if (entry) {
      // Most recently used last, so the oldest is the first to go.
      this.entries.delete(key);
    } else {
      for (const [k, e] of this.entries) if (e.version !== version) this.entries.delete(k);
      const network = selectNetwork(store, sel).then(async (n) => ({ ...n, metrics: await measureNetwork(n) }));
      // A failed computation is not kept; the next request tries again.
      network.catch(() => this.entries.delete(key));
      entry = { version, network };
    }
    this.entries.set(key, entry);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return entry.network;
  }
}
