import { describe, expect, it } from 'vitest';
import { KeptAnswers } from '../src/memory/kept-answers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('answers kept for asking again', () => {
  it('lets the least recently used go first when over its bytes, counting a replaced answer once', () => {
    const kept = new KeptAnswers<string>({ capacity: 10, maxBytes: 100 });
    kept.set('a', 'A', 40);
    kept.set('b', 'B', 40);
    // The same answer written twice (two requests at once) takes its bytes once.
    kept.set('b', 'B again', 40);
    expect(kept.get('a')).toBe('A');
    kept.set('c', 'C', 40);
    // 120 bytes: b, least recently used, goes; a was asked for since.
    expect([kept.get('a'), kept.get('b'), kept.get('c')]).toEqual(['A', undefined, 'C']);
    kept.set('d', 'D', 20);
    expect(kept.size).toBe(3);
  });

  it('keeps no more than its capacity, and no answer larger than an entry may be', () => {
    const kept = new KeptAnswers<number>({ capacity: 2, maxBytes: 1_000, maxEntryBytes: 500 });
    kept.set('a', 1, 10);
    kept.set('b', 2, 10);
    kept.set('c', 3, 10);
    expect([kept.get('a'), kept.get('b'), kept.get('c')]).toEqual([undefined, 2, 3]);
    kept.set('big', 4, 501);
    expect(kept.get('big')).toBeUndefined();
    expect(kept.size).toBe(2);
  });

  it('lets an answer nobody asked for go after the idle time, and counts its bytes out', async () => {
    const kept = new KeptAnswers<string>({ capacity: 10, maxBytes: 100, keepIdleMs: 400 });
    kept.set('a', 'A', 60);
    kept.set('b', 'B', 30);
    for (let i = 0; i < 6; i += 1) {
      await sleep(100);
      expect(kept.get('a')).toBe('A');
    }
    expect(kept.get('b')).toBeUndefined();
    // Had b’s 30 bytes stayed counted, c would push a out (130 over 100).
    kept.set('c', 'C', 40);
    expect(kept.get('a')).toBe('A');
    await sleep(700);
    expect(kept.size).toBe(0);
  });
});
