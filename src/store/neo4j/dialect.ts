import type { Ontology, ValueType } from '../../ontology/ontology.js';
import type { Dialect } from '../cypher/dialect.js';
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
    'CREATE INDEX entity_kind IF NOT EXISTS FOR (e:Entity) ON (e.kind)',
    // Relationship property indexes are per type: one for each RelationType's ids.
    ...ontology.relationTypes.map((t) => `CREATE INDEX relation_id_${t.name.toLowerCase()} IF NOT EXISTS FOR ()-[r:${t.name}]-() ON (r.id)`),
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

export const neo4jDialect: Dialect = {
  name: 'neo4j',
  schema,
  rel: (v) => v,
  relType: (v) => `type(${v})`,
  pathRels: (p) => `relationships(${p})`,
  // With DISTINCT endpoints Neo4j prunes the expansion to a breadth-first search.
  reach: (depth, types) => ({ pattern: `-[rs${typeUnion(types)}*1..${depth}]-`, where: 'all(x IN rs WHERE x.retractedAt IS NULL)' }),
  // A predicate on all relationships of the path is applied during the shortest-path search.
  allShortestPaths: (maxLength, types) =>
    `MATCH p = allShortestPaths((a:Entity {id: $from})-[${typeUnion(types)}*1..${maxLength}]-(b:Entity {id: $to})) ` +
    'WHERE all(x IN relationships(p) WHERE x.retractedAt IS NULL)',
  cast: (type, expr) => (CASTS[type] ? `${CASTS[type]}(${expr})` : expr),
  // Neo4j plans IN over a list parameter as a set lookup, however long.
  idListMax: Number.POSITIVE_INFINITY,
  relationsById: (ends) => `MATCH (${ends?.a ?? ''})-[r]->(${ends?.b ?? ''}) WHERE r.id IN $ids`,
  pageOfRelations: (where) => `MATCH (a:Entity)-[r]->(b:Entity) WHERE ${where('r')} RETURN a, r, b ORDER BY r.id LIMIT $limit`,
  relationTypeInPattern: true,
  searchCandidates: (text, kinds) => ({
    cypher:
      `CALL db.index.fulltext.queryNodes('${FULLTEXT_INDEX}', $query, {limit: 200}) YIELD node ` +
      'WHERE node.kind IN $kinds AND node.mergedInto IS NULL RETURN node.id AS id, node.name AS name, node.searchKeys AS keys',
    params: { query: luceneQuery(text), kinds: [...kinds] },
  }),
  decode: neo4jDecoder,
};
