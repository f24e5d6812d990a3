import type { Hash } from 'node:crypto';
import { InputError, type InputProblem } from '../errors.js';
import { fingerprintHash } from '../fingerprint.js';
import type { ClaimRecord, EntityRecord, GraphBatch, RelationRecord, SourceRecord } from '../../store/records.js';
import { entityConflicts } from '../stored-conflicts.js';
import {
  Checker,
  checkClaim,
  checkEntity,
  checkQualifierRefs,
  checkRelation,
  checkSource,
  DERIVED_DUPLICATE_HINT,
  isObject,
  qualifierRefs,
  referencedIds,
  withRelationId,
  type Locator,
  type Path,
} from '../validate.js';
import { BATCH, corroboratesEarlier, factsToWrite, storedRelationProblems, where, type ImportRun, type Pending } from './import-run.js';
import { lineWithin, parseError, repeatedKey } from './json-lines.js';
import { scanJsonRecords } from './json-records.js';

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

const SEED_KEYS = ['source', 'entities', 'relations', 'claims'] as const;
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
    const twice = repeatedKeyProblem(p.file, event.text, event.line);
    if (twice) {
      report(twice);
      continue;
    }
    yield { index: event.index, raw, text: event.text, line: event.line };
  }
}

/** A record JSON.parse read but with a key given twice in one object, whose last value would win unsaid. */
function repeatedKeyProblem(file: string, text: string, line: number): InputProblem | null {
  const twice = repeatedKey(text);
  return twice
    ? { file, line: line - 1 + twice.lineInText, field: '(syntax)', message: `the key ${JSON.stringify(twice.key)} is given twice in one object; give each key once` }
    : null;
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
        top.fail([event.key], 'is given twice; give each of source, entities, relations and claims once');
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
    const twice = repeatedKeyProblem(p.file, event.text, event.line);
    if (twice) {
      problems.push(twice);
      continue;
    }
    locator.at(event.text, event.line, 1);
    const check = new Checker(locator);
    source = checkSource(check, raw, ['source']);
    problems.push(...check.problems);
  }
  problems.unshift(...top.problems);
  if (source || problems.length > 0) yield { batch: { sources: source ? [source] : [], entities: [], relations: [] }, problems };

  const knownSources = source ? new Map([...run.knownSources, [source.id, source.text ?? run.knownSources.get(source.id) ?? null]]) : run.knownSources;
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
      for (const c of await entityConflicts(
        run.store,
        pending.map((e) => e.entity),
      )) {
        const { record } = pending[c.index]!;
        locator.at(record.text, record.line, 2);
        check.fail(['entities', record.index!, c.field], c.message);
      }
    }
    // A qualifier's `reportedBy` names an entity of this file (earlier in it) or a stored one.
    const refs = pending.flatMap((e) => qualifierRefs(e.entity)).filter((id) => !kinds.has(id));
    const stored = refs.length > 0 ? await run.kindsOf(refs) : new Map<string, string>();
    for (const { record, entity } of pending) {
      locator.at(record.text, record.line, 2);
      checkQualifierRefs(check, entity, ['entities', record.index!], (id) => kinds.has(id) || stored.has(id));
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

  /** This file's relations that name who claims them: what its claims may assert. */
  const claimedRelations = new Map<string, RelationRecord>();

  // Relations, BATCH at a time.
  let rows: Array<{ record: JsonRecord; raw: unknown; derived: boolean }> = [];
  const flushRelations = async () => {
    const lookup = rows.flatMap((r) => referencedIds(r.raw, run.ontology)).filter((id) => !kinds.has(id));
    const stored = await run.kindsOf(lookup);
    const kindOf = (id: string) => kinds.get(id) ?? stored.get(id);
    const check = new Checker(locator);
    const relations: RelationRecord[] = [];
    const rowOf: Array<JsonRecord & { derived: boolean }> = [];
    for (const row of rows) {
      const path: Path = ['relations', row.record.index!];
      locator.at(row.record.text, row.record.line, 2);
      const relation = checkRelation(check, row.raw, path, { ...ctx, kindOf });
      if (!relation) continue;
      if (opts.firstPass && corroboratesEarlier(run, { relation, derived: row.derived })) {
        p.corroborated += 1;
        continue;
      }
      const earlier = opts.firstPass ? run.claimRelation(relation.id, p.file, row.record.line) : undefined;
      if (earlier) {
        check.fail([...path, 'id'], `${relation.id} duplicates the id of the relation at ${where(earlier)}${row.derived ? ` (${DERIVED_DUPLICATE_HINT})` : ''}`);
        continue;
      }
      relations.push(relation);
      rowOf.push({ ...row.record, derived: row.derived });
      if (relation.refs.claimedBy) claimedRelations.set(relation.id, relation);
    }
    if (opts.firstPass) {
      const chunk = relations.map((relation, i) => ({ relation, derived: rowOf[i]!.derived }));
      for (const c of await storedRelationProblems(run, p, chunk)) {
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

  // Claims, all at once (they are few): what they dispute must be a claim of the file.
  const claimRecords: JsonRecord[] = [];
  for await (const record of unchanged((tap) => jsonRecords(p, 'claims', report, tap))) {
    if (record.index === null) notAList(record, 'claims');
    else claimRecords.push(record);
  }
  if (claimRecords.length > 0 || chunkProblems.length > 0) {
    const named = claimRecords.flatMap(({ raw }) => (isObject(raw) ? [raw.speaker, ...(Array.isArray(raw.about) ? raw.about : [])] : []));
    const stored = await run.kindsOf(named.filter((id): id is string => typeof id === 'string' && !kinds.has(id)));
    const claimIds = new Set(claimRecords.flatMap(({ raw }) => (isObject(raw) && typeof raw.id === 'string' ? [raw.id] : [])));
    const claimCtx = {
      ...ctx,
      kindOf: (id: string) => kinds.get(id) ?? stored.get(id),
      relation: (id: string) => claimedRelations.get(id),
      claimExists: (id: string) => claimIds.has(id),
    };
    const check = new Checker(locator);
    const claims: ClaimRecord[] = [];
    const seen = new Set<string>();
    const assertedBy = new Map<string, string>();
    for (const record of claimRecords) {
      locator.at(record.text, record.line, 2);
      const path: Path = ['claims', record.index!];
      const claim = checkClaim(check, record.raw, path, claimCtx);
      if (!claim) continue;
      if (seen.has(claim.id)) {
        check.fail([...path, 'id'], 'duplicates the id of an earlier claim');
        continue;
      }
      seen.add(claim.id);
      const taken = claim.asserts.find((r) => assertedBy.has(r));
      if (taken !== undefined) {
        check.fail([...path, 'asserts'], `relation ${JSON.stringify(taken)} is already asserted by claim ${JSON.stringify(assertedBy.get(taken))}`);
        continue;
      }
      for (const r of claim.asserts) assertedBy.set(r, claim.id);
      claims.push(claim);
    }
    yield { batch: { sources: [], entities: [], relations: [], claims }, problems: [...chunkProblems, ...check.problems] };
    chunkProblems = [];
  }
}

/** Pass 1 for a JSON file: counts what it holds and reports its problems to the run. */
export async function checkJsonFile(run: ImportRun, p: Pending): Promise<void> {
  const ids: string[] = [];
  const kinds: Array<[string, string]> = [];
  let sources: Array<[string, string | null]> = [];
  let problems = 0;
  for await (const { batch, problems: found } of checkedJsonChunks(run, p, { firstPass: true })) {
    run.report(found);
    problems += found.length;
    sources = [...sources, ...batch.sources.map((s): [string, string | null] => [s.id, s.text ?? run.knownSources.get(s.id) ?? null])];
    for (const e of batch.entities) {
      ids.push(e.id);
      kinds.push([e.id, e.kind]);
    }
    p.relations += batch.relations.filter((r) => !run.isCorroborating(r.id)).length;
    p.claims += batch.claims?.length ?? 0;
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
    for (const [id, text] of sources) run.knownSources.set(id, text);
  }
}

/** Pass 2 for a JSON file: the same streams again, as chunks for `load`; refuses a file that changed since pass 1. */
export async function* jsonBatches(run: ImportRun, p: Pending): AsyncGenerator<GraphBatch> {
  for await (const { batch, problems } of checkedJsonChunks(run, p, { firstPass: false, tap: () => fingerprintHash(run.ontology.sdl) })) {
    if (problems.length > 0) throw new InputError(problems);
    yield { ...batch, ...factsToWrite(run, batch.relations) };
  }
}
