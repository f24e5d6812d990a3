import { LongReadsBusyError } from '../errors.js';

/**
 * Long reads that may run at once by default (Neo4j's): as many as a small server has
 * cores, so quick reads still find CPU. The embedded store sets its own (EMBEDDED_LONG_READS).
 */
export const DEFAULT_LONG_READS = 2;

/** Long reads that may wait for a place; more are refused at once (LongReadsBusyError, 503 with Retry-After). */
export const MAX_WAITING_LONG_READS = 32;

/**
 * The long lane of the database's readers: reads of a request that has turned out long
 * (expensive work, a high estimated cost, a large answer) wait here for one of `limit`
 * places, so however many such requests come, the other readers stay free for quick
 * ones; quick reads never come here. Waiting is first come, first served, ends at the
 * request's deadline, and is refused at once when `maxWaiting` reads already wait.
 */
export class LongReads {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly limit: number = DEFAULT_LONG_READS,
    readonly maxWaiting: number = MAX_WAITING_LONG_READS,
  ) {
    if (limit < 1) throw new Error('the long lane needs at least one reader');
  }

  async run<T>(read: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await read();
    } finally {
      this.release();
    }
  }

  /** Long reads running and waiting, for the health check and tests. */
  stats(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.running < this.limit) {
      this.running += 1;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.maxWaiting) return Promise.reject(new LongReadsBusyError(this.waiting.length));
    return new Promise<void>((resolve, reject) => {
      const admit = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(admit);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal!.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(admit);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    // The place passes straight to the next in line.
    if (next) next();
    else this.running -= 1;
  }
}
