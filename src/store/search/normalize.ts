/**
 * Text folding for search: what a researcher types and what the graph stores are
 * reduced to the same keys, so case, accents, punctuation and common transliteration
 * variants of Cyrillic and Kazakh names (Nazarbayev / Nazarbaev, Zhanaozen /
 * Janaozen) do not matter. Emoji are words of their own (a party may be called "🌹🌹"),
 * one word per emoji as the user sees it (a flag, a family joined by zero-width joiners).
 */

const EXTRA_LETTERS: Record<string, string> = { ø: 'o', ł: 'l', đ: 'd', ß: 'ss', æ: 'ae', œ: 'oe', ı: 'i' };

/** A pictograph or a flag's regional indicator: what makes a grapheme an emoji word. */
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;
const NOT_A_WORD = /[^\p{L}\p{N}]+/gu;
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * Lowercase, accents stripped, every run of non-alphanumerics a single space, and each
 * emoji a word (`Rose🌹Party` is `rose 🌹 party`; variation selectors are dropped, skin
 * tones and joined sequences kept whole).
 */
export function fold(text: string): string {
  const base = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[øłđßæœı]/g, (c) => EXTRA_LETTERS[c] ?? c);
  if (!EMOJI.test(base)) return base.replace(NOT_A_WORD, ' ').trim();
  let out = '';
  for (const { segment } of graphemes.segment(base)) out += EMOJI.test(segment) ? ` ${segment} ` : segment.replace(NOT_A_WORD, ' ');
  return out.replace(/ {2,}/g, ' ').trim();
}

/** A folded text without its emoji words: what `fold` made of it before emoji counted. */
function withoutEmoji(folded: string): string {
  return folded
    .split(' ')
    .filter((word) => !EMOJI.test(word))
    .join(' ');
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

/**
 * The keys an entity is found by: its name and aliases, folded, deduplicated. A name with
 * emoji and words has a key without the emoji too, so searching its words alone still
 * matches it exactly.
 */
export function searchKeys(names: readonly string[]): string[] {
  const keys = new Set<string>();
  for (const name of names) {
    const f = fold(name);
    if (f) keys.add(f);
    const words = withoutEmoji(f);
    if (words) keys.add(words);
  }
  return [...keys];
}
