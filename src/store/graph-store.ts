/**
 * The GraphStore port: the domain operations the API needs, with plain objects in and
 * out. Adapters (embedded LadybugDB, Neo4j) implement it; nothing driver-specific
 * crosses this boundary.
 */

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
}

export interface SourceRecord {
  id: string;
  title: string;
  publisher: string;
  published: string;
  via: string | null;
  url: string | null;
}

/** Relations together with the entities at both of their ends. */
export interface RelationsResult {
  relations: RelationRecord[];
  entities: EntityRecord[];
}

export interface SubgraphResult {
  nodes: EntityRecord[];
  edges: RelationRecord[];
}

export interface PathResult {
  nodes: EntityRecord[];
  edges: RelationRecord[];
}

export interface SearchResult {
  entity: EntityRecord;
  score: number;
}

export type Direction = 'OUT' | 'IN' | 'BOTH';

/** One validated batch of data to write: a seed file or an import. */
export interface GraphBatch {
  sources: SourceRecord[];
  entities: EntityRecord[];
  relations: RelationRecord[];
}

export interface GraphStore {
  readonly backend: string;
  getEntities(ids: readonly string[]): Promise<EntityRecord[]>;
  /** Entities ordered by id, after the `after` id (keyset), at most `limit`. */
  listEntities(q: { kinds: readonly string[] | null; after: string | null; limit: number }): Promise<EntityRecord[]>;
  search(q: { text: string; kinds: readonly string[] | null; limit: number }): Promise<SearchResult[]>;
  /** Relations touching any of `ids`, in the given direction. */
  relationsOf(q: { ids: readonly string[]; types: readonly string[] | null; direction: Direction }): Promise<RelationsResult>;
  /** Relations ordered by id, after the `after` id (keyset), at most `limit`. */
  listRelations(q: {
    types: readonly string[] | null;
    from: string | null;
    to: string | null;
    after: string | null;
    limit: number;
  }): Promise<RelationsResult>;
  neighborhood(q: { id: string; depth: number; types: readonly string[] | null }): Promise<SubgraphResult>;
  shortestPaths(q: {
    from: string;
    to: string;
    maxLength: number;
    types: readonly string[] | null;
    limit: number;
  }): Promise<PathResult[]>;
  getSources(ids: readonly string[]): Promise<SourceRecord[]>;
  listSources(): Promise<SourceRecord[]>;
  /** The fingerprint recorded by the last `load` under `key`, if any. */
  loadedFingerprint(key: string): Promise<string | null>;
  /** Writes a batch in one transaction, recording `fingerprint` under `key`; all or nothing. */
  load(batch: GraphBatch, key: string, fingerprint: string): Promise<void>;
  close(): Promise<void>;
}
