import { expect, it } from 'vitest';
import { encodeCursor } from '../../src/graphql/cursor.js';
import { describeOnEveryBackend } from '../support/contract.js';

/** Out-of-range and malformed arguments: each gets BAD_USER_INPUT naming the limit. */
describeOnEveryBackend('bad input', (t) => {
  const expectBadInput = async (query: string, message: RegExp) => {
    const res = await t.gql(query);
    expect(res.body.errors, JSON.stringify(res.body)).toHaveLength(1);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.message).toMatch(message);
  };

  it('an unknown id gives null, not an error', async () => {
    const res = await t.gql('{ entity(id: "no-such-actor") { id } source(id: "nope") { id } }');
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data).toEqual({ entity: null, source: null });
  });

  it('an unknown id in neighborhood and paths gives an empty answer', async () => {
    const data = await t.data<{ neighborhood: { nodes: unknown[] }; paths: unknown[] }>(
      '{ neighborhood(id: "nobody") { nodes { id } } paths(from: "nobody", to: "no-one") { length } }',
    );
    expect(data).toEqual({ neighborhood: { nodes: [] }, paths: [] });
  });

  it.each([
    ['neighborhood depth 0', '{ neighborhood(id: "x", depth: 0) { nodes { id } } }', /depth must be between 1 and 3, got 0/],
    ['neighborhood depth 4', '{ neighborhood(id: "x", depth: 4) { nodes { id } } }', /depth must be between 1 and 3, got 4/],
    ['paths maxLength 7', '{ paths(from: "a", to: "b", maxLength: 7) { length } }', /maxLength must be between 1 and 6, got 7/],
    ['paths maxLength 0', '{ paths(from: "a", to: "b", maxLength: 0) { length } }', /maxLength must be between 1 and 6, got 0/],
    ['paths first 51', '{ paths(from: "a", to: "b", first: 51) { length } }', /first must be between 1 and 50, got 51/],
    ['entities first 101', '{ entities(first: 101) { nodes { id } } }', /first must be between 1 and 100, got 101/],
    ['entities first 0', '{ entities(first: 0) { nodes { id } } }', /first must be between 1 and 100, got 0/],
    ['entities first -5', '{ entities(first: -5) { nodes { id } } }', /first must be between 1 and 100, got -5/],
    ['relations first 1000', '{ relations(first: 1000) { nodes { id } } }', /first must be between 1 and 100, got 1000/],
    ['search first 51', '{ search(text: "nur", first: 51) { score } }', /first must be between 1 and 50, got 51/],
    ['empty search text', '{ search(text: "  ") { score } }', /text must be 1 to 200 characters long/],
    ['oversize search text', `{ search(text: "${'a'.repeat(201)}") { score } }`, /text must be 1 to 200 characters long, got 201/],
    ['oversize id', `{ entity(id: "${'a'.repeat(300)}") { id } }`, /id must be at most 256 characters/],
    ['garbage cursor', '{ entities(after: "not-a-cursor") { nodes { id } } }', /after is not a valid entity cursor/],
    ['relation cursor for entities', `{ entities(after: "${encodeCursor('relation', 'x')}") { nodes { id } } }`, /not a valid entity cursor/],
  ])('%s', async (_name, query, message) => {
    await expectBadInput(query, message);
  });

  it('rejects an unknown enum value in the query before it reaches the store', async () => {
    const res = await t.gql('{ relations(types: [MARRIED_TO]) { nodes { id } } }');
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('treats text that looks like Cypher as plain text', async () => {
    const injection = `x' }) MATCH (n) DETACH DELETE n //`;
    const res = await t.gql('query($t: String!, $id: ID!) { search(text: $t) { score } entity(id: $id) { id } }', { t: injection, id: injection });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data).toEqual({ search: [], entity: null });
    const still = await t.data<{ entities: { nodes: unknown[] } }>('{ entities(first: 5) { nodes { id } } }');
    expect(still.entities.nodes).toHaveLength(5);
  });

  it('never returns a stack trace', async () => {
    const res = await t.gql('{ neighborhood(id: "x", depth: 9) { nodes { id } } }');
    expect(JSON.stringify(res.body)).not.toMatch(/stacktrace|at .*\.ts:\d+/);
  });
});
