import { Checker, checkClaim, checkEntity, checkQualifierRefs, checkRelation, checkSource, qualifierRefs, referencedIds, type KnownSources, type Locator } from '../validate.js';
import { InputError } from '../errors.js';
import type { Ontology } from '../../ontology/ontology.js';
import type { CitationRecord, ClaimRecord, EntityRecord, RelationRecord, SourceRecord } from '../../store/records.js';
import type { GraphReads } from '../../store/graph-reads.js';

/**
 * GraphQL input as a source of writes: checked with the same rules as seed files and
 * imports (one validator, derived from the ontology), looking up in the store what the
 * input refers to. Problems are reported under `input.<field>`.
 */

/**
 * A mutation's input has no file and no lines: its problems are placed by the argument's
 * name and the field's path in it (`input.sources[0].paragraph`), which is all the
 * GraphQL error carries.
 */
const ARGUMENT: Locator = { file: 'input', lineOf: () => null };

/** What checking an input reads: the sources and entities it refers to. */
type InputReads = Pick<GraphReads, 'getSources' | 'getEntities'>;

/** GraphQL gives explicit nulls for fields a client left empty; the checks treat absent and null alike. */
function present(input: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined));
}

function done<T>(check: Checker, value: T | null): T {
  if (check.problems.length > 0 || value === null) throw new InputError(check.problems);
  return value;
}

/** The stored sources `citations` name, with their texts (see KnownSources); other writes with citations use it too. */
export async function knownSources(store: InputReads, citations: unknown): Promise<KnownSources> {
  const ids = Array.isArray(citations) ? citations.map((c: { source?: unknown }) => c.source).filter((s): s is string => typeof s === 'string') : [];
  return new Map((await store.getSources([...new Set(ids)])).map((s) => [s.id, s.text ?? null]));
}

export async function entityFromInput(input: object, store: InputReads, ontology: Ontology): Promise<EntityRecord> {
  const raw = present(input);
  const check = new Checker(ARGUMENT);
  const entity = checkEntity(check, raw, ['input'], { ontology, defaultSource: null, knownSources: await knownSources(store, raw.sources) });
  const refs = entity ? qualifierRefs(entity) : [];
  if (entity && refs.length > 0) {
    const found = new Set((await store.getEntities(refs)).map((e) => e.resolvedFrom ?? e.id));
    checkQualifierRefs(check, entity, ['input'], (id) => found.has(id) || id === entity.id);
  }
  return done(check, entity);
}

/**
 * A relation from input. An end given by the id of an entity that was merged away is
 * attached to the survivor, as every read resolves that id to it.
 */
export async function relationFromInput(input: object, store: InputReads, ontology: Ontology): Promise<RelationRecord> {
  const raw = present(input);
  const ids = referencedIds(raw, ontology);
  const found = await store.getEntities(ids);
  const kinds = new Map<string, string>();
  for (const e of found) kinds.set(e.resolvedFrom ?? e.id, e.kind);
  const survivor = new Map(found.filter((e) => e.resolvedFrom).map((e) => [e.resolvedFrom!, e.id]));
  const check = new Checker(ARGUMENT);
  const relation = checkRelation(check, raw, ['input'], {
    ontology,
    defaultSource: null,
    knownSources: await knownSources(store, raw.sources),
    kindOf: (id) => kinds.get(id),
  });
  const checked = done(check, relation);
  const to = (id: string) => survivor.get(id) ?? id;
  const refs = Object.fromEntries(Object.entries(checked.refs).map(([k, v]) => [k, v === null ? null : to(v)]));
  return { ...checked, from: to(checked.from), to: to(checked.to), refs };
}

export function sourceFromInput(input: object): SourceRecord {
  const check = new Checker(ARGUMENT);
  return done(check, checkSource(check, present(input), ['input']));
}

/** A citation from input (`addCitation`), checked like those of a relation; problems under `citation.<field>`. */
export async function citationFromInput(input: object, store: InputReads): Promise<CitationRecord> {
  const raw = present(input);
  const check = new Checker(ARGUMENT);
  const [citation] = check.citations([raw], [], null, await knownSources(store, [raw]), 1);
  // The checker places a citation in a list (`sources[0].quote`); this argument is one citation.
  const problems = check.problems.map((p) => ({ ...p, field: p.field.replace(/^sources\[0\]/, 'citation') }));
  if (problems.length > 0 || !citation) throw new InputError(problems);
  return citation;
}

/**
 * A claim from input, checked for shape, lengths, stance and citations; what it names
 * (speaker, about, asserts, disputes) is checked by its write rule in the write's
 * transaction (src/writes/curation/add-claim.ts).
 */
export async function claimFromInput(input: object, store: InputReads, ontology: Ontology): Promise<ClaimRecord> {
  const raw = present(input);
  const check = new Checker(ARGUMENT);
  const claim = checkClaim(check, raw, ['input'], { ontology, defaultSource: null, knownSources: await knownSources(store, raw.sources) });
  return done(check, claim);
}
