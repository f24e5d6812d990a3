import { checkCitationAgainst, CLAIM_QUOTE_MISMATCH, quoteInCitedPassages, splitText, type Paragraph } from '../ontology/source-text.js';
import type { CitationRecord, ClaimRecord, EntityRecord, RelationRecord } from '../store/records.js';
import type { WriteTransaction } from '../store/write-transaction.js';
import { InputError, type InputProblem } from './errors.js';

/**
 * Text given to a source that already has citations: those citations are checked against
 * it, by the same rule as a new citation (src/ontology/source-text.ts), inside the write's
 * transaction. A write that adds or changes text (addSource, a seed file or an import
 * with the source) calls this after writing; a mismatch refuses the whole write.
 */

/** Text refused because citations already stored do not hold against it (BAD_USER_INPUT; nothing of the write is kept). */
export class StoredCitationsError extends InputError {}

/** At most this many failing citations are described; the rest are counted. */
const SHOWN = 10;

/** Records holding citations, as other writes may add them (claims): a name for messages and the citations. */
export interface CitingRecord {
  /** How a person finds the record, for example `relation "r1"`. */
  what: string;
  sources: readonly CitationRecord[];
  /** A claim's quote, which must occur in a passage it cites (src/ontology/source-text.ts). */
  quote?: string;
}

/** Describes each citation of `sourceId` among `citing` that does not hold against `text`. */
export function citationMismatches(sourceId: string, text: string, citing: readonly CitingRecord[]): string[] {
  const paragraphs = splitText(text);
  const found: string[] = [];
  for (const record of citing) {
    record.sources.forEach((c, i) => {
      if (c.sourceId !== sourceId) return;
      const mismatch = checkCitationAgainst(paragraphs, c);
      if (!mismatch) return;
      const place = `paragraph ${c.paragraph}${c.sentence === null ? '' : `, sentence ${c.sentence}`}, quote ${JSON.stringify(c.quote)}`;
      found.push(`citation ${i + 1} of ${record.what} (${place}) does not hold against this text: its ${mismatch.field} ${mismatch.message}`);
    });
    // Only this source's text is given here: a quote also cited from another source may occur there.
    const others = record.sources.some((c) => c.sourceId !== sourceId);
    if (record.quote !== undefined && !others && quoteInCitedPassages(record.quote, record.sources, () => paragraphs) === false) {
      found.push(`the quote of ${record.what} (${JSON.stringify(record.quote)}) ${CLAIM_QUOTE_MISMATCH.replace(/; quote the speaker.*$/, '')} against this text`);
    }
  }
  return found;
}

/** The stored records citing a source, as CitingRecords. */
export function citingRecords(stored: { entities: readonly EntityRecord[]; relations: readonly RelationRecord[]; claims: readonly ClaimRecord[] }): CitingRecord[] {
  return [
    ...stored.entities.map((e) => ({ what: `entity ${JSON.stringify(e.id)}`, sources: e.sources })),
    ...stored.relations.map((r) => ({ what: `relation ${JSON.stringify(r.id)}`, sources: r.sources })),
    ...stored.claims.map((c) => ({ what: `claim ${JSON.stringify(c.id)}`, sources: c.sources, quote: c.quote })),
  ];
}

/** Inside a write's transaction: every stored citation of the source, checked against its text; the problems' messages (empty when all hold). */
export async function storedCitationsAgainst(tx: Pick<WriteTransaction, 'citing'>, source: { id: string; text?: string | null }): Promise<string[]> {
  if (source.text === null || source.text === undefined) return [];
  const problems = citationMismatches(source.id, source.text, citingRecords(await tx.citing(source.id)));
  return problems.length > SHOWN ? [...problems.slice(0, SHOWN), `... and ${problems.length - SHOWN} more citations that do not hold`] : problems;
}

/**
 * Inside a write's transaction: the citations a write brings, checked against the text
 * their sources have in this transaction (the input was checked before it began; this
 * sees text given since). Throws InputError at `<at>[i].<field>` for each that fails.
 * Writes of records with citations (upsertEntity, addRelation, and others that add
 * citations) call it before writing.
 */
export async function citationsHoldInTransaction(tx: Pick<WriteTransaction, 'source'>, citations: readonly CitationRecord[], at = 'input.sources'): Promise<void> {
  const texts = await citedTexts(tx, citations);
  const problems: InputProblem[] = [];
  for (const [i, c] of citations.entries()) {
    const paragraphs = texts.get(c.sourceId);
    const mismatch = paragraphs ? checkCitationAgainst(paragraphs, c) : null;
    if (mismatch) problems.push({ file: 'input', line: null, field: `${at}[${i}].${mismatch.field}`, message: mismatch.message });
  }
  if (problems.length > 0) throw new InputError(problems);
}

/** Inside a claim's write transaction: its quote against the texts its cited sources have there (`input.quote`). */
export async function claimQuoteHoldsInTransaction(tx: Pick<WriteTransaction, 'source'>, quote: string, citations: readonly CitationRecord[]): Promise<void> {
  const texts = await citedTexts(tx, citations);
  if (quoteInCitedPassages(quote, citations, (id) => texts.get(id) ?? null) === false) {
    throw new InputError([{ file: 'input', line: null, field: 'input.quote', message: CLAIM_QUOTE_MISMATCH }]);
  }
}

/** The split text of each source the citations name, as the transaction sees it; null for a source without text. */
async function citedTexts(tx: Pick<WriteTransaction, 'source'>, citations: readonly CitationRecord[]): Promise<Map<string, Paragraph[] | null>> {
  const texts = new Map<string, Paragraph[] | null>();
  for (const id of new Set(citations.map((c) => c.sourceId))) {
    const text = (await tx.source(id))?.text;
    texts.set(id, typeof text === 'string' ? splitText(text) : null);
  }
  return texts;
}
