import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import neo4j from 'neo4j-driver';
import { importKey } from '../../src/writes/fingerprint.js';
import { parseImportText } from '../../src/writes/sources/seed-format.js';
import { validateSeed } from '../../src/writes/validate.js';
import type { Ontology, ValueType } from '../../src/ontology/ontology.js';
import type { Executor, Row, Statement } from '../../src/store/cypher/executor.js';
import { WriteStatements } from '../../src/store/cypher/write-statements.js';
import type { AttributeValue, GraphBatch, RelationRecord } from '../../src/store/records.js';
import { neo4jDialect } from '../../src/store/neo4j/dialect.js';

/**
 * Neo4j's own fastest load of a generated graph from Bolt, for the bench's comparison
 * with our import path: `UNWIND $rows AS r CREATE ...`, RAW_BATCH rows per transaction,
 * nothing checked, nothing merged or replaced. The rows are the ones our path stores (built
 * by the store's own `WriteStatements`, attributes already in their types, so Neo4j casts
 * nothing), prepared before the clock starts: only the transactions are timed.
 */

/** Rows per transaction of the raw load. */
export const RAW_BATCH = 10_000;

type Props = Record<string, unknown>;

/** The rows of one generated file, as Neo4j stores them. */
interface RawRows {
  sources: Props[];
  entities: Props[];
  /** By relation type (a relationship type cannot be a parameter): the ends' ids and the properties. */
  relations: Map<string, Array<{ from: string; to: string; p: Props }>>;
}

/** A map property set from a parameter skips nulls, as the store's SET of a null does. */
function withoutNulls(row: Props): Props {
  const out: Props = {};
  for (const [k, v] of Object.entries(row)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

/** Our statements send attributes as text and cast them in Cypher; the raw rows carry the stored type. */
function typed(type: ValueType, value: AttributeValue | undefined): unknown {
  if (value === null || value === undefined) return null;
  return type === 'int' && typeof value === 'number' ? neo4j.int(value) : value;
}

function rowsOf(ontology: Ontology, statements: WriteStatements, batch: GraphBatch, addedBy: string): RawRows {
  const sources = batch.sources.length > 0 ? (statements.upsertSources(batch.sources).params.rows as Props[]).map(withoutNulls) : [];
  const entityRows = batch.entities.length > 0 ? (statements.upsertEntities(batch.entities).params.rows as Props[]) : [];
  const entities = entityRows.map((row, i) => {
    const e = batch.entities[i]!;
    const out: Props = { ...row };
    for (const spec of ontology.entityAttributes) out[spec.name] = typed(spec.type, e.attributes[spec.name]);
    return withoutNulls(out);
  });
  const byType = new Map<string, RelationRecord[]>();
  for (const r of batch.relations) {
    const group = byType.get(r.type);
    if (group) group.push({ ...r, addedBy });
    else byType.set(r.type, [{ ...r, addedBy }]);
  }
  const relations = new Map<string, Array<{ from: string; to: string; p: Props }>>();
  for (const [type, records] of byType) {
    const rows = statements.createRelationsOfType(type, records).params.rows as Props[];
    relations.set(
      type,
      rows.map((row, i) => {
        const { from, to, type: _type, ...p } = row;
        for (const spec of ontology.relationAttributes) p[spec.name] = typed(spec.type, records[i]!.attributes[spec.name]);
        return { from: String(from), to: String(to), p: withoutNulls(p) };
      }),
    );
  }
  return { sources, entities, relations };
}

export interface RawLoad {
  /** Only the transactions, summed. */
  seconds: number;
  entities: number;
  relations: number;
  transactions: number;
}

/**
 * Loads `files` (generated seed-format JSON) into an empty database by UNWIND batches.
 * Each file is validated and turned into rows first (not timed), so the rows are exactly
 * the checked records our import writes. `warmUpRows` loads only that many rows per
 * statement: every statement once, so that Neo4j has planned them and its JIT has compiled
 * the write path before the timed load (a cold JVM took 2.5 times as long for 20,000 relations).
 */
export async function rawUnwindLoad(executor: Executor, ontology: Ontology, files: readonly string[], warmUpRows?: number): Promise<RawLoad> {
  const statements = new WriteStatements(neo4jDialect, ontology);
  const sources = new Set<string>();
  const kinds = new Map<string, string>();
  let ms = 0;
  let transactions = 0;
  let entities = 0;
  let relations = 0;
  const write = async (cypher: string, all: readonly unknown[]) => {
    const rows = warmUpRows === undefined ? all : all.slice(0, warmUpRows);
    for (let i = 0; i < rows.length; i += RAW_BATCH) {
      const st: Statement = { cypher, params: { rows: rows.slice(i, i + RAW_BATCH) } };
      const started = performance.now();
      await executor.write((run) => run(st));
      ms += performance.now() - started;
      transactions += 1;
    }
    return rows.length;
  };
  for (const path of files) {
    const file = basename(path);
    const batch = await validateSeed(parseImportText(file, readFileSync(path, 'utf8')), {
      ontology,
      existingSources: new Map([...sources].map((id) => [id, null])),
      existingKinds: async (ids) => new Map(ids.flatMap((id) => (kinds.has(id) ? [[id, kinds.get(id)!] as const] : []))),
    });
    for (const s of batch.sources) sources.add(s.id);
    for (const e of batch.entities) kinds.set(e.id, e.kind);
    const rows = rowsOf(ontology, statements, batch, importKey(file));
    await write('UNWIND $rows AS r CREATE (s:SourceDocument) SET s = r', rows.sources);
    entities += await write('UNWIND $rows AS r CREATE (e:Entity) SET e = r', rows.entities);
    for (const [type, list] of rows.relations) {
      // The type comes from the ontology (checked by the validator), never from the rows.
      relations += await write(`UNWIND $rows AS r MATCH (a:Entity {id: r.from}) MATCH (b:Entity {id: r.to}) CREATE (a)-[x:${type}]->(b) SET x = r.p`, list);
    }
  }
  return { seconds: ms / 1000, entities, relations, transactions };
}

const PROJECT_NODES = 'n:Entity OR n:SourceDocument OR n:Meta OR n:Change OR n:Claim';

/** This project's entities and relations in the database (nodes of other applications are not counted). */
export async function graphCounts(executor: Executor): Promise<{ nodes: number; entities: number; relations: number }> {
  const one = async (cypher: string) => Number((await executor.read({ cypher, params: {} }))[0]?.n ?? 0);
  return {
    nodes: await one(`MATCH (n) WHERE ${PROJECT_NODES} RETURN count(n) AS n`),
    entities: await one('MATCH (n:Entity) RETURN count(n) AS n'),
    relations: await one('MATCH (:Entity)-[r]->(:Entity) RETURN count(r) AS n'),
  };
}

/**
 * Deletes this project's nodes and their relationships, nothing else, RAW_BATCH at a time
 * (one transaction for a whole graph would hold all of it in Neo4j's heap).
 */
export async function emptyGraph(executor: Executor): Promise<void> {
  const until = async (cypher: string) => {
    const deleted = async (run: (s: Statement) => Promise<Row[]>) => Number((await run({ cypher, params: { batch: RAW_BATCH } }))[0]?.n ?? 0);
    while ((await executor.write(deleted)) > 0);
  };
  await until('MATCH (:Entity)-[r]->(:Entity) WITH r LIMIT $batch DELETE r RETURN count(*) AS n');
  await until(`MATCH (n) WHERE ${PROJECT_NODES} WITH n LIMIT $batch DETACH DELETE n RETURN count(*) AS n`);
}
