import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate, parseApiKeys } from '../src/auth/api-keys.js';
import { ConfigError, DEFAULT_GUARDS, loadConfig } from '../src/config.js';
import { clientAddress } from '../src/http/rate-limit.js';
import { loadOntology } from '../src/ontology/ontology.js';
import { startServer } from '../src/server.js';
import type { Graph } from '../src/writes/graph.js';
import { embedded } from './support/backends.js';
import { startTestServer, type TestServer } from './support/server.js';
import type { IncomingMessage } from 'node:http';

/** The limits of a public endpoint, on the real server with its default settings. */
describe('guards with the default limits', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(undefined, { corsOrigins: ['https://research.example.org'] });
  });
  afterAll(async () => t.close());

  const expectRefused = async (query: string, status: number, code: string, message: RegExp) => {
    const res = await t.gql(query);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.data ?? null).toBeNull();
    expect(res.body.errors?.[0]?.extensions?.code).toBe(code);
    expect(res.body.errors?.[0]?.message).toMatch(message);
    expect(JSON.stringify(res.body.errors)).not.toContain('"http"');
  };

  it('refuses a query nested deeper than 10', async () => {
    const deep = 'relations { to { '.repeat(5) + 'id' + ' } }'.repeat(5);
    await expectRefused(`{ entity(id: "bolat-abilov") { ${deep} } }`, 400, 'GRAPHQL_VALIDATION_FAILED', /depth limit of 10 exceeded, found 1\d/);
  });

  it('admits the fan-out a researcher asks for (50 entities, their relations, and the relations at the far ends)', async () => {
    const res = await t.gql('{ entities(first: 50) { nodes { relations { from { relations(direction: OUT) { to { name } } } to { name } } } } }');
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
  });

  it('refuses lists nested so that their sizes multiply past the cost limit', async () => {
    const fan = 'relations { to { '.repeat(3) + 'id' + ' } }'.repeat(3);
    await expectRefused(`{ entities(first: 100) { nodes { ${fan} } } }`, 400, 'BAD_USER_INPUT', /query cost 333203 is over the limit of 50000/);
  });

  it('refuses more than 15 aliases', async () => {
    const fields = Array.from({ length: 16 }, (_, i) => `a${i}: entity(id: "x${i}") { id }`).join(' ');
    await expectRefused(`{ ${fields} }`, 400, 'GRAPHQL_VALIDATION_FAILED', /Aliases limit of 15 exceeded, found 16/);
  });

  it('refuses more than 20 directives', async () => {
    const fields = Array.from({ length: 21 }, () => '@include(if: true)').join(' ');
    await expectRefused(`{ sources ${fields} { id } }`, 400, 'GRAPHQL_VALIDATION_FAILED', /Directives limit of 20 exceeded, found 21/);
  });

  it('stops parsing a document of more than 2000 tokens', async () => {
    const fields = Array.from({ length: 2000 }, () => 'id').join(' ');
    await expectRefused(`{ sources { ${fields} } }`, 400, 'GRAPHQL_PARSE_FAILED', /Document contains more tha[nt] 2000 tokens/);
  });

  it('answers CORS preflight for a listed origin only, never allowing credentials', async () => {
    const preflight = (origin: string) =>
      fetch(t.url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });
    const listed = await preflight('https://research.example.org');
    expect(listed.status).toBe(204);
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://research.example.org');
    expect(listed.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(listed.headers.get('access-control-allow-credentials')).toBeNull();
    const other = await preflight('https://evil.example.com');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('rate limiting', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(undefined, { guards: { rateLimitPerMinute: 3 } });
  });
  afterAll(async () => t.close());

  it('answers 429 with Retry-After once a client has spent its budget, and still serves /health', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await t.gql('{ sources { id } }')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const res = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ sources { id } }"}' });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(((await res.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe('RATE_LIMITED');
    expect((await fetch(t.url.replace('/graphql', '/health'))).status).toBe(200);
  });
});

describe('client addresses behind a proxy', () => {
  const req = (forwarded: string | undefined) => ({ headers: { 'x-forwarded-for': forwarded }, socket: { remoteAddress: '10.0.0.1' } }) as unknown as IncomingMessage;

  it('take the entry the proxy appended, not one the client sent', () => {
    expect(clientAddress(req('6.6.6.6, 203.0.113.7'), true)).toBe('203.0.113.7');
    expect(clientAddress(req('6.6.6.6, 203.0.113.7'), false)).toBe('10.0.0.1');
    expect(clientAddress(req(undefined), true)).toBe('10.0.0.1');
  });
});

