import { randomBytes } from 'node:crypto';
import type { Audit } from '../../store/records.js';

let sequence = 0;

/**
 * A new audit entry's identity, taken inside the write's transaction (after LadybugDB's
 * write lock), so ids follow commit order. Change ids start with the ISO timestamp and a
 * per-process sequence number, so ordering by id lists changes oldest first and keyset
 * paging over them is stable; the random tail keeps ids from two processes apart.
 */
export function newAudit(actor: string, now: Date = new Date()): Audit {
  const at = now.toISOString();
  sequence = (sequence + 1) % 1_000_000;
  return { changeId: `${at}-${String(sequence).padStart(6, '0')}-${randomBytes(4).toString('hex')}`, actor, at };
}
