import { describe, expect, it } from 'vitest';
import { loadOntology } from '../src/ontology/ontology.js';
import type { Executor, Row, Statement } from '../src/store/cypher/executor.js';
import { listRelations } from '../src/store/cypher/reads/list-relations.js';
import { neighborhood } from '../src/store/cypher/reads/neighborhood.js';
import { RowShapeError, type ReadContext } from '../src/store/cypher/reads/query.js';
import { shortestPaths } from '../src/store/cypher/reads/shortest-paths.js';
import { ladybugDialect } from '../src/store/embedded/dialect.js';

/**
 * The reads resolve ids merged into other entities themselves, without a database: an
 * executor answers scripted rows in order and records what it was sent, so each case
 * shows the statements (round trips) a merged, an unknown and an ordinary id cost.
 */
const ontology = loadOntology();

function scripted(answers: Row[][]): { ctx: ReadContext; sent: Statement[] } {
  const sent: Statement[] = [];
  const executor: Executor = {
    read: async (statement) => {
      sent.push(statement);
      return answers.shift() ?? [];
    },
    write: () => Promise.reject(new Error('no writes here')),
    close: async () => undefined,
  };
  return { ctx: { executor, dialect: ladybugDialect, ontology }, sent };
}

const node = (id: string, mergedInto: string | null = null) => ({ id, kind: 'PERSON', name: id, aliases: [], sources: '[]', mergedInto });
const rel = (id: string) => ({ id, type: 'SUPPORTS', sources: '[]' });
const page = { types: null, after: null, limit: 10, includeRetracted: false };

describe('reads resolve merged ids in the store', () => {
  it('reads a page of relations from a merged id as its survivor: one lookup, only after an empty page', async () => {
    const { ctx, sent } = scripted([[], [{ e: node('dup', 'keep') }], [{ a: node('keep'), r: rel('r1'), b: node('x') }]]);
    const result = await listRelations(ctx, { ...page, from: 'dup', to: null });
    expect(result.relations.map((r) => [r.id, r.from, r.to])).toEqual([['r1', 'keep', 'x']]);
    expect(sent).toHaveLength(3);
    expect(sent[1]!.params).toEqual({ ids: ['dup'] });
    expect(sent[2]!.params).toMatchObject({ from: 'keep' });
  });

  it('costs one statement when the page is not empty, and two for an unknown id', async () => {
    const found = scripted([[{ a: node('a'), r: rel('r1'), b: node('b') }]]);
    await listRelations(found.ctx, { ...page, from: 'a', to: 'b' });
    expect(found.sent).toHaveLength(1);
    const unknown = scripted([[], []]);
    expect((await listRelations(unknown.ctx, { ...page, from: 'nobody', to: null })).relations).toEqual([]);
    expect(unknown.sent).toHaveLength(2);
  });

  it('reads a neighborhood around the survivor, told by the start row itself, with no lookup', async () => {
    const { ctx, sent } = scripted([[{ s: node('dup', 'keep'), m: null }], [{ s: node('keep'), m: node('x') }], [{ fromId: 'keep', r: rel('r1'), toId: 'x' }]]);
    const result = await neighborhood(ctx, { id: 'dup', depth: 1, types: null, maxEntities: 10, maxRelations: 10 });
    expect(result.start?.id).toBe('keep');
    expect(result.nodes.map((n) => n.id).sort()).toEqual(['keep', 'x']);
    expect(result.edges.map((e) => e.id)).toEqual(['r1']);
    expect(sent.map((s) => s.params.id ?? null)).toEqual(['dup', 'keep', null]);
  });

  it('answers an unknown start with an empty neighborhood in one statement', async () => {
    const { ctx, sent } = scripted([[]]);
    expect(await neighborhood(ctx, { id: 'nobody', depth: 2, types: null, maxEntities: 10, maxRelations: 10 })).toEqual({ nodes: [], edges: [], start: null });
    expect(sent).toHaveLength(1);
  });

  it('finds paths between survivors when an end was merged, and costs one lookup more for no path', async () => {
    const { ctx, sent } = scripted([[], [{ e: node('dup', 'keep') }, { e: node('b') }], []]);
    expect(await shortestPaths(ctx, { from: 'dup', to: 'b', maxLength: 2, types: null, limit: 5 })).toEqual([]);
    expect(sent.map((s) => [s.params.from, s.params.to])).toEqual([
      ['dup', 'b'],
      [undefined, undefined],
      ['keep', 'b'],
    ]);
    const none = scripted([[], [{ e: node('a') }]]);
    await shortestPaths(none.ctx, { from: 'a', to: 'nobody', maxLength: 2, types: null, limit: 5 });
    expect(none.sent).toHaveLength(2);
  });

  it('refuses rows that lack a column their statement returns', async () => {
    const { ctx } = scripted([[{ a: node('a'), b: node('b') }]]);
    await expect(listRelations(ctx, { ...page, from: 'a', to: null })).rejects.toThrow(RowShapeError);
  });
});
