import type { Ontology } from '../ontology/ontology.js';
import type { AttributeValue, CitationRecord, RelationRecord } from '../store/records.js';

/**
 * When two relations state the same fact, and when two citations are the same citation:
 * the one home of both rules, used by `addRelation` (src/writes/curation/add-relation.ts)
 * and by the imports (src/writes/sources/), so a fact is corroborated, not duplicated,
 * whichever way it comes in.
 *
 * A fact is its type, its ends (as given: callers resolve merged ids first) and every
 * stored attribute and ref of `Relation` except those marked `@annotation` in the SDL
 * (`note`, `confidence`): those qualify a fact without stating it. Absent and null are
 * alike, and a field with a `@default` left out has that value. Citations are alike when source, paragraph, sentence and quote all are.
 */

type Fact = Pick<RelationRecord, 'type' | 'from' | 'to' | 'attributes' | 'refs'>;

/** A field left out has its `@default`, as a write would store it. */
function value(v: AttributeValue | undefined, fallback: AttributeValue | undefined): AttributeValue {
  return v ?? fallback ?? null;
}

/** The fact a relation states, as one string: equal strings, same fact. */
export function factKey(ontology: Ontology, relation: Fact): string {
  const skip = new Set(ontology.relationAnnotations);
  const attributes = ontology.relationAttributes.filter((a) => !skip.has(a.name)).map((a) => value(relation.attributes[a.name], a.default));
  const refs = ontology.relationRefs.filter((name) => !skip.has(name)).map((name) => relation.refs[name] ?? null);
  return JSON.stringify([relation.type, relation.from, relation.to, attributes, refs]);
}

/** Whether two relations state the same fact. */
export function sameFact(ontology: Ontology, a: Fact, b: Fact): boolean {
  return factKey(ontology, a) === factKey(ontology, b);
}

/** A citation as one string: equal strings, same citation. */
export function citationKey(c: CitationRecord): string {
  return JSON.stringify([c.sourceId, c.paragraph, c.sentence ?? null, c.quote]);
}

/**
 * `existing` with those of `added` it does not have yet, in order, and which those were
 * (a citation given twice in `added` is added once).
 */
export function withCitations(existing: readonly CitationRecord[], added: readonly CitationRecord[]): { sources: CitationRecord[]; added: CitationRecord[] } {
  const seen = new Set(existing.map(citationKey));
  const fresh: CitationRecord[] = [];
  for (const c of added) {
    const key = citationKey(c);
    if (seen.has(key)) continue;
    seen.add(key);
    fresh.push(c);
  }
  return { sources: [...existing, ...fresh], added: fresh };
}
