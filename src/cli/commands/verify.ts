import { loadConfig } from '../../config.js';
import { DomainError, ErrorCode } from '../../errors/domain-error.js';
import { loadOntology } from '../../ontology/ontology.js';
import { StoreOpenError } from '../../store/errors.js';
import type { CliContext } from '../io.js';

/** `verify` run where it cannot: a Neo4j backend, a server holding the database, an unknown argument. */
export class VerifyRefused extends DomainError {
  readonly code = ErrorCode.STORE_OPEN_FAILED;
}

/** Disagreements listed one a line, up to this many; the rest are counted. */
const LISTED = 50;

/**
 * `verify [--repair]`: compares the embedded database with the graph its journal rebuilds,
 * record by record; prints what disagrees and the time taken, and exits 1 if anything
 * does. `--repair` then puts the rebuilt database in place (the old files are quarantined).
 */
export async function verifyCommand(args: readonly string[], { io, env }: CliContext): Promise<void> {
  const repair = args.includes('--repair');
  const unknown = args.filter((a) => a !== '--repair');
  if (unknown.length > 0) throw new VerifyRefused(`unknown argument ${JSON.stringify(unknown[0])}; usage: npm run verify [-- --repair]`);
  const config = loadConfig(env);
  if (config.neo4j) throw new VerifyRefused('npm run verify checks the embedded store against its journal; Neo4j has no journal here (unset NEO4J_URI)');
  const { verifyDatabase, repairDatabase, discardRebuilt, DatabaseDisagrees } = await import('../../journal/verify.js');
  const log = (line: string) => io.err(line);
  let result;
  try {
    result = await verifyDatabase({ dataDir: config.dataDir, ontology: loadOntology(), log });
  } catch (err) {
    if (err instanceof StoreOpenError && err.locked) {
      throw new VerifyRefused(
        `npm run verify needs the server stopped: the embedded database in DATA_DIR=${config.dataDir} is in use by another process (LadybugDB locks its file); stop the server and run it again`,
      );
    }
    throw err;
  }
  const from = result.fromSnapshot === null ? 'from an empty database' : `from the snapshot of ${result.fromSnapshot} entries`;
  io.out(
    `verify: ${result.records} records against ${result.entries} journal entries; rebuilt in ${result.rebuildMs} ms (${result.replayed} writes replayed ${from}), compared in ${result.compareMs} ms, ${result.totalMs} ms in all`,
  );
  for (const r of result.refused) io.out(`journal: write ${r.changeId} was refused on replay: ${r.reason}`);
  if (result.unreadable !== null) io.out(`database unreadable: ${result.unreadable}`);
  for (const d of result.disagreements.slice(0, LISTED)) io.out(`${d.kind}: ${d.table} ${d.id}`);
  if (result.disagreements.length > LISTED) io.out(`... and ${result.disagreements.length - LISTED} more`);
  const bad = result.unreadable !== null || result.disagreements.length > 0;
  if (!bad) {
    discardRebuilt(result);
    io.out("verify: the database is the journal's graph");
    return;
  }
  const count = result.unreadable !== null ? 'the database cannot be read' : `${result.disagreements.length} record(s) disagree with the journal`;
  if (!repair) {
    discardRebuilt(result);
    throw new DatabaseDisagrees(`${count}; npm run verify -- --repair replaces the database with the journal's graph`);
  }
  const aside = await repairDatabase(config.dataDir, result, { keep: config.storage.quarantineKeep, log });
  throw new DatabaseDisagrees(`${count}: repaired, the database is now the journal's graph (the old files are in ${aside})`);
}
