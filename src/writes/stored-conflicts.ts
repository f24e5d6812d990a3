import type { LoadReads } from '../store/load-sink.js';

/**
 * What a seed file or an import may not do to data already stored, found before
 * anything is written: change an entity's kind (its relations were checked against the
 * old one), write under an id that was merged into another entity, or replace a
 * relation that someone else added (a curator's, or another file's). A file may replace
 * its own earlier relations: that is how an edited file is reloaded.
 */
export interface StoredConflict {
  /** Index of the record in the list it was given in. */
  index: number;
  field: 'id' | 'kind';
  message: string;
}

export async function entityConflicts(store: Pick<LoadReads, 'getEntities'>, entities: ReadonlyArray<{ id: string; kind: string }>): Promise<StoredConflict[]> {
  if (entities.length === 0) return [];
  const stored = new Map((await store.getEntities(entities.map((e) => e.id))).map((e) => [e.resolvedFrom ?? e.id, e]));
  return entities.flatMap((e, index): StoredConflict[] => {
    const found = stored.get(e.id);
    if (!found) return [];
    if (found.resolvedFrom) return [{ index, field: 'id', message: `entity ${JSON.stringify(e.id)} was merged into ${JSON.stringify(found.id)}; use that id` }];
    if (found.kind !== e.kind) return [{ index, field: 'kind', message: `entity ${JSON.stringify(e.id)} is stored as a ${found.kind}; its kind cannot change to ${e.kind}` }];
    return [];
  });
}

/** `key` is the loader's own name (`seed:<file>`, `import:<file>`); relations it added may be replaced. */
export async function relationConflicts(store: Pick<LoadReads, 'relationOwners'>, key: string, ids: readonly string[]): Promise<StoredConflict[]> {
  if (ids.length === 0) return [];
  const owners = await store.relationOwners(ids);
  return ids.flatMap((id, index): StoredConflict[] => {
    if (!owners.has(id)) return [];
    const owner = owners.get(id) ?? null;
    // Relations stored before authorship was recorded came from seed files.
    if (owner === null || owner === key) return [];
    return [{ index, field: 'id', message: `relation ${JSON.stringify(id)} already exists, added by ${owner}; give this one another id` }];
  });
}
