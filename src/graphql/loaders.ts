import DataLoader from 'dataloader';
import type { ClaimRecord, Direction, EntityRecord, RelationRecord, SourceRecord } from '../store/records.js';
import type { ClaimRole, RelationFilter, RelationPage, RelationPageQuery, RelationsResult } from '../store/queries.js';
import type { GraphReads } from '../store/graph-reads.js';
import { Slicer, sortInSlices } from '../event-loop/yielding.js';

/**
 * Per-request batching: however many entities a query touches, their relations,
 * far ends and sources cost one store call per level, not one per item.
 */
export interface Loaders {
  entity: DataLoader<string, EntityRecord | null>;
  source: DataLoader<string, SourceRecord | null>;
  relations: DataLoader<RelationsKey, RelationRecord[], string>;
  /** Puts entities a store call already returned into the cache, saving a round trip. */
  primeEntities(entities: readonly EntityRecord[]): void;
  /**
   * An entity this request already holds, without waiting: a large answer resolves
   * thousands of relation ends, and a promise for each costs more than the rest.
   */
  heldEntity(id: string): EntityRecord | undefined;
  primeRelationEnds(result: RelationsResult): RelationRecord[];
  claim: DataLoader<string, ClaimRecord | null>;
  /** Claims of an entity, keyed `<role>|<id>`. */
  entityClaims: DataLoader<{ id: string; role: ClaimRole }, ClaimRecord[], string>;
  /** The claim asserting a relation, by relation id. */
  relationClaim: DataLoader<string, ClaimRecord | null>;
  /** Claims disputing a claim, by its id. */
  disputedBy: DataLoader<string, ClaimRecord[]>;
  /** Claims citing a source, by its id. */
  sourceClaims: DataLoader<string, ClaimRecord[]>;
  /** One relation by id, retracted or not (a claim's `asserts`). */
  relation: DataLoader<string, RelationRecord | null>;
  /** A page of an entity's relations (`Entity.relationsConnection`): one statement per distinct query, for every entity. */
  relationPages: DataLoader<RelationPagesKey, RelationPage, string>;
  /** How many of an entity's relations match a filter (its `totalCount`): one statement per distinct filter. */
  relationCountsOf: DataLoader<RelationCountsKey, number, string>;
  /** `Entity.degree`: one statement per distinct (types, direction) however many entities ask. */
  degree: DataLoader<DegreeKey, number, string>;
  /** Drops everything cached, after a write made it stale. */
  clearAll(): void;
}

export interface RelationsKey {
  id: string;
  types: readonly string[] | null;
  direction: Direction;
  includeRetracted: boolean;
}

export type RelationPagesKey = RelationPageQuery & { id: string };
export type RelationCountsKey = { id: string; where: RelationFilter | null; includeRetracted: boolean };

/** What parents share one statement: the same query but for the entity. */
const pageQueryKey = ({ where, includeRetracted, orderBy, after, limit }: RelationPagesKey) => JSON.stringify([where, includeRetracted, orderBy, after, limit]);
const countQueryKey = ({ where, includeRetracted }: RelationCountsKey) => JSON.stringify([where, includeRetracted]);

/** Keys grouped by the query they share, in first-seen order. */
function groupBy<K>(keys: readonly K[], by: (k: K) => string): Map<string, K[]> {
  const groups = new Map<string, K[]>();
  for (const k of keys) groups.set(by(k), [...(groups.get(by(k)) ?? []), k]);
  return groups;
}

export interface DegreeKey {
  id: string;
  types: readonly string[] | null;
  direction: Direction;
}

const degreeGroup = (k: DegreeKey) => `${k.direction}|${k.types ? [...new Set(k.types)].sort().join(',') : '*'}`;

/** An entity's relations list, named by its filter and the entity: the loader's cache key, and the key ListSizes remembers it by. */
export const relationsListKey = (k: RelationsKey) => `${filterKey(k)}|${k.id}`;

const filterKey = (k: Omit<RelationsKey, 'id'>) => `${k.direction}|${k.includeRetracted ? 'all' : 'active'}|${k.types ? [...new Set(k.types)].sort().join(',') : '*'}`;

function byRelationOrder(a: RelationRecord, b: RelationRecord): number {
  return a.type.localeCompare(b.type) || a.id.localeCompare(b.id);
}

