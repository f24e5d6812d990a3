import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_GUARDS } from '../src/config.js';
import { startTestServer, type TestServer } from './support/server.js';

const MAX_BODY_BYTES = DEFAULT_GUARDS.maxBodyBytes;

/** GraphQL over HTTP as the specification describes it, on the real server. */
describe('GraphQL over HTTP', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.close());

  it('answers POST with application/graphql-response+json when the client accepts it', async () => {
    const res = await t.gql('{ entities(first: 1) { nodes { id } } }');
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^application\/graphql-response\+json/);
    expect(res.body.data).toBeTruthy();
  });

  it('answers GET for queries (with a CSRF-safe header) and refuses mutations over GET', async () => {
    const q = encodeURIComponent('{ sources { id } }');
    const ok = await fetch(`${t.url}?query=${q}`, { headers: { accept: 'application/json', 'apollo-require-preflight': 'true' } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { data: { sources: unknown[] } }).data.sources.length).toBeGreaterThan(0);
    const m = encodeURIComponent('mutation { retractRelation(id: "x", reason: "y") { id } }');
    const refused = await fetch(`${t.url}?query=${m}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(refused.status).toBe(405);
  });

  it('answers 400, not 500, for an operationName that names no operation, and for variables nested thousands deep', async () => {
    const post = async (body: string) => {
      const res = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      return { status: res.status, body: (await res.json()) as { errors?: Array<{ message: string; extensions?: { code?: string } }> } };
    };
    // GraphiQL sends the old operation name after an edit removes it.
    const named = await post(JSON.stringify({ query: '{ __typename }', operationName: 'Nope' }));
    expect(named.status).toBe(400);
    expect(named.body.errors?.[0]?.extensions?.code).toBe('OPERATION_RESOLUTION_FAILURE');
    expect(named.body.errors?.[0]?.message).toMatch(/Nope/);
    for (const [open, close] of [
      ['{"a":', '}'],
      ['[', ']'],
    ] as const) {
      const deep = `${open.repeat(5_000)}1${close.repeat(5_000)}`;
      const res = await post(`{"query":"query ($x: JSON) { __typename }","variables":{"x":${deep}}}`);
      expect(res.status).toBe(400);
      expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
      expect(res.body.errors?.[0]?.message).toMatch(/nested/);
    }
  });

  it('blocks a GET that a browser could send cross-site without preflight', async () => {
    const res = await fetch(`${t.url}?query=${encodeURIComponent('{ sources { id } }')}`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(400);
  });

  it('gives 400 with a parse error for a malformed query, and keeps serving', async () => {
    const res = await t.gql('{ entities(first: 1) { nodes { id }');
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    const again = await t.gql('{ sources { id } }');
    expect(again.status).toBe(200);
  });

  it('gives 400 with a validation error for an unknown field', async () => {
    const res = await t.gql('{ entities { nodes { shoeSize } } }');
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('gives 400 for a body that is not JSON', async () => {
    const res = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(res.status).toBe(400);
  });

  it('gives 413 for a body over the size limit, without reading it all', async () => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ sources { id } } # ${'x'.repeat(MAX_BODY_BYTES)}` }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { errors: Array<{ message: string }> }).errors[0]?.message).toContain(String(MAX_BODY_BYTES));
  });

  it('serves the explorer page to a browser with the example query loaded', async () => {
    const res = await fetch(t.url, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    // No other site may frame it (clickjacking a curator's key into a write).
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await res.text();
    expect(html).toContain('WhoWasExcluded');
  });

  it('marks every JSON answer nosniff, GraphQL and request errors alike', async () => {
    const answer = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    const refused = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect([answer.status, answer.headers.get('x-content-type-options')]).toEqual([200, 'nosniff']);
    expect([refused.status, refused.headers.get('x-content-type-options')]).toEqual([400, 'nosniff']);
  });

  it('serves every file the explorer page needs from this server, so it works offline', async () => {
    const html = await (await fetch(t.url, { headers: { accept: 'text/html' } })).text();
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBe(5);
    for (const ref of refs) {
      expect(ref.startsWith('/'), `${ref} is not local`).toBe(true);
      const asset = await fetch(new URL(ref, t.url));
      expect(asset.status, ref).toBe(200);
      expect((await asset.arrayBuffer()).byteLength, ref).toBeGreaterThan(100);
    }
    expect((await fetch(new URL('/explorer/assets/../../package.json', t.url))).status).toBe(404);
    expect((await fetch(new URL('/explorer/assets/constructor', t.url))).status).toBe(404);
  });

  it('reports health and the backend', async () => {
    const res = await fetch(t.url.replace('/graphql', '/health'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', backend: 'embedded' });
  });

  it('answers unknown paths with 404', async () => {
    const res = await fetch(t.url.replace('/graphql', '/nope'));
    expect(res.status).toBe(404);
  });
});
