import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, it } from 'vitest';
import { loadOntology } from '../../src/ontology/ontology.js';
import type { GraphStore } from '../../src/store/graph-store.js';
import type { EntityRecord, RelationRecord } from '../../src/store/records.js';
import type { WriteTransaction } from '../../src/store/write-transaction.js';
import { Graph } from '../../src/writes/graph.js';
import { describeEachBackend } from '../support/contract.js';

/**
 * A write to a relation racing a merge of its ends, forced into the worst order: the write
 * has changed the relation and is held there, open, while the merge reads the relations it
 * moves. A merge moves relations by deleting them and creating them again from what it
 * read, so on Neo4j, which reads what is committed, it read the relation without the
 * change and re-created it so: the change, acknowledged once it committed, was lost (issue
 * 24's lost retraction). The merge must wait for the write and move what it wrote.
 */

const ontology = loadOntology();
const party = (id: string): EntityRecord => ({ id, kind: 'PARTY', name: `Party ${id}`, aliases: [], description: null, sources: [], attributes: {} });
/** The relation's other end sorts after the duplicate, or before it (then the write locks it first, and the merge's delete needs it: a deadlock Neo4j breaks and the driver retries). */
const OTHER_ENDS = ['race-other', 'race-aaa'] as const;
const relationTo = (other: string): RelationRecord => ({ id: 'race-r', type: 'SUPPORTS', from: 'race-dup', to: other, sources: [], refs: {}, attributes: {}, addedBy: 'admin' });
const SOURCE = { id: 'race-source', title: null, publisher: 'Race', published: '2012-01-16', via: null, url: null };

/** `raw` whose write transactions call `reached` once `method` of the transaction has answered, and then wait for `gate`. */
function holdingAfter(raw: GraphStore, method: keyof WriteTransaction, reached: () => void, gate: Promise<void>): GraphStore {
  const holding = (tx: WriteTransaction): WriteTransaction =>
    new Proxy(tx, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop);
        if (typeof value !== 'function') return value;
        const call = (value as (...args: unknown[]) => Promise<unknown>).bind(target);
        if (prop !== method) return call;
        return async (...args: unknown[]) => {
          const answer = await call(...args);
          reached();
          await gate;
          return answer;
        };
      },
    });
  return new Proxy(raw, {
    get(target, prop) {
      if (prop === 'writeTransaction') {
        return <T>(work: (tx: WriteTransaction) => Promise<T>, options?: { bulk?: boolean }) => target.writeTransaction((tx) => work(holding(tx)), options);
      }
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function signal(): { promise: Promise<void>; fire: () => void } {
  let fire!: () => void;
  const promise = new Promise<void>((resolve) => (fire = resolve));
  return { promise, fire };
}

describeEachBackend('a write to a relation racing a merge of its ends', (backend) => {
  const disposals: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const d of disposals.splice(0)) await d();
  });

  /**
   * Runs `write` through a graph that holds its transaction open after `method` (its change
   * to the relation) until the merge has read what it moves, or 1.5 s have passed; returns
   * whether the merge read while the write was open (it must not: it waits for the write).
   */
  async function raced<T>(other: string, method: keyof WriteTransaction, write: (graph: Graph) => Promise<T>): Promise<{ graph: Graph; readBeside: boolean; value: T }> {
    const { store, raw, dispose } = await backend.open(ontology);
    disposals.push(dispose);
    await store.addSource(SOURCE, 'admin');
    for (const id of ['race-survivor', 'race-dup', other]) await store.upsertEntity(party(id), 'admin');
    await store.addRelation(relationTo(other), 'admin');
    const written = signal();
    const gate = signal();
    const mergeRead = signal();
    const writing = write(new Graph(holdingAfter(raw, method, written.fire, gate.promise), ontology));
    try {
      await written.promise;
      const merge = new Graph(holdingAfter(raw, 'relationsAt', mergeRead.fire, Promise.resolve()), ontology).mergeEntities('race-survivor', 'race-dup', 'admin');
      // Long enough for the merge to read if nothing holds it back.
      const readBeside = (await Promise.race([mergeRead.promise.then(() => true), sleep(1_500).then(() => false)])) as boolean;
      gate.fire();
      const value = await writing;
      await merge;
      return { graph: store, readBeside, value };
    } finally {
      gate.fire();
      await writing.catch(() => undefined);
    }
  }

  it.each(OTHER_ENDS)('keeps a retraction: the merge waits for it and moves the relation retracted (other end %s)', { timeout: 60_000 }, async (other) => {
    const { graph, readBeside, value } = await raced(other, 'retract', (g) => g.retractRelation('race-r', 'not in the source', 'admin'));
    expect(readBeside).toBe(false);
    expect(value.retraction?.reason).toBe('not in the source');
    const [stored] = (await graph.getRelation('race-r')).relations;
    expect(stored?.from).toBe('race-survivor');
    expect(stored?.retraction?.reason).toBe('not in the source');
    const changes = await graph.changes({ since: null, entity: null, after: null, limit: 100 });
    expect(changes.map((c) => c.operation).slice(-2)).toEqual(['RETRACT_RELATION', 'MERGE_ENTITIES']);
  });

  it.each(OTHER_ENDS)('keeps a citation: the merge waits for it and moves the relation with it (other end %s)', { timeout: 60_000 }, async (other) => {
    const citation = { sourceId: SOURCE.id, paragraph: 1, sentence: null, quote: 'race' };
    const { graph, readBeside } = await raced(other, 'setRelationSources', (g) => g.addCitation('race-r', citation, 'admin'));
    expect(readBeside).toBe(false);
    const [stored] = (await graph.getRelation('race-r')).relations;
    expect(stored?.from).toBe('race-survivor');
    expect(stored?.sources).toEqual([citation]);
  });
});
