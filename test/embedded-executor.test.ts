import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOntology } from '../src/ontology/ontology.js';
import { reachStatement } from '../src/store/cypher/reads/neighborhood.js';
import { ladybugDialect } from '../src/store/embedded/dialect.js';
import { LruCache, PREPARED_STATEMENTS } from '../src/store/embedded/executor.js';
import { Graph } from '../src/writes/graph.js';
import { openEmbeddedWithExecutor } from '../src/store/embedded/open.js';

describe('the least-recently-used cache', () => {
  it('keeps its capacity of most recently used entries', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3);
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
  });
});

describe("the embedded database's prepared statements", () => {
  it('stay within their bound however many different relation type lists requests name', { timeout: 120_000 }, async () => {
    const ontology = loadOntology();
    const dataDir = mkdtempSync(join(tmpdir(), 'pag-prepared-'));
    const opened = await openEmbeddedWithExecutor({ dataDir, ontology });
    const { executor } = opened;
    const store = new Graph(opened.store, ontology);
    try {
      const person = (id: string, name: string) => ({ id, kind: 'PERSON', name, aliases: [], description: null, sources: [], attributes: {} });
      await store.upsertEntity(person('ann', 'Ann'), 'test');
      await store.upsertEntity(person('bob', 'Bob'), 'test');
      await store.addRelation({ id: 's-1', type: 'SUPPORTS', from: 'ann', to: 'bob', sources: [], refs: {}, attributes: {}, addedBy: 'test' }, 'test');
      // Each pair of types, at each depth, is a statement text of its own (the types are
      // written into it): far more texts than the cache holds, as anonymous clients can send.
      const types = ontology.relationTypes.map((t) => t.name);
      const lists = types.flatMap((a, i) => types.slice(i + 1).map((b) => [a, b]));
      const build = { dialect: ladybugDialect, ontology };
      const texts = new Set<string>();
      const cached = () => executor.preparedStatements.readers;
      for (const [i, list] of lists.entries()) {
        for (const depth of [1, 2]) {
          texts.add(reachStatement(build, 'ann', depth, list, 100).cypher);
          const { nodes } = await store.neighborhood({ id: 'ann', depth, types: list, maxEntities: 100, maxRelations: 100 });
          // A statement dropped from the cache and prepared again answers the same.
          expect(nodes.map((e) => e.id).sort()).toEqual(list.includes('SUPPORTS') ? ['ann', 'bob'] : ['ann']);
        }
        if (i % 50 === 0) for (const size of cached()) expect(size).toBeLessThanOrEqual(PREPARED_STATEMENTS);
      }
      expect(texts.size).toBeGreaterThan(PREPARED_STATEMENTS);
      for (const size of cached()) expect(size).toBeLessThanOrEqual(PREPARED_STATEMENTS);
      // Filled, so the bound was what held it.
      expect(cached().reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(PREPARED_STATEMENTS);
      // The same types in another order are the same statement text.
      expect(reachStatement(build, 'ann', 2, ['SUPPORTS', 'LEADS'], 100).cypher).toBe(reachStatement(build, 'ann', 2, ['LEADS', 'SUPPORTS'], 100).cypher);
    } finally {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
