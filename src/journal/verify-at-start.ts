import type { EngineStatus } from '../store/cypher/executor.js';
import type { TableReader } from '../store/embedded/dump.js';
import type { QuarantinePolicy } from '../store/embedded/quarantine.js';
import type { Ontology } from '../ontology/ontology.js';
import type { VerifyOutcome } from '../writes/graph.js';
import { discardRebuilt, putRebuildInPlace, verifyDatabase } from './verify.js';
import type { WriteHold } from './write-hold.js';

/** The engine as the check at start needs it: read its tables, and stop it while its files are replaced. */
export interface VerifiedEngine extends TableReader {
  readonly status?: EngineStatus;
  replaceFiles(why: string, work: () => Promise<void>): Promise<void>;
}

/** How long the check waits for an engine that is restarting before it reads. */
const WAIT_FOR_ENGINE_MS = 60_000;

async function engineUp(engine: VerifiedEngine): Promise<void> {
  const until = Date.now() + WAIT_FOR_ENGINE_MS;
  while (engine.status?.state === 'restarting' && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
}

/**
 * The check a server runs beside serving (VERIFY_AT_START), since at a million relations it
 * takes minutes: the journal's graph is built in a directory of its own and the live database
 * compared with it record by record (src/journal/verify.ts). Writes go on while the journal's
 * graph is built; they wait (`hold`) only while the live database is read, so that it and the
 * journal's graph stand at the same position. A clean check is kept as a snapshot, so the next
 * rebuild replays only what follows it. A database that disagrees is replaced by the journal's
 * graph with the engine stopped for a moment (503 with Retry-After meanwhile); writes made
 * after the check are in the journal and caught up as the engine starts again, so none is
 * lost. Each step says so in a log line (verify.ts, quarantine.ts).
 */
export async function verifyAtStart(options: { dataDir: string; ontology: Ontology; engine: VerifiedEngine; policy: QuarantinePolicy; hold: WriteHold }): Promise<VerifyOutcome> {
  const { dataDir, ontology, engine, policy, hold } = options;
  const log = policy.log;
  await engineUp(engine);
  const result = await verifyDatabase({ dataDir, ontology, log, live: engine, hold: (work) => hold.hold(work) });
  if (result.unreadable === null && result.disagreements.length === 0) {
    discardRebuilt(result);
    log("embedded database: the check at start found it the journal's graph");
    return 'clean';
  }
  try {
    await engine.replaceFiles("put the journal's graph in place of a database that disagrees with it", async () => {
      await putRebuildInPlace(dataDir, result, policy);
    });
  } finally {
    discardRebuilt(result);
  }
  log("embedded database: the check at start repaired it; it is the journal's graph again");
  return 'repaired';
}
