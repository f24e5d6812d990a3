/**
 * The GraphStore port: the domain operations the API needs, with plain objects in and
 * out. Adapters (embedded LadybugDB, Neo4j) implement it; nothing driver-specific
 * crosses this boundary.
 */

import type { EngineStatus } from './cypher/executor.js';
import type { LoadAudit } from './load-sink.js';

export type AttributeValue = string | number | boolean | readonly string[] | null;

export interface CitationRecord {
  sourceId: string;
  paragraph: number;
  sentence: number | null;
  quote: string;
}

export interface EntityRecord {
  id: string;
  kind: string;
  name: string;
  aliases: readonly string[];
  description: string | null;
  sources: readonly CitationRecord[];
  /** Kind-specific fields, keyed by their name in the SDL. */
  attributes: Readonly<Record<string, AttributeValue>>;
  /** How the source presents some of `attributes` (`Entity.qualifiers`); read back as [] when none are stored. */
  qualifiers?: readonly QualifierRecord[];
  /** Set when this record was found under the id of an entity merged into it. */
  resolvedFrom?: string;
  /** Set on an entity that was merged into another: the survivor's id. */
  mergedInto?: string;
}

/** One `FieldQualifier`: how the source presents one of an entity's own fields. */
export interface QualifierRecord {
  field: string;
  basis: string;
  preliminary: boolean;
  /** Entity id of the outlet relayed (basis REPORTED). */
  reportedBy: string | null;
  note: string | null;
}

export interface Retraction {
  reason: string;
  by: string;
  at: string;
}

export interface RelationRecord {
  id: string;
  type: string;
  from: string;
  to: string;
  sources: readonly CitationRecord[];
  /** Fields stored as entity ids (`@ref` in the SDL), for example `claimedBy`. */
  refs: Readonly<Record<string, string | null>>;
  attributes: Readonly<Record<string, AttributeValue>>;
  /** Who added it: an API key's name, `seed:<file>` or `import:<file>`. */
  addedBy?: string | null;
  retraction?: Retraction | null;
}

export interface SourceRecord {
  id: string;
  /** Null when the document has no title of its own. */
  title: string | null;
  publisher: string;
  published: string;
  via: string | null;
  url: string | null;
  /** The document's text, which citations of the source are checked against; null (or absent) if not given. */
  text?: string | null;
}

/** What an `addRelation` without an id did when the fact was already there: which relation it cited, and how many citations it added. */
export interface Corroboration {
  relation: string;
  citationsAdded: number;
}

export interface AddRelationOptions {
  /**
   * The relation was given without an id (the one it carries was made up): a live relation
   * stating the same fact (src/writes/fact-identity.ts) takes its citations instead.
   */
  corroborate?: boolean;
}

/** The relation `addRelation` leaves: the new one, or with `corroborated`, the one already there. */
export type AddedRelation = RelationRecord & { corroborated?: Corroboration };
/**
 * Who says what about whom (`Claim` in the SDL). References are stored as ids: `speaker`
 * and `about` name entities (moved to the survivor when one is merged away), `asserts`
 * relations, `disputes` other claims.
 */
export interface ClaimRecord {
  id: string;
  speaker: string;
  date: string | null;
  about: readonly string[];
  quote: string;
  summary: string | null;
  /** A `Stance` value, or null. */
  stance: string | null;
  asserts: readonly string[];
  disputes: readonly string[];
  sources: readonly CitationRecord[];
  /** Who added it: an API key's name, `seed:<file>` or `import:<file>`. */
  addedBy: string | null;
}

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

import type { ChangeOperation, Direction, EntityKind, RelationType } from '../ontology/generated/schema-types.js';

// The SDL's enums, as codegen writes them, not restated.
export type { ChangeOperation, Direction, EntityKind, RelationType };

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

/** One entry of the audit log. */
export interface ChangeRecord {
  id: string;
  at: string;
  actor: string;
  operation: ChangeOperation;
  entityIds: readonly string[];
  relationId: string | null;
  before: unknown;
  after: unknown;
}

