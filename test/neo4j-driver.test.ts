import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOntology } from '../src/ontology/ontology.js';
import type { EntityRecord } from '../src/store/records.js';
import { Graph } from '../src/writes/graph.js';
import type { Neo4jExecutor } from '../src/store/neo4j/executor.js';
import { openNeo4jWithExecutor } from '../src/store/neo4j/open.js';
import { neo4jBackend, neo4jSettings } from './support/backends.js';

/** The driver used as its manual says: reads after writes see them, on a cluster too. */
describe('the Neo4j driver (neo4j)', () => {
  if (!neo4jSettings) {
    it.skip(`needs neo4j: ${neo4jBackend.missing}`, () => undefined);
    return;
  }
  const settings = neo4jSettings;
  let store: Graph;
  let executor: Neo4jExecutor;
  beforeAll(async () => {
    // Empties the database and closes again: this file works on a store of its own.
    await (await neo4jBackend.open(loadOntology())).dispose();
    const opened = await openNeo4jWithExecutor(settings, loadOntology());
    ({ executor } = opened);
    store = new Graph(opened.store, loadOntology());
  });
  afterAll(async () => store?.close());

  const party = (id: string, name: string): EntityRecord => ({ id, kind: 'PARTY', name, aliases: [], description: null, sources: [], attributes: {} });

  it('advances the shared bookmark with each write and not with reads (what makes a read wait for a write on a cluster)', async () => {
    await store.upsertEntity(party('bookmark-a', 'A'), 'test');
    const first = await executor.lastBookmarks();
    expect(first).toHaveLength(1);
    expect((await store.getEntities(['bookmark-a']))[0]?.name).toBe('A');

    await store.upsertEntity(party('bookmark-a', 'A renamed'), 'test');
    const second = await executor.lastBookmarks();
    expect(second).toHaveLength(1);
    expect(second).not.toEqual(first);
    expect((await store.getEntities(['bookmark-a']))[0]?.name).toBe('A renamed');
    // A read neither needs nor moves a bookmark.
    expect(await executor.lastBookmarks()).toEqual(second);
  });
});
