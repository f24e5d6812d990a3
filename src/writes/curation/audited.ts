import { newAudit } from './audit-id.js';
import type { Audit, Author, ChangeRecord } from '../../store/records.js';
import type { WriteTransaction } from '../../store/write-transaction.js';

/** What a write records in the audit log, besides who and when. */
export type ChangeEntry = Omit<ChangeRecord, 'id' | 'at' | 'actor'>;

/**
 * Runs one write's rule inside its transaction with its audit entry: the entry is taken
 * first (inside the transaction, so ids follow commit order) unless the author brings
 * one (a journal being replayed), recorded after the rule's writes, and then the
 * author's pre-commit hook runs (the journal makes the write durable there).
 */
export async function audited<T>(tx: WriteTransaction, by: Author, write: (audit: Audit) => Promise<{ value: T; change: ChangeEntry }>): Promise<T> {
  const author = typeof by === 'string' ? { actor: by } : by;
  const audit = author.audit ?? newAudit(author.actor);
  const { value, change } = await write(audit);
  await tx.recordChange({ id: audit.changeId, at: audit.at, actor: audit.actor, ...change });
  await author.beforeCommit?.(audit);
  return value;
}
