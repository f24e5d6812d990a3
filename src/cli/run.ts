import { EXIT, PROCESS_IO, type CliContext, type CliIo } from './io.js';
import { reportFailure } from './report-error.js';

/**
 * The command line: a table of commands, each in its own module under commands/ and
 * loaded only when run (`export` does not load the import code, `seed` not the HTTP
 * stack). `runCli` returns the exit code instead of exiting, so tests run it in-process.
 */

export const USAGE = `usage:
  npm start                          seed new or changed files, then serve GraphQL on PORT (default 4000)
  npm run seed                       seed new or changed files, then exit
  npm run import -- FILE...          import seed-format YAML/JSON files and CSV edge lists (all or none)
  npm run backup -- FILE             write the graph's whole history (the journal) to FILE; safe while serving
  npm run restore -- FILE            rebuild the graph from a backup into an empty DATA_DIR (or an empty Neo4j)
  npm run verify [-- --repair]       compare the embedded database with its journal's graph (server stopped);
                                     --repair replaces it with that graph
  npm run export -- --format F [--out FILE] [--id ID --depth N --kinds K,... --types T,... --from D --to D]
                                     write the graph or a selection as gexf, graphml, cytoscape, graphology or d3
Settings come from the environment (PORT, DATA_DIR, NEO4J_URI, API_KEYS, ...): see README, "Configuration".`;

type Run = (args: readonly string[], ctx: CliContext) => Promise<void>;

interface Command {
  /** How many arguments it takes; a count outside these is a usage error (exit 2). */
  args: { min: number; max: number };
  run: () => Promise<Run>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  serve: { args: { min: 0, max: Infinity }, run: async () => (await import('./commands/serve.js')).serveCommand },
  seed: { args: { min: 0, max: Infinity }, run: async () => (await import('./commands/serve.js')).seedCommand },
  import: { args: { min: 1, max: Infinity }, run: async () => (await import('./commands/import.js')).importCommand },
  export: { args: { min: 0, max: Infinity }, run: async () => (await import('./commands/export.js')).exportCommand },
  backup: { args: { min: 1, max: 1 }, run: async () => (await import('./commands/backup.js')).backupCommand },
  restore: { args: { min: 1, max: 1 }, run: async () => (await import('./commands/restore.js')).restoreCommand },
  verify: { args: { min: 0, max: 1 }, run: async () => (await import('./commands/verify.js')).verifyCommand },
};

const HELP = ['--help', '-h', 'help'];

export interface RunOptions {
  io?: CliIo;
  env?: NodeJS.ProcessEnv;
}

/** Runs `argv` (the words after `main.ts`) and returns the exit code; a `serve` that started returns 0 and keeps serving. */
export async function runCli(argv: readonly string[], { io = PROCESS_IO, env = process.env }: RunOptions = {}): Promise<number> {
  const [name = 'serve', ...args] = argv;
  // Asked for as the command, or as the command's only argument: `import -- help` may be a file.
  if (HELP.includes(name) || (args.length === 1 && ['--help', '-h'].includes(args[0]!))) {
    io.out(USAGE);
    return EXIT.ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command || args.length < command.args.min || args.length > command.args.max) {
    io.err(USAGE);
    return EXIT.usage;
  }
  try {
    await (
      await command.run()
    )(args, { io, env });
    return EXIT.ok;
  } catch (err) {
    const failure = reportFailure(err);
    io.err(failure.message);
    return failure.exitCode;
  }
}
