/** Lists remembered; the oldest is forgotten first. */
export const REMEMBERED_LISTS = 10_000;

/** How long a size is believed: writes change lists, and a list refused for its size is not read again to learn it shrank. */
export const LIST_SIZE_MAX_AGE_MS = 60_000;

/**
 * How many items each list with no `first` (an entity's relations, a source's citing
 * relations) held when it was last read, server-wide. A list known to be long is charged
 * before it is read: its request turns to the long lane first, and one that would cost
 * more than a request may is refused without reading it. Only large lists are kept, so a
 * flood of distinct small ones costs no memory.
 */
export class ListSizes {
  private readonly sizes = new Map<string, { size: number; at: number }>();

  constructor(
    private readonly capacity = REMEMBERED_LISTS,
    /** Lists shorter than this are not remembered. */
    private readonly atLeast = 100,
  ) {}

  get(key: string): number | undefined {
    const known = this.sizes.get(key);
    if (!known) return undefined;
    if (performance.now() - known.at <= LIST_SIZE_MAX_AGE_MS) return known.size;
    this.sizes.delete(key);
    return undefined;
  }

  set(key: string, size: number): void {
    this.sizes.delete(key);
    if (size < this.atLeast) return;
    if (this.sizes.size >= this.capacity) this.sizes.delete(this.sizes.keys().next().value!);
    this.sizes.set(key, { size, at: performance.now() });
  }
}
