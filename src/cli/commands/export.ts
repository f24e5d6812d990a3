import { writeFileSync } from 'node:fs';
import { openStore, seed } from '../../app.js';
import { loadConfig, type Config } from '../../config.js';
import { ExportArgsError } from '../../export/errors.js';
import { exportSelection, FORMATS, formatNamed, type ExportFormat } from '../../export/index.js';
import { parseSelection, SELECTION_PARAMS, type SelectionParam } from '../../export/selection-params.js';
import { loadOntology } from '../../ontology/ontology.js';
import { StoreOpenError } from '../../store/errors.js';
import type { CliContext } from '../io.js';

export const EXPORT_USAGE = `usage: main.ts export --format ${FORMATS.map((f) => f.name).join('|')} [--out FILE] [--id ID [--depth 1..3]] [--kinds KIND,...] [--types TYPE,...] [--from DATE] [--to DATE] [--infer-dates] [--as-of DATE [--include-undated]]`;

interface ExportArgs {
  format: string;
  out: string | null;
  selection: Partial<Record<SelectionParam, string>>;
}

/** Flags with no value, each setting its selection parameter to `true`. */
const FLAGS: Readonly<Record<string, SelectionParam>> = { '--infer-dates': 'inferDates', '--include-undated': 'includeUndated' };
/** Options whose name on the command line is not the parameter's. */
const RENAMED: Readonly<Record<string, SelectionParam>> = { 'as-of': 'asOf' };
const OPTIONS = ['format', 'out', ...SELECTION_PARAMS.filter((p) => !Object.values(FLAGS).includes(p) && !Object.values(RENAMED).includes(p)), ...Object.keys(RENAMED)];

function parseArgs(args: readonly string[]): ExportArgs {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    // A flag with no value: `--infer-dates` dates an undated relation by an event it joins
    // (`inferDates=true`); `--include-undated` keeps undated relations beside `--as-of`.
    const flag = FLAGS[arg];
    if (flag) {
      if (values.has(flag)) throw new ExportArgsError(`${arg} is given twice`);
      values.set(flag, 'true');
      continue;
    }
    const m = /^--([a-z]+(?:-[a-z]+)*)(?:=(.*))?$/s.exec(arg);
    if (!m || !OPTIONS.includes(m[1]!)) throw new ExportArgsError(`unknown argument ${JSON.stringify(arg)}; ${EXPORT_USAGE}`);
    const option = m[1]!;
    const name = RENAMED[option] ?? option;
    let value = m[2];
    if (value === undefined) {
      value = args[++i];
      if (value === undefined || value.startsWith('--')) throw new ExportArgsError(`--${option} needs a value; ${EXPORT_USAGE}`);
    }
    if (values.has(name)) throw new ExportArgsError(`--${option} is given twice`);
    values.set(name, value);
  }
  const format = values.get('format');
  if (format === undefined) throw new ExportArgsError(`--format is required; ${EXPORT_USAGE}`);
  const selection: Partial<Record<SelectionParam, string>> = {};
  for (const p of SELECTION_PARAMS) {
    const v = values.get(p);
    if (v !== undefined) selection[p] = v;
  }
  return { format, out: values.get('out') ?? null, selection };
}

/** A word as the shell reads it: quoted unless it is plain. */
function shellWord(word: string): string {
  return /^[\w./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The running server's URL for the same export: `/export/graph.<ext>` with the selection
 * as query parameters (see src/http/export-route.ts), at this process's HOST and PORT.
 */
export function exportUrl(config: Pick<Config, 'host' | 'port'>, format: ExportFormat, selection: Partial<Record<SelectionParam, string>>): string {
  // A server listening on every address answers on the loopback one.
  const host = ['0.0.0.0', '::', ''].includes(config.host) ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
  const port = config.port === 0 ? '<PORT>' : String(config.port);
  const query = SELECTION_PARAMS.filter((p) => selection[p] !== undefined)
    // Commas stay readable (`types=SUPPORTS,LEADS`); a quote would end the shell word.
    .map((p) => `${p}=${encodeURIComponent(selection[p]!).replace(/%2C/gi, ',').replace(/'/g, '%27')}`)
    .join('&');
  return `http://${host}:${port}/export/graph.${format.extensions[0]}${query ? `?${query}` : ''}`;
}

/**
 * What to say when the embedded database is held by another process, which is almost
 * always the server: LadybugDB lets one process open a database at a time. The server
 * makes the same file, so the message gives its URL and a curl line that writes it.
 */
export function lockedMessage(
  config: Pick<Config, 'host' | 'port' | 'dataDir'>,
  format: ExportFormat,
  parsed: { out: string | null; selection: Partial<Record<SelectionParam, string>> },
): string {
  const url = exportUrl(config, format, parsed.selection);
  const curl = `curl -fsS ${parsed.out === null ? '' : `-o ${shellWord(parsed.out)} `}'${url}'`;
  const path = url.slice(url.indexOf('/export/'));
  return [
    `the embedded database in DATA_DIR=${config.dataDir} is in use by another process (a running server?): only one process may open it at a time.`,
    `A running server makes the same export at GET ${path}:`,
    `  ${curl}`,
    `(the address is HOST and PORT as set for this command: change it if the server listens elsewhere, or stop the server and export again)`,
  ].join('\n');
}

/**
 * `export --format F [--out FILE] [selection]`: the selection as a file, or on stdout
 * without `--out`. Arguments are checked before the database is opened; seeds are loaded
 * first as `seed` does, so a new DATA_DIR exports the seed graph. Only the file goes to
 * stdout; what else there is to say goes to stderr. Bad arguments, an unknown entity and
 * a selection too large are domain errors the CLI mapper prints as one line.
 */
export async function exportCommand(args: readonly string[], { io, env }: CliContext): Promise<void> {
  const parsed = parseArgs(args);
  const format = formatNamed(parsed.format);
  if (!format) throw new ExportArgsError(`--format: unknown format ${JSON.stringify(parsed.format)}; expected one of ${FORMATS.map((f) => f.name).join(', ')}`);
  const ontology = loadOntology();
  const selection = parseSelection(parsed.selection, ontology);
  const config = loadConfig(env);
  let store;
  try {
    store = await openStore(config, ontology);
  } catch (err) {
    if (err instanceof StoreOpenError && err.locked) throw new ExportArgsError(lockedMessage(config, format, parsed));
    throw err;
  }
  try {
    const seeded = await seed(store, config, ontology);
    for (const o of seeded) if (o.status === 'loaded') io.err(`seeds: ${o.file}: loaded (${o.entities} entities, ${o.relations} relations)`);
    const exported = await exportSelection(store, ontology, selection, format);
    if (parsed.out === null) {
      io.write(exported.body);
    } else {
      try {
        writeFileSync(parsed.out, exported.body);
      } catch (err) {
        const code = err instanceof Error && 'code' in err ? String(err.code) : 'failed';
        throw new ExportArgsError(`--out: cannot write ${parsed.out} (${code})`);
      }
      io.out(`${parsed.out}: ${format.name}, ${exported.nodes} nodes, ${exported.edges} edges`);
    }
  } finally {
    await store.close();
  }
}