/** An audit entry's identity; the store stamps it inside the write's transaction. */
export interface Audit {
  changeId: string;
  actor: string;
  at: string;
}

/**
 * Who makes a write, and how it is stamped: an API key's name (the store takes a new
 * audit entry inside the transaction), or that with the exact audit entry to record (a
 * journal being replayed) and a hook run inside the transaction just before it commits
 * (the journal, src/journal/, makes the write durable there before the database does).
 */
export type Author = string | StampedWrite;

export interface StampedWrite {
  actor: string;
  audit?: Audit;
  beforeCommit?: (audit: Audit) => Promise<void>;
}

/** One validated batch of data to write: a seed file or an import. */
export interface GraphBatch {
  sources: SourceRecord[];
  entities: EntityRecord[];
  relations: RelationRecord[];
  /**
   * Relations given without an id whose fact the checks found stated already: inside the
   * load's transaction each cites the live relation stating the same fact, or, if none is
   * there any more, is created under its derived id.
   */
  corroborating?: RelationRecord[];
  /** Claims, written after the relations they may assert; absent in batches journaled before claims existed. */
  claims?: ClaimRecord[];
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

/**
 * The read port: every question the API asks of the graph, one operation each
 * (src/store/cypher/reads/). Every read that takes an entity id answers an id merged into
 * another entity as that survivor, so no caller retries after an empty answer.
 */
export interface GraphReads {
  getEntities(ids: readonly string[]): Promise<EntityRecord[]>;
  /** Entities ordered by id, after the `after` id (keyset), at most `limit`. */
  listEntities(q: { kinds: readonly string[] | null; after: string | null; limit: number }): Promise<EntityRecord[]>;
  search(q: { text: string; kinds: readonly string[] | null; limit: number }): Promise<SearchResult[]>;
  /** Relations touching any of `ids`, in the given direction. */
  relationsOf(q: { ids: readonly string[]; types: readonly string[] | null; direction: Direction; includeRetracted: boolean }): Promise<RelationsResult>;
  /** Relations ordered by id, after the `after` id (keyset), at most `limit`. */
  listRelations(q: {
    types: readonly string[] | null;
    from: string | null;
    to: string | null;
    after: string | null;
    limit: number;
    includeRetracted: boolean;
    /** Only relations of these bases (a row stored before `basis` existed counts as its default). */
    basis?: readonly string[];
    /** Only preliminary relations, or only the others. */
    preliminary?: boolean;
  }): Promise<RelationsResult>;
  /** A page of relations matching `where`, in `orderBy` order after `after` (keyset). */
  relationPage(q: RelationPageQuery): Promise<RelationPage>;
  /**
   * How many relations match `where` (all pages): the `where` of a page this store read
   * (`RelationPage.where`), whose ids are survivors already, so none is looked up again.
   */
  countRelations(q: { where: RelationFilter | null; includeRetracted: boolean }): Promise<number>;
  /** Relations matching `where` (retracted ones left out), counted by type, most first, ties by type. */
  relationCounts(q: { where: RelationFilter | null }): Promise<RelationTypeCountRecord[]>;
  /**
   * For each of `ids` (live entities), a page of its relations (it at either end) that
   * match `where`: one statement for all of them.
   */
  relationPagesOf(q: Omit<RelationPageQuery, 'includeRetracted'> & { ids: readonly string[]; includeRetracted: boolean }): Promise<Map<string, RelationPage>>;
  /** For each of `ids`, how many of its relations match `where`, a page's `where` as for `countRelations`. */
  countRelationsOf(q: { ids: readonly string[]; where: RelationFilter | null; includeRetracted: boolean }): Promise<Map<string, number>>;
  /** Who added each of the relations with these ids that exist (null: not recorded). */
  relationOwners(ids: readonly string[]): Promise<Map<string, string | null>>;
  /** One relation by id, retracted or not, with its ends. */
  getRelation(id: string): Promise<RelationsResult>;
  /**
   * The subgraph around `id` (its survivor's, if merged), `start` being the entity it was
   * read around (null: no such entity). Throws AnswerTooLargeError when it would hold more
   * than `maxEntities` or `maxRelations`.
   */
  neighborhood(q: NeighborhoodQuery): Promise<SubgraphResult>;
  shortestPaths(q: { from: string; to: string; maxLength: number; types: readonly string[] | null; limit: number; inForce?: InForce | null }): Promise<PathResult[]>;
  /** One count each in the database: no relation or entity is read out. */
  graphSize(): Promise<GraphSizeRecord>;
  /** The entities with the most relations, most first, ties by id; degrees counted by the database. */
  mostConnected(q: { kinds: readonly string[] | null; limit: number }): Promise<EntityDegreeRecord[]>;
  getSources(ids: readonly string[]): Promise<SourceRecord[]>;
  listSources(): Promise<SourceRecord[]>;
  /** The live relations citing the source, ordered by id, with their ends. */
  relationsCiting(sourceId: string): Promise<RelationsResult>;
  /** Changes whenever the graph does: the number of audit entries and the latest one's id. */
  graphVersion(): Promise<string>;
  /**
   * A page of entities matching `where` (merged-away ones left out) in `order` (then by
   * id), after the keyset position `after`, at most `limit`, each with its key values.
   */
  findEntities(q: {
    where: EntityFilter | null;
    order: readonly EntityOrderKey[];
    after: { keys: ReadonlyArray<string | number>; id: string } | null;
    limit: number;
  }): Promise<OrderedEntity[]>;
  /** How many entities match `where` (merged-away ones left out). */
  countEntities(where: EntityFilter | null): Promise<number>;
  /** Entities matching `where`, counted by kind, most first, then by kind; kinds with none left out. */
  entityCounts(where: EntityFilter | null): Promise<KindCount[]>;
  /** The number of relations (not retracted) of each of `ids`, of `types` if given, in `direction`. */
  entityDegrees(q: { ids: readonly string[]; types: readonly string[] | null; direction: Direction }): Promise<Map<string, number>>;
  /** How many claims `listClaims` would list over all pages (given the page's own query object, merged ids are looked up once for both). */
  countClaims(q: { speaker: string | null; about: string | null }): Promise<number>;
  /** How many entries `changes` would list over all pages. */
  countChanges(q: { since: string | null; entity: string | null }): Promise<number>;
  /** The audit log, oldest first. */
  changes(q: { since: string | null; entity: string | null; after: string | null; limit: number }): Promise<ChangeRecord[]>;
  /** Claims by id (those that exist). */
  getClaims(ids: readonly string[]): Promise<ClaimRecord[]>;
  /** Claims ordered by id, after the `after` id (keyset), at most `limit`; `speaker`/`about` merged away are read as their survivors. */
  listClaims(q: { speaker: string | null; about: string | null; after: string | null; limit: number }): Promise<ClaimRecord[]>;
  /** Claims that any of `ids` made (SPEAKER), that are about any of them (SUBJECT), or both (ANY), by id. */
  claimsOf(q: { ids: readonly string[]; role: ClaimRole }): Promise<ClaimRecord[]>;
  /** Claims whose `asserts` names any of the relations `ids`. */
  claimsAsserting(relationIds: readonly string[]): Promise<ClaimRecord[]>;
  /** Claims whose `disputes` names any of the claims `ids`. */
  claimsDisputing(claimIds: readonly string[]): Promise<ClaimRecord[]>;
  /** Claims with a citation of any of the sources `ids`. */
  claimsCiting(sourceIds: readonly string[]): Promise<ClaimRecord[]>;
}

/** What verifyData found: the graph as its record says, or repaired to it. */
export type VerifyOutcome = 'clean' | 'repaired';

/**
 * Everything a backend offers: the read port, the writes and the load bookkeeping
 * (fingerprints of loaded files), for composition; consumers take the narrowest port.
 */
export interface GraphStore extends GraphReads {
  readonly backend: string;
  /** The engine's state when it can die apart from the server (the embedded one); null otherwise. */
  engineStatus(): EngineStatus | null;
  /**
   * Checks the stored graph against the backend's own record of its writes (the embedded
   * journal), putting the record's graph in place of what disagrees; null where there is no
   * such record (Neo4j keeps its own transaction log).
   */
  verifyData(): Promise<VerifyOutcome> | null;
  /** The fingerprint recorded by the last `load` under `key`, if any. */
  loadedFingerprint(key: string): Promise<string | null>;
  /** The transactional load sink (see LoadSink): batches in one transaction, with fingerprint and IMPORT entry. */
  load(batches: GraphBatch | AsyncIterable<GraphBatch>, key: string, fingerprint: string, audit: LoadAudit): Promise<void>;
  /**
   * Curation: each write's rules (src/writes/curation/) run in one transaction of the
   * store, with an audit entry by `actor` (an API key's name). Creates or replaces an entity.
   */
  upsertEntity(entity: EntityRecord, by: Author): Promise<EntityRecord>;
  /** With `corroborate`, a live relation stating the same fact takes the citations instead (see AddRelationOptions). */
  addRelation(relation: RelationRecord, by: Author, options?: AddRelationOptions): Promise<AddedRelation>;
  /** Adds a citation to a live relation, unless the relation already has it. */
  addCitation(relation: string, citation: CitationRecord, by: Author): Promise<RelationRecord>;
  /** With `onlyIfAddedBy`, refused (NotOwnerError) unless that key added the relation: checked in the write's transaction. */
  retractRelation(id: string, reason: string, by: Author, onlyIfAddedBy?: string): Promise<RelationRecord>;
  /** Moves `duplicate`'s relations and names to `survivor` and leaves a redirect behind. */
  mergeEntities(survivor: string, duplicate: string, by: Author): Promise<EntityRecord>;
  addSource(source: SourceRecord, by: Author): Promise<SourceRecord>;
  /** Adds a claim (src/writes/curation/add-claim.ts); speaker and about merged away attach to their survivors. */
  addClaim(claim: ClaimRecord, by: Author): Promise<ClaimRecord>;
  /** Records that claim `disputedBy` disputes claim `claim` (src/writes/curation/dispute-claim.ts); returns the disputed claim. */
  disputeClaim(claim: string, disputedBy: string, by: Author): Promise<ClaimRecord>;
  /**
   * The same store, calling `observe` with each statement it sends to the database
   * (each one round trip). Cheap: made per request to count what a request costs.
   */
  observed(observe: StatementObserver): GraphStore;
  close(): Promise<void>;
}

/** The curation writes; each records its audit entry in its own transaction. */
export type GraphWrites = Pick<GraphStore, 'upsertEntity' | 'addRelation' | 'retractRelation' | 'mergeEntities' | 'addSource' | 'addClaim' | 'disputeClaim' | 'addCitation'>;

/** Load bookkeeping: the fingerprint a loaded file left, and loading one. */
export type GraphLoads = Pick<GraphStore, 'loadedFingerprint' | 'load'>;

/**
 * Told of each statement a store sends; must not throw. An observer that carries a
 * `deadline` (its request's) makes the store stop there: no read is sent once it has
 * passed, and the backend stops a read still running at it.
 */
export type StatementObserver = ((statement: { cypher: string; params: Record<string, unknown> }) => void) & { readonly deadline?: StatementDeadline };

/** When the work of a request must stop (src/budget/deadline.ts makes them). */
export interface StatementDeadline {
  /** Aborts at the deadline, or when the request is stopped earlier; its reason is the error to answer. */
  readonly signal: AbortSignal;
  remainingMs(): number;
  /** The error to answer once it has passed (its timer may not have fired yet on a busy event loop). */
  expired(): Error;
}
