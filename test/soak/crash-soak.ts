import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOntology } from '../../src/ontology/ontology.js';
import { openEmbeddedStore } from '../../src/store/embedded/open.js';
import { seededRandom } from '../../src/network/seeded-random.js';
import { SoakServer } from './soak-server.js';
import { checkLedger, Ledger, ledgerSummary, SOAK_API_KEYS, Tally, writer } from './workload.js';

/**
 * `npx tsx test/soak/crash-soak.ts [--rounds N] [--seed S]`: many SIGKILLs of a server under
 * concurrent writers of every kind (test/soak/workload.ts), every fifth round with its
 * database file broken as well, each followed by a restart and a check that every
 * acknowledged write is there exactly once and no relation hangs on a merged-away entity.
 * Too slow for `npm test` (which runs the same checks a few times, test/crash-safety.test.ts);
 * its figures go in closing notes. Prints one line a round and a summary; exits 1 on a failure.
 * `npm run soak` mixes such kills into readers and writers running for minutes.
 */

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const rounds = option('--rounds', 20);
const seed = option('--seed', 7);
const random = seededRandom(seed);

const dataDir = mkdtempSync(join(tmpdir(), 'pag-soak-'));
const server = new SoakServer(dataDir, { API_KEYS: SOAK_API_KEYS });
const ledger = new Ledger('soak');
const tally = new Tally();
let kills = 0;
let failures = 0;
try {
  for (let round = 1; round <= rounds; round += 1) {
    await server.start();
    let stopped = false;
    const writers = [0, 1, 2, 3].map((w) => writer(server.target, tally, ledger, seededRandom(seed * 100 + round * 4 + w), () => stopped));
    await new Promise((r) => setTimeout(r, 500 + random() * 2_500));
    await server.kill();
    kills += 1;
    stopped = true;
    await Promise.all(writers);
    if (round % 5 === 0) writeFileSync(join(dataDir, 'graph.lbug'), Buffer.alloc(65_536, 0x5a));
    // Started once more so the journal is replayed, then killed idle and inspected.
    await server.start();
    await server.kill();
    kills += 1;
    const store = await openEmbeddedStore({ dataDir, ontology: loadOntology() });
    const problems = await checkLedger(store, ledger).finally(() => store.close());
    if (problems.length > 0 || server.crashes.length > 0) failures += 1;
    console.log(`round ${round}: ${ledgerSummary(ledger)} so far; ${problems.length === 0 ? 'all there once' : problems.slice(0, 5).join('; ')}`);
  }
} catch (err) {
  console.log(`failed; DATA_DIR kept at ${dataDir}`);
  throw err;
}
rmSync(dataDir, { recursive: true, force: true });
const recoveries = server.recoveries();
console.log(
  `${kills} kills (SIGKILL), ${server.starts} starts, ${server.crashes.length} crashes; ${recoveries.get('rebuilt')} rebuilds from the journal; ${failures} rounds with a lost or doubled write or a crash`,
);
process.exit(failures > 0 ? 1 : 0);