describe('an internal error in production', () => {
  it('reaches the client as a bare INTERNAL_SERVER_ERROR and the log as one line, with no detail or stack', async () => {
    const ontology = loadOntology();
    const { store, dispose } = await embedded.open(ontology);
    const failing: Graph = new Proxy(store, {
      get: (target, prop, receiver) => {
        if (prop === 'listSources') {
          return async () => {
            throw new Error('cannot reach secret-host:7687 (password hunter2)');
          };
        }
        // The server reads through a per-request view; it must fail the same way.
        if (prop === 'observed') return () => failing;
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    const logs: string[] = [];
    const server = await startServer({ config: { port: 0, host: '127.0.0.1', production: true }, store: failing, ontology, log: (l) => logs.push(l) });
    try {
      const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ sources { id } }"}' });
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      expect(text).not.toMatch(/secret-host|hunter2|stacktrace|\.ts:\d+/);
      expect(logs).toHaveLength(1);
      expect(logs[0]).not.toMatch(/\n|\.ts:\d+/);
    } finally {
      await server.close();
      await dispose();
    }
  });
});

describe('in production (NODE_ENV=production)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(undefined, { production: true });
  });
  afterAll(async () => t.close());

  it('refuses introspection', async () => {
    const res = await t.gql('{ __schema { types { name } } }');
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.message).toMatch(/introspection/i);
  });

  it('does not suggest field names, which would spell out the schema', async () => {
    const res = await t.gql('{ entitie { id } }');
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.body.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });

  it('keeps extensions.code on the errors clients act on', async () => {
    const res = await t.gql('{ neighborhood(id: "x", depth: 9) { nodes { id } } }');
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const write = await t.gql('mutation { addSource(input: { id: "s", title: "t", publisher: "p", published: "2012" }) { id } }');
    expect(write.status).toBe(401);
    expect(write.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('settings', () => {
  const fail = (m: string) => new ConfigError(m);

  it('reads API_KEYS as role:key or role:name:key, keeping only hashes and naming unnamed keys by role', () => {
    const keys = parseApiKeys('curator:alice:alice-key-0123456789, admin:admin-key-0123456789', fail);
    expect(keys.map((k) => [k.name, k.role])).toEqual([
      ['alice', 'CURATOR'],
      ['admin-2', 'ADMIN'],
    ]);
    expect(JSON.stringify(keys)).not.toContain('alice-key-0123456789');
    expect(authenticate(keys, 'Bearer alice-key-0123456789')).toEqual({ kind: 'key', viewer: { name: 'alice', role: 'CURATOR' } });
    expect(authenticate(keys, 'Bearer alice-key-012345678')).toEqual({ kind: 'invalid' });
    expect(authenticate(keys, 'Basic YWxpY2U6eA==')).toEqual({ kind: 'invalid' });
    expect(authenticate(keys, undefined)).toEqual({ kind: 'anonymous' });
  });

  it.each([
    ['editor:some-key-0123456789', /unknown role; roles are reader, curator and admin/],
    ['curator:short', /16 to 512 characters/],
    ['curator:a:b:c', /must be role:key or role:name:key/],
    ['curator:same-key-0123456789,admin:same-key-0123456789', /repeats a key/],
    ['curator:bad name:some-key-0123456789', /key name is 1 to 64/],
  ])('refuses API_KEYS=%s without printing the key', (value, message) => {
    expect(() => loadConfig({ API_KEYS: value })).toThrow(message);
    try {
      loadConfig({ API_KEYS: value });
    } catch (err) {
      expect(String(err)).not.toContain('0123456789');
    }
  });

  it('reads limits and CORS origins from the environment', () => {
    const config = loadConfig({ MAX_QUERY_DEPTH: '6', RATE_LIMIT_PER_MINUTE: '0', CORS_ORIGINS: 'https://a.org, http://localhost:3000' });
    expect(config.guards).toEqual({ ...DEFAULT_GUARDS, maxDepth: 6, rateLimitPerMinute: 0 });
    expect(config.corsOrigins).toEqual(['https://a.org', 'http://localhost:3000']);
    expect(() => loadConfig({ MAX_QUERY_COST: 'lots' })).toThrow(/MAX_QUERY_COST must be a whole number/);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://a.org/path' })).toThrow(/CORS_ORIGINS must list origins/);
  });
});
