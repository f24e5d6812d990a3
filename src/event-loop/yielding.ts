/**
 * Long loops on the main thread, cut into slices of a few milliseconds with a turn of the
 * event loop between them, so that other requests (and the timers of deadlines) are
 * served while a large selection is decoded, filtered or sorted.
 */

/** The longest a loop runs before it lets other work in. */
export const SLICE_MS = 8;

/**
 * Slices waiting for their turn, first come first served. One slice runs per turn of the
 * event loop, however many loops are under way: were each loop to take a slice every
 * turn, ten concurrent large answers would make every turn 80 ms long, and a cheap
 * request, which needs a few turns (read, execute, write), would wait for all of them.
 * A loop that starts while others wait takes its place behind them after its first
 * CHECK_EVERY items, rather than a whole slice of its own first.
 */
const turns: Array<() => void> = [];
let turnScheduled = false;

function nextTurn(): void {
  turnScheduled = false;
  turns.shift()?.();
  // Scheduled now, for the next turn of the loop: the slice just let go runs in this one.
  if (turns.length > 0) scheduleTurn();
}

function scheduleTurn(): void {
  if (turnScheduled) return;
  turnScheduled = true;
  setImmediate(nextTurn);
}

/** Waits for this loop's next slice (see `turns`); a stopped loop leaves the queue at once. */
function waitForTurn(signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const stop = () => {
      const at = turns.indexOf(go);
      if (at >= 0) turns.splice(at, 1);
      reject(signal!.reason as Error);
    };
    const go = () => {
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    turns.push(go);
    signal?.addEventListener('abort', stop, { once: true });
    scheduleTurn();
  });
}

/** Items between two looks at the clock. */
const CHECK_EVERY = 64;

export class Slicer {
  private started = performance.now();
  private count = 0;
  private waited = false;

  constructor(
    private readonly signal?: AbortSignal,
    private readonly sliceMs = SLICE_MS,
  ) {}

  /** True when the current slice has used its time: `if (slicer.due()) await slicer.pause();`. */
  due(): boolean {
    this.count += 1;
    if (this.count < CHECK_EVERY) return false;
    this.count = 0;
    // A loop that has not waited yet joins the queue as soon as others are in it.
    if (!this.waited && turns.length > 0) return true;
    return performance.now() - this.started >= this.sliceMs;
  }

  /** Lets pending I/O and timers run, then starts a new slice; throws if the work was stopped meanwhile. */
  async pause(): Promise<void> {
    this.waited = true;
    await waitForTurn(this.signal);
    this.signal?.throwIfAborted();
    this.started = performance.now();
    this.count = 0;
  }
}

/** `items.filter(keep)`, in slices. */
export async function filterInSlices<T>(items: readonly T[], keep: (item: T) => boolean, slicer = new Slicer()): Promise<T[]> {
  const out: T[] = [];
  for (const item of items) {
    if (keep(item)) out.push(item);
    if (slicer.due()) await slicer.pause();
  }
  return out;
}

/**
 * A stable sort in slices: a natural merge sort, so input that is already sorted (or made
 * of a few sorted runs, as database answers often are) costs one pass. Returns a new array.
 */
export async function sortInSlices<T>(items: readonly T[], compare: (a: T, b: T) => number, slicer = new Slicer()): Promise<T[]> {
  const n = items.length;
  if (n < 2) return [...items];
  // Runs: ascending (equal neighbours kept in order) or strictly descending (reversed).
  let src: T[] = new Array<T>(n);
  const bounds: number[] = [0];
  let i = 0;
  while (i < n) {
    let j = i + 1;
    if (j < n && compare(items[j - 1]!, items[j]!) > 0) {
      while (j < n && compare(items[j - 1]!, items[j]!) > 0) {
        j += 1;
        if (slicer.due()) await slicer.pause();
      }
      for (let k = 0; k < j - i; k += 1) src[i + k] = items[j - 1 - k]!;
    } else {
      while (j < n && compare(items[j - 1]!, items[j]!) <= 0) {
        j += 1;
        if (slicer.due()) await slicer.pause();
      }
      for (let k = i; k < j; k += 1) src[k] = items[k]!;
    }
    bounds.push(j);
    i = j;
  }
  let dst: T[] = new Array<T>(n);
  let runs = bounds;
  while (runs.length > 2) {
    const merged: number[] = [0];
    for (let r = 0; r + 1 < runs.length; r += 2) {
      const lo = runs[r]!;
      const mid = runs[r + 1]!;
      const hi = r + 2 < runs.length ? runs[r + 2]! : mid;
      let a = lo;
      let b = mid;
      let k = lo;
      while (a < mid && b < hi) {
        dst[k++] = compare(src[b]!, src[a]!) < 0 ? src[b++]! : src[a++]!;
        if (slicer.due()) await slicer.pause();
      }
      while (a < mid) dst[k++] = src[a++]!;
      while (b < hi) dst[k++] = src[b++]!;
      merged.push(hi);
    }
    runs = merged;
    [src, dst] = [dst, src];
  }
  return src;
}
