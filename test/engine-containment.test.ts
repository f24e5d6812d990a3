import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOntology } from '../src/ontology/ontology.js';
import { isolatedEngine, openEmbeddedStore } from '../src/store/embedded/open.js';
import { ROWS_PER_MESSAGE } from '../src/store/embedded/engine/protocol.js';
import { killProcess, startServerProcess, type ServerProcess } from './support/server-process.js';

/**
 * The embedded engine runs in a process of its own: when it dies of a native fault (here a
 * SIGSEGV sent to it, as LadybugDB's own faults end it), the server stays up, answers 503
 * with Retry-After meanwhile, says so in its log and /health, restarts the engine, and
 * every acknowledged write is there afterwards.
 */
const KEY = 'containment-curator-key-0123456789';
const SOURCE = 'asia-plus-2012-01-17-kazakhstan-election';
let dir: string;
let server: ServerProcess;
const base = () => server.url.replace(/\/graphql$/, '');

async function gql(
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ status: number; retryAfter: string | null; body: { data?: Record<string, unknown>; errors?: Array<{ extensions?: { code?: string } }> } }> {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as never };
}

interface Health {
  status: string;
  engine: { state: string; pid: number | null; restarts: number; lastCrash: { why: string } | null };
}
const health = async (): Promise<{ status: number; body: Health }> => {
  const res = await fetch(`${base()}/health`);
  return { status: res.status, body: (await res.json()) as Health };
};

async function until<T>(what: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await what();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const UPSERT = 'mutation ($i: EntityInput!) { upsertEntity(input: $i) { id } }';
const upsert = (id: string) => gql(UPSERT, { i: { id, kind: 'PARTY', name: `Party ${id}`, sources: [{ source: SOURCE, paragraph: 1, quote: 'Nur Otan' }] } });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pag-contain-'));
  server = await startServerProcess(dir, { API_KEYS: `curator:c:${KEY}` });
}, 60_000);

afterAll(async () => {
  if (server) await killProcess(server.child);
  rmSync(dir, { recursive: true, force: true });
});

