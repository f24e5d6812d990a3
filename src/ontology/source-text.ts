/**
 * A source's text as citations address it: paragraphs and sentences, numbered from 1,
 * and the rule a citation's quote is matched by. This is the one home of both rules; the
 * write checks (src/writes/checker.ts), the API (`SourceDocument.paragraphs`) and the
 * seed test all use it.
 *
 * The split rule:
 * - Line breaks are `\n`, `\r\n` or `\r`, all alike.
 * - Each line that is not blank is one paragraph (a source file holds one paragraph per
 *   line); blank lines only separate, so paragraphs set apart by blank lines count the same.
 * - A paragraph's sentences end at `.`, `!`, `?` or `…`, with any closing quote marks or
 *   brackets after it, where whitespace and then an upper-case letter, a digit or an
 *   opening quote mark or bracket follow. So `7.5` and `EurasiaNet.org` (no space after the
 *   full stop) and `... said. and` (lower case after it) do not end a sentence, and
 *   `honesty.” He` ends it after the closing quote mark. A full stop after a single
 *   capital letter (`U.S.`, `J. Smith`) or after a common abbreviation (`Mr.`, `Dr.`, `Jan.`,
 *   `Gen.`, `No.`: ABBREVIATIONS below) does not end a sentence either.
 *
 * The matching rule: a quote matches when, after normalizing both (whitespace runs become
 * one space, ends trimmed; the quote marks “ ” „ ‟ ‘ ’ ‚ ‛ ' " all become `"`), it occurs in
 * the cited sentence, or in the paragraph when the citation names no sentence. Letter case
 * and every other character must be as in the source.
 */

export interface Sentence {
  number: number;
  text: string;
}

export interface Paragraph {
  number: number;
  text: string;
  sentences: Sentence[];
}

/** Words that end with a full stop without ending the sentence (compared without the stop, in lower case). */
export const ABBREVIATIONS: ReadonlySet<string> = new Set([
  'mr',
  'mrs',
  'ms',
  'dr',
  'prof',
  'sr',
  'jr',
  'st',
  'gen',
  'col',
  'lt',
  'maj',
  'capt',
  'sgt',
  'gov',
  'sen',
  'rep',
  'pres',
  'rev',
  'hon',
  'amb',
  'jan',
  'feb',
  'mar',
  'apr',
  'jun',
  'jul',
  'aug',
  'sep',
  'sept',
  'oct',
  'nov',
  'dec',
  'no',
  'nos',
  'vs',
  'etc',
  'approx',
  'inc',
  'ltd',
  'co',
  'corp',
  'e.g',
  'i.e',
]);

const QUOTE_MARKS = /[“”„‟‘’‚‛'"]/g;
const CLOSERS = `"'”’»)\\]`;
const OPENERS = `"'“‘„«(\\[`;
/** A sentence end: the stop, closers, whitespace, then what may start the next sentence (not consumed). */
const SENTENCE_END = new RegExp(`([.!?…][${CLOSERS}]*)\\s+(?=[\\p{Lu}\\p{Nd}${OPENERS}])`, 'gu');

/** Splits a text into its paragraphs and their sentences (see the rule above). */
export function splitText(text: string): Paragraph[] {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line, i) => ({ number: i + 1, text: line, sentences: splitSentences(line) }));
}

