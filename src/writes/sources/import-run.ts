import type { InputProblem } from '../errors.js';
import type { Ontology } from '../../ontology/ontology.js';
import type { CitationRecord, GraphBatch, RelationRecord } from '../../store/records.js';
import { factKey, withCitations } from '../fact-identity.js';
import type { LoadReads } from '../../store/load-sink.js';
import { relationConflicts, type StoredConflict } from '../stored-conflicts.js';

/** Ids per kind lookup, and relations per chunk streamed into `load`. */
export const BATCH = 5_000;
/** Problems reported per run; past this, checking stops (nothing will be written anyway). */
export const MAX_PROBLEMS = 20;
/** Entity kinds remembered between lookups; the cache is dropped when it would grow past this. */
const KIND_CACHE = 100_000;

export type Format = 'yaml' | 'json' | 'csv';

export interface Pending {
  path: string;
  file: string;
  format: Format;
  key: string;
  fingerprint: string;
  /** YAML files: the text until checked, then the checked batch (their size is bounded by parsing anyway). */
  text: string | null;
  batch: GraphBatch | null;
  /** CSV and JSON files: what pass 1 counted, and the ids of a JSON file's entities (for the audit entry). */
  sources: number;
  entities: number;
  relations: number;
  /** JSON files: claims counted in pass 1. */
  claims: number;
  entityIds: string[];
  /** Relations given without an id that corroborate a fact stated earlier in the run or already stored. */
  corroborated: number;
}

/** What the files of one run know about each other and about the store while they are checked. */
export class ImportRun {
  readonly problems: InputProblem[] = [];
  truncated = false;
  /** Sources citations may name, with their texts (see KnownSources). */
  readonly knownSources: Map<string, string | null>;
  /** Entities defined by this run's files, with the file that defines each. */
  private readonly ownEntities = new Map<string, { kind: string; file: string }>();
  /** Relation ids of this run, so a duplicate in another file (or row) is an error, not a silent replacement. */
  private readonly relationIds = new Map<string, { file: string; line: number | null }>();
  /** Derived ids of the run's relations given without an id, with the fact each states (src/writes/fact-identity.ts). */
  private readonly derivedFacts = new Map<string, string>();
  /** Citations of later relations stating the fact of an earlier one of the run, by the earlier's id: pass 2 writes them with it. */
  private readonly extraCitations = new Map<string, CitationRecord[]>();
  /** Ids (of extraCitations) pass 2 has written. */
  private readonly written = new Set<string>();
  /** Derived ids of relations whose fact is stored already under another relation: pass 2 sends them `corroborating`. */
  private readonly corroboratingIds = new Set<string>();
  /** Kinds of stored entities looked up so far; null for an id that is not stored. */
  private readonly storedKinds = new Map<string, string | null>();

  constructor(
    readonly store: LoadReads,
    readonly ontology: Ontology,
    existingSources: ReadonlyArray<readonly [string, string | null]>,
  ) {
    this.knownSources = new Map(existingSources);
  }

  get full(): boolean {
    return this.problems.length >= MAX_PROBLEMS;
  }

  report(problems: readonly InputProblem[]): void {
    const room = MAX_PROBLEMS - this.problems.length;
    if (problems.length > room) this.truncated = true;
    this.problems.push(...problems.slice(0, Math.max(0, room)));
  }

  /** Kinds of the given ids: this run's entities first, then the store, in batches. */
  async kindsOf(ids: readonly string[]): Promise<Map<string, string>> {
    const kinds = new Map<string, string>();
    const missing = new Set<string>();
    for (const id of ids) {
      const own = this.ownEntities.get(id)?.kind ?? this.storedKinds.get(id);
      if (own) kinds.set(id, own);
      else if (own === undefined) missing.add(id);
    }
    const lookup = [...missing];
    if (this.storedKinds.size + lookup.length > KIND_CACHE) this.storedKinds.clear();
    for (let i = 0; i < lookup.length; i += BATCH) {
      const slice = lookup.slice(i, i + BATCH);
      // An id merged into another resolves to the survivor; a relation must name the survivor, as in seed files.
      const found = new Map((await this.store.getEntities(slice)).filter((e) => e.resolvedFrom === undefined).map((e) => [e.id, e.kind]));
      for (const id of slice) {
        const kind = found.get(id) ?? null;
        this.storedKinds.set(id, kind);
        if (kind) kinds.set(id, kind);
      }
    }
    return kinds;
  }

  definedEntity(id: string): string | undefined {
    return this.ownEntities.get(id)?.file;
  }

  defineEntity(id: string, kind: string, file: string): void {
    this.ownEntities.set(id, { kind, file });
  }

