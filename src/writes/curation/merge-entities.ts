import { CurationError } from '../errors.js';
import type { Author, EntityRecord } from '../../store/records.js';
import type { WriteTransaction } from '../../store/write-transaction.js';
import { audited, type ChangeEntry } from './audited.js';
import { liveEntity } from './live-entities.js';

/** Refused before any transaction is opened. */
export function checkMerge(survivorId: string, duplicateId: string): void {
  if (survivorId === duplicateId) throw new CurationError('an entity cannot be merged into itself', 'duplicate');
}

/**
 * Moves `duplicate`'s relations and names to `survivor` and leaves a redirect behind: the
 * duplicate's id then resolves to the survivor everywhere.
 */
export function mergeEntities(tx: WriteTransaction, survivorId: string, duplicateId: string, by: Author): Promise<EntityRecord> {
  return audited(tx, by, async (audit) => {
    // Writes that attach to either entity wait for this merge, or it for them.
    await tx.lockEntities([survivorId, duplicateId]);
    const survivor = liveEntity((await tx.entities([survivorId]))[0], survivorId, 'survivor');
    const duplicate = liveEntity((await tx.entities([duplicateId]))[0], duplicateId, 'duplicate');
    if (survivor.kind !== duplicate.kind) {
      throw new CurationError(`cannot merge a ${duplicate.kind} into a ${survivor.kind}; merge entities of the same kind`, 'duplicate');
    }
    // In id order: the audit entry lists them, and must read the same on every backend and on replay.
    const moved = (await tx.relationsAt(duplicateId)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const swap = (id: string) => (id === duplicateId ? survivorId : id);
    // A relation between the two becomes a loop on the survivor; it is kept, retracted, like any withdrawn fact.
    const loop = { reason: `merged: ${duplicateId} and ${survivorId} are the same entity`, by: audit.actor, at: audit.at };
    const kept = moved.map((r) => {
      const from = swap(r.from);
      const to = swap(r.to);
      return { ...r, from, to, retraction: r.retraction ?? (from === to ? loop : null) };
    });
    const names = [...survivor.aliases, duplicate.name, ...duplicate.aliases].filter((n) => n !== survivor.name);
    const merged: EntityRecord = { ...survivor, aliases: [...new Set(names)], sources: [...survivor.sources, ...duplicate.sources] };
    if (moved.length > 0) {
      await tx.deleteRelations(moved.map((r) => r.id));
      await tx.createRelations(kept);
      // CREATE writes a relation's own fields; a retraction is bookkeeping set beside them.
      for (const r of kept) if (r.retraction) await tx.retract(r.id, r.retraction);
    }
    await tx.redirectRefs(duplicateId, survivorId);
    // Claims the duplicate made or that are about it now name the survivor.
    // Held until commit, then read again, so a concurrent dispute of one of them is not overwritten.
    await tx.lockClaims((await tx.claimsAt(duplicateId)).map((c) => c.id));
    const claimsBefore = (await tx.claimsAt(duplicateId)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const claimsAfter = claimsBefore.map((c) => ({ ...c, speaker: swap(c.speaker), about: [...new Set(c.about.map(swap))] }));
    await tx.upsertClaims(claimsAfter);
    await tx.upsertEntities([merged]);
    await tx.redirectEntity(duplicateId, survivorId);
    const change: ChangeEntry = {
      operation: 'MERGE_ENTITIES',
      entityIds: [survivorId, duplicateId],
      relationId: null,
      before: { survivor, duplicate, relations: moved, ...(claimsBefore.length > 0 ? { claims: claimsBefore } : {}) },
      after: { survivor: merged, relations: kept, ...(claimsAfter.length > 0 ? { claims: claimsAfter } : {}) },
    };
    return { value: merged, change };
  });
}
