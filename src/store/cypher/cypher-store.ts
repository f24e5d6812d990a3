import type { Ontology } from '../../ontology/ontology.js';
import type {
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
import { changeFromProps, sourceFromProps } from './records.js';
import { Statements } from './statements.js';
import { AnswerTooLargeError, StoreUnavailableError } from '../errors.js';
import type { LoadAudit } from '../load-sink.js';
import { addRelation } from '../../writes/curation/add-relation.js';
import { addSource } from '../../writes/curation/add-source.js';
import { checkMerge, mergeEntities } from '../../writes/curation/merge-entities.js';
import { retractRelation } from '../../writes/curation/retract-relation.js';
import { upsertEntity } from '../../writes/curation/upsert-entity.js';
import { LOAD_CHUNK, writeLoad } from '../../writes/load/write-load.js';
import { WriteStatements } from './write-statements.js';
import { CypherWriteTransaction } from './write-transaction.js';

/** Sources are decoded once for reads and writes (records.ts); the reads here call it so. */
const toSource = sourceFromProps;

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
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
    private readonly writeStatements = new WriteStatements(dialect, ontology),
  ) {}

  observed(observe: StatementObserver): GraphStore {
    return new CypherGraphStore(this.backend, observeExecutor(this.executor, observe), this.dialect, this.ontology, this.statements, this.writeStatements);
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

  /** The transactional load sink: one transaction per call, however large. */
  async load(batches: GraphBatch | AsyncIterable<GraphBatch>, key: string, fingerprint: string, audit: LoadAudit): Promise<void> {
    // One transaction per file however large (all or nothing); 100,000 relations took
    // Neo4j 1 to 2 minutes on a busy 2-core machine, past the deadline meant for requests.
    let attempts = 0;
    await this.executor.write(async (run) => {
      // A driver that retries after a transient failure would find a stream already read
      // and record an empty load as done; failing leaves the file to be imported again.
      attempts += 1;
      if (attempts > 1 && !('entities' in batches)) throw new StoreUnavailableError('the database failed during a streamed import; run the import again');
      await writeLoad(this.transaction(run), batches, key, fingerprint, audit);
    }, { bulk: true });
  }

  // Curation: each write's rules (src/writes/curation/) run inside its transaction.

  private transaction(run: (s: Statement) => Promise<Row[]>): CypherWriteTransaction {
    return new CypherWriteTransaction(run, this.statements, this.writeStatements, this.dialect, this.ontology);
  }

  upsertEntity(entity: EntityRecord, by: Author): Promise<EntityRecord> {
    return this.executor.write((run) => upsertEntity(this.transaction(run), entity, by));
  }

  addRelation(relation: RelationRecord, by: Author): Promise<RelationRecord> {
    return this.executor.write((run) => addRelation(this.transaction(run), relation, by));
  }

  retractRelation(id: string, reason: string, by: Author, onlyIfAddedBy?: string): Promise<RelationRecord> {
    return this.executor.write((run) => retractRelation(this.transaction(run), id, reason, by, onlyIfAddedBy));
  }

  async mergeEntities(survivorId: string, duplicateId: string, by: Author): Promise<EntityRecord> {
    checkMerge(survivorId, duplicateId);
    return this.executor.write((run) => mergeEntities(this.transaction(run), survivorId, duplicateId, by));
  }

  addSource(source: SourceRecord, by: Author): Promise<SourceRecord> {
    return this.executor.write((run) => addSource(this.transaction(run), source, by));
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
