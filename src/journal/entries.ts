import type { Audit } from '../store/records.js';
import { WRITE_OPS, type WriteCommand } from '../writes/write-command.js';

/**
 * What the journal records: each write's command (src/writes/write-command.ts) with the
 * audit entry it was stamped with, so replaying it through the same rules gives the same
 * graph and the same audit log; and its bookkeeping lines.
 */
export type JournalEntry =
  /** The first line. `complete` is false when the journal began beside a database that already held data. */
  | { op: 'genesis'; at: string; complete: boolean }
  | WriteEntry
  /** The write stamped `changeId` was journaled but did not commit. */
  | { op: 'void'; changeId: string };

/** A write as journaled: its command and its audit entry (a load's batches are in loads/<audit.changeId>.jsonl). */
export type WriteEntry = Stamped<WriteCommand>;
type Stamped<C> = C extends unknown ? C & { audit: Audit } : never;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isAudit(v: unknown): v is Audit {
  return isRecord(v) && typeof v.changeId === 'string' && typeof v.actor === 'string' && typeof v.at === 'string';
}

/**
 * Checks a line's shape: the operation, its audit entry, and the fields replay reads.
 * Records inside are the store's own, written by this program; the store validates
 * nothing on replay that it did not validate the first time.
 */
export function isJournalEntry(v: unknown): v is JournalEntry {
  if (!isRecord(v) || typeof v.op !== 'string') return false;
  switch (v.op) {
    case 'genesis':
      return typeof v.at === 'string' && typeof v.complete === 'boolean';
    case 'void':
      return typeof v.changeId === 'string';
    case 'upsertEntity':
      return isAudit(v.audit) && isRecord(v.entity) && typeof v.entity.id === 'string';
    case 'addRelation':
      return isAudit(v.audit) && isRecord(v.relation) && typeof v.relation.id === 'string';
    case 'addCitation':
      return isAudit(v.audit) && typeof v.relation === 'string' && isRecord(v.citation) && typeof v.citation.sourceId === 'string';
    case 'retractRelation':
      return isAudit(v.audit) && typeof v.id === 'string' && typeof v.reason === 'string';
    case 'mergeEntities':
      return isAudit(v.audit) && typeof v.survivor === 'string' && typeof v.duplicate === 'string';
    case 'addSource':
      return isAudit(v.audit) && isRecord(v.source) && typeof v.source.id === 'string';
    case 'addClaim':
      return isAudit(v.audit) && isRecord(v.claim) && typeof v.claim.id === 'string';
    case 'disputeClaim':
      return isAudit(v.audit) && typeof v.claim === 'string' && typeof v.disputedBy === 'string';
    case 'load':
      return isAudit(v.audit) && typeof v.key === 'string' && typeof v.fingerprint === 'string' && Array.isArray(v.entityIds);
    default:
      return false;
  }
}

export function isWriteEntry(e: JournalEntry): e is WriteEntry {
  return (WRITE_OPS as ReadonlySet<string>).has(e.op);
}

/** The writes that committed or may have: every write entry not voided later. */
export function writesOf(entries: readonly JournalEntry[]): WriteEntry[] {
  const voided = new Set(entries.flatMap((e) => (e.op === 'void' ? [e.changeId] : [])));
  return entries.filter(isWriteEntry).filter((e) => !voided.has(e.audit.changeId));
}
