import { buildSchema, isObjectType, Kind } from 'graphql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientBudgets, DEFAULT_GUARDS, loadConfig } from '../src/config.js';
import { projectRoot } from '../src/paths.js';
import { API_KEYS, KEYS, startTestServer, type TestServer } from './support/server.js';

/**
 * API keys beyond writing: a READER key reads and writes nothing, and any valid key is
 * rate-limited by its name at a higher budget than a client address, so a script paging
 * the graph is not throttled like an attacker. A key that is not valid buys nothing.
 */

const READER_KEY = 'reader-scraper-key-0123456789';
const OTHER_READER_KEY = 'reader-notebook-key-0123456789';
const KEYS_WITH_READERS = `${API_KEYS},reader:scraper:${READER_KEY},reader:notebook:${OTHER_READER_KEY}`;
const WRONG_KEY = 'not-a-key-of-this-server-0123';
const CITE = '[{ source: "asia-plus-2012-01-17-kazakhstan-election", paragraph: 7, sentence: 1, quote: "Kazakhstan" }]';
const upsert = (id: string) => `mutation { upsertEntity(input: { id: "${id}", kind: PERSON, name: "${id}", sources: ${CITE} }) { id } }`;

/** From `address` when the server trusts its proxy (X-Forwarded-For); else from the test's own. */
const post = (url: string, query: string, key?: string, address?: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...(address ? { 'x-forwarded-for': address } : {}) },
    body: JSON.stringify({ query }),
  });

describe('a READER key', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(undefined, { apiKeys: KEYS_WITH_READERS });
  });
  afterAll(async () => t.close());

  const changes = async () => (await t.data<{ changes: { nodes: Array<{ id: string }> } }>('{ changes(first: 100) { nodes { id } } }')).changes.nodes.map((c) => c.id);

  it('is served on queries, as anyone is', async () => {
    const res = await t.gql<{ entity: { name: string }; relations: { nodes: unknown[] } }>(
      '{ entity(id: "bolat-abilov") { name } relations(first: 3) { nodes { id } } }',
      undefined,
      {
        key: READER_KEY,
      },
    );
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.entity.name).toBe('Bolat Abilov');
    expect(res.body.data?.relations.nodes).toHaveLength(3);
  });

  it.each([
    ['upsertEntity', upsert('test-reader-person'), 'curator'],
    ['addSource', 'mutation { addSource(input: { id: "test-reader-source", title: "t", publisher: "p", published: "2012" }) { id } }', 'curator'],
    [
      'addCitation',
      'mutation { addCitation(relation: "rel-abilov-disqualified", citation: { source: "asia-plus-2012-01-17-kazakhstan-election", paragraph: 7, sentence: 1, quote: "Kazakhstan" }) { id } }',
      'curator',
    ],
    ['retractRelation', 'mutation { retractRelation(id: "rel-abilov-disqualified", reason: "test") { id } }', 'curator'],
    ['mergeEntities', 'mutation { mergeEntities(survivor: "bolat-abilov", duplicate: "nursultan-nazarbayev") { id } }', 'admin'],
  ])('is refused %s with 403 FORBIDDEN saying which key would do, and nothing is written', async (_name, mutation, role) => {
    const before = await changes();
    const res = await t.gql(mutation, undefined, { key: READER_KEY });
    expect(res.status).toBe(403);
    expect(res.body.data ?? null).toBeNull();
    expect(res.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const roles = role === 'admin' ? 'admin' : 'curator or admin';
    expect(res.body.errors?.[0]?.message).toBe(
      `this operation needs the ${role} role; the key scraper has the reader role, which may only read. Send a key with the ${roles} role`,
    );
    expect(await changes()).toEqual(before);
    const after = await t.data<{ entity: unknown; source: unknown; relation: { retracted: boolean } }>(
      '{ entity(id: "test-reader-person") { id } source(id: "test-reader-source") { id } relation: relations(from: "bolat-abilov", includeRetracted: true) { nodes { id retraction { by } } } }',
    );
    expect(after.entity).toBeNull();
    expect(after.source).toBeNull();
    expect(JSON.stringify(after.relation)).not.toMatch(/"by":"scraper"/);
  });

  it('a curator key still writes (the reader refusal is about the role, not keys)', async () => {
    const res = await t.gql(upsert('test-curator-person'), undefined, { key: KEYS.alice });
    expect(res.body.errors).toBeUndefined();
    expect(res.status).toBe(200);
  });

  it('every mutation needs at least the curator role, so a reader key can write nothing', () => {
    const sdl = readFileSync(join(projectRoot, 'schema', 'api.graphql'), 'utf8');
    const schema = buildSchema(`${readFileSync(join(projectRoot, 'schema', 'ontology.graphql'), 'utf8')}\n${sdl}`, { assumeValidSDL: true });
    const mutation = schema.getMutationType();
    expect(mutation && isObjectType(mutation)).toBe(true);
    const unguarded = Object.values(mutation!.getFields()).filter((field) => {
      const role = field.astNode?.directives?.find((d) => d.name.value === 'requires')?.arguments?.find((a) => a.name.value === 'role')?.value;
      return !(role?.kind === Kind.ENUM && role.value !== 'READER');
    });
    expect(unguarded.map((f) => f.name)).toEqual([]);
  });
});

