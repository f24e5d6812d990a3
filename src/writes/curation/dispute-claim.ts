import { loadOntology } from '../../ontology/ontology.js';
import { CurationError } from '../errors.js';
import type { Author, ClaimRecord } from '../../store/records.js';
import type { WriteTransaction } from '../../store/write-transaction.js';
import { audited } from './audited.js';

const MAX_DISPUTES = loadOntology().limits.count('Claim.disputes').max;

/**
 * Records that claim `disputedBy` disputes claim `claimId` (added to `disputedBy`'s
 * `disputes`); returns the disputed claim. Both must exist, differ, and the dispute must
 * not be recorded already.
 */
export function disputeClaim(tx: WriteTransaction, claimId: string, disputedById: string, by: Author): Promise<ClaimRecord> {
  return audited(tx, by, async () => {
    if (claimId === disputedById) throw new CurationError(`claim ${JSON.stringify(claimId)} cannot dispute itself`, 'disputedBy');
    // Two disputes recorded at once on one claim must not overwrite each other's.
    await tx.lockClaims([claimId, disputedById]);
    const found = new Map((await tx.claims([claimId, disputedById])).map((c) => [c.id, c]));
    const claim = found.get(claimId);
    if (!claim) throw new CurationError(`claim ${JSON.stringify(claimId)} does not exist`, 'claim');
    const disputer = found.get(disputedById);
    if (!disputer) throw new CurationError(`claim ${JSON.stringify(disputedById)} does not exist`, 'disputedBy');
    if (disputer.disputes.includes(claimId)) throw new CurationError(`claim ${JSON.stringify(disputedById)} already disputes ${JSON.stringify(claimId)}`, 'disputedBy');
    if (disputer.disputes.length >= MAX_DISPUTES)
      throw new CurationError(`claim ${JSON.stringify(disputedById)} already disputes ${MAX_DISPUTES} claims, the most it may`, 'disputedBy');
    const after: ClaimRecord = { ...disputer, disputes: [...disputer.disputes, claimId] };
    await tx.upsertClaims([after]);
    return {
      value: claim,
      change: { operation: 'DISPUTE_CLAIM', entityIds: [...new Set([claim.speaker, disputer.speaker])], relationId: null, before: disputer, after },
    };
  });
}
