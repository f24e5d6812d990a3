import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { projectRoot } from '../src/paths.js';
import { splitText, type Paragraph } from '../src/ontology/source-text.js';

/**
 * The seed's hedges read against the report it was curated from (../shared/sources/):
 * what the report relays from another outlet is REPORTED by that outlet, what it only
 * pledges is PLANNED, its preliminary results are preliminary, and every sentence in which
 * someone says, hails, notes, believes or doubts something is the source of a claim whose
 * speaker that sentence names. Quotes and sentence numbers are checked by
 * seed-citations.test.ts; this checks that the report's hedges survive in the data.
 */

const SOURCES_DIR = resolve(projectRoot, '..', 'shared', 'sources');
const present = existsSync(SOURCES_DIR);
if (!present && !process.env.CI) console.warn(`seed-fidelity: ${SOURCES_DIR} is absent, so the seed's hedges are not checked against the report (skipped)`);

interface Cite {
  paragraph: number;
  sentence?: number;
  quote: string;
}
interface SeedEntity {
  id: string;
  name: string;
  aliases?: string[];
  status?: string;
  sources: Cite[];
}
interface SeedRelation {
  id: string;
  type: string;
  basis?: string;
  reportedBy?: string;
  preliminary?: boolean;
  sources: Cite[];
}
interface SeedClaim {
  id: string;
  speaker: string;
  sources: Cite[];
}
interface Seed {
  source: { file: string };
  entities: SeedEntity[];
  relations: SeedRelation[];
  claims: SeedClaim[];
}

const seed = parse(readFileSync(resolve(projectRoot, 'seeds', 'asia-plus-2012-01-17-kazakhstan-election.yaml'), 'utf8')) as Seed;

/** The text a citation points at: its sentence, or its paragraph when it names none. */
function passage(paragraphs: readonly Paragraph[], c: Cite): string {
  const p = paragraphs[c.paragraph - 1];
  if (!p) throw new Error(`no paragraph ${c.paragraph}`);
  if (c.sentence === undefined) return p.sentences.map((s) => s.text).join(' ');
  const s = p.sentences[c.sentence - 1];
  if (!s) throw new Error(`no sentence ${c.paragraph}.${c.sentence}`);
  return s.text;
}

describe.runIf(present || process.env.CI)('the seed keeps the report’s hedges', () => {
  const paragraphs = splitText(readFileSync(resolve(SOURCES_DIR, seed.source.file), 'utf8'));
  const entity = new Map(seed.entities.map((e) => [e.id, e]));
  // A sentence that credits another outlet: "according to EurasiaNet.org", "EurasiaNet.org reported".
  const RELAYED = /according to EurasiaNet\.org|EurasiaNet\.org reported/;

  it('a fact cited only from sentences relaying EurasiaNet is REPORTED by it (the acts of reporting and citing aside)', () => {
    const relayed = seed.relations.filter((r) => !['REPORTED', 'CITES'].includes(r.type) && r.sources.every((c) => RELAYED.test(passage(paragraphs, c))));
    expect(relayed.length).toBeGreaterThan(0);
    // The west of Kazakhstan lies in Kazakhstan by its name, whoever reports it.
    const exempt = new Set(['rel-western-kazakhstan-located-in-kazakhstan']);
    expect(relayed.filter((r) => !exempt.has(r.id) && (r.basis !== 'REPORTED' || r.reportedBy !== 'eurasianet')).map((r) => r.id)).toEqual([]);
  });

  it('the results the report calls preliminary are preliminary', () => {
    expect(passage(paragraphs, { paragraph: 1, quote: '' })).toMatch(/preliminary results show/);
    const results = seed.relations.filter(
      (r) => r.type === 'WON_SEATS_IN' || (r.type === 'HELD_SEATS_IN' && r.sources.some((c) => c.paragraph <= 2 && /joined|assuming seats/.test(passage(paragraphs, c)))),
    );
    expect(results).toHaveLength(6);
    expect(results.filter((r) => r.preliminary !== true).map((r) => r.id)).toEqual([]);
    // Nothing else is: a settled fact is not hedged by being in the same report.
    expect(seed.relations.filter((r) => r.preliminary === true && !results.includes(r)).map((r) => r.id)).toEqual([]);
  });

  it('an event the report only pledges is PLANNED; the others happened', () => {
    const events = seed.entities.filter((e) => e.status !== undefined);
    const pledged = events.filter((e) => e.sources.some((c) => /pledged/.test(passage(paragraphs, c))));
    expect(pledged.map((e) => [e.id, e.status])).toEqual([['almaty-opposition-rally-2012-01-17', 'PLANNED']]);
    expect(events.filter((e) => !pledged.includes(e)).every((e) => e.status === 'HAPPENED')).toBe(true);
  });

  it('every sentence where someone says, hails, notes, believes or doubts something is the source of a claim by a speaker it names', () => {
    const SPEECH = /\b(said|hailed|interpreted|concluded|noted|believe|doubt|concerned)\b/;
    const speech: string[] = [];
    paragraphs.forEach((p) => p.sentences.forEach((s) => SPEECH.test(s.text) && speech.push(`${p.number}.${s.number}`)));
    expect(speech.length).toBeGreaterThanOrEqual(9);
    const claimed = new Set<string>();
    for (const claim of seed.claims) {
      const speaker = entity.get(claim.speaker);
      expect(speaker, claim.id).toBeDefined();
      const names = [speaker!.name, ...(speaker!.aliases ?? [])];
      // The claim is attributed to someone its cited words name, not to whoever the curator guessed.
      const cited = claim.sources.map((c) => passage(paragraphs, c));
      expect(
        cited.some((text) => names.some((n) => text.includes(n))),
        `${claim.id}: ${JSON.stringify(cited)} names none of ${names.join(', ')}`,
      ).toBe(true);
      for (const c of claim.sources) {
        const p = paragraphs[c.paragraph - 1]!;
        p.sentences.forEach((s) => (c.sentence === undefined || c.sentence === s.number) && claimed.add(`${p.number}.${s.number}`));
      }
    }
    expect(speech.filter((at) => !claimed.has(at))).toEqual([]);
  });
});