describe('rate limits by API key', () => {
  const ANONYMOUS = 3;
  const KEYED = 7;
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(undefined, { apiKeys: KEYS_WITH_READERS, trustProxy: true, guards: { rateLimitPerMinute: ANONYMOUS, keyRateLimitPerMinute: KEYED } });
  });
  afterAll(async () => t.close());

  const QUERY = '{ sources { id } }';

  it('an anonymous client is refused past its address budget while a keyed client goes on to the key budget; keys from one address share it', async () => {
    const anonymous: Array<[number, string | null, string | null]> = [];
    for (let i = 0; i < ANONYMOUS + 1; i += 1) {
      const res = await post(t.url, QUERY);
      anonymous.push([res.status, res.headers.get('ratelimit-limit'), res.headers.get('ratelimit-remaining')]);
    }
    expect(anonymous).toEqual([
      [200, '3', '2'],
      [200, '3', '1'],
      [200, '3', '0'],
      [429, '3', '0'],
    ]);
    const refused = await post(t.url, QUERY);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await refused.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(body.errors[0]?.extensions.code).toBe('RATE_LIMITED');
    expect(body.errors[0]?.message).toMatch(
      /^too many requests: the limit is 3 per minute for a client address; retry after \d+ s; scripts send an API key \(Authorization: Bearer <key>\), which has 7 a minute$/,
    );

    // The same address, with a key: the key's own budget, from the start.
    const keyed: Array<[number, string | null, string | null]> = [];
    for (let i = 0; i < KEYED + 1; i += 1) {
      const res = await post(t.url, QUERY, READER_KEY);
      keyed.push([res.status, res.headers.get('ratelimit-limit'), res.headers.get('ratelimit-remaining')]);
    }
    expect(keyed.slice(0, KEYED).map(([status]) => status)).toEqual(Array(KEYED).fill(200));
    expect(keyed.slice(0, KEYED).map(([, limit, remaining]) => [limit, Number(remaining)])).toEqual(Array.from({ length: KEYED }, (_, i) => ['7', KEYED - 1 - i]));
    expect(keyed[KEYED]).toEqual([429, '7', '0']);
    const spent = await post(t.url, QUERY, READER_KEY);
    expect(((await spent.json()) as { errors: Array<{ message: string }> }).errors[0]?.message).toMatch(
      /^too many requests: the limit is 7 per minute for the key scraper; retry after \d+ s$/,
    );

    // Another key, same address: minting keys buys nothing, the keys of one address share one key's budget.
    const minted = await post(t.url, QUERY, OTHER_READER_KEY);
    expect(minted.status).toBe(429);
    expect(((await minted.json()) as { errors: Array<{ message: string }> }).errors[0]?.message).toMatch(
      /^too many requests: the limit is 7 per minute for all API keys used from one address together; retry after \d+ s$/,
    );
    // The refusal spent nothing of that key's own budget: from another address it has all of it.
    const other = await post(t.url, QUERY, OTHER_READER_KEY, '198.51.100.7');
    expect(other.status).toBe(200);
    expect(other.headers.get('ratelimit-remaining')).toBe(String(KEYED - 1));
    // A curator key is counted the same way, and still writes.
    const write = await t.gql(upsert('test-keyed-person'), undefined, { key: KEYS.bob, headers: { 'x-forwarded-for': '198.51.100.8' } });
    expect(write.status).toBe(200);
    expect(write.body.errors).toBeUndefined();
  });
});

describe('a key that is not valid', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(undefined, { apiKeys: KEYS_WITH_READERS, guards: { rateLimitPerMinute: 3, keyRateLimitPerMinute: 100 } });
  });
  afterAll(async () => t.close());

  it('is refused with 401 as before, and counts against its address, not a key budget', async () => {
    const statuses: Array<[number, string | null]> = [];
    for (let i = 0; i < 3; i += 1) {
      const res = await post(t.url, '{ sources { id } }', WRONG_KEY);
      statuses.push([res.status, res.headers.get('ratelimit-limit')]);
      const body = (await res.json()) as { errors: Array<{ extensions: { code: string } }> };
      expect(body.errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
    }
    expect(statuses).toEqual([
      [401, '3'],
      [401, '3'],
      [401, '3'],
    ]);
    // The address has spent its budget: with the wrong key, or with none, it waits.
    expect((await post(t.url, '{ sources { id } }', WRONG_KEY)).status).toBe(429);
    expect((await post(t.url, '{ sources { id } }')).status).toBe(429);
    // A valid key from the same address is served.
    expect((await post(t.url, '{ sources { id } }', READER_KEY)).status).toBe(200);
  });
});

