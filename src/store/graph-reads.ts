import type { ChangeRecord, ClaimRecord, Direction, EntityRecord, SourceRecord } from './records.js';
import type {
  ClaimRole,
  EntityDegreeRecord,
  EntityFilter,
  EntityOrderKey,
  GraphSizeRecord,
  InForce,
  KindCount,
  NeighborhoodQuery,
  OrderedEntity,
  PathResult,
  RelationFilter,
  RelationPage,
  RelationPageQuery,
  RelationsResult,
  RelationTypeCountRecord,
  SearchResult,
  SubgraphResult,
} from './queries.js';

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
