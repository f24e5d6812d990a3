import type { Ontology } from '../../ontology/ontology.js';
import type {
  Audit,
  Author,
  ChangeRecord,
  Direction,
  EntityRecord,
  GraphBatch,
  GraphStore,
  PathResult,
  RelationRecord,
  RelationsResult,
  SearchResult,
  SourceRecord,
  StatementObserver,
  SubgraphResult,
} from '../graph-store.js';
import { observeExecutor } from './observed-executor.js';
import { Slicer, sortInSlices } from '../../budget/yielding.js';
import { prepareQuery, scoreKeys } from '../search/score.js';
import type { Dialect } from './dialect.js';
import type { Executor, Row, Statement } from './executor.js';
import { changeFromProps } from './records.js';
import { Statements } from './statements.js';
import { AnswerTooLargeError, CurationError, NotOwnerError, StoreUnavailableError } from '../errors.js';
import { newAudit } from '../audit-id.js';
import { DomainError, ErrorCode } from '../../errors/domain-error.js';

/** Thrown when a write would leave relations without their ends. */
/** Validation should have refused such a write first: reaching this is a bug or a race. */
export class DanglingRelationError extends DomainError {
  readonly code = ErrorCode.INTERNAL;
}

/** Rows per statement when loading: large files go in chunks, still in one transaction. */
export const LOAD_CHUNK = 5_000;

/** A batch in chunks: every source and entity first, so each relation's ends exist when it is created. */
function* chunks(batch: GraphBatch): Generator<GraphBatch> {
  const size = Math.max(batch.sources.length, batch.entities.length);
  for (let i = 0; i < size; i += LOAD_CHUNK) {
    yield { sources: batch.sources.slice(i, i + LOAD_CHUNK), entities: batch.entities.slice(i, i + LOAD_CHUNK), relations: [] };
  }
  for (let i = 0; i < batch.relations.length; i += LOAD_CHUNK) {
    yield { sources: [], entities: [], relations: batch.relations.slice(i, i + LOAD_CHUNK) };
  }
}

async function* asChunks(batches: GraphBatch | AsyncIterable<GraphBatch>): AsyncGenerator<GraphBatch> {
  if (Symbol.asyncIterator in batches) {
    for await (const b of batches) yield* chunks(b);
  } else {
    yield* chunks(batches);
  }
}

