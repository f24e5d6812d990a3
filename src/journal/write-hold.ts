/**
 * Writes share it; a hold is exclusive: it waits for the writes in flight to end and keeps
 * new ones waiting until it is released. The check against the journal holds it while it
 * reads the live database, so that what it reads matches one position of the journal
 * (src/journal/verify.ts); writes wait, they are not refused.
 */
export class WriteHold {
  private inFlight = 0;
  private drained: (() => void) | null = null;
  private held: Promise<void> | null = null;

  async write<T>(work: () => Promise<T>): Promise<T> {
    while (this.held) await this.held;
    this.inFlight += 1;
    try {
      return await work();
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) this.drained?.();
    }
  }

  async hold<T>(work: () => Promise<T>): Promise<T> {
    while (this.held) await this.held;
    let release!: () => void;
    this.held = new Promise<void>((resolve) => (release = resolve));
    try {
      if (this.inFlight > 0) await new Promise<void>((resolve) => (this.drained = resolve));
      this.drained = null;
      return await work();
    } finally {
      this.held = null;
      release();
    }
  }
}
