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
  tokenSkeletons: string[];
}

export function prepareQuery(text: string): PreparedQuery {
  const folded = fold(text);
  const tokens = folded.split(' ').filter(Boolean);
  return { folded, skeleton: skeleton(folded), tokens, tokenSkeletons: tokens.map(skeleton) };
}

function similarity(a: string, b: string): number {
  const longest = Math.max(a.length, b.length);
  return longest === 0 ? 0 : 1 - distance(a, b) / longest;
}

interface PreparedKey {
  skeleton: string;
  tokenCount: number;
  tokenSkeletons: string[];
}

/**
 * Keys prepared once and kept: a search compares the query with every candidate's keys,
 * and reducing each key to skeletons (a dozen regular expressions) was most of its cost.
 */
const preparedKeys = new Map<string, PreparedKey>();
const MAX_PREPARED_KEYS = 500_000;

function prepareKey(key: string): PreparedKey {
  let prepared = preparedKeys.get(key);
  if (!prepared) {
    const tokens = key.split(' ');
    prepared = { skeleton: skeleton(key), tokenCount: tokens.length, tokenSkeletons: tokens.map(skeleton) };
    if (preparedKeys.size >= MAX_PREPARED_KEYS) preparedKeys.clear();
    preparedKeys.set(key, prepared);
  }
  return prepared;
}

function scoreKey(q: PreparedQuery, key: string): number {
  if (!q.folded) return 0;
  if (key === q.folded) return 1;
  const { skeleton: keySkeleton, tokenCount, tokenSkeletons: keyTokenSkeletons } = prepareKey(key);
  if (keySkeleton === q.skeleton) return 0.97;
  if (key.startsWith(q.folded)) return 0.9;
  const qTokenSkeletons = q.tokenSkeletons;
  // Every query word is a word of the key (in any order): "haraszti", "nur otan".
  if (qTokenSkeletons.every((t) => keyTokenSkeletons.includes(t))) return 0.85 + 0.1 * (q.tokens.length / tokenCount);
  if (key.includes(q.folded)) return 0.75;
  // Small misspellings: compare skeletons as wholes and word by word.
  const whole = similarity(q.skeleton, keySkeleton);
  const perWord = qTokenSkeletons.reduce((sum, t) => sum + Math.max(...keyTokenSkeletons.map((k) => similarity(t, k))), 0) / qTokenSkeletons.length;
  const fuzzy = Math.max(whole, perWord);
  return fuzzy >= 0.7 ? fuzzy * 0.85 : 0;
}

/** Best score over an entity's keys. */
export function scoreKeys(q: PreparedQuery, keys: readonly string[]): number {
  let best = 0;
  for (const key of keys) best = Math.max(best, scoreKey(q, key));
  return best >= MIN_SCORE ? Math.round(best * 1000) / 1000 : 0;
}
