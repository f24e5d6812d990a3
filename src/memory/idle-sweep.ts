/**
 * How long a cache keeps what nobody asked for: after a flood of distinct selections,
 * their answers leave with this, and the memory they held goes back to the system,
 * instead of staying until other answers push them out.
 */
export const KEEP_IDLE_MS = 60_000;

/**
 * Runs `sweep` every `everyMs` while it reports something left to sweep. Armed by the
 * owner when it keeps something; the timer is unref'd, so it never keeps the process
 * alive, and stops once the owner is empty, so an emptied owner is not kept in memory by
 * it. With a sweep every quarter of the idle time, an entry goes between KEEP_IDLE_MS and
 * 1.25 times that after its last use.
 */
export class IdleSweep {
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    /** Drops what has been idle too long; true while anything is left. */
    private readonly sweep: (now: number) => boolean,
    private readonly everyMs: number,
  ) {}

  arm(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.sweep(performance.now())) this.arm();
    }, this.everyMs);
    this.timer.unref();
  }
}
