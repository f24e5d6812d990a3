import { ServerBusyError } from './errors.js';

/**
 * A server-wide bound on expensive work (neighborhoods beyond depth 1, paths, network
 * measures, exports): at most `concurrency` run at once, at most `queue` more wait, each
 * at most `maxWaitMs`; anything beyond is refused at once with SERVER_BUSY (HTTP 503 and
 * Retry-After). A few heavy requests then cannot take the whole machine, and the ones that
 * cannot be served soon are told so instead of piling up.
 */
export interface GateOptions {
  concurrency: number;
  queue: number;
  /** The longest a request waits for a slot. */
  maxWaitMs: number;
}

export const DEFAULT_GATE: GateOptions = { concurrency: 2, queue: 4, maxWaitMs: 10_000 };

interface Waiter {
  admit(): void;
}

export interface GateStats {
  running: number;
  queued: number;
  /** Since the start: work admitted, and requests refused (queue full or wait over). */
  admitted: number;
  refused: number;
}

export class ExpensiveGate {
  private running = 0;
  private readonly queue: Waiter[] = [];
  private admitted = 0;
  private refused = 0;
  /** Smoothed duration of finished work, for Retry-After. */
  private typicalMs: number | null = null;

  constructor(readonly options: GateOptions = DEFAULT_GATE) {
    if (options.concurrency < 1) throw new Error('the gate needs a concurrency of at least 1');
  }

  /**
   * Runs `work` once a slot is free, keeping the slot until the work has settled (also
   * after the request gave up on it, so the bound counts work that really runs).
   */
  async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.release(performance.now() - started);
    }
  }

  stats(): GateStats {
    return { running: this.running, queued: this.queue.length, admitted: this.admitted, refused: this.refused };
  }

  /** Seconds until a slot is likely free: the typical duration times the work ahead, per slot. */
  retryAfterSeconds(): number {
    const typical = this.typicalMs ?? 5_000;
    const ahead = this.running + this.queue.length;
    return Math.max(1, Math.min(60, Math.ceil((typical * Math.max(1, ahead)) / this.options.concurrency / 1000)));
  }

  private busy(message: string): ServerBusyError {
    this.refused += 1;
    return new ServerBusyError(message, this.retryAfterSeconds());
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.running < this.options.concurrency) {
      this.running += 1;
      this.admitted += 1;
      return Promise.resolve();
    }
    const { concurrency, queue, maxWaitMs } = this.options;
    if (this.queue.length >= queue) {
      return Promise.reject(
        this.busy(`the server is busy: ${concurrency} expensive requests (deep neighborhoods, paths, network measures, exports) are running and ${queue} waiting; try again later`),
      );
    }
    return new Promise<void>((resolve, reject) => {
      const leave = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const at = this.queue.indexOf(waiter);
        if (at >= 0) this.queue.splice(at, 1);
      };
      const onAbort = () => {
        leave();
        reject(signal!.reason as Error);
      };
      const timer = setTimeout(() => {
        leave();
        reject(this.busy(`the server is busy: no slot for expensive work came free within ${Math.round(maxWaitMs / 1000)} s; try again later`));
      }, maxWaitMs);
      timer.unref();
      const waiter: Waiter = {
        admit: () => {
          leave();
          this.admitted += 1;
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  private release(ms: number): void {
    this.typicalMs = this.typicalMs === null ? ms : 0.7 * this.typicalMs + 0.3 * ms;
    const next = this.queue.shift();
    // The slot passes straight to the next in line, so nobody can overtake the queue.
    if (next) next.admit();
    else this.running -= 1;
  }
}