  /** Whether `relation` (given without an id) states the fact of an earlier relation of the run with its derived id; if so, keeps its citations for that one. */
  sameFactAgain(relation: RelationRecord): boolean {
    const fact = factKey(this.ontology, relation);
    const earlier = this.derivedFacts.get(relation.id);
    if (earlier === undefined) {
      this.derivedFacts.set(relation.id, fact);
      return false;
    }
    if (earlier !== fact) return false;
    this.extraCitations.set(relation.id, withCitations(this.extraCitations.get(relation.id) ?? [], relation.sources).sources);
    return true;
  }

  markCorroborating(id: string): void {
    this.corroboratingIds.add(id);
  }

  isCorroborating(id: string): boolean {
    return this.corroboratingIds.has(id);
  }

  /** Pass 2: the relation with the citations later rows of the run brought to it; null for such a later row. */
  withLaterCitations(relation: RelationRecord): RelationRecord | null {
    const extra = this.extraCitations.get(relation.id);
    if (!extra) return relation;
    if (this.written.has(relation.id)) return null;
    this.written.add(relation.id);
    return { ...relation, sources: withCitations(relation.sources, extra).sources };
  }

  /** Records a relation id of this run; returns where it was seen before, if it was. */
  claimRelation(id: string, file: string, line: number | null): { file: string; line: number | null } | undefined {
    const earlier = this.relationIds.get(id);
    if (!earlier) this.relationIds.set(id, { file, line });
    return earlier;
  }
}

/** One checked relation of a chunk, and whether its id was derived (given without one). */
export interface CheckedRelation {
  relation: RelationRecord;
  derived: boolean;
}

/**
 * Pass 1, before `claimRelation`: whether a relation given without an id states the fact of
 * an earlier one of the run (then its citations go to that one and it is not written itself).
 */
export function corroboratesEarlier(run: ImportRun, c: CheckedRelation): boolean {
  return c.derived && run.sameFactAgain(c.relation);
}

/**
 * Pass 1, per chunk: which relations given without an id state a fact already stored under
 * another relation (not the file's own under the same id, which a re-import replaces); they
 * are left out of the ownership check, and pass 2 sends them `corroborating`. Returns how many.
 */
export async function findStoredFacts(run: ImportRun, key: string, chunk: readonly CheckedRelation[]): Promise<Set<string>> {
  const derived = chunk.filter((c) => c.derived).map((c) => c.relation);
  if (derived.length === 0) return new Set();
  const stored = await run.store.relationsOf({
    ids: [...new Set(derived.map((r) => r.from))],
    types: [...new Set(derived.map((r) => r.type))],
    direction: 'OUT',
    includeRetracted: false,
  });
  const byFact = new Map<string, RelationRecord[]>();
  for (const r of stored.relations) {
    const k = factKey(run.ontology, r);
    byFact.set(k, [...(byFact.get(k) ?? []), r]);
  }
  const found = new Set<string>();
  for (const r of derived) {
    const same = byFact.get(factKey(run.ontology, r)) ?? [];
    if (same.length === 0 || same.some((s) => s.id === r.id && s.addedBy === key)) continue;
    found.add(r.id);
    run.markCorroborating(r.id);
  }
  return found;
}

/**
 * Pass 2, per chunk: the relations to write, with the citations later rows brought to
 * each, those stating a stored fact apart as `corroborating`, and the later rows left out.
 */
export function factsToWrite(run: ImportRun, relations: readonly RelationRecord[]): Pick<GraphBatch, 'relations' | 'corroborating'> {
  const out: RelationRecord[] = [];
  const corroborating: RelationRecord[] = [];
  for (const r of relations) {
    const relation = run.withLaterCitations(r);
    if (!relation) continue;
    (run.isCorroborating(r.id) ? corroborating : out).push(relation);
  }
  return corroborating.length > 0 ? { relations: out, corroborating } : { relations: out };
}

export function where(at: { file: string; line: number | null }): string {
  return at.line === null ? at.file : `${at.file}:${at.line}`;
}

/**
 * What a file's relations (a checked chunk, first pass) meet in the store: those stating a
 * stored fact corroborate it (counted on `p`), and the others may not replace a relation
 * someone else added. Conflicts are indexed by the relations' positions in the chunk.
 */
export async function storedRelationProblems(run: ImportRun, p: { key: string; corroborated: number }, chunk: readonly CheckedRelation[]): Promise<StoredConflict[]> {
  const stated = await findStoredFacts(run, p.key, chunk);
  p.corroborated += stated.size;
  const owned = chunk.flatMap((c, i) => (stated.has(c.relation.id) ? [] : [i]));
  const conflicts = await relationConflicts(
    run.store,
    p.key,
    owned.map((i) => chunk[i]!.relation.id),
  );
  return conflicts.map((c) => ({ ...c, index: owned[c.index]! }));
}
