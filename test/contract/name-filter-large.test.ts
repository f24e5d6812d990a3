import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadOntology } from '../../src/ontology/ontology.js';
import { fold } from '../../src/store/search/normalize.js';
import type { EntityRecord } from '../../src/store/records.js';
import type { Graph } from '../../src/writes/graph.js';
import { describeEachBackend } from '../support/contract.js';

/**
 * A name filter reads every entity's names (name and aliases). Over more than 2,048 names
 * in one scan LadybugDB dies on the list predicate such a test was first written with
 * (test/engine/ladybug-faults.test.ts); it must answer, and answer right, on both backends.
 */
const PEOPLE = 3_000;
const person = (i: number): EntityRecord => ({
  id: `p${i}`,
  kind: 'PERSON',
  name: i % 100 === 0 ? `Asel Ivanova ${i}` : `Person ${i}`,
  aliases: [i % 250 === 0 ? `Ivanov-${i}` : `Alias ${i}`],
  description: null,
  sources: [],
  attributes: {},
});

describeEachBackend('a name filter over thousands of entities', (backend) => {
  let store: Graph;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ store, dispose } = await backend.open(loadOntology()));
    await store.load({ sources: [], entities: Array.from({ length: PEOPLE }, (_, i) => person(i)), relations: [] }, 'test:names', '1', { actor: 'test:names', summary: null });
  }, 60_000);
  afterAll(async () => dispose());

  const ids = async (name: { contains?: string; startsWith?: string; equals?: string }) =>
    (await store.findEntities({ where: { name }, order: [], after: null, limit: 1_000 })).map((e) => e.entity.id).sort();

  it('finds names and aliases that contain, start with or equal the text', async () => {
    // Every hundredth name holds "ivanov" (in Ivanova), every 250th alias too (Ivanov-i).
    const expected = Array.from({ length: PEOPLE }, (_, i) => i)
      .filter((i) => i % 100 === 0 || i % 250 === 0)
      .map((i) => `p${i}`)
      .sort();
    expect(await ids({ contains: fold('ivanov') })).toEqual(expected);
    expect(await ids({ startsWith: fold('Ivanov') })).toEqual(['p0', 'p1000', 'p1250', 'p1500', 'p1750', 'p2000', 'p2250', 'p250', 'p2500', 'p2750', 'p500', 'p750'].sort());
    expect(await ids({ equals: fold('Alias 7') })).toEqual(['p7']);
    expect(await store.countEntities({ name: { contains: fold('ivanov') } })).toBe(expected.length);
  });
});
