import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killProcess, startServerProcess, type ServerProcess } from './support/server-process.js';

/**
 * A server checks its database against the journal beside serving (VERIFY_AT_START, on by
 * default): a record changed on disk behind the engine's back (here a letter of a name,
 * as a bad disk or a stray write leaves it) is found, logged and replaced by the journal's
 * graph, and writes acknowledged while the check ran are all there afterwards, once.
 */
const KEY = 'verify-start-curator-key-0123456789';
const SOURCE = 'asia-plus-2012-01-17-kazakhstan-election';
const NAME = 'VERIFYMARKER Party of the check at start';
const dirs: string[] = [];
const servers: ServerProcess[] = [];

const newDir = () => {
  dirs.push(mkdtempSync(join(tmpdir(), 'pag-verify-start-')));
  return dirs.at(-1)!;
};

async function gql(server: ServerProcess, query: string, variables: Record<string, unknown> = {}): Promise<{ status: number; body: { data?: Record<string, unknown> } }> {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as never };
}

/** The engine processes (src/store/embedded/engine/host.ts) among the descendants of `root`. */
function engineProcessesUnder(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // Gone meanwhile.
    }
  }
  const found: number[] = [];
  for (const queue = [root]; queue.length > 0;) {
    const pid = queue.shift()!;
    for (const child of children.get(pid) ?? []) {
      queue.push(child);
      try {
        if (readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('engine/host.ts')) found.push(child);
      } catch {
        // Gone meanwhile.
      }
    }
  }
  return found;
}

/** Where `needle` occurs in the database file of `base`. */
function placesOf(base: string, needle: string | Buffer): number[] {
  const bytes = readFileSync(join(base, 'graph.lbug'));
  const places: number[] = [];
  for (let at = bytes.indexOf(needle); at >= 0; at = bytes.indexOf(needle, at + 1)) places.push(at);
  expect(places.length).toBeGreaterThan(0);
  return places;
}

/** A copy of `base` with the byte at `at` of its database file set to `value`, as a bad disk or a stray write leaves it. */
function copyWithByte(base: string, at: number, value: number): string {
  const dataDir = newDir();
  cpSync(base, dataDir, { recursive: true });
  const changed = readFileSync(join(dataDir, 'graph.lbug'));
  changed[at] = value;
  writeFileSync(join(dataDir, 'graph.lbug'), changed);
  return dataDir;
}

const UPSERT = 'mutation ($i: EntityInput!) { upsertEntity(input: $i) { id } }';
const upsert = (server: ServerProcess, id: string, name: string) =>
  gql(server, UPSERT, { i: { id, kind: 'PARTY', name, sources: [{ source: SOURCE, paragraph: 1, quote: 'Nur Otan' }] } });

async function start(dataDir: string, verify: boolean): Promise<ServerProcess> {
  const server = await startServerProcess(dataDir, { API_KEYS: `curator:c:${KEY}`, VERIFY_AT_START: verify ? '1' : '0' });
  servers.push(server);
  return server;
}

/** SIGTERM, resolved once it has shut down cleanly (its engine closed, its files whole). */
function stop(server: ServerProcess): Promise<void> {
  return new Promise((resolve) => {
    server.child.once('exit', () => resolve());
    server.child.kill('SIGTERM');
  });
}

async function until(ok: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await ok()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return ok();
}

