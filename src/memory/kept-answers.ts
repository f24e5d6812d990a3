import { IdleSweep, KEEP_IDLE_MS } from './idle-sweep.js';

export interface KeptAnswersOptions {
  /** Entries kept at most. */
  capacity: number;
  /** What all entries may take, in bytes as the owner counts them. */
  maxBytes: number;
  /** The most one entry may take; a larger one is not kept (maxBytes when absent). */
  maxEntryBytes?: number;
  /** An entry nobody asked for this long is dropped. */
  keepIdleMs?: number;
}

/**
 * Answers kept for asking again (measured networks, written exports): the least recently
 * used goes first when there are more than `capacity` or they take more than `maxBytes`,
 * and any that nobody asked for in `keepIdleMs` goes on its own, so the memory a flood of
 * distinct answers took goes back to the system. The one place their bytes are counted.
 */
export class KeptAnswers<V> {
  private readonly entries = new Map<string, { value: V; bytes: number; usedAt: number }>();
  private bytes = 0;
  private readonly keepIdleMs: number;
  private readonly idle: IdleSweep;

  constructor(private readonly options: KeptAnswersOptions) {
    this.keepIdleMs = options.keepIdleMs ?? KEEP_IDLE_MS;
    this.idle = new IdleSweep(
      (now) => {
        this.dropWhere((_key, usedAt) => now - usedAt >= this.keepIdleMs);
        return this.entries.size > 0;
      },
      Math.max(1, this.keepIdleMs / 4),
    );
  }

  get size(): number {
    return this.entries.size;
  }

  /** The answer kept under `key`, now the most recently used. */
  get(key: string): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    this.entries.delete(key);
    this.entries.set(key, { ...hit, usedAt: performance.now() });
    return hit.value;
  }

  /** Keeps `value` (replacing any under `key`), unless it alone takes more than maxEntryBytes. */
  set(key: string, value: V, bytes: number): void {
    this.delete(key);
    if (bytes > (this.options.maxEntryBytes ?? this.options.maxBytes)) return;
    this.entries.set(key, { value, bytes, usedAt: performance.now() });
    this.bytes += bytes;
    for (const k of this.entries.keys()) {
      if (this.entries.size <= this.options.capacity && this.bytes <= this.options.maxBytes) break;
      this.delete(k);
    }
    this.idle.arm();
  }

  /** Drops every entry `drop` names (by key and when it was last used). */
  dropWhere(drop: (key: string, usedAt: number) => boolean): void {
    for (const [k, e] of this.entries) if (drop(k, e.usedAt)) this.delete(k);
  }

  private delete(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.bytes -= e.bytes;
  }
}
