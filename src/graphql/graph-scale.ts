import type { GraphScale } from './cost.js';

/** How old the graph's size may be when a query's cost is estimated with it. */
export const SCALE_MAX_AGE_MS = 10_000;

/** After a failed count, how long requests go on without one before it is tried again. */
export const SCALE_RETRY_MS = 2_000;

/**
 * The graph's size for cost estimates, read once and then again at most every
 * SCALE_MAX_AGE_MS, in the background: a scan's cost grows with the graph, but an estimate
 * does not need today's exact count, and no request should wait for a count but the first.
 */
export class ScaleGauge {
  private last: { scale: GraphScale; at: number } | null = null;
  private reading: Promise<GraphScale> | null = null;
  private failedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly maxAgeMs = SCALE_MAX_AGE_MS) {}

  async current(read: () => Promise<GraphScale>): Promise<GraphScale> {
    const { last } = this;
    if (last && performance.now() - last.at < this.maxAgeMs) return last.scale;
    // A database that cannot count now is not asked again by every request.
    if (performance.now() - this.failedAt < SCALE_RETRY_MS) {
      if (last) return last.scale;
      throw new Error('the graph could not be counted a moment ago');
    }
    this.reading ??= read()
      .then((scale) => {
        this.last = { scale: { entities: scale.entities, relations: scale.relations }, at: performance.now() };
        return this.last.scale;
      })
      .catch((err: unknown) => {
        this.failedAt = performance.now();
        throw err;
      })
      .finally(() => (this.reading = null));
    if (last) {
      // A stale size serves while the new one is read; a failed read leaves it in place.
      this.reading.catch(() => undefined);
      return last.scale;
    }
    return this.reading;
  }
}
