import { untilAborted } from '../budget/deadline.js';
import { DeadlineExceededError, RequestAbandonedError, ServerBusyError } from '../budget/errors.js';
import { UNBUDGETED, type RequestBudget } from '../budget/request-budget.js';
import type { GraphReads } from '../store/graph-reads.js';
import { MEASURE_TIMEOUT_MS, MeasureMemoryError, MeasureTimeoutError, measureNetwork } from './measure.js';
import type { NetworkMetrics } from './metrics.js';
import { KeptAnswers } from '../memory/kept-answers.js';
import { baseSelectionKey, checkMeasurable, narrowSelection, readBase, selectionKey, SelectionTooLargeError, type SelectedNetwork, type Selection } from './selection.js';

export interface MeasuredNetwork extends SelectedNetwork {
  metrics: NetworkMetrics;
}

export interface NetworkCacheOptions {
  /** Measured selections kept. */
  capacity?: number;
  /** What all measured selections kept may take in memory, in bytes (estimated: BYTES_PER_ITEM an entity or relation). */
  maxKeptBytes?: number;
  /** Failures remembered. */
  maxFailures?: number;
  measureTimeoutMs?: number;
  /** A measured selection nobody asked for this long is dropped (KEEP_IDLE_MS). */
  keepIdleMs?: number;
}

/**
 * Memory one entity or relation of a measured selection takes, with its measures: a
 * relation record as JSON.parse makes it takes about 400 bytes of V8 heap (measured on
 * the bench's generated graph), and an entity's measures and map entries add the rest.
 */
export const BYTES_PER_ITEM = 600;

/** The cache's memory by default: a few hub neighborhoods of a 100,000-relation graph. */
export const DEFAULT_KEPT_BYTES = 64 * 1024 * 1024;

/** A failure that says something about the selection itself, so asking again would fail the same way. */
function remembered(err: unknown): err is Error {
  return err instanceof SelectionTooLargeError || err instanceof MeasureTimeoutError || err instanceof MeasureMemoryError;
}

/**
 * Selections with their measures, kept per graph version: every write (from this server,
 * another one, or the import command) records an audit entry, which moves the version,
 * so an answer computed for an older version is never served. Entries of older versions
 * are dropped as soon as a newer one is asked for.
 *
 * - Identical selections asked for while one is being computed wait for that computation
 *   instead of starting their own; so do selections that differ only in kinds or dates
 *   while the database read they share is under way.
 * - A computation is expensive work: it is charged to the request that starts it, runs in
 *   a slot of the server-wide gate, and stops at that request's deadline.
 * - A selection refused as too large, or whose measuring ran out of time or memory, is
 *   remembered with its error for the graph version: asked again, it fails at once. A
 *   database read refused as too large is remembered for every selection that shares it
 *   (all dates and kinds over the same neighborhood and relation types).
 * - A few measured selections are kept, bounded by the memory they take (maxKeptBytes),
 *   each until nobody has asked for it for keepIdleMs.
 */
export class NetworkCache {
  private readonly done: KeptAnswers<MeasuredNetwork>;
  private readonly failed = new Map<string, { version: string; error: Error }>();
  private readonly running = new Map<string, Promise<MeasuredNetwork>>();
  private readonly reading = new Map<string, Promise<SelectedNetwork>>();
  private readonly maxFailures: number;
  private readonly measureTimeoutMs: number;
  /** Computations started, for tests. */
  computations = 0;

  constructor(o: NetworkCacheOptions = {}) {
    this.done = new KeptAnswers({ capacity: o.capacity ?? 8, maxBytes: o.maxKeptBytes ?? DEFAULT_KEPT_BYTES, ...(o.keepIdleMs === undefined ? {} : { keepIdleMs: o.keepIdleMs }) });
    this.maxFailures = o.maxFailures ?? 256;
    this.measureTimeoutMs = o.measureTimeoutMs ?? MEASURE_TIMEOUT_MS;
  }

