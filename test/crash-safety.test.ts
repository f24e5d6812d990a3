import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOntology } from '../src/ontology/ontology.js';
import { projectRoot } from '../src/paths.js';
import { openEmbeddedStore, StoreOpenError } from '../src/store/embedded/open.js';
import type { GraphStore } from '../src/store/graph-store.js';
import { API_KEYS, KEYS } from './support/server.js';
import { killProcess, runCli, startServerProcess, type ServerProcess } from './support/server-process.js';

/**
 * The embedded store killed with SIGKILL right after it acknowledged each kind of write,
 * and in the middle of concurrent writers: it must start again, with every acknowledged
 * write there exactly once. The server runs as `npm start` runs it, in a process of its own.
 */

const SOURCE = 'asia-plus-2012-01-17-kazakhstan-election';
const cite = (quote: string) => [{ source: SOURCE, paragraph: 1, quote }];
/** Fifteen long citations: a relation whose log record is far over 4 KB. */
const longCitations = (quote: string) => Array.from({ length: 15 }, (_, i) => ({ source: SOURCE, paragraph: i + 1, quote: `${quote} ${'q'.repeat(280)}` }));

type Server = ServerProcess;

const children: ChildProcess[] = [];

async function start(dataDir: string, args: string[] = ['serve']): Promise<Server> {
  const server = await startServerProcess(dataDir, { API_KEYS }, args);
  children.push(server.child);
  return server;
}

const kill = killProcess;

async function gql(server: Server, query: string, variables: Record<string, unknown>, key = KEYS.admin): Promise<{ status: number; errors: unknown }> {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { errors?: unknown };
  return { status: res.status, errors: body.errors ?? null };
}

const UPSERT = 'mutation ($input: EntityInput!) { upsertEntity(input: $input) { id } }';
const ADD = 'mutation ($input: RelationInput!) { addRelation(input: $input) { id } }';
const RETRACT = 'mutation ($id: ID!, $reason: String!) { retractRelation(id: $id, reason: $reason) { id } }';
const MERGE = 'mutation ($survivor: ID!, $duplicate: ID!) { mergeEntities(survivor: $survivor, duplicate: $duplicate) { id } }';

/** Sends a write and fails the test unless it was acknowledged. */
async function acked(server: Server, query: string, variables: Record<string, unknown>): Promise<void> {
  const res = await gql(server, query, variables);
  expect(res, JSON.stringify(res.errors)).toMatchObject({ status: 200, errors: null });
}

