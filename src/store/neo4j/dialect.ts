import type { Ontology, ValueType } from '../../ontology/ontology.js';
import type { Dialect, RelationCondition } from '../cypher/dialect.js';
import { prop } from '../cypher/statements.js';
import { fold, skeleton } from '../search/normalize.js';
import { neo4jDecoder } from './values.js';

/**
 * Neo4j's Cypher: labels and constraints instead of tables, each RelationType a real
 * relationship type (so a type filter in a pattern is a label union such as
 * `[:LEADS|SUPPORTS*1..2]`), `allShortestPaths`, `toInteger`/`toFloat`, and a Lucene
 * full-text index for search candidates.
 */

export const FULLTEXT_INDEX = 'entity_search';

const CASTS: Partial<Record<ValueType, string>> = { int: 'toInteger', float: 'toFloat', boolean: 'toBoolean' };

const typeUnion = (types: readonly string[] | null) => (types ? `:${types.join('|')}` : '');

function schema(ontology: Ontology): string[] {
  return [
    'CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (e:Entity) REQUIRE e.id IS UNIQUE',
    'CREATE CONSTRAINT source_document_id IF NOT EXISTS FOR (s:SourceDocument) REQUIRE s.id IS UNIQUE',
    'CREATE CONSTRAINT meta_key IF NOT EXISTS FOR (m:Meta) REQUIRE m.key IS UNIQUE',
    'CREATE CONSTRAINT change_id IF NOT EXISTS FOR (c:Change) REQUIRE c.id IS UNIQUE',
    'CREATE CONSTRAINT claim_id IF NOT EXISTS FOR (c:Claim) REQUIRE c.id IS UNIQUE',
    // Claims an entity made; a merge moves them, and Entity.claims reads them.
    'CREATE INDEX claim_speaker IF NOT EXISTS FOR (c:Claim) ON (c.speaker)',
    'CREATE INDEX entity_kind IF NOT EXISTS FOR (e:Entity) ON (e.kind)',
    // A merge redirects what was merged into the duplicate; without it, a scan of all entities.
    'CREATE INDEX entity_merged_into IF NOT EXISTS FOR (e:Entity) ON (e.mergedInto)',
    // Relationship property indexes are per type: one for each RelationType's ids, and
    // for the entity references (`claimedBy`) that a merge redirects. A range index holds
    // only relations that have the property, so a rarely set reference costs little.
    ...ontology.relationTypes.map((t) => `CREATE INDEX relation_id_${t.name.toLowerCase()} IF NOT EXISTS FOR ()-[r:${t.name}]-() ON (r.id)`),
    ...ontology.relationRefs.flatMap((ref) =>
      ontology.relationTypes.map((t) => `CREATE INDEX relation_${ref.toLowerCase()}_${t.name.toLowerCase()} IF NOT EXISTS FOR ()-[r:${t.name}]-() ON (r.${prop(ref)})`),
    ),
    `CREATE FULLTEXT INDEX ${FULLTEXT_INDEX} IF NOT EXISTS FOR (e:Entity) ON EACH [e.searchText]`,
  ];
}

/**
 * A Lucene query over the folded words of `text` and their transliteration skeletons,
 * each fuzzy; folded words hold only letters and digits, so nothing needs escaping.
 */
export function luceneQuery(text: string): string {
  const words = fold(text).split(' ').filter(Boolean);
  const terms = new Set<string>();
  for (const w of words) {
    for (const t of [w, skeleton(w)]) {
      terms.add(t.length >= 4 ? `${t}~` : t);
      terms.add(`${t}*`);
    }
  }
  return [...terms].join(' OR ');
}

/**
 * Two lookups that share no variable, as two MATCH clauses, are planned as a
 * CartesianProduct; a subquery that imports what is in scope makes the second a lookup
 * per row of the first instead. (`CALL (*)` needs Neo4j 5.23 or later.)
 */
const entityPair = (from: string, to: string) => `MATCH (a:Entity {id: ${from}}) CALL (*) { MATCH (b:Entity {id: ${to}}) RETURN b }`;

/** What every relationship `x` along a path must meet: not retracted, and `condition` if given. */
function alongPath(condition: RelationCondition | null): { where: string; params: Record<string, unknown> } {
  if (!condition) return { where: 'x.retractedAt IS NULL', params: {} };
  const { where, params } = condition('x');
  return { where: `x.retractedAt IS NULL AND ${where}`, params };
}

export const neo4jDialect: Dialect = {
  name: 'neo4j',
  schema,
  rel: (v) => v,
  relType: (v) => `type(${v})`,
  listHead: (list, n) => `${list}[0..${n}]`,
  anyItem: (list, x, test) => `coalesce(any(${x} IN ${list} WHERE ${test}), false)`,
  pathRels: (p) => `relationships(${p})`,
  // With DISTINCT endpoints Neo4j prunes the expansion to a breadth-first search.
  reach: (depth, types, condition) => {
    const { where, params } = alongPath(condition);
    return { pattern: `-[rs${typeUnion(types)}*1..${depth}]-`, where: `all(x IN rs WHERE ${where})`, params };
  },
  // A predicate on all relationships of the path is applied during the shortest-path search.
  allShortestPaths: (maxLength, types, condition) => {
    const { where, params } = alongPath(condition);
    return {
      clauses: `${entityPair('$from', '$to')} MATCH p = allShortestPaths((a)-[${typeUnion(types)}*1..${maxLength}]-(b)) WHERE all(x IN relationships(p) WHERE ${where})`,
      params,
    };
  },
  cast: (type, expr) => (CASTS[type] ? `${CASTS[type]}(${expr})` : expr),
  // Neo4j plans IN over a list parameter as a set lookup, however long.
  idListMax: Number.POSITIVE_INFINITY,
  indexedRel: (v, types) => `${v}${typeUnion(types)}`,
  relationsById: (types, ends) => `MATCH (${ends?.a ?? ''})-[r${typeUnion(types)}]->(${ends?.b ?? ''}) WHERE r.id IN $ids`,
  entityPair,
  // Per-type relationship property indexes; with both ends known, Neo4j expands from the
  // one with fewer relations (Expand(Into)).
  relationIndexes: true,
  relationTypeInPattern: true,
  // Writing a property takes the node's exclusive lock for the rest of the transaction;
  // removing it again leaves no trace.
  lockEntities: 'UNWIND $ids AS i MATCH (e:Entity {id: i}) SET e.writeLock = true REMOVE e.writeLock',
  searchSource: {
    clause: `CALL db.index.fulltext.queryNodes('${FULLTEXT_INDEX}', $query, {limit: 200}) YIELD node`,
    v: 'node',
    params: (text) => ({ query: luceneQuery(text) }),
  },
  decode: neo4jDecoder,
};