/** The write's audit entry (taken inside its transaction unless given) and its pre-commit hook. */
function stamp(by: Author): { audit: Audit; beforeCommit: (audit: Audit) => Promise<void> } {
  const w = typeof by === 'string' ? { actor: by } : by;
  return { audit: w.audit ?? newAudit(w.actor), beforeCommit: w.beforeCommit ?? (async () => undefined) };
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function toSource(value: unknown): SourceRecord {
  const s = value as Record<string, unknown>;
  return {
    id: String(s.id),
    title: String(s.title),
    publisher: String(s.publisher),
    published: String(s.published),
    via: text(s.via),
    url: text(s.url),
  };
}

/**
 * The GraphStore over any Cypher backend: statements from `Statements`, run by the
 * backend's `Executor`, rows turned into records by the dialect's decoder.
 */
export class CypherGraphStore implements GraphStore {
  constructor(
    readonly backend: string,
    private readonly executor: Executor,
    private readonly dialect: Dialect,
    private readonly ontology: Ontology,
    private readonly statements = new Statements(dialect, ontology),
  ) {}

  observed(observe: StatementObserver): GraphStore {
    return new CypherGraphStore(this.backend, observeExecutor(this.executor, observe), this.dialect, this.ontology, this.statements);
  }

  private entity(value: unknown): EntityRecord {
    return this.dialect.decode.entity(this.ontology, value);
  }

  private relationsFromRows(rows: Row[]): RelationsResult {
    const entities = new Map<string, EntityRecord>();
    const relations = new Map<string, RelationRecord>();
    for (const row of rows) {
      const a = this.entity(row.a);
      const b = this.entity(row.b);
      entities.set(a.id, a);
      entities.set(b.id, b);
      const rel = this.dialect.decode.relation(this.ontology, row.r, a.id, b.id);
      relations.set(rel.id, rel);
    }
    return { relations: [...relations.values()], entities: [...entities.values()] };
  }

  /** Entities by id; an id merged into another entity resolves to the survivor. */
  async getEntities(ids: readonly string[]): Promise<EntityRecord[]> {
    if (ids.length === 0) return [];
    const found = (await this.executor.read(this.statements.getEntities(ids))).map((row) => this.entity(row.e));
    const mergedInto = [...new Set(found.flatMap((e) => (e.mergedInto ? [e.mergedInto] : [])))];
    if (mergedInto.length === 0) return found;
    const rows = await this.executor.read(this.statements.getEntities(mergedInto));
    const survivors = new Map(rows.map((row) => this.entity(row.e)).map((e) => [e.id, e]));
    return found.flatMap((e) => {
      if (!e.mergedInto) return [e];
      const survivor = survivors.get(e.mergedInto);
      return survivor ? [{ ...survivor, resolvedFrom: e.id }] : [];
    });
  }

  async listEntities(q: { kinds: readonly string[] | null; after: string | null; limit: number }): Promise<EntityRecord[]> {
    return (await this.executor.read(this.statements.listEntities(q.kinds, q.after, q.limit))).map((row) => this.entity(row.e));
  }

  async search(q: { text: string; kinds: readonly string[] | null; limit: number }): Promise<SearchResult[]> {
    const query = prepareQuery(q.text);
    if (!query.folded) return [];
    const rows = await this.executor.read(this.statements.searchCandidates(q.text, q.kinds));
    const scored = rows
      .map((row) => ({ id: String(row.id), name: String(row.name), score: scoreKeys(query, this.dialect.decode.strings(row.keys)) }))
      .filter((hit) => hit.score > 0)
      .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
      .slice(0, q.limit);
    if (scored.length === 0) return [];
    const entities = new Map((await this.getEntities(scored.map((s) => s.id))).map((e) => [e.id, e]));
    return scored.flatMap((s) => {
      const entity = entities.get(s.id);
      return entity ? [{ entity, score: s.score }] : [];
    });
  }

  async relationsOf(q: {
    ids: readonly string[];
    types: readonly string[] | null;
    direction: Direction;
    includeRetracted: boolean;
  }): Promise<RelationsResult> {
    if (q.ids.length === 0) return { relations: [], entities: [] };
    return this.relationsFromRows(await this.executor.read(this.statements.relationsOf(q.ids, q.types, q.direction, q.includeRetracted)));
  }

  async relationOwners(ids: readonly string[]): Promise<Map<string, string | null>> {
    const owners = new Map<string, string | null>();
    for (let i = 0; i < ids.length; i += LOAD_CHUNK) {
      for (const row of await this.executor.read(this.statements.relationOwners(ids.slice(i, i + LOAD_CHUNK)))) {
        owners.set(String(row.id), typeof row.addedBy === 'string' ? row.addedBy : null);
      }
    }
    return owners;
  }

  async getRelation(id: string): Promise<RelationsResult> {
    return this.relationsFromRows(await this.executor.read(this.statements.getRelation(id)));
  }

  async listRelations(q: {
    types: readonly string[] | null;
    from: string | null;
    to: string | null;
    after: string | null;
    limit: number;
    includeRetracted: boolean;
  }): Promise<RelationsResult> {
    return this.relationsFromRows(await this.executor.read(this.statements.listRelations(q)));
  }

  async neighborhood(q: { id: string; depth: number; types: readonly string[] | null; maxEntities: number; maxRelations: number }): Promise<SubgraphResult> {
    // A row per entity besides the start: `maxEntities` of them make one too many, and
    // the limit stops the engine there rather than reading them all.
    const rows = await this.executor.read(this.statements.reach(q.id, q.depth, q.types, q.maxEntities));
    if (rows.filter((row) => row.m !== null && row.m !== undefined).length >= q.maxEntities) throw new AnswerTooLargeError('entities', q.maxEntities);
    const nodes = new Map<string, EntityRecord>();
    // The start entity comes on every row; it is decoded once.
    const start = rows[0]?.s;
    if (start !== null && start !== undefined) {
      const s = this.entity(start);
      nodes.set(s.id, s);
    }
    // Decoding tens of thousands of records takes seconds: done in slices, so the server
    // keeps answering other requests meanwhile.
    const slicer = new Slicer();
    for (const row of rows) {
      if (slicer.due()) await slicer.pause();
      if (row.m === null || row.m === undefined) continue;
      const e = this.entity(row.m);
      nodes.set(e.id, e);
    }
    if (nodes.size === 0) return { nodes: [], edges: [] };
    const amongRows = await this.relationsAmong(nodes, q.types, q.maxRelations);
    const edges = new Map<string, RelationRecord>();
    for (const row of amongRows) {
      if (slicer.due()) await slicer.pause();
      const rel = this.dialect.decode.relation(this.ontology, row.r, String(row.fromId), String(row.toId));
      edges.set(rel.id, rel);
    }
    return { nodes: [...nodes.values()], edges: await sortInSlices([...edges.values()], (x, y) => x.id.localeCompare(y.id), slicer) };
  }

  /**
   * Relations with both ends among `nodes`: by the id list, or, past the dialect's
   * `idListMax`, by one pass over all relations' end ids sifted here, which also tells
   * cheaply when the answer would be over `max`, before any relation is read.
   */
  private async relationsAmong(nodes: ReadonlyMap<string, EntityRecord>, types: readonly string[] | null, max: number): Promise<Row[]> {
    if (nodes.size <= this.dialect.idListMax) {
      const rows = await this.executor.read(this.statements.relationsAmong([...nodes.keys()], types, max + 1));
      if (rows.length > max) throw new AnswerTooLargeError('relations', max);
      return rows;
    }
    const ends = await this.executor.read(this.statements.relationEnds(types));
    const inside = ends.filter((e) => nodes.has(String(e.fromId)) && nodes.has(String(e.toId))).map((e) => String(e.id));
    if (inside.length > max) throw new AnswerTooLargeError('relations', max);
    return inside.length === 0 ? [] : this.executor.read(this.statements.relationsWithEndIds(inside));
  }

  async shortestPaths(q: {
    from: string;
    to: string;
    maxLength: number;
    types: readonly string[] | null;
    limit: number;
  }): Promise<PathResult[]> {
    if (q.from === q.to) return (await this.getEntities([q.from])).map((e) => ({ nodes: [e], edges: [] }));
    const rows = await this.executor.read(this.statements.shortestPaths(q.from, q.to, q.maxLength, q.types, q.limit));
    const paths = rows.map((row) => {
      const nodeValues = row.ns as unknown[];
      return {
        nodes: nodeValues.map((v) => this.entity(v)),
        edges: this.dialect.decode.pathRelations(this.ontology, nodeValues, row.rs as unknown[]),
      };
    });
    // The engines' order is arbitrary; a stable one makes answers reproducible.
    const key = (p: PathResult) => p.edges.map((e) => e.id).join(' ');
    return paths.sort((x, y) => key(x).localeCompare(key(y)));
  }

  async getSources(ids: readonly string[]): Promise<SourceRecord[]> {
    if (ids.length === 0) return [];
    return (await this.executor.read(this.statements.getSources(ids))).map((row) => toSource(this.dialect.decode.properties(row.s)));
  }

  async listSources(): Promise<SourceRecord[]> {
    return (await this.executor.read(this.statements.listSources())).map((row) => toSource(this.dialect.decode.properties(row.s)));
  }

  async loadedFingerprint(key: string): Promise<string | null> {
    const rows = await this.executor.read(this.statements.loadedFingerprint(key));
    return rows.length > 0 ? text(rows[0]!.value) : null;
  }

  async load(
    batches: GraphBatch | AsyncIterable<GraphBatch>,
    key: string,
    fingerprint: string,
    audit: { actor: Author; summary: unknown; entityIds?: readonly string[] },
  ): Promise<void> {
    // One transaction per file however large (all or nothing); 100,000 relations took
    // Neo4j 1 to 2 minutes on a busy 2-core machine, past the deadline meant for requests.
    let attempts = 0;
    await this.executor.write(async (run) => {
      // A driver that retries after a transient failure would find a stream already read
      // and record an empty load as done; failing leaves the file to be imported again.
      attempts += 1;
      if (attempts > 1 && !('entities' in batches)) throw new StoreUnavailableError('the database failed during a streamed import; run the import again');
      for await (const chunk of asChunks(batches)) {
        const { before, creates } = this.statements.loadChunk(chunk);
        for (const st of before) await run(st);
        let created = 0;
        for (const st of creates) {
          const [row] = await run(st);
          created += this.dialect.decode.number(row?.created ?? 0);
        }
        if (created !== chunk.relations.length) {
          throw new DanglingRelationError(`${chunk.relations.length - created} relations refer to entities that do not exist`);
        }
      }
      await run(this.statements.recordFingerprint(key, fingerprint));
      const stamped = stamp(audit.actor);
      await run(this.change(stamped.audit, 'IMPORT', [...(audit.entityIds ?? [])], null, null, audit.summary));
      await stamped.beforeCommit(stamped.audit);
    }, { bulk: true });
  }

  // Curation: each write reads what it changes, writes, and records the change, in one transaction.

  private change(audit: Audit, operation: ChangeRecord['operation'], entityIds: string[], relationId: string | null, before: unknown, after: unknown): Statement {
    return this.statements.createChange({ id: audit.changeId, at: audit.at, actor: audit.actor, operation, entityIds, relationId, before, after });
  }

  private async readEntity(run: (s: Statement) => Promise<Row[]>, id: string): Promise<EntityRecord | null> {
    const [row] = await run(this.statements.getEntities([id]));
    return row ? this.entity(row.e) : null;
  }

  private async readRelation(run: (s: Statement) => Promise<Row[]>, id: string): Promise<RelationRecord | null> {
    return this.relationsFromRows(await run(this.statements.getRelation(id))).relations[0] ?? null;
  }

  /**
   * Inside a write's transaction: locks the entities `ids` name and resolves each to the
   * entity it now is (an id merged away resolves to its survivor), so what the write
   * attaches to cannot be merged away before it commits.
   */
  private async resolveLive(run: (s: Statement) => Promise<Row[]>, ids: readonly string[], field: string): Promise<Map<string, string>> {
    const lock = this.statements.lockEntities(ids);
    if (lock) await run(lock);
    const found = new Map((await run(this.statements.getEntities(ids))).map((row) => this.entity(row.e)).map((e) => [e.id, e]));
    const resolved = new Map<string, string>();
    for (const id of ids) {
      const e = found.get(id);
      if (!e) throw new CurationError(`entity ${JSON.stringify(id)} does not exist`, field);
      // Merges resolve chains as they happen (a survivor is never merged-away), so one step suffices.
      resolved.set(id, e.mergedInto ?? id);
    }
    const survivors = [...new Set(resolved.values())].filter((id) => !found.has(id));
    if (survivors.length > 0) {
      if (lock) await run(this.statements.lockEntities(survivors)!);
      const present = new Set((await run(this.statements.getEntities(survivors))).map((row) => this.entity(row.e).id));
      for (const id of survivors) if (!present.has(id)) throw new CurationError(`entity ${JSON.stringify(id)} does not exist`, field);
    }
    return resolved;
  }

  private static liveEntity(e: EntityRecord | null, id: string, role: string): EntityRecord {
    if (!e) throw new CurationError(`${role} ${JSON.stringify(id)} does not exist`, role);
    if (e.mergedInto) throw new CurationError(`${role} ${JSON.stringify(id)} was merged into ${JSON.stringify(e.mergedInto)}; use that id`, role);
    return e;
  }

  async upsertEntity(entity: EntityRecord, by: Author): Promise<EntityRecord> {
    return this.executor.write(async (run) => {
      const { audit, beforeCommit } = stamp(by);
      const before = await this.readEntity(run, entity.id);
      if (before?.mergedInto) {
        throw new CurationError(`entity ${JSON.stringify(entity.id)} was merged into ${JSON.stringify(before.mergedInto)}; update that one`, 'id');
      }
      if (before && before.kind !== entity.kind) {
        throw new CurationError(`entity ${JSON.stringify(entity.id)} is a ${before.kind}; its kind cannot change to ${entity.kind}`, 'kind');
      }
      await run(this.statements.upsertEntities([entity]));
      await run(this.change(audit, 'UPSERT_ENTITY', [entity.id], null, before, entity));
      await beforeCommit(audit);
      return entity;
    });
  }

  async addRelation(relation: RelationRecord, by: Author): Promise<RelationRecord> {
    return this.executor.write(async (run) => {
      const { audit, beforeCommit } = stamp(by);
      if (await this.readRelation(run, relation.id)) throw new CurationError(`relation ${JSON.stringify(relation.id)} already exists`, 'id');
      const refIds = Object.values(relation.refs).filter((v): v is string => typeof v === 'string');
      const live = await this.resolveLive(run, [relation.from, relation.to, ...refIds], 'from');
      const at = (id: string) => live.get(id) ?? id;
      const refs = Object.fromEntries(Object.entries(relation.refs).map(([k, v]) => [k, typeof v === 'string' ? at(v) : v]));
      relation = { ...relation, from: at(relation.from), to: at(relation.to), refs };
      if (relation.from === relation.to) {
        throw new CurationError(`from and to are the same entity ${JSON.stringify(relation.from)} (one was merged into the other); a relation cannot join an entity to itself`, 'to');
      }
      const [row] = await run(this.statements.createRelationsOfType(this.dialect.relationTypeInPattern ? relation.type : null, [relation]));
      if (this.dialect.decode.number(row?.created ?? 0) !== 1) throw new CurationError('an end of the relation does not exist', 'from');
      await run(this.change(audit, 'ADD_RELATION', [relation.from, relation.to], relation.id, null, relation));
      await beforeCommit(audit);
      return relation;
    });
  }

  async retractRelation(id: string, reason: string, by: Author, onlyIfAddedBy?: string): Promise<RelationRecord> {
    return this.executor.write(async (run) => {
      const { audit, beforeCommit } = stamp(by);
      const before = await this.readRelation(run, id);
      if (!before) throw new CurationError(`relation ${JSON.stringify(id)} does not exist`, 'id');
      if (onlyIfAddedBy !== undefined && before.addedBy !== onlyIfAddedBy) {
        throw new NotOwnerError(`relation ${JSON.stringify(id)} was added by ${before.addedBy ?? 'someone else'}; only an admin key may retract it`);
      }
      if (before.retraction) throw new CurationError(`relation ${JSON.stringify(id)} was already retracted at ${before.retraction.at}`, 'id');
      await run(this.statements.retractRelation(id, reason, audit.actor, audit.at));
      const after: RelationRecord = { ...before, retraction: { reason, by: audit.actor, at: audit.at } };
      await run(this.change(audit, 'RETRACT_RELATION', [before.from, before.to], id, before, after));
      await beforeCommit(audit);
      return after;
    });
  }

  async mergeEntities(survivorId: string, duplicateId: string, by: Author): Promise<EntityRecord> {
    if (survivorId === duplicateId) throw new CurationError('an entity cannot be merged into itself', 'duplicate');
    return this.executor.write(async (run) => {
      const { audit, beforeCommit } = stamp(by);
      // Writes that attach to either entity wait for this merge, or it for them.
      const lock = this.statements.lockEntities([survivorId, duplicateId]);
      if (lock) await run(lock);
      const survivor = CypherGraphStore.liveEntity(await this.readEntity(run, survivorId), survivorId, 'survivor');
      const duplicate = CypherGraphStore.liveEntity(await this.readEntity(run, duplicateId), duplicateId, 'duplicate');
      if (survivor.kind !== duplicate.kind) {
        throw new CurationError(`cannot merge a ${duplicate.kind} into a ${survivor.kind}; merge entities of the same kind`, 'duplicate');
      }
      // In id order: the audit entry lists them, and must read the same on every backend and on replay.
      const moved = this.relationsFromRows(await run(this.statements.relationsOf([duplicateId], null, 'BOTH', true))).relations.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const swap = (id: string) => (id === duplicateId ? survivorId : id);
      // A relation between the two becomes a loop on the survivor; it is kept, retracted, like any withdrawn fact.
      const loop = { reason: `merged: ${duplicateId} and ${survivorId} are the same entity`, by: audit.actor, at: audit.at };
      const kept = moved.map((r) => {
        const from = swap(r.from);
        const to = swap(r.to);
        return { ...r, from, to, retraction: r.retraction ?? (from === to ? loop : null) };
      });
      const names = [...survivor.aliases, duplicate.name, ...duplicate.aliases].filter((n) => n !== survivor.name);
      const merged: EntityRecord = { ...survivor, aliases: [...new Set(names)], sources: [...survivor.sources, ...duplicate.sources] };
      if (moved.length > 0) {
        await run(this.statements.deleteRelations(moved.map((r) => r.id)));
        for (const st of this.statements.createRelations(kept)) await run(st);
        // CREATE writes a relation's own fields; a retraction is bookkeeping set beside them.
        for (const r of kept) if (r.retraction) await run(this.statements.retractRelation(r.id, r.retraction.reason, r.retraction.by, r.retraction.at));
      }
      for (const st of this.statements.redirectRefs(duplicateId, survivorId)) await run(st);
      await run(this.statements.upsertEntities([merged]));
      await run(this.statements.redirectEntity(duplicateId, survivorId));
      await run(
        this.change(audit, 'MERGE_ENTITIES', [survivorId, duplicateId], null, { survivor, duplicate, relations: moved }, { survivor: merged, relations: kept }),
      );
      await beforeCommit(audit);
      return merged;
    });
  }

  async addSource(source: SourceRecord, by: Author): Promise<SourceRecord> {
    return this.executor.write(async (run) => {
      const { audit, beforeCommit } = stamp(by);
      const [row] = await run(this.statements.getSources([source.id]));
      const before = row ? toSource(this.dialect.decode.properties(row.s)) : null;
      await run(this.statements.upsertSources([source]));
      await run(this.change(audit, 'ADD_SOURCE', [], null, before, source));
      await beforeCommit(audit);
      return source;
    });
  }

  async graphVersion(): Promise<string> {
    // The count moves with every write even if another process's clock gives its change
    // an id that sorts below the latest one.
    const [row] = await this.executor.read(this.statements.graphVersion());
    return `${this.dialect.decode.number(row?.changes ?? 0)}:${typeof row?.latest === 'string' ? row.latest : ''}`;
  }

  async changes(q: { since: string | null; entity: string | null; after: string | null; limit: number }): Promise<ChangeRecord[]> {
    return (await this.executor.read(this.statements.changes(q))).map((row) => changeFromProps(this.dialect.decode.properties(row.c)));
  }

  close(): Promise<void> {
    return this.executor.close();
  }

  // Sizes and degrees counted by the database, for the network view of a large graph.

  async graphSize(): ReturnType<GraphStore['graphSize']> {
    const [entities] = await this.executor.read(this.statements.countEntities());
    const [relations] = await this.executor.read(this.statements.countRelations());
    return { entities: this.dialect.decode.number(entities?.entities ?? 0), relations: this.dialect.decode.number(relations?.relations ?? 0) };
  }

  async mostConnected(q: Parameters<GraphStore['mostConnected']>[0]): ReturnType<GraphStore['mostConnected']> {
    const rows = await this.executor.read(this.statements.mostConnected(q.kinds, q.limit));
    return rows.map((row) => ({ entity: this.entity(row.e), degree: this.dialect.decode.number(row.degree) }));
  }
}
