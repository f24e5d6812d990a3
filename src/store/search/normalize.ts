/**
 * Text folding for search: what a researcher types and what the graph stores are
 * reduced to the same keys, so case, accents, punctuation and common transliteration
 * variants of Cyrillic and Kazakh names (Nazarbayev / Nazarbaev, Zhanaozen /
 * Janaozen) do not matter.
 */

const EXTRA_LETTERS: Record<string, string> = { ø: 'o', ł: 'l', đ: 'd', ß: 'ss', æ: 'ae', œ: 'oe', ı: 'i' };

/** Lowercase, accents stripped, every run of non-alphanumerics a single space. */
export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[øłđßæœı]/g, (c) => EXTRA_LETTERS[c] ?? c)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

// Order matters: longer sequences first. Each rule maps spellings that
// transliteration schemes disagree on to one form.
const TRANSLITERATION_RULES: ReadonlyArray<[RegExp, string]> = [
  [/yev\b/g, 'ev'],
  [/iev\b/g, 'ev'],
  [/kh/g, 'h'],
  [/zh/g, 'j'],
  [/dj/g, 'j'],
  [/ts/g, 'c'],
  [/tz/g, 'c'],
  [/sch/g, 'sh'],
  [/y([aeiou])/g, '$1'],
  [/i([aeou])/g, '$1'],
  [/([aeiou])y/g, '$1'],
  [/y/g, 'i'],
  [/w/g, 'v'],
  [/(.)\1+/g, '$1'],
];

/** A folded string reduced further to a transliteration-neutral skeleton. */
export function skeleton(folded: string): string {
  let s = folded;
  for (const [pattern, replacement] of TRANSLITERATION_RULES) s = s.replace(pattern, replacement);
  return s;
}

/** The keys an entity is found by: its name and aliases, folded, deduplicated. */
export function searchKeys(names: readonly string[]): string[] {
  const keys = new Set<string>();
  for (const name of names) {
    const f = fold(name);
    if (f) keys.add(f);
  }
  return [...keys];
}
