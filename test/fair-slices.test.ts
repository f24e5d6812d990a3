import { describe, expect, it } from 'vitest';
import { filterInSlices, Slicer } from '../src/event-loop/yielding.js';

/** Holds the thread for `ms`, as decoding a few hundred records does. */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/** Counts the turns of the event loop: an immediate set from an immediate runs in the next turn. */
function turnCounter(): { now: () => number; stop: () => void } {
  let turn = 0;
  let ticking = true;
  const tick = () => {
    turn += 1;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  return { now: () => turn, stop: () => (ticking = false) };
}

describe('long loops on the main thread', () => {
  it('take turns: one slice per turn of the event loop however many run, so a cheap request waits for one slice, not all', async () => {
    const turns = turnCounter();
    const slices: Array<{ loop: number; turn: number }> = [];
    const loops = [0, 1, 2, 3].map((loop) => {
      let last = -1;
      return filterInSlices(
        Array.from({ length: 2_000 }, (_, i) => i),
        () => {
          if (turns.now() !== last) {
            last = turns.now();
            slices.push({ loop, turn: last });
          }
          busy(0.05);
          return true;
        },
        new Slicer(undefined, 2),
      );
    });
    const kept = await Promise.all(loops);
    turns.stop();
    expect(kept.map((k) => k.length)).toEqual([2_000, 2_000, 2_000, 2_000]);
    // Every loop was cut into many slices (100 ms of work each, 2 ms slices)...
    for (const loop of [0, 1, 2, 3]) expect(slices.filter((s) => s.loop === loop).length).toBeGreaterThan(10);
    // ...and no turn of the event loop ran slices of two loops: they took turns. (A loop's
    // first slice runs when it starts, before it has yielded: all four start in one turn.)
    const perTurn = new Map<number, Set<number>>();
    for (const s of slices.filter((s) => s.turn > 0)) perTurn.set(s.turn, (perTurn.get(s.turn) ?? new Set()).add(s.loop));
    const crowded = [...perTurn.entries()].filter(([, loops]) => loops.size > 1);
    expect(crowded).toEqual([]);
  });

  it('a loop that starts while others wait joins the queue after its first few items, not after a slice of its own', async () => {
    const turns = turnCounter();
    const items = Array.from({ length: 2_000 }, (_, i) => i);
    const slow = () => {
      busy(0.05);
      return true;
    };
    const early = [0, 1].map(() => filterInSlices(items, slow));
    // Started from a later turn, as a request whose answer arrives meanwhile.
    await new Promise((resolve) => setImmediate(resolve));
    let ranAtOnce = 0;
    const started = turns.now();
    const late = filterInSlices(items, () => {
      if (turns.now() === started) ranAtOnce += 1;
      return slow();
    });
    await Promise.all([...early, late]);
    turns.stop();
    // 64 items before its first look at the queue, not a whole slice (160 items at 0.05 ms).
    expect(ranAtOnce).toBe(64);
  });

  it('a stopped loop leaves the queue at once, without waiting for its turn', async () => {
    const items = Array.from({ length: 4_000 }, (_, i) => i);
    const slow = () => {
      busy(0.05);
      return true;
    };
    const others = [0, 1, 2, 3].map(() => filterInSlices(items, slow));
    const stop = new AbortController();
    const stopped = filterInSlices(items, slow, new Slicer(stop.signal)).catch((err: unknown) => err);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const at = performance.now();
    stop.abort(new Error('the client left'));
    const outcome = await stopped;
    expect((outcome as Error).message).toBe('the client left');
    // Four other loops wait with it, each holding a turn of 8 ms (waiting for its turn took
    // 40 ms); leaving takes no turn at all, the bound leaves room for a busy machine.
    expect(performance.now() - at).toBeLessThan(20);
    await Promise.all(others);
  });
});