/** What the database holds, opened directly once the server is gone. */
/** Opens DATA_DIR once the engine process of a server just killed has let go of it (it notices its parent gone within moments; longer on a busy machine). */
async function openWhenFree(dataDir: string): Promise<GraphStore> {
  for (const end = Date.now() + 15_000; ;) {
    try {
      return await openEmbeddedStore({ dataDir, ontology: loadOntology() });
    } catch (err) {
      if (!(err instanceof StoreOpenError && err.locked) || Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function inspect(dataDir: string, check: (store: GraphStore) => Promise<void>): Promise<void> {
  const store = await openWhenFree(dataDir);
  try {
    await check(store);
  } finally {
    await store.close();
  }
}

async function relationCounts(store: GraphStore): Promise<Map<string, { relations: number; changes: number }>> {
  const counts = new Map<string, { relations: number; changes: number }>();
  const slot = (id: string) => counts.get(id) ?? counts.set(id, { relations: 0, changes: 0 }).get(id)!;
  let after: string | null = null;
  for (;;) {
    const page = await store.listRelations({ types: null, from: null, to: null, after, limit: 500, includeRetracted: true });
    for (const r of page.relations) slot(r.id).relations += 1;
    if (page.relations.length < 500) break;
    after = page.relations.at(-1)!.id;
  }
  let since: string | null = null;
  for (;;) {
    const changes = await store.changes({ since: null, entity: null, after: since, limit: 500 });
    for (const c of changes) if (c.operation === 'ADD_RELATION' && c.relationId) slot(c.relationId).changes += 1;
    if (changes.length < 500) break;
    since = changes.at(-1)!.id;
  }
  return counts;
}

describe('the embedded store killed with SIGKILL', () => {
  const dirs: string[] = [];
  const newDataDir = () => {
    dirs.push(mkdtempSync(join(tmpdir(), 'pag-crash-')));
    return dirs.at(-1)!;
  };
  afterAll(async () => {
    await Promise.all(children.map(kill));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('starts again after a kill following each kind of write, with every acknowledged write there once', async () => {
    const dataDir = newDataDir();
    // Seed: killed as soon as it says the seeds are loaded.
    let server = await start(dataDir);
    await kill(server.child);

    server = await start(dataDir);
    expect(server.output.join('\n')).toMatch(/asia-plus.*: unchanged/);
    await acked(server, UPSERT, { input: { id: 'wal-a', kind: 'PARTY', name: 'WAL A', sources: cite('WAL A') } });
    await acked(server, UPSERT, {
      input: { id: 'wal-b', kind: 'PARTY', name: 'WAL B', aliases: Array.from({ length: 20 }, (_, i) => `${i} ${'x'.repeat(250)}`), sources: cite('WAL B') },
    });
    await kill(server.child);

    server = await start(dataDir);
    for (let i = 0; i < 8; i += 1) {
      const input = { id: `wal-rel-${i}`, type: 'SUPPORTS', from: 'bolat-abilov', to: i % 2 ? 'wal-b' : 'nur-otan', sources: longCitations(`wal ${i}`) };
      await acked(server, ADD, { input });
    }
    await kill(server.child);

    server = await start(dataDir);
    await acked(server, RETRACT, { id: 'wal-rel-0', reason: 'a test retraction' });
    await kill(server.child);

    // A merge moving several relations writes an audit entry far over 4 KB.
    server = await start(dataDir);
    await acked(server, MERGE, { survivor: 'wal-a', duplicate: 'wal-b' });
    await kill(server.child);

    server = await start(dataDir);
    await kill(server.child);
    expect(readdirSync(dataDir)).not.toContain('quarantine');

    await inspect(dataDir, async (store) => {
      const [a] = await store.getEntities(['wal-a']);
      expect(a?.aliases).toContain('WAL B');
      // The merged-away id resolves to the survivor.
      expect((await store.getEntities(['wal-b'])).map((e) => e.id)).toEqual(['wal-a']);
      const relations = (await store.relationsOf({ ids: ['wal-a'], types: null, direction: 'IN', includeRetracted: true })).relations;
      expect(relations.map((r) => r.id).sort()).toEqual(['wal-rel-1', 'wal-rel-3', 'wal-rel-5', 'wal-rel-7']);
      const counts = await relationCounts(store);
      for (let i = 0; i < 8; i += 1) expect(counts.get(`wal-rel-${i}`), `wal-rel-${i}`).toEqual({ relations: 1, changes: 1 });
      const retracted = (await store.getRelation('wal-rel-0')).relations[0];
      expect(retracted?.retraction?.reason).toBe('a test retraction');
    });
  }, 180_000);

  it('sets aside a log it cannot replay, keeping it and a copy of the database, unless the log holds acknowledged writes', async () => {
    const dataDir = newDataDir();
    await inspect(dataDir, async () => undefined);
    // A log whose record cannot be read, as a kill in the middle of a large write leaves it.
    const broken = Buffer.alloc(8_192, 0xab);
    writeFileSync(join(dataDir, 'graph.lbug.wal'), broken);
    writeFileSync(join(dataDir, 'checkpoint-pending'), 'a checkpoint failed');
    await expect(openEmbeddedStore({ dataDir, ontology: loadOntology() })).rejects.toThrow(StoreOpenError);
    await expect(openEmbeddedStore({ dataDir, ontology: loadOntology() })).rejects.toThrow(/left in place because it holds acknowledged writes/);
    expect(existsSync(join(dataDir, 'graph.lbug.wal'))).toBe(true);

    rmSync(join(dataDir, 'checkpoint-pending'));
    const lines: string[] = [];
    const store = await openEmbeddedStore({ dataDir, ontology: loadOntology(), log: (l) => lines.push(l) });
    await store.close();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/could not be replayed .*moved it to .*quarantine/);
    const [kept] = readdirSync(join(dataDir, 'quarantine'));
    expect(readdirSync(join(dataDir, 'quarantine', kept!)).sort()).toEqual(['graph.lbug', 'graph.lbug.wal']);
  });

  it('rebuilds from the journal a database that cannot be opened, setting its files aside', async () => {
    const dataDir = newDataDir();
    let server = await start(dataDir);
    await acked(server, UPSERT, { input: { id: 'jr-a', kind: 'PARTY', name: 'JR A', sources: cite('JR A') } });
    await acked(server, UPSERT, { input: { id: 'jr-b', kind: 'PARTY', name: 'JR B', sources: cite('JR B') } });
    for (let i = 0; i < 6; i += 1) {
      await acked(server, ADD, { input: { id: `jr-rel-${i}`, type: 'SUPPORTS', from: 'bolat-abilov', to: i % 2 ? 'jr-b' : 'jr-a', sources: longCitations(`jr ${i}`) } });
    }
    await acked(server, RETRACT, { id: 'jr-rel-0', reason: 'a test retraction' });
    await acked(server, MERGE, { survivor: 'jr-a', duplicate: 'jr-b' });
    await kill(server.child);
    // The engine's own files broken beyond its recovery.
    writeFileSync(join(dataDir, 'graph.lbug'), Buffer.alloc(65_536, 0x5a));

    server = await start(dataDir);
    const said = server.output.join('\n');
    expect(said).toMatch(/could not be opened .*moved its files to .*quarantine.* rebuilding it from the journal/);
    expect(said).toMatch(/rebuilt from the journal, \d+ write\(s\) replayed/);
    expect(said).toMatch(/asia-plus.*: unchanged/);
    await acked(server, ADD, { input: { id: 'jr-after', type: 'SUPPORTS', from: 'bolat-abilov', to: 'jr-a', sources: cite('after') } });
    await kill(server.child);
    const [kept] = readdirSync(join(dataDir, 'quarantine'));
    expect(readdirSync(join(dataDir, 'quarantine', kept!))).toContain('graph.lbug');

    await inspect(dataDir, async (store) => {
      const counts = await relationCounts(store);
      for (const id of ['jr-after', ...Array.from({ length: 6 }, (_, i) => `jr-rel-${i}`)]) expect(counts.get(id), id).toEqual({ relations: 1, changes: 1 });
      expect((await store.getEntities(['jr-b'])).map((e) => e.id)).toEqual(['jr-a']);
      expect((await store.getRelation('jr-rel-0')).relations[0]?.retraction?.reason).toBe('a test retraction');
      const merges = (await store.changes({ since: null, entity: 'jr-b', after: null, limit: 100 })).filter((c) => c.operation === 'MERGE_ENTITIES');
      expect(merges).toHaveLength(1);
    });
  }, 180_000);

  it('replays the journaled writes a database lacks (an older copy put back), each once', async () => {
    const dataDir = newDataDir();
    let server = await start(dataDir);
    for (let i = 0; i < 3; i += 1) await acked(server, ADD, { input: { id: `lag-${i}`, type: 'SUPPORTS', from: 'bolat-abilov', to: 'nur-otan', sources: cite(`lag ${i}`) } });
    await kill(server.child);
    const older = readFileSync(join(dataDir, 'graph.lbug'));

    server = await start(dataDir);
    for (let i = 3; i < 6; i += 1)
      await acked(server, ADD, { input: { id: `lag-${i}`, type: 'SUPPORTS', from: 'bolat-abilov', to: 'nur-otan', sources: longCitations(`lag ${i}`) } });
    await acked(server, RETRACT, { id: 'lag-1', reason: 'retracted after the copy' });
    await kill(server.child);
    writeFileSync(join(dataDir, 'graph.lbug'), older);
    rmSync(join(dataDir, 'graph.lbug.wal'), { force: true });

    server = await start(dataDir);
    expect(server.output.join('\n')).toMatch(/caught up from the journal, 4 write\(s\) replayed/);
    await kill(server.child);
    server = await start(dataDir);
    expect(server.output.join('\n')).not.toMatch(/from the journal/);
    await kill(server.child);
    await inspect(dataDir, async (store) => {
      const counts = await relationCounts(store);
      for (let i = 0; i < 6; i += 1) expect(counts.get(`lag-${i}`), `lag-${i}`).toEqual({ relations: 1, changes: 1 });
      expect((await store.getRelation('lag-1')).relations[0]?.retraction?.reason).toBe('retracted after the copy');
    });
  }, 180_000);

  it('drops a journal line cut off by a crash, which was never acknowledged, and goes on journaling', async () => {
    const dataDir = newDataDir();
    let server = await start(dataDir);
    await kill(server.child);
    appendFileSync(join(dataDir, 'journal', 'journal.jsonl'), '{"op":"upsertEntity","audit":{"chan');
    server = await start(dataDir);
    expect(server.output.join('\n')).toMatch(/journal ended in a write cut off by a crash, never acknowledged; it was dropped/);
    await acked(server, UPSERT, { input: { id: 'torn-a', kind: 'PARTY', name: 'Torn A', sources: cite('Torn A') } });
    await kill(server.child);
    const journal = readFileSync(join(dataDir, 'journal', 'journal.jsonl'), 'utf8');
    expect(journal.endsWith('\n')).toBe(true);
    expect(
      journal
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { op: string }).op),
    ).toEqual(['genesis', 'load', 'upsertEntity']);
  }, 120_000);

  it('backs up while the server serves, and restores into an empty DATA_DIR with every acknowledged write', async () => {
    const dataDir = newDataDir();
    const server = await start(dataDir);
    for (let i = 0; i < 4; i += 1) await acked(server, ADD, { input: { id: `bk-${i}`, type: 'SUPPORTS', from: 'bolat-abilov', to: 'nur-otan', sources: cite(`bk ${i}`) } });
    const file = join(newDataDir(), 'graph.backup');
    const backup = await runCli(['backup', file], dataDir);
    expect(backup).toMatchObject({ code: 0 });
    expect(backup.output).toMatch(/backup: .*graph\.backup \(\d+ journal entries, \d+ loaded batches\)/);
    await kill(server.child);

    const restored = join(newDataDir(), 'restored');
    const restore = await runCli(['restore', file], restored);
    expect(restore).toMatchObject({ code: 0 });
    expect(restore.output).toMatch(/restored: 5 writes from .*graph\.backup/);
    expect(await runCli(['restore', file], restored)).toMatchObject({ code: 1, output: expect.stringMatching(/already holds a database; restore into an empty DATA_DIR/) });
    await inspect(restored, async (store) => {
      const counts = await relationCounts(store);
      for (let i = 0; i < 4; i += 1) expect(counts.get(`bk-${i}`), `bk-${i}`).toEqual({ relations: 1, changes: 1 });
      expect(await store.loadedFingerprint('seed:asia-plus-2012-01-17-kazakhstan-election.yaml')).not.toBeNull();
    });
  }, 180_000);

  it('keeps every write acknowledged by concurrent writers killed mid-stream, and an import killed once it said loaded', async () => {
    const dataDir = newDataDir();
    let server = await start(dataDir);
    const ackedIds: string[] = [];
    let running = true;
    const writer = async (w: number) => {
      for (let i = 0; running; i += 1) {
        const id = `mix-${w}-${i}`;
        const input = { id, type: 'SUPPORTS', from: 'bolat-abilov', to: 'nur-otan', sources: i % 3 === 0 ? longCitations(id) : cite(id) };
        const res = await gql(server, ADD, { input }).catch(() => null);
        if (res?.status === 200 && res.errors === null) ackedIds.push(id);
        else if (res?.errors) throw new Error(`a write was refused: ${JSON.stringify(res.errors)}`);
        else break;
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    for (const t0 = Date.now(); ackedIds.length < 20 && Date.now() - t0 < 60_000;) await new Promise((r) => setTimeout(r, 20));
    expect(ackedIds.length).toBeGreaterThanOrEqual(20);
    await kill(server.child);
    running = false;
    await Promise.all(writers);

    // The import command: killed as soon as it says the file is loaded, before it closes.
    const csv = join(dataDir, 'edges.csv');
    writeFileSync(
      csv,
      `type,from,to,note,citation.source,citation.paragraph,citation.quote\nSUPPORTS,nur-otan,bolat-abilov,${'i'.repeat(2_000)},${SOURCE},2,imported ${'q'.repeat(280)}\n`,
    );
    const importer = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/main.ts'), 'import', csv], {
      cwd: projectRoot,
      env: { ...process.env, DATA_DIR: dataDir, NEO4J_URI: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      importer.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        if (/edges\.csv: loaded/.test(out)) resolve();
      });
      importer.once('exit', () => reject(new Error(`the import exited without saying loaded: ${out}`)));
    });
    await kill(importer);

    server = await start(dataDir);
    await kill(server.child);
    await inspect(dataDir, async (store) => {
      const counts = await relationCounts(store);
      for (const id of ackedIds) expect(counts.get(id), id).toEqual({ relations: 1, changes: 1 });
      // Writes that were in flight at the kill may be there or not, never twice.
      for (const [id, c] of counts) if (id.startsWith('mix-')) expect(c.relations, id).toBe(1);
      expect(await store.loadedFingerprint('import:edges.csv')).not.toBeNull();
      const imported = (await store.relationsOf({ ids: ['nur-otan'], types: ['SUPPORTS'], direction: 'OUT', includeRetracted: false })).relations;
      expect(imported.map((r) => r.addedBy)).toContain('import:edges.csv');
    });
  }, 180_000);
});
