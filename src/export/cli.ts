import { writeFileSync } from 'node:fs';
import { openStore, seed } from '../app.js';
import { loadConfig } from '../config.js';
import { loadOntology } from '../ontology/ontology.js';
import { MeasureTimeoutError } from '../network/measure.js';
import { SelectionTooLargeError } from '../network/selection.js';
import { ExportArgsError } from './errors.js';
import { exportSelection, FORMATS, formatNamed, UnknownEntityError } from './index.js';
import { parseSelection, SELECTION_PARAMS, SelectionParamError, type SelectionParam } from './selection-params.js';

export const EXPORT_USAGE = `usage: main.ts export --format ${FORMATS.map((f) => f.name).join('|')} [--out FILE] [--id ID [--depth 1..3]] [--kinds KIND,...] [--types TYPE,...] [--from DATE] [--to DATE]`;

interface ExportArgs {
  format: string;
  out: string | null;
  selection: Partial<Record<SelectionParam, string>>;
}

const OPTIONS = ['format', 'out', ...SELECTION_PARAMS] as const;

function parseArgs(args: readonly string[]): ExportArgs {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const m = /^--([a-z]+)(?:=(.*))?$/s.exec(arg);
    if (!m || !(OPTIONS as readonly string[]).includes(m[1]!)) throw new ExportArgsError(`unknown argument ${JSON.stringify(arg)}; ${EXPORT_USAGE}`);
    const name = m[1]!;
    let value = m[2];
    if (value === undefined) {
      value = args[++i];
      if (value === undefined || value.startsWith('--')) throw new ExportArgsError(`--${name} needs a value; ${EXPORT_USAGE}`);
    }
    if (values.has(name)) throw new ExportArgsError(`--${name} is given twice`);
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

/**
 * `export --format F [--out FILE] [selection]`: the selection as a file, or on stdout
 * without `--out`. Arguments are checked before the database is opened; seeds are loaded
 * first as `seed` does, so a new DATA_DIR exports the seed graph. Only the file goes to
 * stdout; what else there is to say goes to stderr.
 */
export async function runExport(args: readonly string[]): Promise<void> {
  try {
    await exportCommand(args);
  } catch (err) {
    if (err instanceof SelectionParamError || err instanceof UnknownEntityError || err instanceof SelectionTooLargeError || err instanceof MeasureTimeoutError) {
      throw new ExportArgsError(err.message);
    }
    throw err;
  }
}

async function exportCommand(args: readonly string[]): Promise<void> {
  const parsed = parseArgs(args);
  const format = formatNamed(parsed.format);
  if (!format) throw new ExportArgsError(`--format: unknown format ${JSON.stringify(parsed.format)}; expected one of ${FORMATS.map((f) => f.name).join(', ')}`);
  const ontology = loadOntology();
  const selection = parseSelection(parsed.selection, ontology);
  const config = loadConfig();
  const store = await openStore(config, ontology);
  try {
    const seeded = await seed(store, config, ontology);
    for (const o of seeded) if (o.status === 'loaded') console.error(`seeds: ${o.file}: loaded (${o.entities} entities, ${o.relations} relations)`);
    const exported = await exportSelection(store, ontology, selection, format);
    if (parsed.out === null) {
      process.stdout.write(exported.body);
    } else {
      try {
        writeFileSync(parsed.out, exported.body);
      } catch (err) {
        const code = err instanceof Error && 'code' in err ? String(err.code) : 'failed';
        throw new ExportArgsError(`--out: cannot write ${parsed.out} (${code})`);
      }
      console.log(`${parsed.out}: ${format.name}, ${exported.nodes} nodes, ${exported.edges} edges`);
    }
  } finally {
    await store.close();
  }
}
