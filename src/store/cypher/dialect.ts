import type { Ontology, ValueType } from '../../ontology/ontology.js';
import type { EntityRecord, RelationRecord } from '../records.js';

/**
 * What differs between the Cypher of the backends. Every statement is written once
 * (reads/ and statements.ts); these fragments and decoders fill the places where
 * LadybugDB and Neo4j disagree: schema DDL, how a relation's type is stored,
 * variable-length and shortest-path patterns, casts, full-text search, indexes on
 * relationship properties, and the values drivers return. No dialect holds a statement.
 */
export interface Dialect {
  readonly name: string;
  /** Idempotent statements that create the schema for the ontology. */
  schema(ontology: Ontology): string[];
  /** A single-hop relationship pattern binding `v` (inside the brackets). */
  rel(v: string): string;
  /**
   * A single-hop relationship pattern binding `v`, for a lookup by an indexed relation
   * property (its id or a reference), given every type the relation may have. Neo4j
   * indexes relationship properties per type and seeks them only for types the pattern names.
   */
  indexedRel(v: string, types: readonly string[]): string;
  /** An expression for the RelationType of relationship `v`. */
  relType(v: string): string;
  /** An expression for the first `n` (an expression) items of the list `list`. */
  listHead(list: string, n: string): string;
  /** A condition: some item `x` of the list `list` passes `test` (a condition on `x`); false for an empty or null list. */
  anyItem(list: string, x: string, test: string): string;
  /** An expression for the list of relationships of path `p`. */
  pathRels(p: string): string;
  /**
   * The pattern between `(s)` and `(m:Entity)`, and a WHERE condition if needed, that
   * reach every entity within `depth` hops once, over relations that are not retracted,
   * following only `types` (checked ontology names) if given, and only relations that
   * meet `condition` if given; `params` are the statement parameters the fragments use.
   */
  reach(depth: number, types: readonly string[] | null, condition: RelationCondition | null): { pattern: string; where: string | null; params: Record<string, unknown> };
  /**
   * Clauses binding `p` to every shortest path from `a` (id $from) to `b` (id $to) over
   * relations that are not retracted (and meet `condition` if given), with the parameters
   * the clauses use besides `$from` and `$to`.
   */
  allShortestPaths(maxLength: number, types: readonly string[] | null, condition: RelationCondition | null): { clauses: string; params: Record<string, unknown> };
  /** Converts a string parameter to a stored value of `type` (parameters travel as strings). */
  cast(type: ValueType, expr: string): string;
  /**
   * A MATCH clause binding `r` to each relation whose id is in the list parameter `$ids`,
   * given every type a relation may have (see `indexedRel`). LadybugDB joins an unwound
   * list fast but tests `IN` on a long list row by row; Neo4j plans `IN` over a list
   * parameter as a set lookup.
   */
  relationsById(types: readonly string[], ends?: { a: string; b: string }): string;
  /** Clauses binding `a` and `b` to the entities whose ids are the expressions `from` and `to`. */
  entityPair(from: string, to: string): string;
  /**
   * The longest id list worth testing every relation against (`a.id IN $ids AND b.id IN
   * $ids`); past it, one pass over all relations' end ids is cheaper.
   */
  readonly idListMax: number;
  /**
   * Whether relationship properties are indexed (Neo4j, per type). Without (LadybugDB), a
   * page of relations sorts their ids apart before reading whole rows, and a page between
   * two entities filters by their ids instead of looking both up first.
   */
  readonly relationIndexes: boolean;
  /** Whether CREATE needs one statement per relation type (types that cannot be parameters). */
  readonly relationTypeInPattern: boolean;
  /**
   * A statement that write-locks the entities whose ids are in `$ids` until the transaction
   * ends, so a write's checks of them cannot be overtaken by a concurrent write (a merge);
   * null where write transactions run one at a time.
   */
  readonly lockEntities: string | null;
  /**
   * Where search candidates come from: `clause` binds `v` to candidate entity nodes for a
   * text (a full-text index, or every entity), with `params` for it; the shared scorer then
   * ranks them, so every backend ranks alike.
   */
  readonly searchSource: { clause: string; v: string; params(text: string): Record<string, unknown> };
  readonly decode: Decoder;
}

/**
 * A condition on one relationship of a variable-length pattern, written for the variable
 * `v` the dialect binds it to, with its parameters (such as `inForceAtCondition` of
 * reads/relation-time.ts). Its parameter values are days (`YYYY-MM-DD`): a dialect that
 * cannot pass parameters into the pattern writes them in as checked literals.
 */
export type RelationCondition = (v: string) => { where: string; params: Record<string, unknown> };

/** Turns a driver's values into domain records; nothing driver-specific leaves it. */
export interface Decoder {
  entity(ontology: Ontology, value: unknown): EntityRecord;
  /** A relationship value whose ends' entity ids the statement returned beside it. */
  relation(ontology: Ontology, value: unknown, from: string, to: string): RelationRecord;
  /** A path's relationships, with their ends named by the path's nodes. */
  pathRelations(ontology: Ontology, nodes: unknown[], rels: unknown[]): RelationRecord[];
  /** A node's properties as a plain object. */
  properties(value: unknown): Record<string, unknown>;
  number(value: unknown): number;
  strings(value: unknown): string[];
}

/** Relation types become part of a statement's text only after this check. */
export function checkedTypes(ontology: Ontology, types: readonly string[]): string[] {
  for (const t of types) {
    if (!ontology.relationType(t)) throw new Error(`unknown relation type ${JSON.stringify(t)}`);
  }
  return [...new Set(types)];
}
