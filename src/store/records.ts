/**
 * The records the store keeps and returns: entities, relations, sources, claims, the audit
 * log, and the batches a load writes. Plain objects; nothing driver-specific.
 */

import type { ChangeOperation, Direction, EntityKind, RelationType } from '../ontology/generated/schema-types.js';

// The SDL's enums, as codegen writes them, not restated.
export type { ChangeOperation, Direction, EntityKind, RelationType };

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

/** An audit entry's identity, stamped inside the write's transaction (src/writes/curation/audited.ts). */
export interface Audit {
  changeId: string;
  actor: string;
  at: string;
}

/**
 * Who makes a write, and how it is stamped: an API key's name (a new audit entry is taken
 * inside the transaction), or that with the exact audit entry to record (a log of writes
 * being replayed) and a hook run inside the transaction just before it commits (where a
 * log of writes, src/writes/write-log.ts, makes the write durable before the database does).
 * Carried in load audits (load-sink.ts), so it is a record here; the store never reads it.
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
