import { CurationError, NotOwnerError } from '../errors.js';
import type { Author, RelationRecord } from '../../store/records.js';
import type { WriteTransaction } from '../../store/write-transaction.js';
import { audited } from './audited.js';
import { lockedRelation } from './locked-relation.js';

/**
 * Marks a relation retracted (it stays, as a withdrawn fact). With `onlyIfAddedBy` (a
 * curator's key), refused unless that key added it: checked here, in the write's
 * transaction, so the answer cannot be stale.
 */
export function retractRelation(tx: WriteTransaction, id: string, reason: string, by: Author, onlyIfAddedBy?: string): Promise<RelationRecord> {
  return audited(tx, by, async (audit) => {
    // Held against a merge of its ends, which would otherwise re-create it unretracted.
    const before = await lockedRelation(tx, id);
    if (!before) throw new CurationError(`relation ${JSON.stringify(id)} does not exist`, 'id');
    if (onlyIfAddedBy !== undefined && before.addedBy !== onlyIfAddedBy) {
      throw new NotOwnerError(`relation ${JSON.stringify(id)} was added by ${before.addedBy ?? 'someone else'}; only an admin key may retract it`);
    }
    if (before.retraction) throw new CurationError(`relation ${JSON.stringify(id)} was already retracted at ${before.retraction.at}`, 'id');
    const retraction = { reason, by: audit.actor, at: audit.at };
    await tx.retract(id, retraction);
    const after: RelationRecord = { ...before, retraction };
    return { value: after, change: { operation: 'RETRACT_RELATION', entityIds: [before.from, before.to], relationId: id, before, after } };
  });
}
