import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadOntology } from '../../src/ontology/ontology.js';
import { AnswerTooLargeError } from '../../src/store/errors.js';
import type { EntityRecord, RelationRecord } from '../../src/store/records.js';
import type { Graph } from '../../src/writes/graph.js';
import { describeEachBackend } from '../support/contract.js';

/**
 * Neighborhoods of more than 2,000 entities take another way to their relations (one
 * pass over all relations' ends instead of an id list); the answer must be the same.
 * A party led (the type matters not) by 2,500 people, each supporting the next one, plus
 * relations outside it.
 */
const MEMBERS = 2_500;
const person = (id: string): EntityRecord => ({ id, kind: 'PERSON', name: id, aliases: [], description: null, sources: [], attributes: {} });
const party: EntityRecord = { id: 'big-party', kind: 'PARTY', name: 'Big Party', aliases: [], description: null, sources: [], attributes: {} };
const rel = (id: string, type: string, from: string, to: string): RelationRecord => ({ id, type, from, to, sources: [], refs: {}, attributes: {} });

describeEachBackend('a neighborhood of thousands of entities', (backend) => {
  let store: Graph;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ store, dispose } = await backend.open(loadOntology()));
    const members = Array.from({ length: MEMBERS }, (_, i) => person(`m${i}`));
    const outsiders = [person('out-a'), person('out-b')];
    const relations = [
      ...members.map((m, i) => rel(`member-${i}`, 'LEADS', m.id, party.id)),
      ...members.slice(1).map((m, i) => rel(`support-${i}`, 'SUPPORTS', members[i]!.id, m.id)),
      rel('outside', 'SUPPORTS', 'out-a', 'out-b'),
      rel('half-out', 'SUPPORTS', 'out-a', 'm0'),
    ];
    await store.load({ sources: [], entities: [party, ...members, ...outsiders], relations }, 'test:big', '1', { actor: 'test:big', summary: null });
  }, 60_000);
  afterAll(async () => dispose());

  it('returns every relation among the entities found, and none that leaves them', async () => {
    const n = await store.neighborhood({ id: party.id, depth: 1, types: null, maxEntities: 10_000, maxRelations: 10_000 });
    expect(n.nodes).toHaveLength(MEMBERS + 1);
    expect(n.edges).toHaveLength(MEMBERS + MEMBERS - 1);
    expect(n.edges.find((e) => e.id === 'support-7')).toMatchObject({ type: 'SUPPORTS', from: 'm7', to: 'm8' });
    expect(n.edges.some((e) => e.id === 'half-out' || e.id === 'outside')).toBe(false);
    const typed = await store.neighborhood({ id: party.id, depth: 1, types: ['LEADS'], maxEntities: 10_000, maxRelations: 10_000 });
    expect(typed.edges).toHaveLength(MEMBERS);
  });

  it('answers exactly as many entities as the bound, and refuses one more', async () => {
    expect((await store.neighborhood({ id: party.id, depth: 1, types: ['LEADS'], maxEntities: MEMBERS + 1, maxRelations: 10_000 })).nodes).toHaveLength(MEMBERS + 1);
    await expect(store.neighborhood({ id: party.id, depth: 1, types: ['LEADS'], maxEntities: MEMBERS, maxRelations: 10_000 })).rejects.toThrow(
      new AnswerTooLargeError('entities', MEMBERS),
    );
  });

  it('refuses, before reading them, more relations than the bound', async () => {
    await expect(store.neighborhood({ id: party.id, depth: 1, types: null, maxEntities: 10_000, maxRelations: 4_000 })).rejects.toThrow(
      new AnswerTooLargeError('relations', 4_000),
    );
  });
});
