import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { formatProblem, InputError } from '../errors.js';
import { fingerprintFile, fingerprintText, importKey } from '../fingerprint.js';
import { loadFile } from '../load/load-file.js';
import type { Ontology } from '../../ontology/ontology.js';
import type { LoadSink, LoadTarget } from '../../store/load-sink.js';
import { checkCsvFile, csvBatches } from './import-csv.js';
import { checkJsonFile, jsonBatches } from './import-json.js';
import { factsToWrite, ImportRun, MAX_PROBLEMS, type Format, type Pending } from './import-run.js';
import { checkSeedFile } from './import-yaml.js';
import { StoredCitationsError } from '../stored-citations.js';
import { DomainError, ErrorCode } from '../../errors/domain-error.js';

/**
 * `import file...`: JSON/YAML files in the seed format and CSV edge lists, checked by
 * the seed validator against the ontology. All or nothing per run: every file is
 * checked completely first (pass 1); only when no file has a problem is anything
 * written (pass 2), each file in one call of the load sink (one transaction) with its fingerprint and
 * an IMPORT audit entry. Each file needs its own fingerprint key, which `load` records
 * one of per call, hence one call per file; as pass 2 starts only after every check
 * passed, what can still fail there is the database (or a file edited meanwhile), and a
 * file written before such a failure is recorded as loaded, so running the import
 * again completes the rest. Each format has its module (import-yaml, import-json,
 * import-csv); what the files of a run share while checked is import-run.ts.
 *
 * JSON/YAML files are checked and written before CSV files, so edge lists may use their
 * entities and sources; a JSON/YAML file may use those of the JSON/YAML files before it.
 * A file whose fingerprint is recorded (same bytes, same ontology) is not read again.
 *
 * CSV and JSON files are streamed, record by record, in both passes, so their size is
 * not bounded by memory (a JSON file is read once per part: source, entities, relations,
 * so each may come in any order). A YAML file is parsed whole.
 */

export { BATCH, MAX_PROBLEMS } from './import-run.js';

export interface ImportOutcome {
  /** The path as given. */
  path: string;
  status: 'loaded' | 'unchanged';
  sources: number;
  entities: number;
  relations: number;
  /** Relations given without an id that cited a relation stating the same fact (earlier in the run, or stored) instead of making another. */
  corroborated: number;
}

/** An import that cannot start (a missing file, a wrong type) or could not finish writing: one line for a person. */
export class ImportFileError extends DomainError {
  readonly code = ErrorCode.BAD_USER_INPUT;
}

const FORMATS: Readonly<Record<string, Format>> = { '.json': 'json', '.yaml': 'yaml', '.yml': 'yaml', '.csv': 'csv' };

/** Refuses, before anything is opened, what cannot be imported; throws ImportFileError. */
export function checkImportPaths(paths: readonly string[]): void {
  if (paths.length === 0) throw new ImportFileError('usage: main.ts import file... (.json, .yaml, .yml or .csv)');
  const byName = new Map<string, string>();
  for (const path of paths) {
    const ext = extname(path).toLowerCase();
    if (!FORMATS[ext]) throw new ImportFileError(`${path}: cannot import ${ext ? `a ${ext} file` : 'a file without extension'}; expected .json, .yaml, .yml or .csv`);
    let isFile: boolean;
    try {
      isFile = statSync(path).isFile();
    } catch {
      throw new ImportFileError(`${path}: no such file`);
    }
    if (!isFile) throw new ImportFileError(`${path}: not a file`);
    // The fingerprint is kept per file name, so two files of one name would overwrite each other's.
    const other = byName.get(basename(path));
    if (other !== undefined) throw new ImportFileError(`${path}: has the same file name as ${other}; import them in separate runs or rename one`);
    byName.set(basename(path), path);
  }
}

/** A checked file that would write nothing but an empty IMPORT entry (`{}`, a header alone). */
function holdsNothing(p: Pending): boolean {
  if (p.batch) return p.batch.sources.length + p.batch.entities.length + p.batch.relations.length + (p.batch.claims?.length ?? 0) + p.corroborated === 0;
  return p.sources + p.entities + p.relations + p.claims + p.corroborated === 0;
}

/** A file's claims, counted only when it has some (a summary without claims reads as before). */
const claimCount = (claims: readonly unknown[] | undefined) => (claims && claims.length > 0 ? { claims: claims.length } : {});