afterAll(async () => {
  await Promise.all(servers.map((s) => killProcess(s.child)));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the check of the database against its journal at start', () => {
  let base: string;
  beforeAll(async () => {
    base = newDir();
    const server = await start(base, false);
    expect((await upsert(server, 'verify-start-party', NAME)).status).toBe(200);
    await stop(server);
  }, 120_000);

  it('finds an intact database clean, beside serving; removes what a check cut short left', async () => {
    const dataDir = newDir();
    cpSync(base, dataDir, { recursive: true });
    // What a kill in the middle of a check leaves: its rebuild's directory.
    mkdirSync(join(dataDir, '.rebuild-cut-short'));
    writeFileSync(join(dataDir, '.rebuild-cut-short', 'graph.lbug'), Buffer.alloc(1 << 20));
    const server = await start(dataDir, true);
    expect(existsSync(join(dataDir, '.rebuild-cut-short'))).toBe(false);
    expect(server.output.join('\n')).toMatch(/removed 1 unfinished rebuild\(s\).*\.rebuild-cut-short/);
    expect(await until(() => server.output.some((l) => l.includes('verified against the journal')), 60_000), server.output.join('\n')).toBe(true);
    expect(server.output.find((l) => l.includes('verified against the journal'))).toMatch(/: 0 record\(s\) disagree/);
    expect(server.output.join('\n')).not.toMatch(/replaced by its rebuild/);
  }, 120_000);

  it('replaces a changed name with the journal’s, saying so, and keeps every write acknowledged while it checked', async () => {
    const places = placesOf(base, 'VERIFYMARKER');
    let repaired = 0;
    for (const at of places) {
      const dataDir = copyWithByte(base, at, 'X'.charCodeAt(0));

      const server = await start(dataDir, true);
      const acked: string[] = [];
      const checked = () => server.output.some((l) => l.includes('verified against the journal'));
      // Writes beside the check: they go on while it builds the journal's graph, and wait while it reads the live one.
      for (let i = 0; !checked() && i < 100; i += 1) {
        const id = `written-during-check-${i}`;
        if ((await upsert(server, id, `Party ${i}`)).status === 200) acked.push(id);
      }
      const done = () => server.output.some((l) => l.includes('the check at start'));
      expect(await until(done, 120_000), server.output.join('\n')).toBe(true);
      const answer = async () => gql(server, '{ entity(id: "verify-start-party") { name } }');
      const verdicts = server.output.filter((l) => l.includes('verified against the journal'));
      if (server.output.some((l) => l.includes('the check at start found it'))) {
        // A copy the engine keeps but no longer reads (an old version of a page): nothing served changed.
        expect((await answer()).body.data).toEqual({ entity: { name: NAME } });
        continue;
      }
      repaired += 1;
      // The live database was read at one position of the journal: the changed name is all that disagrees.
      expect(verdicts.at(-1), server.output.join('\n')).toMatch(/: 1 record\(s\) disagree/);
      expect(await until(async () => (await answer()).status === 200, 30_000)).toBe(true);
      expect((await answer()).body.data).toEqual({ entity: { name: NAME } });
      expect(server.output.find((l) => l.includes('replaced by its rebuild'))).toMatch(/quarantine/);
      const ids = acked.map((id) => `"${id}"`).join(', ');
      const found = await gql(server, `{ entities(where: { ids: [${ids}] }, first: 1) { totalCount } }`);
      expect(found.body.data, `${acked.length} acknowledged writes: ${JSON.stringify(found.body)}`).toEqual({ entities: { totalCount: acked.length } });
    }
    expect(repaired, `of ${places.length} places of the name`).toBeGreaterThan(0);
  }, 300_000);

  it('ends only the check when the engine process building the journal’s graph dies, and serves on', async () => {
    const dataDir = newDir();
    cpSync(base, dataDir, { recursive: true });
    const server = await start(dataDir, true);
    const url = new URL(server.url);
    const health = (await (await fetch(`${url.origin}/health`)).json()) as { engine: { pid: number } };
    // The builder: an engine process under this server that is not its live engine. Killed
    // as LadybugDB's abort on a full disk ends it (the soak saw that take the server down).
    let killed: number | null = null;
    for (const end = Date.now() + 60_000; killed === null && Date.now() < end;) {
      const builder = engineProcessesUnder(server.child.pid!).find((pid) => pid !== health.engine.pid);
      if (builder) {
        process.kill(builder, 'SIGKILL');
        killed = builder;
      } else await new Promise((r) => setTimeout(r, 20));
    }
    expect(killed, server.output.join('\n')).not.toBeNull();
    expect(await until(() => server.output.some((l) => l.includes('the check against the journal stopped')), 30_000), server.output.join('\n')).toBe(true);
    const said = server.output.join('\n');
    expect(said).toMatch(/the check against the journal stopped \(the engine process (building|reading) the journal's graph died \(signal SIGKILL\)/);
    expect(said).not.toMatch(/quarantine|replaced by its rebuild|engine process died/);
    expect(server.child.exitCode).toBeNull();
    expect((await gql(server, '{ entity(id: "verify-start-party") { name } }')).body.data).toEqual({ entity: { name: NAME } });
    expect((await upsert(server, 'after-the-check-stopped', 'After')).status).toBe(200);
    expect(readdirSync(dataDir).filter((n) => n.startsWith('.rebuild-'))).toEqual([]);
    await stop(server);
  }, 120_000);

  it('rebuilds at start a database whose audit entry no longer parses, saying so, where it once refused to start', async () => {
    const needle = Buffer.from('"name":"VERIFYMARKER');
    const places = placesOf(base, needle);
    let rebuilt = 0;
    for (const at of places) {
      // A control character where the audit entry's JSON has a quote: it no longer parses.
      const dataDir = copyWithByte(base, at, 0x01);
      const server = await start(dataDir, false);
      const said = server.output.join('\n');
      if (/a record of it could not be read/.test(said)) {
        rebuilt += 1;
        expect(said).toMatch(/moved its files to .*quarantine/);
        expect(said).toMatch(/rebuilt from the journal/);
      }
      const changes = await gql(server, '{ changes(first: 5) { nodes { operation after } } }');
      expect(changes.status, JSON.stringify(changes.body)).toBe(200);
      expect(JSON.stringify(changes.body.data)).toContain('VERIFYMARKER Party of the check at start');
    }
    expect(rebuilt, `of ${places.length} places`).toBeGreaterThan(0);
  }, 300_000);
});

/**
 * Found by the 30-minute soak: a flipped byte in an audit entry's id made the catch-up at
 * start take an acknowledged relation for missing; replaying it, the database answered
 * "already exists", and the write was voided, so the next rebuild dropped it. A database
 * that refuses a journaled write it lacks, or lacks one but holds a later one, is not the
 * journal's graph: it is rebuilt, and the write stays.
 */
describe('a database whose audit entry no longer has its write’s id', () => {
  const RELATION = 'catchup-flip-relation';
  /** The relation the last write; then with a write after it. */
  let last: string;
  let followed: string;
  let changeId: string;
  beforeAll(async () => {
    last = newDir();
    let server = await start(last, false);
    const added = await gql(server, 'mutation ($i: RelationInput!) { addRelation(input: $i) { id } }', {
      i: { id: RELATION, type: 'SUPPORTS', from: 'bolat-abilov', to: 'nursultan-nazarbayev', sources: [{ source: SOURCE, paragraph: 1, quote: 'Nur Otan' }] },
    });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    const log = await gql(server, '{ changes(since: "2026", first: 100) { nodes { id operation } } }');
    const nodes = (log.body.data as { changes: { nodes: Array<{ id: string; operation: string }> } }).changes.nodes;
    changeId = nodes.find((n) => n.operation === 'ADD_RELATION')!.id;
    await stop(server);
    followed = newDir();
    cpSync(last, followed, { recursive: true });
    server = await start(followed, false);
    expect((await upsert(server, 'catchup-flip-later', 'A write after the relation')).status).toBe(200);
    await stop(server);
  }, 120_000);

  it.each([
    ['the relation was the last write: replayed, it is refused', 'last', /refused journaled write .* which it lacked \(.*already exists\)/],
    ['a write followed it: the database is not a prefix of the journal', 'followed', /lacks journaled write .* but holds later ones/],
  ] as const)(
    'is rebuilt from the journal, the acknowledged relation kept, never voided (%s)',
    async (_case, which, why) => {
      const base = which === 'last' ? last : followed;
      const places = placesOf(base, changeId);
      let rebuilt = 0;
      for (const at of places) {
        // The id's first digit: the audit entry no longer has the journal's id.
        const dataDir = copyWithByte(base, at, 0xff);
        const server = await start(dataDir, false);
        const said = server.output.join('\n');
        if (/not the journal's graph/.test(said)) {
          rebuilt += 1;
          expect(said).toMatch(new RegExp(`${why.source}, so it is not the journal's graph; moved its files to .*quarantine`));
          expect(said).toMatch(/rebuilt from the journal/);
        }
        expect(said).not.toMatch(/marked void/);
        expect(readFileSync(join(dataDir, 'journal', 'journal.jsonl'), 'utf8')).not.toMatch(/"op":"void"/);
        const relations = await gql(server, '{ entity(id: "bolat-abilov") { relations { id } } }');
        const ids = (relations.body.data as { entity: { relations: Array<{ id: string }> } }).entity.relations.map((r) => r.id);
        expect(
          ids.filter((id) => id === RELATION),
          said,
        ).toEqual([RELATION]);
        await stop(server);
      }
      expect(rebuilt, `of ${places.length} places of the change id`).toBeGreaterThan(0);
    },
    300_000,
  );
});
