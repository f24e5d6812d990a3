import type { Ontology } from '../../ontology/ontology.js';
import type {
  Direction,
  EntityRecord,
  GraphBatch,
  GraphStore,
  PathResult,
  RelationRecord,
  RelationsResult,
  SearchResult,
  SourceRecord,
  SubgraphResult,
} from '../graph-store.js';
import { prepareQuery, scoreKeys } from '../search/score.js';
import type { Dialect } from './dialect.js';
import type { Executor, Row } from './executor.js';
import { Statements } from './statements.js';

/** Thrown when a write would leave relations without their ends. */
export class DanglingRelationError extends Error {}

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
  private readonly statements: Statements;

  constructor(
    readonly backend: string,
    private readonly executor: Executor,
    private readonly dialect: Dialect,
    private readonly ontology: Ontology,
  ) {
    this.statements = new Statements(dialect, ontology);
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

  async getEntities(ids: readonly string[]): Promise<EntityRecord[]> {
    if (ids.length === 0) return [];
    return (await this.executor.read(this.statements.getEntities(ids))).map((row) => this.entity(row.e));
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

  async relationsOf(q: { ids: readonly string[]; types: readonly string[] | null; direction: Direction }): Promise<RelationsResult> {
    if (q.ids.length === 0) return { relations: [], entities: [] };
    return this.relationsFromRows(await this.executor.read(this.statements.relationsOf(q.ids, q.types, q.direction)));
  }

  async listRelations(q: {
    types: readonly string[] | null;
    from: string | null;
    to: string | null;
    after: string | null;
    limit: number;
  }): Promise<RelationsResult> {
    return this.relationsFromRows(await this.executor.read(this.statements.listRelations(q)));
  }

  async neighborhood(q: { id: string; depth: number; types: readonly string[] | null }): Promise<SubgraphResult> {
    const rows = await this.executor.read(this.statements.reach(q.id, q.depth, q.types));
    const nodes = new Map<string, EntityRecord>();
    for (const row of rows) {
      for (const value of [row.s, row.m]) {
        if (value === null || value === undefined) continue;
        const e = this.entity(value);
        nodes.set(e.id, e);
      }
    }
    if (nodes.size === 0) return { nodes: [], edges: [] };
    const { relations } = this.relationsFromRows(await this.executor.read(this.statements.relationsAmong([...nodes.keys()], q.types)));
    return { nodes: [...nodes.values()], edges: relations.sort((x, y) => x.id.localeCompare(y.id)) };
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

  async load(batch: GraphBatch, key: string, fingerprint: string): Promise<void> {
    const { before, creates, after } = this.statements.load(batch, key, fingerprint);
    await this.executor.write(async (run) => {
      for (const s of before) await run(s);
      let created = 0;
      for (const s of creates) {
        const [row] = await run(s);
        created += this.dialect.decode.number(row?.created ?? 0);
      }
      if (created !== batch.relations.length) {
        throw new DanglingRelationError(`${batch.relations.length - created} relations refer to entities that do not exist`);
      }
      for (const s of after) await run(s);
    });
  }

  close(): Promise<void> {
    return this.executor.close();
  }
}