/** Pass 2 for one file: one `load`, so one transaction, with its fingerprint and audit entry. */
async function writeFile(sink: LoadSink, run: ImportRun, p: Pending): Promise<ImportOutcome> {
  const load = { file: p.file, key: p.key, fingerprint: p.fingerprint };
  if (p.batch) {
    // Relations with the citations later files brought them; those stating a stored fact apart.
    const batch = { ...p.batch, ...factsToWrite(run, p.batch.relations) };
    const counts = { sources: batch.sources.length, entities: batch.entities.length, relations: batch.relations.length, corroborated: p.corroborated, ...claimCount(batch.claims) };
    await loadFile(sink, { ...load, counts, entityIds: batch.entities.map((e) => e.id) }, batch);
    p.batch = null;
    return { path: p.path, status: 'loaded', ...counts };
  }
  const counts = { sources: p.sources, entities: p.entities, relations: p.relations, corroborated: p.corroborated };
  if (p.format === 'json') {
    await loadFile(sink, { ...load, counts, entityIds: p.entityIds }, jsonBatches(run, p));
  } else {
    await loadFile(sink, { ...load, counts }, csvBatches(run, p));
  }
  return { path: p.path, status: 'loaded', ...counts };
}

/**
 * Imports the files (see the module comment). Throws ImportFileError for a file that
 * cannot be read as an import, InputError (at most MAX_PROBLEMS problems, each with file,
 * line and field) when any file is invalid; nothing is written in either case.
 */
export async function importFiles(store: LoadTarget, ontology: Ontology, paths: readonly string[]): Promise<ImportOutcome[]> {
  checkImportPaths(paths);
  const outcomes = new Map<string, ImportOutcome>();
  const pending: Pending[] = [];
  for (const path of paths) {
    const file = basename(path);
    const format = FORMATS[extname(path).toLowerCase()]!;
    const key = importKey(file);
    const text = format === 'yaml' ? readFileSync(path, 'utf8') : null;
    const fingerprint = text !== null ? fingerprintText(ontology.sdl, text) : await fingerprintFile(ontology.sdl, path);
    if ((await store.loadedFingerprint(key)) === fingerprint) {
      outcomes.set(path, { path, status: 'unchanged', sources: 0, entities: 0, relations: 0, corroborated: 0 });
    } else {
      pending.push({ path, file, format, key, fingerprint, text, batch: null, sources: 0, entities: 0, relations: 0, claims: 0, entityIds: [], corroborated: 0 });
    }
  }
  // Edge lists define no entities: checked and written after the seed-format files, they may use theirs.
  const ordered = [...pending.filter((p) => p.format !== 'csv'), ...pending.filter((p) => p.format === 'csv')];

  const run = new ImportRun(
    store,
    ontology,
    (await store.listSources()).map((s): [string, string | null] => [s.id, s.text ?? null]),
  );
  for (const p of ordered) {
    if (run.full) {
      run.truncated = true;
      break;
    }
    const problemsBefore = run.problems.length;
    try {
      if (p.format === 'yaml') await checkSeedFile(run, p);
      else if (p.format === 'json') await checkJsonFile(run, p);
      else await checkCsvFile(run, p);
      // Counted only for a file that checked clean: one with problems writes nothing anyway.
      if (run.problems.length === problemsBefore && holdsNothing(p))
        run.report([{ file: p.file, line: 1, field: '(file)', message: 'has nothing to import: no source, entities, relations or claims' }]);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      run.report(err.problems);
    }
  }
  if (run.problems.length > 0) {
    const more = run.truncated ? [{ file: run.problems.at(-1)!.file, line: null, field: '(import)', message: `checking stopped after ${MAX_PROBLEMS} problems` }] : [];
    throw new InputError([...run.problems, ...more]);
  }

  const written: string[] = [];
  for (const p of ordered) {
    try {
      outcomes.set(p.path, await writeFile(store, run, p));
    } catch (err) {
      // Only the database, a file edited since pass 1, or source text that citations stored (by earlier files) do not hold can fail here; say what is already in.
      const reason =
        err instanceof StoredCitationsError
          ? err.problems.map(formatProblem).join('; ')
          : err instanceof InputError
            ? `it changed since it was checked: ${formatProblem(err.problems[0]!)}`
            : err instanceof Error
              ? err.message.split('\n')[0]
              : String(err);
      const before = written.length > 0 ? `; already written: ${written.join(', ')} (run the import again to finish)` : '; nothing was written';
      throw new ImportFileError(`${p.path}: not written: ${reason}${before}`);
    }
    written.push(p.path);
  }
  return paths.map((path) => outcomes.get(path)!);
}
