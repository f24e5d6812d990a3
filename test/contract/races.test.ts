import { expect, it } from 'vitest';
import { describeOnEveryBackend } from '../support/contract.js';
import { KEYS } from '../support/server.js';

/**
 * Writes racing merges of the entities they attach to, from several clients at once. A write's
 * checks run inside its transaction, so whichever commits first, nothing hangs on an entity
 * that was merged away, and each acknowledged write has one audit entry naming where it went.
 */

const SOURCE = 'asia-plus-2012-01-17-kazakhstan-election';
const PAIRS = 4;
const ADDS_PER_PAIR = 5;
const UPSERT = 'mutation ($input: EntityInput!) { upsertEntity(input: $input) { id } }';
const ADD = 'mutation ($input: RelationInput!) { addRelation(input: $input) { id from { id } to { id } } }';
const MERGE = 'mutation ($survivor: ID!, $duplicate: ID!) { mergeEntities(survivor: $survivor, duplicate: $duplicate) { id } }';

describeOnEveryBackend('writes racing merges', (t) => {
  it('never leaves a relation on a merged-away entity, and audits each acknowledged write once, naming the survivor', async () => {
    const cite = (quote: string) => [{ source: SOURCE, paragraph: 1, quote }];
    for (let k = 0; k < PAIRS; k += 1) {
      for (const side of ['x', 'y']) {
        await t.data(UPSERT, { input: { id: `race-${side}-${k}`, kind: 'PARTY', name: `Race ${side} ${k}`, sources: cite(`race ${side} ${k}`) } }, { key: KEYS.admin });
      }
    }
    const adds: Array<Promise<{ id: string; to: string | null }>> = [];
    const merges: Array<Promise<unknown>> = [];
    for (let k = 0; k < PAIRS; k += 1) {
      for (let j = 0; j < ADDS_PER_PAIR; j += 1) {
        const id = `race-rel-${k}-${j}`;
        const input = { id, type: 'SUPPORTS', from: 'bolat-abilov', to: `race-y-${k}`, sources: cite(id) };
        adds.push(t.gql<{ addRelation: { to: { id: string } } }>(ADD, { input }, { key: KEYS.alice }).then((res) => ({ id, to: res.body.data?.addRelation.to.id ?? null })));
        // The merge starts among the adds, not before or after all of them.
        if (j === 1) merges.push(t.data(MERGE, { survivor: `race-x-${k}`, duplicate: `race-y-${k}` }, { key: KEYS.admin }));
      }
    }
    const answered = await Promise.all(adds);
    await Promise.all(merges);

    const acknowledged = answered.filter((a) => a.to !== null);
    // An add that lost the race to its merge is still accepted: the merged id resolves. One
    // that won it attached to the duplicate, which the merge then moved.
    expect(acknowledged).toHaveLength(PAIRS * ADDS_PER_PAIR);
    const pair = (id: string) => id.split('-')[2];
    for (const a of acknowledged) expect([`race-x-${pair(a.id)}`, `race-y-${pair(a.id)}`], a.id).toContain(a.to);

    const mergedAway = new Set(Array.from({ length: PAIRS }, (_, k) => `race-y-${k}`));
    const all = await t.store.listRelations({ types: null, from: null, to: null, after: null, limit: 1000, includeRetracted: true });
    expect(all.relations.filter((r) => mergedAway.has(r.from) || mergedAway.has(r.to)).map((r) => r.id)).toEqual([]);
    const stored = all.relations.filter((r) => r.id.startsWith('race-rel-'));
    expect(stored.map((r) => `${r.id} -> ${r.to}`).sort()).toEqual(acknowledged.map((a) => `${a.id} -> race-x-${pair(a.id)}`).sort());

    // Two ids that a merge made one entity cannot make a relation between them.
    const loop = await t.gql(ADD, { input: { type: 'SUPPORTS', from: 'race-x-0', to: 'race-y-0', sources: cite('loop') } }, { key: KEYS.alice });
    expect(loop.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(loop.body.errors?.[0]?.message).toMatch(/same entity "race-x-0"/);

    const changes = await t.store.changes({ since: null, entity: null, after: null, limit: 1000 });
    for (const a of acknowledged) {
      const entries = changes.filter((c) => c.operation === 'ADD_RELATION' && c.relationId === a.id);
      expect(entries, a.id).toHaveLength(1);
      expect(entries[0]!.entityIds).toEqual(['bolat-abilov', a.to]);
    }
  });

  it('identical adds without an id, and citations, sent at once leave one relation citing each', async () => {
    const cite = (quote: string) => [{ source: SOURCE, paragraph: 2, quote }];
    await t.data(UPSERT, { input: { id: 'race-fact', kind: 'PARTY', name: 'Race Fact', sources: cite('race fact') } }, { key: KEYS.admin });
    const CITE = 'mutation ($relation: ID!, $citation: CitationInput!) { addCitation(relation: $relation, citation: $citation) { id } }';
    const first = await t.data<{ addRelation: { id: string } }>(
      ADD,
      { input: { type: 'SUPPORTS', from: 'bolat-abilov', to: 'race-fact', sources: cite('said first') } },
      { key: KEYS.alice },
    );
    const id = first.addRelation.id;
    const writes: Array<Promise<string | undefined>> = [];
    for (let j = 0; j < 6; j += 1) {
      const key = j % 2 ? KEYS.bob : KEYS.alice;
      writes.push(
        t
          .gql<{ addRelation: { id: string } }>(ADD, { input: { type: 'SUPPORTS', from: 'bolat-abilov', to: 'race-fact', sources: cite(`said ${j}`) } }, { key })
          .then((res) => res.body.data?.addRelation.id),
      );
      writes.push(t.gql(CITE, { relation: id, citation: cite(`cited ${j}`)[0] }, { key }).then((res) => (res.body.data?.addCitation as { id: string } | undefined)?.id));
    }
    expect(await Promise.all(writes)).toEqual(Array.from({ length: 12 }, () => id));
    const stored = (await t.store.listRelations({ types: null, from: 'bolat-abilov', to: 'race-fact', after: null, limit: 100, includeRetracted: true })).relations;
    expect(stored.map((r) => r.id)).toEqual([id]);
    expect(stored[0]!.sources.map((c) => c.quote).sort()).toEqual(['said first', ...Array.from({ length: 6 }, (_, j) => [`cited ${j}`, `said ${j}`]).flat()].sort());
  });
});
