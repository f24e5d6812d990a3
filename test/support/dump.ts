import type { GraphStore } from '../../src/store/graph-store.js';

type Readable = Pick<GraphStore, 'listEntities' | 'listRelations' | 'changes' | 'listClaims' | 'listSources' | 'getEntities' | 'loadedFingerprint'>;

/**
 * Everything the store holds, read through its port in a fixed order and serialized:
 * two dumps are equal exactly when no entity (merged away or not), relation (retracted
 * or not), claim, source, audit entry or load fingerprint was added, changed or removed.
 */
export async function dumpStore(store: Readable): Promise<string> {
  const pageSize = 500;
  const entities = [];
  for (let after: string | null = null; ;) {
    const page = await store.listEntities({ kinds: null, after, limit: pageSize });
    entities.push(...page);
    if (page.length < pageSize) break;
    after = page[page.length - 1]!.id;
  }
  const relations = [];
  for (let after: string | null = null; ;) {
    const page = await store.listRelations({ types: null, from: null, to: null, after, limit: pageSize, includeRetracted: true });
    relations.push(...page.relations);
    if (page.relations.length < pageSize) break;
    after = page.relations[page.relations.length - 1]!.id;
  }
  const changes = [];
  for (let after: string | null = null; ;) {
    const page = await store.changes({ since: null, entity: null, after, limit: pageSize });
    changes.push(...page);
    if (page.length < pageSize) break;
    after = page[page.length - 1]!.id;
  }
  const claims = [];
  for (let after: string | null = null; ;) {
    const page = await store.listClaims({ speaker: null, about: null, after, limit: pageSize });
    claims.push(...page);
    if (page.length < pageSize) break;
    after = page[page.length - 1]!.id;
  }
  const sources = await store.listSources();
  // Entities merged away are not listed; every id a change touched is read back, redirects included.
  const touched = [...new Set(changes.flatMap((c) => c.entityIds))].sort();
  const resolved = (await store.getEntities(touched)).sort((a, b) => (a.resolvedFrom ?? a.id).localeCompare(b.resolvedFrom ?? b.id));
  const keys = [...new Set(changes.map((c) => c.actor).filter((a) => /^(seed|import):/.test(a)))].sort();
  const fingerprints = await Promise.all(keys.map(async (k) => [k, await store.loadedFingerprint(k)]));
  return JSON.stringify({ entities, relations, claims, sources, changes, resolved, fingerprints });
}
