import { CurationError } from '../errors.js';
import type { Author, ClaimRecord } from '../../store/records.js';
import type { WriteTransaction } from '../../store/write-transaction.js';
import { citationsHoldInTransaction, claimQuoteHoldsInTransaction } from '../stored-citations.js';
import { audited } from './audited.js';
import { resolveLive } from './live-entities.js';

/**
 * Adds a claim under a new id. Its speaker and the entities it is about must exist (an id
 * merged away attaches to its survivor); each relation it asserts must exist, be claimed
 * by the speaker (`claimedBy`, and basis CLAIMED where relations have a basis), and be
 * asserted by no other claim; each claim it disputes must exist and not be itself.
 */
export function addClaim(tx: WriteTransaction, claim: ClaimRecord, by: Author): Promise<ClaimRecord> {
  return audited(tx, by, async () => {
    if ((await tx.claims([claim.id])).length > 0) throw new CurationError(`claim ${JSON.stringify(claim.id)} already exists`, 'id');
    await citationsHoldInTransaction(tx, claim.sources);
    await claimQuoteHoldsInTransaction(tx, claim.quote, claim.sources);
    const speaker = (await resolveLive(tx, [claim.speaker], 'speaker')).get(claim.speaker) ?? claim.speaker;
    const live = await resolveLive(tx, claim.about, 'about');
    const about = [...new Set(claim.about.map((id) => live.get(id) ?? id))];
    const added: ClaimRecord = { ...claim, speaker, about, asserts: [...new Set(claim.asserts)], disputes: [...new Set(claim.disputes)] };
    await checkAsserts(tx, added);
    if (added.disputes.includes(added.id)) throw new CurationError(`claim ${JSON.stringify(added.id)} cannot dispute itself`, 'disputes');
    const disputed = new Set((await tx.claims(added.disputes)).map((c) => c.id));
    const missing = added.disputes.find((id) => !disputed.has(id));
    if (missing !== undefined) throw new CurationError(`claim ${JSON.stringify(missing)} does not exist`, 'disputes');
    await tx.upsertClaims([added]);
    return { value: added, change: { operation: 'ADD_CLAIM', entityIds: [...new Set([speaker, ...about])], relationId: null, before: null, after: added } };
  });
}

/** Each asserted relation exists, is the speaker's claim, and is asserted by no other claim. */
async function checkAsserts(tx: WriteTransaction, claim: ClaimRecord): Promise<void> {
  for (const id of claim.asserts) {
    const relation = await tx.relation(id);
    if (!relation) throw new CurationError(`relation ${JSON.stringify(id)} does not exist`, 'asserts');
    if (relation.retraction) throw new CurationError(`relation ${JSON.stringify(id)} was retracted; a claim asserts only relations that stand`, 'asserts');
    // Relations with a `basis` (issue 14, part QUAL) must be CLAIMED; every claimed relation names who claims it.
    const basis = relation.attributes.basis;
    if (basis !== undefined && basis !== null && basis !== 'CLAIMED') {
      throw new CurationError(`relation ${JSON.stringify(id)} has basis ${String(basis)}; a claim asserts only relations of basis CLAIMED`, 'asserts');
    }
    if (relation.refs.claimedBy !== claim.speaker) {
      const by = relation.refs.claimedBy ? `is claimed by ${JSON.stringify(relation.refs.claimedBy)}` : 'has no claimedBy';
      throw new CurationError(`relation ${JSON.stringify(id)} ${by}; a claim asserts only relations claimed by its speaker ${JSON.stringify(claim.speaker)}`, 'asserts');
    }
  }
  const other = (await tx.claimsAsserting(claim.asserts)).find((c) => c.id !== claim.id);
  if (other) {
    const id = claim.asserts.find((r) => other.asserts.includes(r))!;
    throw new CurationError(`relation ${JSON.stringify(id)} is already asserted by claim ${JSON.stringify(other.id)}`, 'asserts');
  }
}
