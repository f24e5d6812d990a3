import { setMaxListeners } from 'node:events';
import { DeadlineExceededError, RequestAbandonedError } from './errors.js';

/**
 * When a request must be done by. Its `signal` aborts at that moment (or earlier, when
 * the client goes away), and everything the request started listens to it: the wait for
 * a slot of expensive work, each database statement (embedded: the statement's own timeout
 * is what is left of it, so the engine stops the query there), and measuring threads,
 * which are terminated. The timer is made only when something asks for the signal, so a
 * request that does no such work (`{ __typename }`) costs nothing here.
 */
export class Deadline {
  /** In `performance.now()` time. */
  readonly at: number;
  private controller: AbortController | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly ms: number,
    /** How the request is named in the error, e.g. "the request". */
    private readonly what = 'the request',
  ) {
    this.at = performance.now() + ms;
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = this.newController();
      const left = this.remainingMs();
      if (left <= 0) this.controller.abort(this.expired());
      else {
        this.timer = setTimeout(() => this.controller?.abort(this.expired()), left);
        this.timer.unref();
      }
    }
    return this.controller.signal;
  }

  private newController(): AbortController {
    const controller = new AbortController();
    // One listener per piece of work in flight (each entity's measures, each statement), all
    // removed when it settles; a list of 50 entities is not a leak, so Node is not to warn.
    setMaxListeners(0, controller.signal);
    return controller;
  }

  get aborted(): boolean {
    return this.controller?.signal.aborted ?? this.remainingMs() <= 0;
  }

  remainingMs(): number {
    return Math.max(0, this.at - performance.now());
  }

  /** Stops the request's work now: the client went away. */
  abandon(): void {
    this.stop(new RequestAbandonedError());
  }

  /** Stops the request's work now, for `reason`: what it still waits for or would read is refused with it. */
  stop(reason: Error): void {
    if (!this.controller) this.controller = this.newController();
    if (!this.controller.signal.aborted) this.controller.abort(reason);
    this.dispose();
  }

  /** Throws the reason the request was stopped, if it was. */
  check(): void {
    if (this.aborted) throw this.signal.reason as Error;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  expired(): DeadlineExceededError {
    const seconds = Math.round(this.ms / 1000);
    return new DeadlineExceededError(
      `${this.what} ran past its deadline of ${seconds} s and was stopped; ask for less (a smaller depth, some relation types or a date range), or try again when the server is less busy`,
      Math.max(1, Math.min(30, Math.ceil(seconds / 6))),
    );
  }
}

/** Resolves as `work` does, or rejects with the signal's reason once it aborts; `work` is left to stop on its own. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      work.catch(() => undefined);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err as Error);
      },
    );
  });
}
