import type { Hash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { formatProblem, InputError, type InputProblem } from '../ingest/errors.js';
import { Checker, checkRelation, referencedIds, validateSeed, type Path } from '../ingest/validate.js';
import type { Ontology } from '../ontology/ontology.js';
import type { GraphBatch, GraphStore, RelationRecord } from '../store/graph-store.js';
import { entityConflicts, relationConflicts } from '../ingest/stored-conflicts.js';
import { csvField, readCsvRows, type CsvRow } from './csv-edges.js';
import { fingerprintFile, fingerprintHash, fingerprintText, importKey } from './fingerprint.js';
import { parseImportText } from './seed-format.js';

/**
 * `import file...`: JSON/YAML files in the seed format and CSV edge lists, checked by
 * the seed validator against the ontology. All or nothing per run: every file is
 * checked completely first (pass 1); only when no file has a problem is anything
 * written (pass 2), each file in one `store.load` transaction with its fingerprint and
 * an IMPORT audit entry. Each file needs its own fingerprint key, which `load` records
 * one of per call, hence one call per file; as pass 2 starts only after every check
 * passed, what can still fail there is the database (or a file edited meanwhile), and a
 * file written before such a failure is recorded as loaded, so running the import
 * again completes the rest.
 *
 * JSON/YAML files are checked and written before CSV files, so edge lists may use their
 * entities and sources; a JSON/YAML file may use those of the JSON/YAML files before it.
 * A file whose fingerprint is recorded (same bytes, same ontology) is not read again.
 */

/** Ids per kind lookup, and relations per chunk streamed into `load`. */
export const BATCH = 5_000;
/** Problems reported per run; past this, checking stops (nothing will be written anyway). */
export const MAX_PROBLEMS = 20;
/** Entity kinds remembered between lookups; the cache is dropped when it would grow past this. */
const KIND_CACHE = 100_000;

export interface ImportOutcome {
  /** The path as given. */
  path: string;
  status: 'loaded' | 'unchanged';
  sources: number;
  entities: number;
  relations: number;
}

/** An import that cannot start (a missing file, a wrong type) or could not finish writing: one line for a person. */
export class ImportFileError extends Error {}

type Format = 'seed' | 'csv';
const FORMATS: Readonly<Record<string, Format>> = { '.json': 'seed', '.yaml': 'seed', '.yml': 'seed', '.csv': 'csv' };

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

interface Pending {
  path: string;
  file: string;
  format: Format;
  key: string;
  fingerprint: string;
  /** Seed-format files: the text until checked, then the checked batch (their size is bounded by parsing anyway). */
  text: string | null;
  batch: GraphBatch | null;
  /** CSV files: relations counted in pass 1. */
  relations: number;
}

/** What the files of one run know about each other and about the store while they are checked. */
class ImportRun {
  readonly problems: InputProblem[] = [];
  truncated = false;
  readonly knownSources: Set<string>;
  /** Entities defined by this run's files, with the file that defines each. */
  private readonly ownEntities = new Map<string, { kind: string; file: string }>();
  /** Relation ids of this run, so a duplicate in another file (or row) is an error, not a silent replacement. */
  private readonly relationIds = new Map<string, { file: string; line: number | null }>();
  /** Kinds of stored entities looked up so far; null for an id that is not stored. */
  private readonly storedKinds = new Map<string, string | null>();

  constructor(
    readonly store: GraphStore,
    readonly ontology: Ontology,
    existingSources: readonly string[],
  ) {
    this.knownSources = new Set(existingSources);
  }

  get full(): boolean {
    return this.problems.length >= MAX_PROBLEMS;
  }

  report(problems: readonly InputProblem[]): void {
    const room = MAX_PROBLEMS - this.problems.length;
    if (problems.length > room) this.truncated = true;
    this.problems.push(...problems.slice(0, Math.max(0, room)));
  }

  /** Kinds of the given ids: this run's entities first, then the store, in batches. */
  async kindsOf(ids: readonly string[]): Promise<Map<string, string>> {
    const kinds = new Map<string, string>();
    const missing = new Set<string>();
    for (const id of ids) {
      const own = this.ownEntities.get(id)?.kind ?? this.storedKinds.get(id);
      if (own) kinds.set(id, own);
      else if (own === undefined) missing.add(id);
    }
    const lookup = [...missing];
    if (this.storedKinds.size + lookup.length > KIND_CACHE) this.storedKinds.clear();
    for (let i = 0; i < lookup.length; i += BATCH) {
      const slice = lookup.slice(i, i + BATCH);
      // An id merged into another resolves to the survivor; a relation must name the survivor, as in seed files.
      const found = new Map((await this.store.getEntities(slice)).filter((e) => e.resolvedFrom === undefined).map((e) => [e.id, e.kind]));
      for (const id of slice) {
        const kind = found.get(id) ?? null;
        this.storedKinds.set(id, kind);
        if (kind) kinds.set(id, kind);
      }
    }
    return kinds;
  }

  definedEntity(id: string): string | undefined {
    return this.ownEntities.get(id)?.file;
  }

  defineEntity(id: string, kind: string, file: string): void {
    this.ownEntities.set(id, { kind, file });
  }

  /** Records a relation id of this run; returns where it was seen before, if it was. */
  claimRelation(id: string, file: string, line: number | null): { file: string; line: number | null } | undefined {
    const earlier = this.relationIds.get(id);
    if (!earlier) this.relationIds.set(id, { file, line });
    return earlier;
  }
}

function where(at: { file: string; line: number | null }): string {
  return at.line === null ? at.file : `${at.file}:${at.line}`;
}

/** Pass 1 for a JSON/YAML file: the seed validator, then the checks that span files. */
async function checkSeedFile(run: ImportRun, p: Pending): Promise<void> {
  const parsed = parseImportText(p.file, p.text ?? '');
  p.text = null;
  const batch = await validateSeed(parsed, {
    ontology: run.ontology,
    existingSources: [...run.knownSources],
    existingKinds: (ids) => run.kindsOf(ids),
  });
  const check = new Checker(parsed);
  batch.entities.forEach((e, i) => {
    const other = run.definedEntity(e.id);
    if (other) check.fail(['entities', i, 'id'], `is also defined in ${other}; define each entity in one file of an import`);
  });
  // The batch holds every relation of the file in order (validateSeed threw otherwise), so index i is the file's.
  batch.relations.forEach((r, i) => {
    const other = run.claimRelation(r.id, p.file, null);
    if (other) check.fail(['relations', i, 'id'], `duplicates the id of a relation in ${where(other)}`);
  });
  for (const c of await entityConflicts(run.store, batch.entities)) check.fail(['entities', c.index, c.field], c.message);
  for (const c of await relationConflicts(run.store, p.key, batch.relations.map((r) => r.id))) check.fail(['relations', c.index, c.field], c.message);
  if (check.problems.length > 0) throw new InputError(check.problems);
  for (const e of batch.entities) run.defineEntity(e.id, e.kind, p.file);
  for (const s of batch.sources) run.knownSources.add(s.id);
  p.batch = batch;
}

/**
 * Streams a CSV file's relations through the seed validator, BATCH rows at a time (one
 * kind lookup per batch). Pass 1 also claims each relation id for the run.
 */
async function* checkedCsvChunks(
  run: ImportRun,
  p: Pending,
  opts: { firstPass: boolean; tap?: Hash },
): AsyncGenerator<{ relations: RelationRecord[]; problems: InputProblem[] }> {
  let rows: CsvRow[] = [];
  const flush = async () => {
    const kinds = await run.kindsOf(rows.flatMap((r) => ('raw' in r ? referencedIds(r.raw, run.ontology) : [])));
    let line = 1;
    const check = new Checker({ file: p.file, lineOf: () => line });
    const ctx = { ontology: run.ontology, defaultSource: null, knownSources: run.knownSources, kindOf: (id: string) => kinds.get(id) };
    const relations: RelationRecord[] = [];
    const rowOf: Array<{ line: number; path: Path }> = [];
    for (const row of rows) {
      line = row.line;
      const path: Path = ['relations', row.record];
      if ('problem' in row) {
        check.fail(path, row.problem);
        continue;
      }
      const relation = checkRelation(check, row.raw, path, ctx);
      if (!relation) continue;
      const earlier = opts.firstPass ? run.claimRelation(relation.id, p.file, row.line) : undefined;
      if (earlier) {
        const hint = row.derivedId ? ' (an id derived from type, from, to, date, start, end and role: give such rows an id column)' : '';
        check.fail([...path, 'id'], `${relation.id} duplicates the id of the relation at ${where(earlier)}${hint}`);
        continue;
      }
      relations.push(relation);
      rowOf.push({ line: row.line, path });
    }
    if (opts.firstPass) {
      for (const c of await relationConflicts(run.store, p.key, relations.map((r) => r.id))) {
        line = rowOf[c.index]!.line;
        check.fail([...rowOf[c.index]!.path, c.field], c.message);
      }
    }
    rows = [];
    return { relations, problems: check.problems.map((pr) => ({ ...pr, field: csvField(pr.field) })) };
  };
  for await (const row of readCsvRows(p.path, p.file, run.ontology, opts.tap)) {
    rows.push(row);
    if (rows.length >= BATCH) yield await flush();
  }
  if (rows.length > 0) yield await flush();
}

async function checkCsvFile(run: ImportRun, p: Pending): Promise<void> {
  for await (const chunk of checkedCsvChunks(run, p, { firstPass: true })) {
    run.report(chunk.problems);
    p.relations += chunk.relations.length;
    if (run.full) {
      run.truncated = true;
      break;
    }
  }
}

/** Pass 2 for a CSV file: the same stream again, as chunks for `load`; refuses a file that changed since pass 1. */
async function* csvBatches(run: ImportRun, p: Pending): AsyncGenerator<GraphBatch> {
  const tap = fingerprintHash(run.ontology.sdl);
  for await (const chunk of checkedCsvChunks(run, p, { firstPass: false, tap })) {
    if (chunk.problems.length > 0) throw new InputError(chunk.problems);
    yield { sources: [], entities: [], relations: chunk.relations.map((r) => ({ ...r, addedBy: p.key })) };
  }
  if (tap.digest('hex') !== p.fingerprint) throw new Error('it changed since it was checked');
}

/** Pass 2 for one file: one `load`, so one transaction, with its fingerprint and audit entry. */
async function writeFile(store: GraphStore, run: ImportRun, p: Pending): Promise<ImportOutcome> {
  if (p.batch) {
    const { batch } = p;
    const counts = { sources: batch.sources.length, entities: batch.entities.length, relations: batch.relations.length };
    const relations = batch.relations.map((r) => ({ ...r, addedBy: p.key }));
    await store.load({ ...batch, relations }, p.key, p.fingerprint, { ...auditFor(p, counts), entityIds: batch.entities.map((e) => e.id) });
    p.batch = null;
    return { path: p.path, status: 'loaded', ...counts };
  }
  const counts = { sources: 0, entities: 0, relations: p.relations };
  await store.load(csvBatches(run, p), p.key, p.fingerprint, auditFor(p, counts));
  return { path: p.path, status: 'loaded', ...counts };
}

function auditFor(p: Pending, counts: { sources: number; entities: number; relations: number }) {
  return { actor: p.key, summary: { file: p.file, ...counts } };
}

/**
 * Imports the files (see the module comment). Throws ImportFileError for a file that
 * cannot be read as an import, InputError (at most MAX_PROBLEMS problems, each with file,
 * line and field) when any file is invalid; nothing is written in either case.
 */
export async function importFiles(store: GraphStore, ontology: Ontology, paths: readonly string[]): Promise<ImportOutcome[]> {
  checkImportPaths(paths);
  const outcomes = new Map<string, ImportOutcome>();
  const pending: Pending[] = [];
  for (const path of paths) {
    const file = basename(path);
    const format = FORMATS[extname(path).toLowerCase()]!;
    const key = importKey(file);
    const text = format === 'seed' ? readFileSync(path, 'utf8') : null;
    const fingerprint = text !== null ? fingerprintText(ontology.sdl, text) : await fingerprintFile(ontology.sdl, path);
    if ((await store.loadedFingerprint(key)) === fingerprint) {
      outcomes.set(path, { path, status: 'unchanged', sources: 0, entities: 0, relations: 0 });
    } else {
      pending.push({ path, file, format, key, fingerprint, text, batch: null, relations: 0 });
    }
  }
  // Edge lists define no entities: checked and written after the seed-format files, they may use theirs.
  const ordered = [...pending.filter((p) => p.format === 'seed'), ...pending.filter((p) => p.format === 'csv')];

  const run = new ImportRun(store, ontology, (await store.listSources()).map((s) => s.id));
  for (const p of ordered) {
    if (run.full) {
      run.truncated = true;
      break;
    }
    try {
      if (p.format === 'seed') await checkSeedFile(run, p);
      else await checkCsvFile(run, p);
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
      // Only the database (or a file edited since pass 1) can fail here; say what is already in.
      const reason = err instanceof InputError ? `it changed since it was checked: ${formatProblem(err.problems[0]!)}` : err instanceof Error ? err.message.split('\n')[0] : String(err);
      const before = written.length > 0 ? `; already written: ${written.join(', ')} (run the import again to finish)` : '; nothing was written';
      throw new ImportFileError(`${p.path}: not written: ${reason}${before}`);
    }
    written.push(p.path);
  }
  return paths.map((path) => outcomes.get(path)!);
}
