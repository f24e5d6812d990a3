import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import lbug, { type Connection, type Database, type LbugValue, type PreparedStatement, type QueryResult } from '@ladybugdb/core';
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
import { recordRoundTrip } from '../round-trips.js';
import { prepareQuery, scoreKeys } from '../search/score.js';
import { searchKeys } from '../search/normalize.js';
import { quoteName, tableSpecs } from './schema.js';
import { castExpression, internalId, paramValue, toEntity, toRelation, toSource, type Row } from './values.js';

type Params = Record<string, LbugValue>;

/** Thrown when the database cannot be opened, with a message a person can act on. */
export class StoreOpenError extends Error {}

/**
 * One LadybugDB connection with a cache of prepared statements; every statement it
 * sends counts as one round trip of the current request.
 */
class Session {
  private readonly prepared = new Map<string, PreparedStatement>();
  constructor(private readonly conn: Connection) {}

  async run(cypher: string, params: Params = {}): Promise<Row[]> {
    recordRoundTrip();
    let stmt = this.prepared.get(cypher);
    if (!stmt) {
      stmt = await this.conn.prepare(cypher);
      if (!stmt.isSuccess()) throw new Error(`embedded store: ${stmt.getErrorMessage()}`);
      this.prepared.set(cypher, stmt);
    }
    const result = await this.conn.execute(stmt, params);
    const results: QueryResult[] = Array.isArray(result) ? result : [result];
    const rows: Row[] = [];
    for (const r of results) {
      rows.push(...((await r.getAll()) as Row[]));
      r.close();
    }
    return rows;
  }

  close(): void {
    this.conn.closeSync();
  }
}

/** Entities keyed by LadybugDB's internal id, to name the ends of returned relationships. */
function indexNodes(ontology: Ontology, values: unknown[]): { entities: Map<string, EntityRecord>; idOf: Map<string, string> } {
  const entities = new Map<string, EntityRecord>();
  const idOf = new Map<string, string>();
  for (const v of values) {
    if (v === null || v === undefined) continue;
    const e = toEntity(ontology, v);
    entities.set(e.id, e);
    idOf.set(internalId((v as Row)._id), e.id);
  }
  return { entities, idOf };
}

export interface EmbeddedOptions {
  dataDir: string;
  ontology: Ontology;
}

export class LadybugStore implements GraphStore {
  readonly backend = 'embedded';
  private readonly allKinds: string[];
  private readonly allTypes: string[];

  private constructor(
    private readonly db: Database,
    private readonly reader: Session,
    private readonly writer: Session,
    private readonly ontology: Ontology,
  ) {
    this.allKinds = [...ontology.kinds];
    this.allTypes = ontology.relationTypes.map((t) => t.name);
  }

  static async open({ dataDir, ontology }: EmbeddedOptions): Promise<LadybugStore> {
    let db: Database;
    try {
      mkdirSync(dataDir, { recursive: true });
      db = new lbug.Database(join(dataDir, 'graph.lbug'));
      await db.init();
    } catch (err) {
      const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
      throw new StoreOpenError(`cannot open the embedded database in DATA_DIR=${dataDir}: ${reason}`);
    }
    const connect = async () => {
      const conn = new lbug.Connection(db);
      await conn.init();
      return new Session(conn);
    };
    const store = new LadybugStore(db, await connect(), await connect(), ontology);
    await store.ensureSchema();
    return store;
  }

  /** Creates the tables, and adds columns that a newer ontology introduced. */
  private async ensureSchema(): Promise<void> {
    for (const spec of tableSpecs(this.ontology)) {
      await this.writer.run(spec.ddl);
      if (spec.columns.length === 0) continue;
      const existing = new Set((await this.writer.run(`CALL table_info('${spec.table}') RETURN name`)).map((r) => String(r.name)));
      for (const [name, type] of spec.columns) {
        if (!existing.has(name)) await this.writer.run(`ALTER TABLE ${spec.table} ADD ${quoteName(name)} ${type}`);
      }
    }
  }

  /** Relation types as a Cypher list literal, for the one place LadybugDB takes no parameter. */
  private typeListLiteral(types: readonly string[]): string {
    for (const t of types) if (!this.ontology.relationType(t)) throw new Error(`unknown relation type ${t}`);
    return `[${types.map((t) => `'${t}'`).join(', ')}]`;
  }

  private relationFilter(types: readonly string[] | null): string {
    return types ? ` (r, n | WHERE r.type IN ${this.typeListLiteral(types)})` : '';
  }

  private relationsFromRows(rows: Row[]): RelationsResult {
    const { entities, idOf } = indexNodes(
      this.ontology,
      rows.flatMap((row) => [row.a, row.b]),
    );
    const relations = new Map<string, RelationRecord>();
    for (const row of rows) {
      const rel = toRelation(this.ontology, row.r, idOf);
      relations.set(rel.id, rel);
    }
    return { relations: [...relations.values()], entities: [...entities.values()] };
  }

