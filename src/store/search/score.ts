import { distance } from 'fastest-levenshtein';
import { fold, skeleton } from './normalize.js';

/**
 * How well a query matches an entity's search keys, in [0, 1]; 0 means no match.
 * Shared by every backend so that the same text ranks the same entities the same way.
 */

export const MIN_SCORE = 0.6;

export interface PreparedQuery {
  folded: string;
  skeleton: string;
  tokens: string[];
}

export function prepareQuery(text: string): PreparedQuery {
  const folded = fold(text);
  return { folded, skeleton: skeleton(folded), tokens: folded.split(' ').filter(Boolean) };
}

function similarity(a: string, b: string): number {
  const longest = Math.max(a.length, b.length);
  return longest === 0 ? 0 : 1 - distance(a, b) / longest;
}

function scoreKey(q: PreparedQuery, key: string): number {
  if (!q.folded) return 0;
  if (key === q.folded) return 1;
  const keySkeleton = skeleton(key);
  if (keySkeleton === q.skeleton) return 0.97;
  if (key.startsWith(q.folded)) return 0.9;
  const keyTokens = key.split(' ');
  const keyTokenSkeletons = keyTokens.map(skeleton);
  const qTokenSkeletons = q.tokens.map(skeleton);
  // Every query word is a word of the key (in any order): "haraszti", "nur otan".
  if (qTokenSkeletons.every((t) => keyTokenSkeletons.includes(t))) return 0.85 + 0.1 * (q.tokens.length / keyTokens.length);
  if (key.includes(q.folded)) return 0.75;
  // Small misspellings: compare skeletons as wholes and word by word.
  const whole = similarity(q.skeleton, keySkeleton);
  const perWord =
    qTokenSkeletons.reduce((sum, t) => sum + Math.max(...keyTokenSkeletons.map((k) => similarity(t, k))), 0) /
    qTokenSkeletons.length;
  const fuzzy = Math.max(whole, perWord);
  return fuzzy >= 0.7 ? fuzzy * 0.85 : 0;
}

/** Best score over an entity's keys. */
export function scoreKeys(q: PreparedQuery, keys: readonly string[]): number {
  let best = 0;
  for (const key of keys) best = Math.max(best, scoreKey(q, key));
  return best >= MIN_SCORE ? Math.round(best * 1000) / 1000 : 0;
}