describe('a key that is not valid, on /export', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(undefined, { apiKeys: KEYS_WITH_READERS });
  });
  afterAll(async () => t.close());

  it('is refused with 401 and WWW-Authenticate, as on /graphql, never served as anonymous', async () => {
    const url = `${t.url.replace(/\/graphql$/, '')}/export/graph.graphml?id=nur-otan&depth=1`;
    const refused = await fetch(url, { headers: { authorization: `Bearer ${WRONG_KEY}` } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    const body = (await refused.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(body.errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect(body.errors[0]?.message).toMatch(/API key is not valid/);
    // Without a key it is served, and with a valid one.
    expect((await fetch(url)).status).toBe(200);
    expect((await fetch(url, { headers: { authorization: `Bearer ${READER_KEY}` } })).status).toBe(200);
  });
});

describe('the cost budget of a key', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(undefined, { apiKeys: KEYS_WITH_READERS, trustProxy: true, guards: { costPerMinute: 12_000, keyCostPerMinute: 40_000 } });
  });
  afterAll(async () => t.close());

  it('is the key’s own and higher: deep neighborhoods an address cannot afford, a key can', async () => {
    const deep = '{ neighborhood(id: "bolat-abilov", depth: 2) { nodes { id } } }';
    expect((await post(t.url, deep)).status).toBe(200);
    expect((await post(t.url, deep)).status).toBe(200);
    const refused = await post(t.url, deep);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { errors: Array<{ message: string }> }).errors[0]?.message).toMatch(/cost budget of 12,000 a minute is spent/);
    for (let i = 0; i < 7; i += 1) expect((await post(t.url, deep, READER_KEY)).status).toBe(200);
    const spent = await post(t.url, deep, READER_KEY);
    expect(spent.status).toBe(429);
    expect(((await spent.json()) as { errors: Array<{ message: string }> }).errors[0]?.message).toMatch(/cost budget of 40,000 a minute is spent/);
    // Another key from the same address shares what the first spent; from elsewhere it has its own.
    const minted = await post(t.url, deep, OTHER_READER_KEY);
    expect(minted.status).toBe(429);
    expect(((await minted.json()) as { errors: Array<{ message: string }> }).errors[0]?.message).toMatch(
      /^the cost budget of 40,000 a minute is spent \(a neighborhood of depth 2, for all API keys used from one address together, costs 5,000, [\d,]+ left\)/,
    );
    expect((await post(t.url, deep, OTHER_READER_KEY, '198.51.100.9')).status).toBe(200);
  });
});

describe('key budget settings', () => {
  it('default to 10 times the address budgets, follow them, and may be set or turned off', () => {
    expect(clientBudgets(DEFAULT_GUARDS)).toEqual({ address: { requests: 300, cost: 200_000 }, key: { requests: 3_000, cost: 2_000_000 } });
    expect(clientBudgets(loadConfig({ RATE_LIMIT_PER_MINUTE: '50', COST_BUDGET_PER_MINUTE: '1000' }).guards)).toEqual({
      address: { requests: 50, cost: 1_000 },
      key: { requests: 500, cost: 10_000 },
    });
    expect(clientBudgets(loadConfig({ RATE_LIMIT_PER_MINUTE: '0' }).guards).key.requests).toBe(0);
    expect(clientBudgets(loadConfig({ KEY_RATE_LIMIT_PER_MINUTE: '0', KEY_COST_BUDGET_PER_MINUTE: '5000' }).guards).key).toEqual({ requests: 0, cost: 5_000 });
    expect(() => loadConfig({ KEY_RATE_LIMIT_PER_MINUTE: 'many' })).toThrow(/KEY_RATE_LIMIT_PER_MINUTE must be a whole number of at least 0/);
    expect(() => loadConfig({ KEY_COST_BUDGET_PER_MINUTE: '-1' })).toThrow(/KEY_COST_BUDGET_PER_MINUTE must be a whole number of at least 0/);
  });

  it('read reader keys from API_KEYS', () => {
    const config = loadConfig({ API_KEYS: `reader:scraper:${READER_KEY},reader:${OTHER_READER_KEY}` });
    expect(config.apiKeys.map((k) => [k.name, k.role])).toEqual([
      ['scraper', 'READER'],
      ['reader-2', 'READER'],
    ]);
  });
});
