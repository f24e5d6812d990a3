import { CurationError } from '../errors.js';
import type { Author, CitationRecord, RelationRecord } from '../../store/records.js';
import type { WriteTransaction } from '../../store/write-transaction.js';
import { LIMITS } from '../checker.js';
import { withCitations } from '../fact-identity.js';
import { citationsHoldInTransaction } from '../stored-citations.js';
import { audited } from './audited.js';
import { lockedRelation } from './locked-relation.js';

/**
 * Adds citations to a live relation, those it has not got already (src/writes/fact-identity.ts
 * says when two are the same); `fields` name the inputs at fault.
 * Shared by `addCitation` and by an `addRelation` that corroborates a relation already there.
 * The caller holds the transaction: this runs inside it.
 */
export async function citeRelation(
  tx: WriteTransaction,
  before: RelationRecord,
  citations: readonly CitationRecord[],
  fields: { relation: string; citation: string },
): Promise<{ after: RelationRecord; added: CitationRecord[] }> {
  if (before.retraction)
    throw new CurationError(`relation ${JSON.stringify(before.id)} was retracted at ${before.retraction.at}; a retracted relation takes no citations`, fields.relation);
  for (const c of citations) {
    if (!(await tx.source(c.sourceId))) throw new CurationError(`names source ${JSON.stringify(c.sourceId)}, which is not loaded`, `${fields.citation}.source`);
  }
  await citationsHoldInTransaction(tx, citations, fields.citation === 'sources' ? 'input.sources' : 'citation');
  const { sources, added } = withCitations(before.sources, citations);
  if (sources.length > LIMITS.relationCitations) {
    throw new CurationError(`relation ${JSON.stringify(before.id)} would have more than ${LIMITS.relationCitations} citations`, fields.citation);
  }
  if (added.length > 0) await tx.setRelationSources(before.id, sources);
  return { after: { ...before, sources }, added };
}

/** `addCitation`: the relation must exist and be live; a citation it already has is not added again (the write is still recorded). */
export function addCitation(tx: WriteTransaction, relationId: string, citation: CitationRecord, by: Author): Promise<RelationRecord> {
  return audited(tx, by, async () => {
    // Held against a concurrent citation, retraction or merge of its ends until commit.
    const before = await lockedRelation(tx, relationId);
    if (!before) throw new CurationError(`relation ${JSON.stringify(relationId)} does not exist`, 'relation');
    const { after } = await citeRelation(tx, before, [citation], { relation: 'relation', citation: 'citation' });
    return {
      value: after,
      change: { operation: 'ADD_CITATION', entityIds: [after.from, after.to], relationId: after.id, before, after },
    };
  });
}
