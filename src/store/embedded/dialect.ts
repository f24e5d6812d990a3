import type { Ontology, ValueType } from '../../ontology/ontology.js';
import type { Dialect, RelationCondition } from '../cypher/dialect.js';
import { prop } from '../cypher/statements.js';
import { ladybugDecoder } from './values.js';

/**
 * LadybugDB's Cypher: typed tables instead of labels, so one node table for entities
 * and one relationship table whose `type` column holds the RelationType; recursive
 * patterns with `SHORTEST` and a predicate lambda that takes no parameters; `CAST`.
 */

const COLUMN_TYPES: Record<ValueType, string> = {
  string: 'STRING',
  int: 'INT64',
  float: 'DOUBLE',
  boolean: 'BOOLEAN',
  partialDate: 'STRING',
  stringList: 'STRING[]',
};

const CASTS: Partial<Record<ValueType, string>> = { int: 'INT64', float: 'DOUBLE', boolean: 'BOOLEAN' };

export interface TableSpec {
  table: string;
  /** Column name -> type, for adding the columns a newer ontology introduced. */
  columns: ReadonlyArray<[string, string]>;
  ddl: string;
}

export function tableSpecs(ontology: Ontology): TableSpec[] {
  const entityCols: Array<[string, string]> = [
    ['kind', 'STRING'],
    ['name', 'STRING'],
    ['aliases', 'STRING[]'],
    ['description', 'STRING'],
    ['sources', 'STRING'],
    ['searchKeys', 'STRING[]'],
    ['searchText', 'STRING'],
    ['mergedInto', 'STRING'],
    ['qualifiers', 'STRING'],
    ...ontology.entityAttributes.map((a): [string, string] => [a.name, COLUMN_TYPES[a.type]]),
  ];
  const relationCols: Array<[string, string]> = [
    ['id', 'STRING'],
    ['type', 'STRING'],
    ['sources', 'STRING'],
    ['addedBy', 'STRING'],
    ['retractedAt', 'STRING'],
    ['retractedBy', 'STRING'],
    ['retractionReason', 'STRING'],
    ...ontology.relationRefs.map((r): [string, string] => [r, 'STRING']),
    ...ontology.relationAttributes.map((a): [string, string] => [a.name, COLUMN_TYPES[a.type]]),
  ];
  // Sources and audit entries are stored as the SDL's SourceDocument and Change declare them.
  const fieldCols = (fields: Ontology['sourceFields']) => fields.filter((f) => f.name !== 'id').map((f): [string, string] => [f.name, COLUMN_TYPES[f.type]]);
  const sourceCols = fieldCols(ontology.sourceFields);
  const changeCols = fieldCols(ontology.changeFields);
  // Claims as the SDL's Claim declares them (references as ids), and who added each.
  const claimCols: Array<[string, string]> = [...fieldCols(ontology.claimFields), ['addedBy', 'STRING']];
  const list = (cols: ReadonlyArray<[string, string]>) => cols.map(([n, t]) => `${prop(n)} ${t}`).join(', ');
  return [
    { table: 'Entity', columns: entityCols, ddl: `CREATE NODE TABLE IF NOT EXISTS Entity(id STRING PRIMARY KEY, ${list(entityCols)})` },
    { table: 'Relation', columns: relationCols, ddl: `CREATE REL TABLE IF NOT EXISTS Relation(FROM Entity TO Entity, ${list(relationCols)})` },
    { table: 'SourceDocument', columns: sourceCols, ddl: `CREATE NODE TABLE IF NOT EXISTS SourceDocument(id STRING PRIMARY KEY, ${list(sourceCols)})` },
    { table: 'Meta', columns: [], ddl: 'CREATE NODE TABLE IF NOT EXISTS Meta(key STRING PRIMARY KEY, value STRING)' },
    { table: 'Change', columns: changeCols, ddl: `CREATE NODE TABLE IF NOT EXISTS Change(id STRING PRIMARY KEY, ${list(changeCols)})` },
    { table: 'Claim', columns: claimCols, ddl: `CREATE NODE TABLE IF NOT EXISTS Claim(id STRING PRIMARY KEY, ${list(claimCols)})` },
  ];
}

