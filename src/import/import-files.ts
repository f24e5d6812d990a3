import type { Hash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { formatProblem, InputError, type InputProblem } from '../ingest/errors.js';
import { DERIVED_ID_HINT } from '../ingest/relation-id.js';
import {
  Checker,
  checkEntity,
  checkRelation,
  checkSource,
  DERIVED_DUPLICATE_HINT,
  referencedIds,
  validateSeed,
  withRelationId,
  type Locator,
  type Path,
} from '../ingest/validate.js';
import type { Ontology } from '../ontology/ontology.js';
import type { EntityRecord, GraphBatch, GraphStore, RelationRecord, SourceRecord } from '../store/graph-store.js';
import { entityConflicts, relationConflicts } from '../ingest/stored-conflicts.js';
import { csvField, readCsvRows, type CsvRow } from './csv-edges.js';
import { fingerprintFile, fingerprintHash, fingerprintText, importKey } from './fingerprint.js';
import { lineWithin, parseError, scanJsonRecords } from './json-records.js';
import { parseImportText } from './seed-format.js';
import { DomainError, ErrorCode } from '../errors/domain-error.js';

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
 *
 * CSV and JSON files are streamed, record by record, in both passes, so their size is
 * not bounded by memory (a JSON file is read once per part: source, entities, relations,
 * so each may come in any order). A YAML file is parsed whole.
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
export class ImportFileError extends DomainError {
  readonly code = ErrorCode.BAD_USER_INPUT;
}

type Format = 'yaml' | 'json' | 'csv';
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

interface Pending {
  path: string;
  file: string;
  format: Format;
  key: string;
  fingerprint: string;
  /** YAML files: the text until checked, then the checked batch (their size is bounded by parsing anyway). */
  text: string | null;
  batch: GraphBatch | null;
  /** CSV and JSON files: what pass 1 counted, and the ids of a JSON file's entities (for the audit entry). */
  sources: number;
  entities: number;
  relations: number;
  entityIds: string[];
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

/** Pass 1 for a YAML file: the seed validator, then the checks that span files. */
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
        const hint = row.derivedId ? ` (${DERIVED_ID_HINT}: give such rows an id column)` : '';
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

/**
 * Where a problem in a streamed JSON file is: `lineOf` finds the field within the text of
 * the record being checked (the one `at` last named), from the line the record starts on.
 */
class JsonLocator implements Locator {
  private text = '';
  private line = 1;
  private depth = 0;
  constructor(readonly file: string) {}

  /** The record at `path` (`['relations', 7]`, or `['source']`) is `text`, from `line`. */
  at(text: string, line: number, depth: number): void {
    this.text = text;
    this.line = line;
    this.depth = depth;
  }

  lineOf(path: ReadonlyArray<string | number>): number {
    return this.line - 1 + lineWithin(this.text, path.slice(this.depth));
  }
}

/** A record of a JSON file, parsed, with its text and the line it starts on (for locating its problems). */
interface JsonRecord {
  index: number | null;
  raw: unknown;
  text: string;
  line: number;
}

const SEED_KEYS = ['source', 'entities', 'relations'] as const;
type SeedKey = (typeof SEED_KEYS)[number];

/**
 * One scan of a JSON file for the records under `key` (its elements, for a list), each
 * parsed on its own. A member that is not a list where one is expected comes as one
 * record with index null. A record that JSON.parse refuses is a problem of its own.
 */
async function* jsonRecords(p: Pending, key: SeedKey, report: (problem: InputProblem) => void, tap?: Hash): AsyncGenerator<JsonRecord> {
  const split = new Set<string>(key === 'source' ? [] : [key]);
  for await (const event of scanJsonRecords(p.path, p.file, { split, capture: new Set([key]), tap })) {
    if (event.type !== 'value') continue;
    let raw: unknown;
    try {
      raw = JSON.parse(event.text);
    } catch (err) {
      report(jsonSyntaxProblem(p.file, err, event.text, event.line));
      continue;
    }
    yield { index: event.index, raw, text: event.text, line: event.line };
  }
}

function jsonSyntaxProblem(file: string, err: unknown, text: string, line: number): InputProblem {
  const { message, lineInText } = parseError(err, text);
  return { file, line: line - 1 + (lineInText ?? 1), field: '(syntax)', message: `not valid JSON: ${message}` };
}

/**
 * A JSON file in the seed format, streamed through the seed validator: its source, then
 * its entities, then its relations, BATCH records at a time (one kind lookup, one
 * conflict check per batch). The file is scanned once for each of the three, so they
 * may come in any order, as in a parsed file. Pass 1 also claims relation ids for the
 * run; with `tap`, each scan must read the bytes that were fingerprinted.
 */
async function* checkedJsonChunks(run: ImportRun, p: Pending, opts: { firstPass: boolean; tap?: () => Hash }): AsyncGenerator<{ batch: GraphBatch; problems: InputProblem[] }> {
  const locator = new JsonLocator(p.file);
  const unchanged = async function* <T>(records: (tap?: Hash) => AsyncGenerator<T>): AsyncGenerator<T> {
    const tap = opts.tap?.();
    yield* records(tap);
    if (tap && tap.digest('hex') !== p.fingerprint) throw new Error('it changed since it was checked');
  };

  // The outer shape and the source.
  const problems: InputProblem[] = [];
  const memberLines = new Map<string, number>();
  const top = new Checker({ file: p.file, lineOf: (path) => memberLines.get(String(path[0])) ?? 1 });
  let source: SourceRecord | null = null;
  const members = async function* (tap?: Hash) {
    for await (const event of scanJsonRecords(p.path, p.file, { split: new Set(), capture: new Set(['source']), tap })) yield event;
  };
  for await (const event of unchanged(members)) {
    if (event.type === 'member') {
      if (memberLines.has(event.key)) {
        memberLines.set(event.key, event.line);
        top.fail([event.key], 'is given twice; give each of source, entities and relations once');
      } else {
        memberLines.set(event.key, event.line);
        if (!(SEED_KEYS as readonly string[]).includes(event.key)) top.fail([event.key], `is not a field of a seed file; allowed: ${SEED_KEYS.join(', ')}`);
      }
      continue;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(event.text);
    } catch (err) {
      problems.push(jsonSyntaxProblem(p.file, err, event.text, event.line));
      continue;
    }
    locator.at(event.text, event.line, 1);
    const check = new Checker(locator);
    source = checkSource(check, raw, ['source']);
    problems.push(...check.problems);
  }
  problems.unshift(...top.problems);
  if (source || problems.length > 0) yield { batch: { sources: source ? [source] : [], entities: [], relations: [] }, problems };

  const knownSources = source ? new Set([...run.knownSources, source.id]) : run.knownSources;
  const ctx = { ontology: run.ontology, defaultSource: source?.id ?? null, knownSources };
  /** This file's entities (that passed their checks), which its relations may use. */
  const kinds = new Map<string, string>();
  /** Problems of the records since the last chunk. */
  let chunkProblems: InputProblem[] = [];
  const report = (problem: InputProblem) => chunkProblems.push(problem);
  // A member that is not a list: `"entities": null` is no entities, as in a parsed file.
  const notAList = (record: JsonRecord, key: SeedKey) => {
    if (record.raw !== null) report({ file: p.file, line: record.line, field: key, message: 'expected a list' });
  };

  // Entities, BATCH at a time.
  let pending: Array<{ record: JsonRecord; entity: EntityRecord }> = [];
  const flushEntities = async () => {
    const check = new Checker(locator);
    if (opts.firstPass) {
      for (const c of await entityConflicts(run.store, pending.map((e) => e.entity))) {
        const { record } = pending[c.index]!;
        locator.at(record.text, record.line, 2);
        check.fail(['entities', record.index!, c.field], c.message);
      }
    }
    const chunk = { batch: { sources: [], entities: pending.map((e) => e.entity), relations: [] }, problems: [...chunkProblems, ...check.problems] };
    pending = [];
    chunkProblems = [];
    return chunk;
  };
  for await (const record of unchanged((tap) => jsonRecords(p, 'entities', report, tap))) {
    if (record.index === null) {
      notAList(record, 'entities');
      continue;
    }
    const check = new Checker(locator);
    locator.at(record.text, record.line, 2);
    const path: Path = ['entities', record.index];
    const entity = checkEntity(check, record.raw, path, ctx);
    if (entity) {
      if (kinds.has(entity.id)) check.fail([...path, 'id'], 'duplicates the id of an earlier entity');
      else {
        const other = opts.firstPass ? run.definedEntity(entity.id) : undefined;
        if (other) check.fail([...path, 'id'], `is also defined in ${other}; define each entity in one file of an import`);
        kinds.set(entity.id, entity.kind);
        pending.push({ record, entity });
      }
    }
    chunkProblems.push(...check.problems);
    if (pending.length >= BATCH) yield await flushEntities();
  }
  if (pending.length > 0 || chunkProblems.length > 0) yield await flushEntities();

  // Relations, BATCH at a time.
  let rows: Array<{ record: JsonRecord; raw: unknown; derived: boolean }> = [];
  const flushRelations = async () => {
    const lookup = rows.flatMap((r) => referencedIds(r.raw, run.ontology)).filter((id) => !kinds.has(id));
    const stored = await run.kindsOf(lookup);
    const kindOf = (id: string) => kinds.get(id) ?? stored.get(id);
    const check = new Checker(locator);
    const relations: RelationRecord[] = [];
    const rowOf: JsonRecord[] = [];
    for (const row of rows) {
      const path: Path = ['relations', row.record.index!];
      locator.at(row.record.text, row.record.line, 2);
      const relation = checkRelation(check, row.raw, path, { ...ctx, kindOf });
      if (!relation) continue;
      const earlier = opts.firstPass ? run.claimRelation(relation.id, p.file, row.record.line) : undefined;
      if (earlier) {
        check.fail([...path, 'id'], `${relation.id} duplicates the id of the relation at ${where(earlier)}${row.derived ? ` (${DERIVED_DUPLICATE_HINT})` : ''}`);
        continue;
      }
      relations.push(relation);
      rowOf.push(row.record);
    }
    if (opts.firstPass) {
      for (const c of await relationConflicts(run.store, p.key, relations.map((r) => r.id))) {
        const record = rowOf[c.index]!;
        locator.at(record.text, record.line, 2);
        check.fail(['relations', record.index!, c.field], c.message);
      }
    }
    const chunk = { batch: { sources: [], entities: [], relations }, problems: [...chunkProblems, ...check.problems] };
    rows = [];
    chunkProblems = [];
    return chunk;
  };
  for await (const record of unchanged((tap) => jsonRecords(p, 'relations', report, tap))) {
    if (record.index === null) {
      notAList(record, 'relations');
      continue;
    }
    const { raw, derived } = withRelationId(record.raw);
    rows.push({ record, raw, derived });
    if (rows.length >= BATCH) yield await flushRelations();
  }
  if (rows.length > 0 || chunkProblems.length > 0) yield await flushRelations();
}

/** Pass 1 for a JSON file: counts what it holds and reports its problems to the run. */
async function checkJsonFile(run: ImportRun, p: Pending): Promise<void> {
  const ids: string[] = [];
  const kinds: Array<[string, string]> = [];
  let sources: string[] = [];
  let problems = 0;
  for await (const { batch, problems: found } of checkedJsonChunks(run, p, { firstPass: true })) {
    run.report(found);
    problems += found.length;
    sources = [...sources, ...batch.sources.map((s) => s.id)];
    for (const e of batch.entities) {
      ids.push(e.id);
      kinds.push([e.id, e.kind]);
    }
    p.relations += batch.relations.length;
    if (run.full) {
      run.truncated = true;
      break;
    }
  }
  p.sources = sources.length;
  p.entities = ids.length;
  p.entityIds = ids;
  // Later files of the run may use what this one defines, once it is known to be good.
  if (problems === 0) {
    for (const [id, kind] of kinds) run.defineEntity(id, kind, p.file);
    for (const s of sources) run.knownSources.add(s);
  }
}

/** Pass 2 for a JSON file: the same streams again, as chunks for `load`; refuses a file that changed since pass 1. */
async function* jsonBatches(run: ImportRun, p: Pending): AsyncGenerator<GraphBatch> {
  for await (const { batch, problems } of checkedJsonChunks(run, p, { firstPass: false, tap: () => fingerprintHash(run.ontology.sdl) })) {
    if (problems.length > 0) throw new InputError(problems);
    yield { ...batch, relations: batch.relations.map((r) => ({ ...r, addedBy: p.key })) };
  }
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
  const counts = { sources: p.sources, entities: p.entities, relations: p.relations };
  if (p.format === 'json') {
    await store.load(jsonBatches(run, p), p.key, p.fingerprint, { ...auditFor(p, counts), entityIds: p.entityIds });
  } else {
    await store.load(csvBatches(run, p), p.key, p.fingerprint, auditFor(p, counts));
  }
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
    const text = format === 'yaml' ? readFileSync(path, 'utf8') : null;
    const fingerprint = text !== null ? fingerprintText(ontology.sdl, text) : await fingerprintFile(ontology.sdl, path);
    if ((await store.loadedFingerprint(key)) === fingerprint) {
      outcomes.set(path, { path, status: 'unchanged', sources: 0, entities: 0, relations: 0 });
    } else {
      pending.push({ path, file, format, key, fingerprint, text, batch: null, sources: 0, entities: 0, relations: 0, entityIds: [] });
    }
  }
  // Edge lists define no entities: checked and written after the seed-format files, they may use theirs.
  const ordered = [...pending.filter((p) => p.format !== 'csv'), ...pending.filter((p) => p.format === 'csv')];

  const run = new ImportRun(store, ontology, (await store.listSources()).map((s) => s.id));
  for (const p of ordered) {
    if (run.full) {
      run.truncated = true;
      break;
    }
    try {
      if (p.format === 'yaml') await checkSeedFile(run, p);
      else if (p.format === 'json') await checkJsonFile(run, p);
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
