import type { CitationRecord, ClaimRecord, EntityRecord, RelationRecord, SourceRecord } from '../store/records.js';

/**
 * What a write is, as its caller asked for it: the operation and its input. A log of
 * writes (the journal, src/journal/) records it with the audit entry it was stamped with,
 * so replaying it through the same rules gives the same graph. Inputs, not results: a
 * write's effect depends on the graph before it (a merge moves whatever relations the
 * duplicate has then), and replay in order rebuilds that graph.
 */
export type WriteCommand =
  | { op: 'upsertEntity'; entity: EntityRecord }
  /** `corroborate`: given without an id, so a live relation stating the same fact takes its citations (absent in older journals: false). */
  | { op: 'addRelation'; relation: RelationRecord; corroborate?: boolean }
  | { op: 'addCitation'; relation: string; citation: CitationRecord }
  | { op: 'retractRelation'; id: string; reason: string }
  | { op: 'mergeEntities'; survivor: string; duplicate: string }
  | { op: 'addSource'; source: SourceRecord }
  | { op: 'addClaim'; claim: ClaimRecord }
  | { op: 'disputeClaim'; claim: string; disputedBy: string }
  /** A seed file or an import; its batches travel beside it (WriteLog.load). */
  | { op: 'load'; key: string; fingerprint: string; summary: unknown; entityIds: string[] };

/** The operations of WriteCommand. */
export const WRITE_OPS: ReadonlySet<WriteCommand['op']> = new Set([
  'upsertEntity',
  'addRelation',
  'addCitation',
  'retractRelation',
  'mergeEntities',
  'addSource',
  'addClaim',
  'disputeClaim',
  'load',
]);
