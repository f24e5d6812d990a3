import { openStore, seed } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { ExportArgsError } from './export/errors.js';
import { BackupError } from './journal/backup-error.js';
import { formatProblem, InputError } from './writes/errors.js';
import { checkImportPaths, ImportFileError, importFiles, type ImportOutcome } from './writes/sources/import-files.js';
import { loadOntology } from './ontology/ontology.js';
import type { SeedOutcome } from './writes/sources/seed-folder.js';
import { StoreOpenError } from './store/embedded/open.js';
import { Neo4jConnectError } from './store/neo4j/open.js';

/** The command line: `serve` (default: seed if needed, then serve), `seed`, `import file...`, or `export --format F ...`. */

const USAGE = `usage:
  npm start                          seed new or changed files, then serve GraphQL on PORT (default 4000)
  npm run seed                       seed new or changed files, then exit
  npm run import -- FILE...          import seed-format YAML/JSON files and CSV edge lists (all or none)
  npm run backup -- FILE             write the graph's whole history (the journal) to FILE; safe while serving
  npm run restore -- FILE            rebuild the graph from a backup into an empty DATA_DIR (or an empty Neo4j)
  npm run export -- --format F [--out FILE] [--id ID --depth N --kinds K,... --types T,... --from D --to D]
                                     write the graph or a selection as gexf, graphml, cytoscape, graphology or d3
Settings come from the environment (PORT, DATA_DIR, NEO4J_URI, API_KEYS, ...): see README, "Configuration".`;

function describe(outcomes: SeedOutcome[]): string {
  return outcomes.map((o) => `${o.file}: ${o.status} (${o.entities} entities, ${o.relations} relations)`).join('; ') || 'no seed files';
}

function describeImport(o: ImportOutcome): string {
  return o.status === 'unchanged' ? `${o.path}: unchanged` : `${o.path}: loaded (${o.entities} entities, ${o.relations} relations)`;
}

/** Thrown for an import that failed validation, so its message differs from the seed files'. */
class ImportInvalid extends Error {
  constructor(readonly invalid: InputError) {
    super('import is invalid');
  }
}

/** `import file...`: seeds first (imports may refer to seed entities), then imports all files or none. */
async function runImport(paths: string[]): Promise<void> {
  // Missing files and wrong types fail before the database is opened or seeded.
  checkImportPaths(paths);
  const config = loadConfig();
  const ontology = loadOntology();
  const store = await openStore(config, ontology);
  try {
    const seeded = await seed(store, config, ontology);
    if (seeded.some((o) => o.status === 'loaded')) console.log(`seeds: ${describe(seeded)}`);
    let outcomes: ImportOutcome[];
    try {
      outcomes = await importFiles(store, ontology, paths);
    } catch (err) {
      throw err instanceof InputError ? new ImportInvalid(err) : err;
    }
    for (const o of outcomes) console.log(describeImport(o));
  } finally {
    await store.close();
  }
}

async function run(command: string): Promise<void> {
  const config = loadConfig();
  const ontology = loadOntology();
  const store = await openStore(config, ontology);
  try {
    const outcomes = await seed(store, config, ontology);
    console.log(`seeds: ${describe(outcomes)}`);
  } catch (err) {
    await store.close();
    throw err;
  }
  if (command === 'seed') {
    await store.close();
    return;
  }
  // Loaded only to serve: `seed` and `import` do not need the HTTP stack.
  const { startServer } = await import('./server.js');
  const server = await startServer({ config, store, ontology });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    await server.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // Printed only once the handlers are in place: whoever waits for this line may stop us at once.
  const where = config.neo4j ? `NEO4J_URI=${config.neo4j.uri}` : `data: ${config.dataDir}`;
  const writes = config.apiKeys.length > 0 ? `writes with ${config.apiKeys.length} API key${config.apiKeys.length === 1 ? '' : 's'}` : 'read-only: no API_KEYS';
  console.log(`GraphQL API and explorer on ${server.url}/graphql, network view on ${server.url}/explore (backend: ${store.backend}, ${where}; ${writes})`);
}

const command = process.argv[2] ?? 'serve';
// Asked for as the command, or as the command's only argument: `import -- help` may be a file.
const HELP = ['--help', '-h', 'help'];
if (HELP.includes(command) || (process.argv.length === 4 && ['--help', '-h'].includes(process.argv[3]!))) {
  console.log(USAGE);
  process.exit(0);
}
const COMMANDS = ['serve', 'seed', 'import', 'export', 'backup', 'restore'];
const ONE_FILE = ['backup', 'restore'];
if (!COMMANDS.includes(command) || (command === 'import' && process.argv.length < 4) || (ONE_FILE.includes(command) && process.argv.length !== 4)) {
  console.error(USAGE);
  process.exit(2);
}
/** `export --format F [--out FILE] [--id ID --depth N --kinds K,... --types T,... --from D --to D]`; loaded only to export. */
async function runExport(args: string[]): Promise<void> {
  const { runExport: exportCommand } = await import('./export/cli.js');
  await exportCommand(args);
}

/** `backup FILE`: reads only the journal, so it runs beside a serving server. */
async function runBackup(file: string): Promise<void> {
  const { writeBackup } = await import('./journal/backup.js');
  const config = loadConfig();
  if (config.neo4j) throw new BackupError('npm run backup copies the embedded store\'s journal; a Neo4j database is backed up with neo4j-admin database dump');
  const { entries, batches } = await writeBackup(config.dataDir, file);
  console.log(`backup: ${file} (${entries} journal entries, ${batches} loaded batches)`);
}

async function runRestore(file: string): Promise<void> {
  const { restoreBackup } = await import('./journal/restore.js');
  const config = loadConfig();
  const { writes } = await restoreBackup(file, config, loadOntology());
  console.log(`restored: ${writes} writes from ${file} (${config.neo4j ? `NEO4J_URI=${config.neo4j.uri}` : `DATA_DIR=${config.dataDir}`})`);
}

const arg = process.argv[3] ?? '';
const main =
  command === 'import'
    ? runImport(process.argv.slice(3))
    : command === 'export'
      ? runExport(process.argv.slice(3))
      : command === 'backup'
        ? runBackup(arg)
        : command === 'restore'
          ? runRestore(arg)
          : run(command);
main.catch((err: unknown) => {
  // Expected failures get one actionable line; nothing else prints a stack either.
  if (err instanceof ImportInvalid) {
    console.error(`import is invalid, nothing was written:\n${err.invalid.problems.map(formatProblem).join('\n')}`);
  } else if (err instanceof ExportArgsError) {
    console.error(err.message);
  } else if (err instanceof ImportFileError || err instanceof BackupError) {
    console.error(err.message);
  } else if (err instanceof StoreOpenError && err.locked) {
    const dataDir = loadConfig().dataDir;
    console.error(`the embedded database in DATA_DIR=${dataDir} is in use by another process (a running server?); stop it, or use another DATA_DIR`);
  } else if (err instanceof InputError) {
    console.error(`seed files are invalid, nothing was loaded:\n${err.problems.map(formatProblem).join('\n')}`);
  } else if (err instanceof ConfigError || err instanceof StoreOpenError || err instanceof Neo4jConnectError) {
    console.error(err.message);
  } else if (err instanceof Error && 'code' in err && err.code === 'EADDRINUSE') {
    const { port, host } = loadConfig();
    console.error(`port ${port} on ${host} is already in use (another server?); set PORT to a free port`);
  } else {
    console.error(`failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  process.exit(1);
});