  async getEntities(ids: readonly string[]): Promise<EntityRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.reader.run('MATCH (e:Entity) WHERE e.id IN $ids RETURN e', { ids: [...ids] });
    return rows.map((row) => toEntity(this.ontology, row.e));
  }

  async listEntities(q: { kinds: readonly string[] | null; after: string | null; limit: number }): Promise<EntityRecord[]> {
    const rows = await this.reader.run(
      'MATCH (e:Entity) WHERE e.kind IN $kinds AND e.id > $after RETURN e ORDER BY e.id LIMIT $limit',
      { kinds: [...(q.kinds ?? this.allKinds)], after: q.after ?? '', limit: q.limit },
    );
    return rows.map((row) => toEntity(this.ontology, row.e));
  }

  async search(q: { text: string; kinds: readonly string[] | null; limit: number }): Promise<SearchResult[]> {
    const query = prepareQuery(q.text);
    if (!query.folded) return [];
    const rows = await this.reader.run('MATCH (e:Entity) WHERE e.kind IN $kinds RETURN e.id AS id, e.name AS name, e.searchKeys AS keys', {
      kinds: [...(q.kinds ?? this.allKinds)],
    });
    const scored = rows
      .map((row) => ({
        id: String(row.id),
        name: String(row.name),
        score: scoreKeys(query, Array.isArray(row.keys) ? row.keys.map(String) : []),
      }))
      .filter((hit) => hit.score > 0)
      .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
      .slice(0, q.limit);
    const entities = new Map((await this.getEntities(scored.map((s) => s.id))).map((e) => [e.id, e]));
    return scored.flatMap((s) => {
      const entity = entities.get(s.id);
      return entity ? [{ entity, score: s.score }] : [];
    });
  }

  async relationsOf(q: { ids: readonly string[]; types: readonly string[] | null; direction: Direction }): Promise<RelationsResult> {
    if (q.ids.length === 0) return { relations: [], entities: [] };
    const pattern = { OUT: '(a:Entity)-[r:Relation]->(b:Entity)', IN: '(b:Entity)-[r:Relation]->(a:Entity)', BOTH: '(a:Entity)-[r:Relation]-(b:Entity)' }[
      q.direction
    ];
    const rows = await this.reader.run(`MATCH ${pattern} WHERE a.id IN $ids AND r.type IN $types RETURN a, r, b`, {
      ids: [...q.ids],
      types: [...(q.types ?? this.allTypes)],
    });
    return this.relationsFromRows(rows);
  }

  async listRelations(q: {
    types: readonly string[] | null;
    from: string | null;
    to: string | null;
    after: string | null;
    limit: number;
  }): Promise<RelationsResult> {
    const where = ['r.type IN $types', 'r.id > $after'];
    const params: Params = { types: [...(q.types ?? this.allTypes)], after: q.after ?? '', limit: q.limit };
    if (q.from !== null) {
      where.push('a.id = $from');
      params.from = q.from;
    }
    if (q.to !== null) {
      where.push('b.id = $to');
      params.to = q.to;
    }
    const rows = await this.reader.run(
      `MATCH (a:Entity)-[r:Relation]->(b:Entity) WHERE ${where.join(' AND ')} RETURN a, r, b ORDER BY r.id LIMIT $limit`,
      params,
    );
    return this.relationsFromRows(rows);
  }

  async neighborhood(q: { id: string; depth: number; types: readonly string[] | null }): Promise<SubgraphResult> {
    const depth = Math.trunc(q.depth);
    if (!(depth >= 1 && depth <= 3)) throw new Error('neighborhood depth must be 1..3');
    // Shortest-path semantics reach each entity once, so the cost follows the answer's size.
    const nodeRows = await this.reader.run(
      `MATCH (s:Entity {id: $id}) OPTIONAL MATCH (s)-[:Relation* SHORTEST 1..${depth}${this.relationFilter(q.types)}]-(m:Entity) RETURN s, m`,
      { id: q.id },
    );
    const { entities } = indexNodes(this.ontology, nodeRows.flatMap((row) => [row.s, row.m]));
    if (entities.size === 0) return { nodes: [], edges: [] };
    const ids = [...entities.keys()];
    const edgeRows = await this.reader.run(
      'MATCH (a:Entity)-[r:Relation]->(b:Entity) WHERE a.id IN $ids AND b.id IN $ids AND r.type IN $types RETURN a, r, b',
      { ids, types: [...(q.types ?? this.allTypes)] },
    );
    const { relations } = this.relationsFromRows(edgeRows);
    return { nodes: [...entities.values()], edges: relations.sort((x, y) => x.id.localeCompare(y.id)) };
  }

  async shortestPaths(q: {
    from: string;
    to: string;
    maxLength: number;
    types: readonly string[] | null;
    limit: number;
  }): Promise<PathResult[]> {
    const maxLength = Math.trunc(q.maxLength);
    if (!(maxLength >= 1 && maxLength <= 6)) throw new Error('path maxLength must be 1..6');
    if (q.from === q.to) {
      return (await this.getEntities([q.from])).map((e) => ({ nodes: [e], edges: [] }));
    }
    const rows = await this.reader.run(
      `MATCH p = (a:Entity {id: $from})-[:Relation* ALL SHORTEST 1..${maxLength}${this.relationFilter(q.types)}]-(b:Entity {id: $to}) ` +
        'RETURN nodes(p) AS ns, rels(p) AS rs LIMIT $limit',
      { from: q.from, to: q.to, limit: q.limit },
    );
    const paths = rows.map((row) => {
      const nodeValues = row.ns as unknown[];
      const { idOf } = indexNodes(this.ontology, nodeValues);
      return {
        nodes: nodeValues.map((v) => toEntity(this.ontology, v)),
        edges: (row.rs as unknown[]).map((v) => toRelation(this.ontology, v, idOf)),
      };
    });
    // The engine's order is arbitrary; a stable one makes answers reproducible.
    const key = (p: PathResult) => p.edges.map((e) => e.id).join(' ');
    return paths.sort((x, y) => key(x).localeCompare(key(y)));
  }

  async getSources(ids: readonly string[]): Promise<SourceRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.reader.run('MATCH (s:SourceDocument) WHERE s.id IN $ids RETURN s', { ids: [...ids] });
    return rows.map((row) => toSource(row.s));
  }

  async listSources(): Promise<SourceRecord[]> {
    const rows = await this.reader.run('MATCH (s:SourceDocument) RETURN s ORDER BY s.id');
    return rows.map((row) => toSource(row.s));
  }

  async loadedFingerprint(key: string): Promise<string | null> {
    const rows = await this.reader.run('MATCH (m:Meta {key: $key}) RETURN m.value AS value', { key });
    return rows.length > 0 ? String(rows[0]!.value) : null;
  }

  private entityUpsert(): string {
    const sets = ['kind', 'name', 'aliases', 'description', 'sources', 'searchKeys'].map((c) => `e.${c} = row.${c}`);
    for (const spec of this.ontology.entityAttributes) {
      sets.push(`e.${quoteName(spec.name)} = ${castExpression(spec, `row.${quoteName(spec.name)}`)}`);
    }
    return `UNWIND $rows AS row MERGE (e:Entity {id: row.id}) SET ${sets.join(', ')}`;
  }

  private relationCreate(): string {
    const props = ['id: row.id', 'type: row.type', 'sources: row.sources'];
    for (const name of this.ontology.relationRefs) props.push(`${quoteName(name)}: row.${quoteName(name)}`);
    for (const spec of this.ontology.relationAttributes) {
      props.push(`${quoteName(spec.name)}: ${castExpression(spec, `row.${quoteName(spec.name)}`)}`);
    }
    return (
      'UNWIND $rows AS row MATCH (a:Entity {id: row.from}), (b:Entity {id: row.to}) ' +
      `CREATE (a)-[r:Relation {${props.join(', ')}}]->(b) RETURN count(r) AS created`
    );
  }

  async load(batch: GraphBatch, key: string, fingerprint: string): Promise<void> {
    const w = this.writer;
    const entityRows = batch.entities.map((e) => {
      const row: Params = {
        id: e.id,
        kind: e.kind,
        name: e.name,
        aliases: [...e.aliases],
        description: e.description,
        sources: JSON.stringify(e.sources),
        searchKeys: searchKeys([e.name, ...e.aliases]),
      };
      for (const spec of this.ontology.entityAttributes) row[spec.name] = paramValue(e.attributes[spec.name] ?? null);
      return row;
    });
    const relationRows = batch.relations.map((r) => {
      const row: Params = { id: r.id, type: r.type, from: r.from, to: r.to, sources: JSON.stringify(r.sources) };
      for (const name of this.ontology.relationRefs) row[name] = r.refs[name] ?? null;
      for (const spec of this.ontology.relationAttributes) row[spec.name] = paramValue(r.attributes[spec.name] ?? null);
      return row;
    });
    await w.run('BEGIN TRANSACTION');
    try {
      if (batch.sources.length > 0) {
        await w.run(
          'UNWIND $rows AS row MERGE (s:SourceDocument {id: row.id}) SET s.title = row.title, s.publisher = row.publisher, s.published = row.published, s.via = row.via, s.url = row.url',
          {
            rows: batch.sources.map((s) => ({ id: s.id, title: s.title, publisher: s.publisher, published: s.published, via: s.via, url: s.url })),
          },
        );
      }
      if (entityRows.length > 0) await w.run(this.entityUpsert(), { rows: entityRows });
      if (relationRows.length > 0) {
        // Replacing by id keeps a re-load idempotent even if a relation's ends changed.
        await w.run('MATCH ()-[r:Relation]->() WHERE r.id IN $ids DELETE r', { ids: batch.relations.map((r) => r.id) });
        const [row] = await w.run(this.relationCreate(), { rows: relationRows });
        const created = Number(row?.created ?? 0);
        if (created !== relationRows.length) {
          throw new Error(`embedded store: ${relationRows.length - created} relations refer to entities that do not exist`);
        }
      }
      await w.run('MERGE (m:Meta {key: $key}) SET m.value = $value', { key, value: fingerprint });
      await w.run('COMMIT');
    } catch (err) {
      await w.run('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  async close(): Promise<void> {
    this.reader.close();
    this.writer.close();
    await this.db.close();
  }
}
