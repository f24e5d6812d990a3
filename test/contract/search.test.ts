import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadOntology } from '../../src/ontology/ontology.js';
import type { Graph } from '../../src/writes/graph.js';
import { describeEachBackend } from '../support/contract.js';

const ontology = loadOntology();

const party = (id: string, name: string, aliases: string[] = []) => ({ id, kind: 'PARTY', name, aliases, description: null, sources: [], attributes: {} });

describeEachBackend('search for names with emoji', (backend) => {
  let store: Graph;
  let dispose: () => Promise<void>;
  beforeEach(async () => {
    ({ store, dispose } = await backend.open(ontology));
    for (const p of [party('roses', '🌹🌹'), party('rose-party', 'Rose 🌹 Party'), party('flag', '🇰🇿', ['👨‍👩‍👧']), party('nur-otan', 'Nur Otan')]) {
      await store.upsertEntity(p, 'test');
    }
  });
  afterEach(async () => dispose());

  const hits = async (text: string) => (await store.search({ text, kinds: null, limit: 10 })).map((h) => [h.entity.id, h.score]);

  it('finds an emoji-only name by its emoji, first and exactly', async () => {
    expect((await hits('🌹🌹'))[0]).toEqual(['roses', 1]);
    expect((await hits('🌹')).map(([id]) => id).sort()).toEqual(['rose-party', 'roses']);
    expect((await hits('🇰🇿'))[0]).toEqual(['flag', 1]);
    expect((await hits('👨‍👩‍👧'))[0]).toEqual(['flag', 1]);
  });

  it('finds a name mixing emoji and words by its words alone, as before', async () => {
    expect((await hits('rose party'))[0]).toEqual(['rose-party', 1]);
    expect((await hits('Rose 🌹 Party'))[0]).toEqual(['rose-party', 1]);
    expect(await hits('🌷')).toEqual([]);
  });
});
