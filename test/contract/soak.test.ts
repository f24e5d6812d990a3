import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { seededRandom } from '../../src/network/seeded-random.js';
import { loadOntology } from '../../src/ontology/ontology.js';
import { openEmbeddedStore } from '../../src/store/embedded/open.js';
import { Graph } from '../../src/writes/graph.js';
import { neo4jBackend, neo4jSettings } from '../support/backends.js';
import { describeEachBackend } from '../support/contract.js';
import { SoakServer } from '../soak/soak-server.js';
import { checkLedger, Ledger, ledgerSummary, READ_SHAPES, reader, SOAK_API_KEYS, Tally, WRITE_KINDS, writer, type WriteKind } from '../soak/workload.js';

/**
 * Readers of every read shape beside writers of every write kind, merges included, against
 * the real server in a process of its own (so that a crash of the embedded engine shows as
 * the process's exit instead of taking the test run down). For a bounded time: the server
 * never dies, never answers 5xx except 503 with Retry-After, each reader keeps getting
 * answers while the writes run, and every acknowledged write is stored exactly once.
 * `npm run soak` runs the same for minutes, with kills and broken files (test/soak/soak.ts).
 */

const SOAK_MS = 22_000;
/** Writes go on past SOAK_MS until every kind was acknowledged once, up to this: Neo4j on a busy machine is slow to merge. */
const SOAK_MAX_MS = 70_000;
const READERS = 6;
const WRITERS = 2;
/**
 * Answers each reader must get while the writes run. Low, for a shared 2-core machine
 * where Neo4j answers a reader about once a second: a reader starved by the writers gets none.
 */
const MIN_READS = 5;

describeEachBackend('soak', (backend) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it(`serves ${READERS} readers of every shape beside ${WRITERS} writers of every kind, losing and doubling nothing`, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pag-soak-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    let openStore: () => Promise<Graph>;
    let env: Record<string, string> = { API_KEYS: SOAK_API_KEYS, COST_BUDGET_PER_MINUTE: '0' };
    if (backend.name === 'neo4j') {
      // Emptied here; the server seeds it as it starts, and this store reads it back after.
      const { store, dispose } = await neo4jBackend.open(loadOntology());
      cleanups.push(dispose);
      openStore = async () => store;
      const { uri, user, password } = neo4jSettings!;
      env = { ...env, NEO4J_URI: uri, NEO4J_USER: user, NEO4J_PASSWORD: password ?? '' };
    } else {
      openStore = async () => new Graph(await openEmbeddedStore({ dataDir, ontology: loadOntology() }), loadOntology());
    }
    const server = new SoakServer(dataDir, env);
    cleanups.push(async () => void (await server.kill()));
    await server.start();

    const tally = new Tally();
    const ledger = new Ledger('soak');
    let writing = true;
    let reading = true;
    const acked = new Map<WriteKind, number>();
    const writers = Array.from({ length: WRITERS }, (_, w) => writer(server.target, tally, ledger, seededRandom(100 + w), () => !writing || !server.alive, acked));
    const readers = Array.from({ length: READERS }, (_, r) =>
      reader(
        server.target,
        tally,
        ledger,
        seededRandom(200 + r),
        () => !reading || !server.alive,
        () => writing,
      ),
    );
    const started = Date.now();
    const everyKind = () => WRITE_KINDS.every((k) => (acked.get(k) ?? 0) > 0);
    while (Date.now() - started < SOAK_MS || (!everyKind() && Date.now() - started < SOAK_MAX_MS)) await new Promise((r) => setTimeout(r, 250));
    writing = false;
    await Promise.all(writers);
    reading = false;
    const results = await Promise.all(readers);

    console.log(
      `soak (${backend.name}): ${tally.requests} requests, ${ledgerSummary(ledger)}; reads during writes ${results.map((r) => r.okDuringWrites).join('/')}, p99 ${tally.p99().toFixed(0)} ms; statuses ${JSON.stringify(Object.fromEntries(tally.byStatus))}`,
    );
    expect(server.crashes, server.output.slice(-30).join('\n')).toEqual([]);
    expect(server.alive).toBe(true);
    expect(tally.problems.slice(0, 20)).toEqual([]);
    // Every kind of write was made and acknowledged, so the check below covers each.
    expect(WRITE_KINDS.filter((k) => (acked.get(k) ?? 0) === 0)).toEqual([]);
    expect(results.map((r) => r.okDuringWrites).filter((n) => n <= MIN_READS)).toEqual([]);
    const answered = new Set(results.flatMap((r) => [...r.okByShape.keys()]));
    expect(READ_SHAPES.map((s) => s.name).filter((s) => !answered.has(s))).toEqual([]);

    // A clean stop exits 0; then the store is read back as it was left.
    expect(await server.stop()).toEqual({ code: 0, signal: null });
    const store = await openStore();
    try {
      expect(await checkLedger(store, ledger), ledgerSummary(ledger)).toEqual([]);
    } finally {
      if (backend.name !== 'neo4j') await store.close();
    }
  }, 200_000);
});