/** Whether the stop at `stop` (an index into `text`) follows an abbreviation or an initial. */
function abbreviated(text: string, stop: number): boolean {
  if (text[stop] !== '.') return false;
  // The word before the stop, found by scanning back to whitespace: linear in the word, not the text.
  let from = stop;
  while (from > 0 && !/\s/u.test(text[from - 1]!)) from -= 1;
  const word = text.slice(from, stop);
  // Leading opening marks or brackets are not part of the word.
  const bare = word.replace(/^[("'“‘„«[]+/u, '');
  if (/^\p{Lu}$/u.test(bare) || /^(\p{L}\.)+\p{L}$/u.test(bare)) return true;
  return ABBREVIATIONS.has(bare.toLowerCase());
}

/** Splits one paragraph into sentences (see the rule above). */
export function splitSentences(paragraph: string): Sentence[] {
  const texts: string[] = [];
  let start = 0;
  for (const m of paragraph.matchAll(SENTENCE_END)) {
    const stop = m.index;
    if (abbreviated(paragraph, stop)) continue;
    const end = stop + m[1]!.length;
    texts.push(paragraph.slice(start, end).trim());
    start = m.index + m[0].length;
  }
  const last = paragraph.slice(start).trim();
  if (last !== '') texts.push(last);
  return texts.filter((t) => t !== '').map((t, i) => ({ number: i + 1, text: t }));
}

/** A text as quotes are compared: whitespace runs as one space, ends trimmed, every quote mark as `"`. */
export function normalizeForQuote(text: string): string {
  return text.replace(/\s+/gu, ' ').trim().replace(QUOTE_MARKS, '"');
}

/** Whether `quote` occurs in `passage` under the matching rule. */
export function quoteOccursIn(quote: string, passage: string): boolean {
  const q = normalizeForQuote(quote);
  return q !== '' && normalizeForQuote(passage).includes(q);
}

/** Where a citation points in a text. */
export interface CitationPlace {
  paragraph: number;
  sentence: number | null;
  quote: string;
}

/** Why a citation does not hold against a text: the citation's field at fault and a message; null when it holds. */
export interface CitationMismatch {
  field: 'paragraph' | 'sentence' | 'quote';
  message: string;
}

const excerpt = (s: string, max = 160) => JSON.stringify(s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** Checks one citation against a text already split (split once per source, check many citations). */
export function checkCitationAgainst(paragraphs: readonly Paragraph[], at: CitationPlace): CitationMismatch | null {
  const paragraph = paragraphs[at.paragraph - 1];
  if (!paragraph) return { field: 'paragraph', message: `is ${at.paragraph}, but the source's text has ${paragraphs.length} paragraph${paragraphs.length === 1 ? '' : 's'}` };
  if (at.sentence === null) {
    if (quoteOccursIn(at.quote, paragraph.text)) return null;
    return { field: 'quote', message: `does not occur in paragraph ${at.paragraph} of the source's text: ${excerpt(paragraph.text)}` };
  }
  const sentence = paragraph.sentences[at.sentence - 1];
  if (!sentence) {
    const n = paragraph.sentences.length;
    return { field: 'sentence', message: `is ${at.sentence}, but paragraph ${at.paragraph} of the source's text has ${n} sentence${n === 1 ? '' : 's'}` };
  }
  if (quoteOccursIn(at.quote, sentence.text)) return null;
  return { field: 'quote', message: `does not occur in sentence ${at.sentence} of paragraph ${at.paragraph} of the source's text: ${excerpt(sentence.text)}` };
}

/**
 * A claim's quote is what its speaker said: it must occur in one of the passages the claim
 * cites from a source with text (its citations' own paragraph or sentence). `paragraphsOf`
 * gives a cited source's split text, or null when it has none. Null when no cited source has
 * text (nothing to check); else whether the quote occurs in one of those passages.
 */
export function quoteInCitedPassages(
  quote: string,
  citations: readonly (CitationPlace & { sourceId: string })[],
  paragraphsOf: (sourceId: string) => readonly Paragraph[] | null,
): boolean | null {
  let checked = false;
  for (const c of citations) {
    const paragraphs = paragraphsOf(c.sourceId);
    if (!paragraphs) continue;
    checked = true;
    if (checkCitationAgainst(paragraphs, { ...c, quote }) === null) return true;
  }
  return checked ? false : null;
}

/** What a refused claim quote is told. */
export const CLAIM_QUOTE_MISMATCH =
  'does not occur in any passage the claim cites from a source with text (whitespace and quote marks aside); quote the speaker as the source does';
