import { describe, expect, it } from 'vitest';
import { measureNetwork } from '../src/network/measure.js';
import { computeMetrics } from '../src/network/metrics.js';
import type { EntityRecord, RelationRecord } from '../src/store/records.js';

/** Measures on small graphs whose values were worked out by hand. */
const node = (id: string): EntityRecord => ({ id, kind: 'PERSON', name: id, aliases: [], description: null, sources: [], attributes: {} });
const edge = (from: string, to: string, i: number): RelationRecord => ({ id: `r${i}`, type: 'SUPPORTS', from, to, sources: [], refs: {}, attributes: {} });
const graph = (ids: string[], pairs: Array<[string, string]>) => ({ nodes: ids.map(node), edges: pairs.map(([a, b], i) => edge(a, b, i)) });

describe('network measures', () => {
  it('a star of four leaves pointing at a centre', () => {
    const m = computeMetrics(
      graph(
        ['c', 'l1', 'l2', 'l3', 'l4'],
        [
          ['l1', 'c'],
          ['l2', 'c'],
          ['l3', 'c'],
          ['l4', 'c'],
        ],
      ),
    );
    const c = m.byId.get('c')!;
    const l = m.byId.get('l1')!;
    expect([c.inDegree, c.outDegree, c.degree]).toEqual([4, 0, 4]);
    expect([l.inDegree, l.outDegree, l.degree]).toEqual([0, 1, 1]);
    // All C(4,2) = 6 pairs of leaves meet only through the centre.
    expect(c.betweenness).toBe(6);
    expect(l.betweenness).toBe(0);
    // PageRank with damping 0.85, the centre's rank spread evenly (it links nowhere):
    // L = 0.03 + 0.17 C and C = 1 - 4L give C = 0.88 / 1.68 and L = (1 - C) / 4.
    expect(c.pageRank).toBeCloseTo(0.88 / 1.68, 6);
    expect(l.pageRank).toBeCloseTo((1 - 0.88 / 1.68) / 4, 6);
  });

  it('a path a-b-c-d', () => {
    const m = computeMetrics(
      graph(
        ['a', 'b', 'c', 'd'],
        [
          ['a', 'b'],
          ['b', 'c'],
          ['c', 'd'],
        ],
      ),
    );
    // b lies on the shortest paths a-c and a-d; c on a-d and b-d.
    expect(['a', 'b', 'c', 'd'].map((id) => m.byId.get(id)!.betweenness)).toEqual([0, 2, 2, 0]);
    expect(['a', 'b', 'c', 'd'].map((id) => m.byId.get(id)!.degree)).toEqual([1, 2, 2, 1]);
  });

  it('two triangles joined by one link are two communities, numbered the same on every run', () => {
    const g = graph(
      ['a', 'b', 'c', 'd', 'e', 'f'],
      [
        ['a', 'b'],
        ['b', 'c'],
        ['c', 'a'],
        ['d', 'e'],
        ['e', 'f'],
        ['f', 'd'],
        ['c', 'd'],
      ],
    );
    const runs = [computeMetrics(g), computeMetrics(g)];
    for (const m of runs) {
      expect(m.communities).toBe(2);
      expect(['a', 'b', 'c', 'd', 'e', 'f'].map((id) => m.byId.get(id)!.community)).toEqual([0, 0, 0, 1, 1, 1]);
    }
    // c lies on every shortest path from a or b to the other triangle: 2 * 3 pairs.
    expect(runs[0]!.byId.get('c')!.betweenness).toBe(6);
    expect(runs[0]!.byId.get('a')!.betweenness).toBe(0);
  });

  it('counts parallel relations in degrees but links each pair once for betweenness', () => {
    const m = computeMetrics(
      graph(
        ['a', 'b', 'c'],
        [
          ['a', 'b'],
          ['a', 'b'],
          ['b', 'c'],
        ],
      ),
    );
    expect(m.byId.get('a')!.outDegree).toBe(2);
    expect(m.byId.get('b')!.betweenness).toBe(1);
  });

  it('an empty network has no measures, and an isolated entity is a community of its own with rank from the jump alone', () => {
    expect(computeMetrics(graph([], [])).communities).toBe(0);
    const m = computeMetrics(graph(['a', 'b', 'z'], [['a', 'b']]));
    expect(m.byId.get('z')).toMatchObject({ degree: 0, betweenness: 0 });
    expect(m.communities).toBe(2);
    expect(m.byId.get('z')!.community).toBe(1);
    const total = ['a', 'b', 'z'].reduce((sum, id) => sum + m.byId.get(id)!.pageRank, 0);
    expect(total).toBeCloseTo(1, 9);
  });
});

describe('measuring off the main thread', () => {
  // A random network over the in-place limit, the same on every run.
  const big = () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const ids = Array.from({ length: 600 }, (_, i) => `n${i}`);
    const pairs = Array.from({ length: 1_200 }, (): [string, string] => [ids[Math.floor(rand() * ids.length)]!, ids[Math.floor(rand() * ids.length)]!]);
    return graph(ids, pairs);
  };

  it('gives the same measures in a worker thread as in place', async () => {
    const g = big();
    const inPlace = computeMetrics(g);
    const threaded = await measureNetwork(g, { inPlaceMax: 100 });
    expect(threaded.communities).toBe(inPlace.communities);
    expect([...threaded.byId]).toEqual([...inPlace.byId]);
  });

  it('stops a measurement that runs past its time limit, with an error that says what to do', async () => {
    await expect(measureNetwork(big(), { inPlaceMax: 100, timeoutMs: 5 })).rejects.toThrow(/took longer than 0.005 s; choose a neighborhood/);
  });
});
