import { CurationError } from '../errors.js';
import type { EntityRecord } from '../../store/records.js';
import type { WriteTransaction } from '../../store/write-transaction.js';

/**
 * Locks the entities `ids` name and resolves each to the entity it now is (an id merged
 * away resolves to its survivor), so what a write attaches to cannot be merged away
 * before it commits.
 */
export async function resolveLive(tx: WriteTransaction, ids: readonly string[], field: string): Promise<Map<string, string>> {
  await tx.lockEntities(ids);
  const found = new Map((await tx.entities(ids)).map((e) => [e.id, e]));
  const resolved = new Map<string, string>();
  for (const id of ids) {
    const e = found.get(id);
    if (!e) throw new CurationError(`entity ${JSON.stringify(id)} does not exist`, field);
    // Merges resolve chains as they happen (a survivor is never merged-away), so one step suffices.
    resolved.set(id, e.mergedInto ?? id);
  }
  const survivors = [...new Set(resolved.values())].filter((id) => !found.has(id));
  if (survivors.length > 0) {
    await tx.lockEntities(survivors);
    const present = new Set((await tx.entities(survivors)).map((e) => e.id));
    for (const id of survivors) if (!present.has(id)) throw new CurationError(`entity ${JSON.stringify(id)} does not exist`, field);
  }
  return resolved;
}

/** The entity `id` as one side of a merge: it must exist and not be merged away itself. */
export function liveEntity(e: EntityRecord | undefined, id: string, role: string): EntityRecord {
  if (!e) throw new CurationError(`${role} ${JSON.stringify(id)} does not exist`, role);
  if (e.mergedInto) throw new CurationError(`${role} ${JSON.stringify(id)} was merged into ${JSON.stringify(e.mergedInto)}; use that id`, role);
  return e;
}
