import type { InputProblem } from '../errors.js';
import type { Ontology } from '../../ontology/ontology.js';
import type { GraphBatch } from '../../store/graph-store.js';
import type { LoadReads } from '../../store/load-sink.js';

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
  entityIds: string[];
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

  /** Records a relation id of this run; returns where it was seen before, if it was. */
  claimRelation(id: string, file: string, line: number | null): { file: string; line: number | null } | undefined {
    const earlier = this.relationIds.get(id);
    if (!earlier) this.relationIds.set(id, { file, line });
    return earlier;
  }
}

export function where(at: { file: string; line: number | null }): string {
  return at.line === null ? at.file : `${at.file}:${at.line}`;
}