/**
 * LadybugDB evaluates no parameters inside a recursive pattern's predicate (0.19.1: "Cannot
 * evaluate $x because it does not depend on n or r"): types go in as literals, sorted, so
 * a set of types is one statement text whatever its order (the executor's cache of
 * prepared statements is keyed by text, and bounded).
 */
const typeFilter = (types: readonly string[] | null) =>
  types
    ? ` AND r.type IN [${[...types]
        .sort()
        .map((t) => `'${t}'`)
        .join(', ')}]`
    : '';

/** A day, the only value a relation condition's parameters hold (see `RelationCondition`). */
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A relation condition with its parameters written in as literals, for the same reason as
 * the types: the predicate cannot read parameters. Only days (digits and dashes, checked
 * here) are written in, so no value can change the statement's meaning; each asOf date
 * makes its own statement text, which the executor's bounded cache of prepared statements
 * holds like any other.
 */
function literalCondition(condition: RelationCondition | null): string {
  if (!condition) return '';
  const { where, params } = condition('r');
  // Longest names first, so no name is replaced inside a longer one.
  const names = Object.keys(params).sort((a, b) => b.length - a.length);
  let text = where;
  for (const name of names) {
    const value = params[name];
    if (typeof value !== 'string' || !DAY.test(value)) throw new Error(`relation condition parameter ${name} is not a day: ${JSON.stringify(value)}`);
    text = text.split(`$${name}`).join(`'${value}'`);
  }
  if (text.includes('$')) throw new Error(`relation condition has a parameter without a value: ${text}`);
  return ` AND ${text}`;
}

const relFilter = (types: readonly string[] | null, condition: RelationCondition | null) =>
  ` (r, n | WHERE r.retractedAt IS NULL${typeFilter(types)}${literalCondition(condition)})`;

export const ladybugDialect: Dialect = {
  name: 'embedded',
  schema: (ontology) => tableSpecs(ontology).map((t) => t.ddl),
  rel: (v) => `${v}:Relation`,
  // One relationship table, whose id lookups need no type.
  indexedRel: (v) => `${v}:Relation`,
  relType: (v) => `${v}.type`,
  // list_slice counts from 1, both ends inclusive.
  listHead: (list, n) => `list_slice(${list}, 1, ${n})`,
  // Not any(): LadybugDB 0.19 dies (SIGSEGV) evaluating it over more than about 2,048 list
  // items in one scan (test/engine/ladybug-faults.test.ts); list_filter holds.
  anyItem: (list, x, test) => `coalesce(size(list_filter(${list}, ${x} -> ${test})) > 0, false)`,
  pathRels: (p) => `rels(${p})`,
  // SHORTEST reaches each entity once, so the cost follows the answer's size.
  reach: (depth, types, condition) => ({ pattern: `-[:Relation* SHORTEST 1..${depth}${relFilter(types, condition)}]-`, where: null, params: {} }),
  allShortestPaths: (maxLength, types, condition) => ({
    clauses: `MATCH p = (a:Entity {id: $from})-[:Relation* ALL SHORTEST 1..${maxLength}${relFilter(types, condition)}]-(b:Entity {id: $to})`,
    params: {},
  }),
  cast: (type, expr) => (CASTS[type] ? `CAST(${expr} AS ${CASTS[type]})` : expr),
  // LadybugDB tests a long list row by row: 41 s for a hub's 100,000 entities in a graph of
  // a million relations, against about 3 s for one pass over every relation's ends.
  idListMax: 2_000,
  relationsById: (_types, ends) => `UNWIND $ids AS rid MATCH (${ends?.a ?? ''})-[r:Relation]->(${ends?.b ?? ''}) WHERE r.id = rid`,
  entityPair: (from, to) => `MATCH (a:Entity {id: ${from}}) MATCH (b:Entity {id: ${to}})`,
  // No index on relationship properties: sorting whole rows with both ends costs far more.
  relationIndexes: false,
  relationTypeInPattern: false,
  // The executor runs one write transaction at a time.
  lockEntities: null,
  // No full-text index: every entity is a candidate for the shared scorer.
  searchSource: { clause: 'MATCH (e:Entity)', v: 'e', params: () => ({}) },
  decode: ladybugDecoder,
};
