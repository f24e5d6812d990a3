import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../../src/network/seeded-random.js';
import { loadOntology } from '../../src/ontology/ontology.js';
import { openEmbeddedStore, StoreOpenError } from '../../src/store/embedded/open.js';
import type { GraphStore } from '../../src/store/graph-store.js';
import { openNeo4jStore } from '../../src/store/neo4j/open.js';
import { startNeo4j, type Neo4jProcess } from '../neo4j-server/start.js';
import { SoakServer } from './soak-server.js';
import { checkLedger, Ledger, ledgerSummary, reader, SOAK_API_KEYS, Tally, writer } from './workload.js';

/**
 * `npm run soak -- [--minutes N] [--backend embedded|neo4j] [--seed S]`: 8 readers of every
 * read shape and 2 writers of every write kind (merges included) against the server in a
 * process of its own, for N minutes (3 by default). On the embedded backend it also, at
 * seeded intervals, kills the server with SIGKILL and restarts it, flips a few bytes of
 * DATA_DIR/graph.lbug while it is down, and (as root, DATA_DIR on a small tmpfs) fills the
 * disk for a few seconds. `--backend neo4j` starts the test Neo4j (test/neo4j-server), and
 * at seeded intervals kills the server or Neo4j itself with SIGKILL (Neo4j is started again
 * on its data, the server meanwhile answers 503) in the middle of the writers' merges and
 * retractions.
 * Prints a table and exits 1 when a check fails: a 5xx without Retry-After, an
 * acknowledged write missing or doubled, or an exit of the server the soak did not cause.
 */

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const minutes = Number(option('--minutes', '3'));
const backend = option('--backend', 'embedded');
const seed = Number(option('--seed', '7'));
if (!(minutes > 0) || !['embedded', 'neo4j'].includes(backend) || !Number.isInteger(seed)) {
  console.error('usage: npm run soak -- [--minutes N] [--backend embedded|neo4j] [--seed S]');
  process.exit(2);
}

const random = seededRandom(seed);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dataDir = mkdtempSync(join(tmpdir(), 'pag-soak-'));
const failures: string[] = [];
const events = { kills: 0, flips: 0, fullDisks: 0, neo4jKills: 0 };

/** A tmpfs of its own, so that filling the disk fills nothing else on the machine. */
function mountTmpfs(): string | null {
  if (process.getuid?.() !== 0) return 'not running as root';
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256m', 'tmpfs', dataDir], { encoding: 'utf8' });
  return mounted.status === 0 ? null : `mount failed: ${mounted.stderr.trim()}`;
}

/**
 * Flips a few bytes of the database file at seeded places, as a bad disk might. A kill in the
 * middle of a rebuild at open can leave no database file (the old one set aside, the new one
 * not yet in place): then there is nothing to flip.
 */
function flipBytes(): void {
  const file = join(dataDir, 'graph.lbug');
  if (!existsSync(file)) return;
  const size = statSync(file).size;
  const fd = openSync(file, 'r+');
  try {
    for (let i = 0; i < 8; i += 1) {
      const at = Math.floor(random() * size);
      const byte = Buffer.alloc(1);
      readSync(fd, byte, 0, 1, at);
      byte[0] = byte[0]! ^ (1 + Math.floor(random() * 255));
      writeSync(fd, byte, 0, 1, at);
    }
  } finally {
    closeSync(fd);
  }
}