describe('a native crash of the embedded engine', () => {
  it('leaves the server up: 503 with Retry-After meanwhile, a log line, /health says so, then every acknowledged write answers again', async () => {
    const before = await health();
    expect(before.status).toBe(200);
    expect(before.body.engine).toMatchObject({ state: 'up', restarts: 0 });
    const acked: string[] = [];
    for (let i = 0; i < 5; i += 1) if ((await upsert(`contain-${i}`)).status === 200) acked.push(`contain-${i}`);
    expect(acked).toHaveLength(5);

    // Reads and writes in flight when the engine dies.
    const inFlight = Array.from({ length: 20 }, (_, i) => (i % 4 === 0 ? upsert(`contain-flight-${i}`) : gql('{ relations(first: 50) { nodes { id from { name } } } }')));
    process.kill(before.body.engine.pid!, 'SIGSEGV');
    const answers = await Promise.all(inFlight).catch((err: unknown) => {
      throw new Error(`the server did not answer: ${String(err)}\n${server.output.join('\n')}`);
    });
    for (const a of answers) {
      expect([200, 503]).toContain(a.status);
      if (a.status === 503) {
        expect(a.retryAfter).toMatch(/^\d+$/);
        expect(a.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      }
    }
    for (const [i, a] of answers.entries()) if (i % 4 === 0 && a.status === 200 && !a.body.errors) acked.push(`contain-flight-${i}`);
    expect(server.child.exitCode, server.output.join('\n')).toBeNull();

    const back = await until(health, (h) => h.status === 200);
    expect(back.body.engine).toMatchObject({ state: 'up', restarts: 1, lastCrash: { why: 'signal SIGSEGV' } });
    expect(back.body.engine.pid).not.toBe(before.body.engine.pid);
    expect(server.output.some((l) => /engine process died \(signal SIGSEGV\)/.test(l))).toBe(true);

    const found = await gql(`{ entities(where: { ids: ${JSON.stringify(acked)} }, first: 100) { nodes { id } } }`);
    expect(found.status).toBe(200);
    expect((found.body.data!.entities as { nodes: Array<{ id: string }> }).nodes.map((n) => n.id).sort()).toEqual([...acked].sort());
    expect((await upsert('contain-after')).status).toBe(200);
  }, 60_000);

  it('goes with its server: after a kill -9 of the server in the middle of writes, the engine process is gone within seconds and the database can be opened', async () => {
    const { body } = await health();
    const enginePid = body.engine.pid!;
    const writes = Array.from({ length: 16 }, (_, i) =>
      (i % 2 === 0 ? upsert(`contain-last-${i}`) : gql('{ relations(first: 50) { nodes { id from { name } } } } ')).catch(() => null),
    );
    await new Promise((r) => setTimeout(r, 30));
    await killProcess(server.child);
    await Promise.all(writes);
    const gone = () => {
      try {
        process.kill(enginePid, 0);
        return false;
      } catch {
        return true;
      }
    };
    const until = Date.now() + 5_000;
    while (!gone() && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(gone(), `engine process ${enginePid} still running 5 s after its server was killed`).toBe(true);
    const store = await openEmbeddedStore({ dataDir: dir, ontology: loadOntology() });
    await store.close();
  }, 30_000);
});

/**
 * Found by a 30-minute soak: on damaged pages LadybugDB spun in a CHECKPOINT for good (20
 * minutes at 100% CPU before the soak was stopped), and the server, waiting on it, never
 * served again. An engine that does not finish an open, a schema change, a checkpoint or a
 * write within ENGINE_STALL_SECONDS is killed and restarted like one that died (here it is
 * stopped with SIGSTOP, as a spinning engine answers nothing).
 */
describe('a hung embedded engine', () => {
  let stallDir: string;
  beforeAll(async () => {
    stallDir = mkdtempSync(join(tmpdir(), 'pag-stall-'));
    server = await startServerProcess(stallDir, { API_KEYS: `curator:c:${KEY}`, ENGINE_STALL_SECONDS: '5', REQUEST_TIMEOUT_SECONDS: '3' });
  }, 60_000);
  afterAll(() => rmSync(stallDir, { recursive: true, force: true }));

  it('is killed ENGINE_STALL_SECONDS past any time limit of its own, and restarted: the write waiting on it gets 503 with Retry-After, a log line says why, and writes go on', async () => {
    const before = await health();
    expect(before.body.engine).toMatchObject({ state: 'up', restarts: 0 });
    process.kill(before.body.engine.pid!, 'SIGSTOP');
    const started = Date.now();
    const stuck = await upsert('stall-during');
    const waited = Date.now() - started;
    expect(stuck.status, JSON.stringify(stuck.body)).toBe(503);
    expect(stuck.retryAfter).toMatch(/^\d+$/);
    // The write's first step (a read of what it touches) waits for its request's time limit (3 s).
    expect(waited).toBeLessThan(10_000);
    const back = await until(health, (h) => h.status === 200 && h.body.engine.state === 'up' && h.body.engine.restarts === 1);
    expect(server.output.join('\n')).toMatch(
      /the engine process did not finish (a read|a write statement) in [5-8] s \(ENGINE_STALL_SECONDS past any time limit of its own\); killing it/,
    );
    expect(back.body.engine).toMatchObject({ restarts: 1, lastCrash: { why: expect.stringMatching(/did not finish (a read|a write statement) in [5-8] s and was killed/) } });
    expect(back.body.engine.pid).not.toBe(before.body.engine.pid);
    expect(server.child.exitCode).toBeNull();
    expect((await upsert('stall-after')).status).toBe(200);
  }, 60_000);
});

describe('a large answer from the engine process', () => {
  it('comes in parts of ROWS_PER_MESSAGE rows, put back together whole and in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pag-engine-parts-'));
    const engine = isolatedEngine(
      dir,
      { quarantineKeep: 1 },
      () => undefined,
      (spawn) => spawn(),
    );
    try {
      await engine.start();
      const n = 2 * ROWS_PER_MESSAGE + 7;
      const rows = await engine.read({ cypher: 'UNWIND range(1, $n) AS i RETURN i', params: { n } });
      expect(rows.map((r) => Number(r.i))).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      // An answer of exactly one message, and an empty one, as before.
      expect(await engine.read({ cypher: 'UNWIND range(1, $n) AS i RETURN i', params: { n: ROWS_PER_MESSAGE } })).toHaveLength(ROWS_PER_MESSAGE);
      expect(await engine.read({ cypher: 'UNWIND [] AS i RETURN i', params: {} })).toEqual([]);
    } finally {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