  /** Measured selections kept now, for tests. */
  get kept(): number {
    return this.done.size;
  }

  async get(store: GraphReads, sel: Selection, version: string, budget: RequestBudget = UNBUDGETED): Promise<MeasuredNetwork> {
    this.forgetOtherVersions(version);
    const key = `${version}|${selectionKey(sel)}`;
    const baseKey = `${version}|${baseSelectionKey(sel)}`;
    const hit = this.done.get(key);
    if (hit) return hit;
    const failure = this.failed.get(key) ?? this.failed.get(baseKey);
    if (failure) throw failure.error;
    let running = this.running.get(key);
    if (!running) {
      this.computations += 1;
      const work = { kind: 'network' as const, depth: sel.id ? (sel.depth ?? 1) : null };
      running = budget.expensive(work, () => this.compute(store, sel, baseKey, budget.deadline?.signal));
      this.running.set(key, running);
      running.then(
        (network) => {
          this.running.delete(key);
          this.keep(key, network);
        },
        (err: unknown) => {
          this.running.delete(key);
          if (remembered(err)) this.remember(key, version, err);
        },
      );
      return running;
    }
    // Another request's computation: waited for until this request's own deadline.
    try {
      return await untilAborted(running, budget.deadline?.signal);
    } catch (err) {
      // The computation stopped for its own request's sake (its deadline, or its client
      // left), not for anything about the selection: this request may try again.
      const stopped = err instanceof DeadlineExceededError || err instanceof RequestAbandonedError;
      if (stopped && !(budget.deadline?.aborted ?? false)) {
        throw new ServerBusyError('the computation of this selection, started by another request, was stopped; try again', 1);
      }
      throw err;
    }
  }

  private async compute(store: GraphReads, sel: Selection, baseKey: string, signal: AbortSignal | undefined): Promise<MeasuredNetwork> {
    const base = await this.readBase(store, sel, baseKey, signal);
    const selected = await narrowSelection(base, sel, signal);
    checkMeasurable(selected);
    const metrics = await measureNetwork(selected, { timeoutMs: this.measureTimeoutMs, ...(signal ? { signal } : {}) });
    return { ...selected, metrics };
  }

  /** The database read behind a selection, shared while it runs; a refusal is remembered for all that share it. */
  private readBase(store: GraphReads, sel: Selection, baseKey: string, signal: AbortSignal | undefined): Promise<SelectedNetwork> {
    const failure = this.failed.get(baseKey);
    if (failure) return Promise.reject(failure.error);
    let reading = this.reading.get(baseKey);
    if (!reading) {
      reading = readBase(store, sel);
      this.reading.set(baseKey, reading);
      const version = baseKey.slice(0, baseKey.indexOf('|'));
      reading.then(
        () => this.reading.delete(baseKey),
        (err: unknown) => {
          this.reading.delete(baseKey);
          if (err instanceof SelectionTooLargeError) this.remember(baseKey, version, err);
        },
      );
    }
    return untilAborted(reading, signal).catch((err: unknown) => {
      // The read was another request's, and stopped for its sake: not this one's error.
      const stopped = err instanceof DeadlineExceededError || err instanceof RequestAbandonedError;
      if (stopped && !(signal?.aborted ?? false)) throw new ServerBusyError('the database read this selection shares with another request was stopped; try again', 1);
      throw err;
    });
  }

  private forgetOtherVersions(version: string): void {
    this.done.dropWhere((key) => !key.startsWith(`${version}|`));
    for (const [k, e] of this.failed) if (e.version !== version) this.failed.delete(k);
  }

  private keep(key: string, network: MeasuredNetwork): void {
    this.done.set(key, network, (network.nodes.length + network.edges.length) * BYTES_PER_ITEM);
  }

  private remember(key: string, version: string, error: Error): void {
    this.failed.delete(key);
    this.failed.set(key, { version, error });
    while (this.failed.size > this.maxFailures) this.failed.delete(this.failed.keys().next().value!);
  }
}