/** Fills the tmpfs to the last byte, holds it full for a while, then frees it. */
async function fillDisk(holdMs: number): Promise<void> {
  const ballast = join(dataDir, 'soak-ballast');
  const fd = openSync(ballast, 'w');
  const chunk = Buffer.alloc(1 << 20, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch {
    // ENOSPC: the disk is full, which is the point.
  } finally {
    closeSync(fd);
  }
  await sleep(holdMs);
  rmSync(ballast, { force: true });
}

let neo4j: Neo4jProcess | null = null;
const fullDiskWhyNot: string | null = backend === 'embedded' ? mountTmpfs() : 'embedded backend only';
// The check at start on, as a user's server runs: it is what finds the flipped bytes.
let env: Record<string, string> = { API_KEYS: SOAK_API_KEYS, COST_BUDGET_PER_MINUTE: '0', VERIFY_AT_START: '1' };
if (backend === 'neo4j') {
  neo4j = await startNeo4j();
  env = { ...env, NEO4J_URI: neo4j.uri, NEO4J_USER: neo4j.user, NEO4J_PASSWORD: neo4j.password };
}
const server = new SoakServer(dataDir, env);
await server.start();

const tally = new Tally();
const ledger = new Ledger('soak');
const deadline = Date.now() + minutes * 60_000;
const running = () => Date.now() < deadline && failures.length === 0;
/** Set while the soak itself has the server down, so the supervisor leaves it alone. */
let chaos = false;

const writers = [0, 1].map((w) => writer(server.target, tally, ledger, seededRandom(seed * 100 + w), () => !running()));
const readers = Array.from({ length: 8 }, (_, r) => reader(server.target, tally, ledger, seededRandom(seed * 100 + 50 + r), () => !running(), running));

async function restart(why: string): Promise<void> {
  try {
    await server.start();
  } catch (err) {
    failures.push(`the server did not start again after ${why}: ${(err as Error).message.slice(0, 2000)}`);
  }
}

/** Restarts a server that died on its own (a crash, counted by SoakServer). */
async function supervise(): Promise<void> {
  while (running()) {
    await sleep(500);
    if (!chaos && !server.alive && running()) await restart('a crash');
  }
}

/**
 * Kills of the server or of Neo4j at seeded intervals. Neo4j comes back on its own data at
 * the same address, so the server's driver finds it again; the server stays up through it.
 */
async function inflictOnNeo4j(): Promise<void> {
  while (running()) {
    await sleep(10_000 + random() * 15_000);
    if (!running() || !server.alive || !neo4j) continue;
    chaos = true;
    if (random() < 0.5) {
      await server.kill();
      events.kills += 1;
      await restart('a kill');
    } else {
      const { dataDir: neo4jData, port, password } = neo4j;
      await neo4j.kill();
      events.neo4jKills += 1;
      try {
        neo4j = await startNeo4j({ dataDir: neo4jData, port, password, timeoutMs: 300_000 });
      } catch (err) {
        failures.push(`Neo4j did not start again after a kill: ${(err as Error).message.slice(0, 2000)}`);
      }
    }
    chaos = false;
  }
}

/** Kills, byte flips and full disks at seeded intervals; on Neo4j, kills (inflictOnNeo4j). */
async function inflict(): Promise<void> {
  if (backend === 'neo4j') return inflictOnNeo4j();
  while (running()) {
    await sleep(10_000 + random() * 15_000);
    if (!running() || !server.alive) continue;
    const roll = random();
    chaos = true;
    if (roll < 0.2 && fullDiskWhyNot === null) {
      events.fullDisks += 1;
      await fillDisk(3_000 + random() * 4_000);
    } else {
      await server.kill();
      events.kills += 1;
      if (roll < 0.6) {
        flipBytes();
        events.flips += 1;
      }
      await restart(roll < 0.6 ? 'byte flips' : 'a kill');
    }
    chaos = false;
  }
}

await Promise.all([supervise(), inflict()]);
await Promise.all([...writers, ...readers]);

let engineRestarts: number | null = null;
if (server.target.url) {
  // Reported by the engine supervisor where it exists; absent, the log lines still count.
  const health = (await fetch(server.target.url.replace(/\/graphql$/, '/health'))
    .then((r) => r.json())
    .catch(() => null)) as { engine?: { restarts?: number } } | null;
  engineRestarts = health?.engine?.restarts ?? null;
}

/** The database once the last engine process let go of it: one of a server killed exits a moment after it. */
async function openWhenFree(): Promise<GraphStore> {
  for (let tries = 0; ; tries += 1) {
    try {
      return await openEmbeddedStore({ dataDir, ontology: loadOntology() });
    } catch (err) {
      if (!(err instanceof StoreOpenError && err.locked) || tries >= 50) throw err;
      await sleep(200);
    }
  }
}

let store: GraphStore | null = null;
const checksBefore = server.output.filter((l) => /the check at start (found|repaired)/.test(l)).length;
try {
  if (backend === 'neo4j') {
    store = await openNeo4jStore({ uri: neo4j!.uri, user: neo4j!.user, password: neo4j!.password, database: null }, loadOntology());
    failures.push(...(await checkLedger(store, ledger)));
  }
  const exit = await server.stop();
  if (exit && (exit.code !== 0 || exit.signal)) failures.push(`a clean stop exited ${JSON.stringify(exit)}`);
  if (backend === 'embedded') {
    // Bytes flipped at the last restart may not have been checked yet: one more start, as an
    // operator's would be, and its check against the journal, before the ledger is read.
    await server.start();
    const checked = () => server.output.filter((l) => /the check at start (found|repaired)/.test(l)).length >= checksBefore + 1;
    for (let waited = 0; !checked() && waited < 300_000; waited += 500) await sleep(500);
    if (!checked()) failures.push('the check at start of the last start did not end within 5 minutes');
    const last = await server.stop();
    if (last && (last.code !== 0 || last.signal)) failures.push(`the last clean stop exited ${JSON.stringify(last)}`);
    store = await openWhenFree();
    failures.push(...(await checkLedger(store, ledger)));
  }
} finally {
  await store?.close();
  await neo4j?.stop();
}

failures.push(...tally.problems);
for (const crash of server.crashes) failures.push(`the server exited on its own: ${JSON.stringify(crash)}`);
const recoveries = server.recoveries();
const rows: Array<[string, string]> = [
  ['backend', backend],
  ['minutes, seed', `${minutes}, ${seed}`],
  ['requests', String(tally.requests)],
  ...[...tally.byStatus].sort().map(([status, n]): [string, string] => [`  HTTP ${status}`, String(n)]),
  ['refusals (GraphQL errors)', JSON.stringify(Object.fromEntries(tally.refusals))],
  ['acknowledged writes', ledgerSummary(ledger)],
  ['crashes (exits not ours)', String(server.crashes.length)],
  ['kills (SIGKILL) / byte flips', `${events.kills} / ${events.flips}`],
  ...(backend === 'neo4j' ? [['Neo4j kills (SIGKILL), started again', String(events.neo4jKills)] as [string, string]] : []),
  ['full disks', fullDiskWhyNot ? `none (${fullDiskWhyNot})` : String(events.fullDisks)],
  ['restarts', String(server.starts - 1)],
  ...[...recoveries].map(([name, n]): [string, string] => [`log lines: ${name}`, String(n)]),
  ['engine restarts (/health)', engineRestarts === null ? 'not reported' : String(engineRestarts)],
  ['read p99 during writes', `${tally.p99().toFixed(0)} ms (${tally.readLatencies.length} reads)`],
  ['failures', String(failures.length)],
];
const width = Math.max(...rows.map(([k]) => k.length));
for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
for (const f of failures.slice(0, 30)) console.log(`FAIL ${f}`);
// A tmpfs goes with its mount: what a failure left is copied out first.
const kept = fullDiskWhyNot === null ? `${dataDir}-kept` : dataDir;
if (failures.length > 0 && fullDiskWhyNot === null) spawnSync('cp', ['-a', dataDir, kept]);
if (fullDiskWhyNot === null) spawnSync('umount', [dataDir]);
if (failures.length > 0) {
  writeFileSync(`${dataDir}-server.log`, `${server.output.join('\n')}\n`);
  console.log(`DATA_DIR kept at ${kept}; the server's output in ${dataDir}-server.log`);
} else rmSync(dataDir, { recursive: true, force: true });
process.exit(failures.length > 0 ? 1 : 0);
