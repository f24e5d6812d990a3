/**
 * What the read port is asked and answers beyond plain records: filters, orders, pages,
 * counts and subgraphs (the SDL's `RelationWhere`, `EntityWhere`, orders and connections).
 */

import type { Direction, EntityKind, EntityRecord, RelationRecord, RelationType } from './records.js';

/** Which claims of an entity: those it made, those about it, or both (the SDL's `ClaimRole`). */
export type ClaimRole = 'SPEAKER' | 'SUBJECT' | 'ANY';

/** Relations together with the entities at both of their ends. */
export interface RelationsResult {
  relations: RelationRecord[];
  entities: EntityRecord[];
}

export interface SubgraphResult {
  nodes: EntityRecord[];
  edges: RelationRecord[];
  /** The entity the subgraph was read around: the survivor for a merged id; null if none. */
  start: EntityRecord | null;
  /** For a page of the first ring (`page`): whether relations follow the page's last. */
  hasNextPage?: boolean;
}

/**
 * Follow only relations in force on some day of `asOf` (a partial date), undated ones
 * only with `includeUndated`: the rule of src/ontology/relation-time.ts `inForceAt`.
 */
export interface InForce {
  asOf: string;
  includeUndated: boolean;
}

export interface PathResult {
  nodes: EntityRecord[];
  edges: RelationRecord[];
}

export interface SearchResult {
  entity: EntityRecord;
  score: number;
}

/**
 * Which relations (the SDL's `RelationWhere`): every field given must hold; `AND`, `OR`
 * and `NOT` combine nested filters. Ids are entity ids as given (merged ones are read as
 * their survivors by the store). Compiled to Cypher in src/store/cypher/reads/relation-where.ts.
 */
export interface RelationFilter {
  types?: readonly string[] | null;
  from?: string | null;
  to?: string | null;
  either?: string | null;
  fromKinds?: readonly string[] | null;
  toKinds?: readonly string[] | null;
  date?: { from?: string | null; to?: string | null } | null;
  asOf?: string | null;
  includeUndated?: boolean | null;
  basis?: readonly string[] | null;
  preliminary?: boolean | null;
  claimedBy?: string | null;
  reportedBy?: string | null;
  minConfidence?: number | null;
  source?: string | null;
  addedBy?: string | null;
  AND?: readonly RelationFilter[] | null;
  OR?: readonly RelationFilter[] | null;
  NOT?: RelationFilter | null;
}

/** One entry of a relation order (the SDL's `RelationOrder`). */
export interface RelationSort {
  field: 'ID' | 'DATE' | 'CONFIDENCE';
  direction: 'ASC' | 'DESC';
}

/** A sort key's value as a cursor carries it. */
export type SortKeyValue = string | number;

/** Where a page starts: after the relation with these sort key values and id. */
export interface RelationPosition {
  keys: readonly SortKeyValue[];
  id: string;
}

export interface RelationPageQuery {
  where: RelationFilter | null;
  includeRetracted: boolean;
  /** Keys in order; ties broken by id ascending. Empty: by id. */
  orderBy: readonly RelationSort[];
  after: RelationPosition | null;
  limit: number;
}

/** A page of relations with their ends, in order. */
export interface RelationPage extends RelationsResult {
  /** Each relation's sort key values in `orderBy` order (what a cursor after it carries). */
  keys: ReadonlyMap<string, readonly SortKeyValue[]>;
  /** The filter as read, merged ids replaced by their survivors: count with this one. */
  where: RelationFilter | null;
}

/** Relations of one type, counted. */
export interface RelationTypeCountRecord {
  type: RelationType;
  count: number;
}

/** Entities (not merged away) and relations (not retracted) in the graph. */
export interface GraphSizeRecord {
  entities: number;
  relations: number;
}

/** An entity with the number of its relations (not retracted), as `mostConnected` ranks them. */
export interface EntityDegreeRecord {
  entity: EntityRecord;
  degree: number;
}

/**
 * Which entities (`EntityWhere` in the SDL), checked and parsed by the GraphQL layer:
 * every condition given must hold; `and`, `or` and `not` combine nested filters.
 */
export interface EntityFilter {
  kinds?: readonly string[];
  /** Ids merged into another entity are read as their survivor by the store. */
  ids?: readonly string[];
  /** Name or any alias, each test already folded (src/store/search/normalize.ts `fold`). */
  name?: TextMatch;
  hasRelation?: { types: readonly string[] | null; direction: Direction };
  /** Kind-specific attributes, by name (see `attributeFiltersOf` in src/ontology/filters.ts). */
  attributes?: Readonly<Record<string, AttributeCondition>>;
  and?: readonly EntityFilter[];
  or?: readonly EntityFilter[];
  not?: EntityFilter;
}

/** Tests on a text; each given must hold. */
export interface TextMatch {
  equals?: string;
  contains?: string;
  startsWith?: string;
}

/** One attribute filter, by the attribute's value type. */
export type AttributeCondition =
  { in: readonly string[] } | { text: TextMatch } | { dates: { from: string | null; to: string | null } } | { range: { min: number | null; max: number | null } } | { is: boolean };

/** Characters of an entity's name (lowercased) that the NAME order sorts by, then by id: what a cursor carries. */
export const NAME_KEY_LENGTH = 64;

/** One key of an entity order; ties of the whole order are broken by id. */
export interface EntityOrderKey {
  field: 'ID' | 'NAME' | 'DATE' | 'DEGREE';
  direction: 'ASC' | 'DESC';
  /** For DEGREE: only relations of these types. */
  types: readonly string[] | null;
}

/** An entity of an ordered page with its sort key values (what a cursor after it names). */
export interface OrderedEntity {
  entity: EntityRecord;
  keys: Array<string | number>;
}

/** Entities of one kind, counted. */
export interface KindCount {
  kind: EntityKind;
  count: number;
}

/** What `neighborhood` reads around an entity. */
export interface NeighborhoodQuery {
  id: string;
  depth: number;
  types: readonly string[] | null;
  maxEntities: number;
  maxRelations: number;
  inForce?: InForce | null;
  /**
   * A page of the first ring instead (depth 1): the start's relations in id order after
   * the relation id `after`, at most `limit`, and the entities they join.
   */
  page?: { after: string | null; limit: number } | null;
}
