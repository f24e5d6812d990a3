import { CurationError } from '../errors.js';
import type { Author, EntityRecord } from '../../store/records.js';
import type { WriteTransaction } from '../../store/write-transaction.js';
import { citationsHoldInTransaction } from '../stored-citations.js';
import { audited } from './audited.js';

/** Creates or replaces an entity; an entity merged away, or one of another kind, is refused. */
export function upsertEntity(tx: WriteTransaction, entity: EntityRecord, by: Author): Promise<EntityRecord> {
  return audited(tx, by, async () => {
    const [before = null] = await tx.entities([entity.id]);
    if (before?.mergedInto) {
      throw new CurationError(`entity ${JSON.stringify(entity.id)} was merged into ${JSON.stringify(before.mergedInto)}; update that one`, 'id');
    }
    if (before && before.kind !== entity.kind) {
      throw new CurationError(`entity ${JSON.stringify(entity.id)} is a ${before.kind}; its kind cannot change to ${entity.kind}`, 'kind');
    }
    await citationsHoldInTransaction(tx, entity.sources);
    await tx.upsertEntities([entity]);
    return { value: entity, change: { operation: 'UPSERT_ENTITY', entityIds: [entity.id], relationId: null, before, after: entity } };
  });
}