type ClaimReads = Pick<GraphReads, 'getClaims' | 'claimsOf' | 'claimsAsserting' | 'claimsDisputing' | 'claimsCiting' | 'getRelation'>;

const byId = (a: ClaimRecord, b: ClaimRecord) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function createLoaders(
  store: Pick<GraphReads, 'getEntities' | 'getSources' | 'relationsOf' | 'relationPagesOf' | 'countRelationsOf' | 'entityDegrees'> & ClaimReads,
): Loaders {
  const held = new Map<string, EntityRecord>();
  const entity = new DataLoader<string, EntityRecord | null>(async (ids) => {
    // An id merged into another entity resolves to the survivor.
    const found = new Map((await store.getEntities(ids)).map((e) => [e.resolvedFrom ?? e.id, e]));
    for (const e of found.values()) if (!e.resolvedFrom) held.set(e.id, e);
    return ids.map((id) => found.get(id) ?? null);
  });
  const source = new DataLoader<string, SourceRecord | null>(async (ids) => {
    const found = new Map((await store.getSources(ids)).map((s) => [s.id, s]));
    return ids.map((id) => found.get(id) ?? null);
  });
  const primeEntities = (entities: readonly EntityRecord[]) => {
    for (const e of entities) {
      entity.prime(e.id, e);
      held.set(e.id, e);
    }
  };
  const primeRelationEnds = (result: RelationsResult) => {
    primeEntities(result.entities);
    return result.relations;
  };

  const relations = new DataLoader<RelationsKey, RelationRecord[], string>(
    async (keys) => {
      // One store call per distinct filter; in practice a query uses one.
      const groups = new Map<string, RelationsKey[]>();
      for (const k of keys) {
        const g = filterKey(k);
        groups.set(g, [...(groups.get(g) ?? []), k]);
      }
      const answers = new Map<string, RelationRecord[]>();
      await Promise.all(
        [...groups.entries()].map(async ([g, group]) => {
          const first = group[0]!;
          const result = await store.relationsOf({
            ids: [...new Set(group.map((k) => k.id))],
            types: first.types,
            direction: first.direction,
            includeRetracted: first.includeRetracted,
          });
          const all = primeRelationEnds(result);
          // Each relation to the lists of the ends asked for, in one pass; then each list
          // sorted. In slices: a hub's list is tens of thousands of relations (yielding.ts).
          const slicer = new Slicer();
          const lists = new Map<string, RelationRecord[]>(group.map((k) => [k.id, []]));
          const { direction } = first;
          for (const r of all) {
            if (slicer.due()) await slicer.pause();
            if (direction !== 'IN') lists.get(r.from)?.push(r);
            // A relation from an entity to itself is in its list once.
            if (direction !== 'OUT' && !(direction === 'BOTH' && r.to === r.from)) lists.get(r.to)?.push(r);
          }
          for (const [id, list] of lists) answers.set(`${g}|${id}`, await sortInSlices(list, byRelationOrder, slicer));
        }),
      );
      return keys.map((k) => answers.get(`${filterKey(k)}|${k.id}`) ?? []);
    },
    { cacheKeyFn: (k) => `${filterKey(k)}|${k.id}` },
  );

  const relationPages = new DataLoader<RelationPagesKey, RelationPage, string>(
    async (keys) => {
      const answers = new Map<string, RelationPage>();
      await Promise.all(
        [...groupBy(keys, pageQueryKey).entries()].map(async ([g, group]) => {
          const { where, includeRetracted, orderBy, after, limit } = group[0]!;
          const pages = await store.relationPagesOf({ ids: [...new Set(group.map((k) => k.id))], where, includeRetracted, orderBy, after, limit });
          for (const [id, page] of pages) {
            primeEntities(page.entities);
            answers.set(`${g}|${id}`, page);
          }
        }),
      );
      return keys.map((k) => answers.get(`${pageQueryKey(k)}|${k.id}`) ?? new Error(`no page for ${k.id}`));
    },
    { cacheKeyFn: (k) => `${pageQueryKey(k)}|${k.id}` },
  );
  const relationCountsOf = new DataLoader<RelationCountsKey, number, string>(
    async (keys) => {
      const answers = new Map<string, number>();
      await Promise.all(
        [...groupBy(keys, countQueryKey).entries()].map(async ([g, group]) => {
          const { where, includeRetracted } = group[0]!;
          const counts = await store.countRelationsOf({ ids: [...new Set(group.map((k) => k.id))], where, includeRetracted });
          for (const [id, n] of counts) answers.set(`${g}|${id}`, n);
        }),
      );
      return keys.map((k) => answers.get(`${countQueryKey(k)}|${k.id}`) ?? 0);
    },
    { cacheKeyFn: (k) => `${countQueryKey(k)}|${k.id}` },
  );

  const claim = new DataLoader<string, ClaimRecord | null>(async (ids) => {
    const found = new Map((await store.getClaims(ids)).map((c) => [c.id, c]));
    return ids.map((id) => found.get(id) ?? null);
  });
  const primeClaims = (claims: readonly ClaimRecord[]) => {
    for (const c of claims) claim.prime(c.id, c);
    return claims;
  };
  const entityClaims = new DataLoader<{ id: string; role: ClaimRole }, ClaimRecord[], string>(
    async (keys) => {
      const answers = new Map<string, ClaimRecord[]>();
      for (const role of [...new Set(keys.map((k) => k.role))]) {
        const ids = [...new Set(keys.filter((k) => k.role === role).map((k) => k.id))];
        const claims = primeClaims(await store.claimsOf({ ids, role }));
        for (const id of ids) {
          const spoke = (c: ClaimRecord) => c.speaker === id;
          const about = (c: ClaimRecord) => c.about.includes(id);
          answers.set(`${role}|${id}`, claims.filter((c) => (role === 'SPEAKER' ? spoke(c) : role === 'SUBJECT' ? about(c) : spoke(c) || about(c))).sort(byId));
        }
      }
      return keys.map((k) => answers.get(`${k.role}|${k.id}`) ?? []);
    },
    { cacheKeyFn: (k) => `${k.role}|${k.id}` },
  );
  const relationClaim = new DataLoader<string, ClaimRecord | null>(async (ids) => {
    const claims = primeClaims(await store.claimsAsserting(ids));
    return ids.map((id) => claims.find((c) => c.asserts.includes(id)) ?? null);
  });
  const disputedBy = new DataLoader<string, ClaimRecord[]>(async (ids) => {
    const claims = primeClaims(await store.claimsDisputing(ids));
    return ids.map((id) => claims.filter((c) => c.disputes.includes(id)).sort(byId));
  });
  const sourceClaims = new DataLoader<string, ClaimRecord[]>(async (ids) => {
    const claims = primeClaims(await store.claimsCiting(ids));
    return ids.map((id) => claims.filter((c) => c.sources.some((s) => s.sourceId === id)).sort(byId));
  });
  const relation = new DataLoader<string, RelationRecord | null>(async (ids) =>
    Promise.all(
      ids.map(async (id) => {
        const result = await store.getRelation(id);
        primeRelationEnds(result);
        return result.relations[0] ?? null;
      }),
    ),
  );

  const degree = new DataLoader<DegreeKey, number, string>(
    async (keys) => {
      const groups = new Map<string, DegreeKey[]>();
      for (const k of keys) groups.set(degreeGroup(k), [...(groups.get(degreeGroup(k)) ?? []), k]);
      const answers = new Map<string, number>();
      await Promise.all(
        [...groups.entries()].map(async ([g, group]) => {
          const first = group[0]!;
          const found = await store.entityDegrees({ ids: [...new Set(group.map((k) => k.id))], types: first.types, direction: first.direction });
          for (const k of group) answers.set(`${g}|${k.id}`, found.get(k.id) ?? 0);
        }),
      );
      return keys.map((k) => answers.get(`${degreeGroup(k)}|${k.id}`) ?? 0);
    },
    { cacheKeyFn: (k) => `${degreeGroup(k)}|${k.id}` },
  );

  const clearAll = () => {
    claim.clearAll();
    entityClaims.clearAll();
    relationClaim.clearAll();
    disputedBy.clearAll();
    sourceClaims.clearAll();
    relation.clearAll();
    held.clear();
    entity.clearAll();
    source.clearAll();
    relations.clearAll();
    relationPages.clearAll();
    relationCountsOf.clearAll();
    degree.clearAll();
  };
  return {
    entity,
    source,
    relations,
    primeEntities,
    heldEntity: (id) => held.get(id),
    primeRelationEnds,
    claim,
    entityClaims,
    relationClaim,
    disputedBy,
    sourceClaims,
    relation,
    relationPages,
    relationCountsOf,
    degree,
    clearAll,
  };
}
