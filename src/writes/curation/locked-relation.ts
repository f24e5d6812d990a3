import type { RelationRecord } from '../../store/records.js';
import type { WriteTransaction } from '../../store/write-transaction.js';

/**
 * The relation `id` as it stands once both of its ends are held until commit (null: there
 * is none). A merge holds the entities it merges, and moves their relations by deleting and
 * re-creating them from what it read: a write that changes a relation without holding its
 * ends could commit between that read and the re-creation and be lost (Neo4j reads what is
 * committed, so the merge would not see it). So the relation is read, its ends locked, and
 * read again; when a merge moved it meanwhile, its new ends are locked too, until they hold still.
 */
export async function lockedRelation(tx: WriteTransaction, id: string): Promise<RelationRecord | null> {
  const locked = new Set<string>();
  for (let found = await tx.relation(id); found; found = await tx.relation(id)) {
    const ends = [found.from, found.to].filter((e) => !locked.has(e));
    if (ends.length === 0) return found;
    await tx.lockEntities(ends);
    for (const e of ends) locked.add(e);
  }
  return null;
}
