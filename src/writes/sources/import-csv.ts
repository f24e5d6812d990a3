import type { Hash } from 'node:crypto';
import { InputError, type InputProblem } from '../errors.js';
import { fingerprintHash } from '../fingerprint.js';
import { DERIVED_ID_HINT } from '../relation-id.js';
import type { GraphBatch, RelationRecord } from '../../store/records.js';
import { Checker, checkRelation, referencedIds, type Path } from '../validate.js';
import { csvField, readCsvRows, type CsvRow } from './csv-edges.js';
import { BATCH, corroboratesEarlier, factsToWrite, storedRelationProblems, where, type ImportRun, type Pending } from './import-run.js';

/**
 * Streams a CSV file's relations through the seed validator, BATCH rows at a time (one
 * kind lookup per batch). Pass 1 also claims each relation id for the run.
 */
async function* checkedCsvChunks(run: ImportRun, p: Pending, opts: { firstPass: boolean; tap?: Hash }): AsyncGenerator<{ relations: RelationRecord[]; problems: InputProblem[] }> {
  let rows: CsvRow[] = [];
  const flush = async () => {
    const kinds = await run.kindsOf(rows.flatMap((r) => ('raw' in r ? referencedIds(r.raw, run.ontology) : [])));
    let line = 1;
    const check = new Checker({ file: p.file, lineOf: () => line });
    const ctx = { ontology: run.ontology, defaultSource: null, knownSources: run.knownSources, kindOf: (id: string) => kinds.get(id) };
    const relations: RelationRecord[] = [];
    const rowOf: Array<{ line: number; path: Path; derived: boolean }> = [];
    for (const row of rows) {
      line = row.line;
      const path: Path = ['relations', row.record];
      if ('problem' in row) {
        check.fail(path, row.problem);
        continue;
      }
      const relation = checkRelation(check, row.raw, path, ctx);
      if (!relation) continue;
      if (opts.firstPass && corroboratesEarlier(run, { relation, derived: row.derivedId })) {
        p.corroborated += 1;
        continue;
      }
      const earlier = opts.firstPass ? run.claimRelation(relation.id, p.file, row.line) : undefined;
      if (earlier) {
        const hint = row.derivedId ? ` (${DERIVED_ID_HINT}: give such rows an id column)` : '';
        check.fail([...path, 'id'], `${relation.id} duplicates the id of the relation at ${where(earlier)}${hint}`);
        continue;
      }
      relations.push(relation);
      rowOf.push({ line: row.line, path, derived: row.derivedId });
    }
    if (opts.firstPass) {
      const chunk = relations.map((relation, i) => ({ relation, derived: rowOf[i]!.derived }));
      for (const c of await storedRelationProblems(run, p, chunk)) {
        const at = rowOf[c.index]!;
        line = at.line;
        check.fail([...at.path, c.field], c.message);
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

export async function checkCsvFile(run: ImportRun, p: Pending): Promise<void> {
  for await (const chunk of checkedCsvChunks(run, p, { firstPass: true })) {
    run.report(chunk.problems);
    p.relations += chunk.relations.filter((r) => !run.isCorroborating(r.id)).length;
    if (run.full) {
      run.truncated = true;
      break;
    }
  }
}

/** Pass 2 for a CSV file: the same stream again, as chunks for `load`; refuses a file that changed since pass 1. */
export async function* csvBatches(run: ImportRun, p: Pending): AsyncGenerator<GraphBatch> {
  const tap = fingerprintHash(run.ontology.sdl);
  for await (const chunk of checkedCsvChunks(run, p, { firstPass: false, tap })) {
    if (chunk.problems.length > 0) throw new InputError(chunk.problems);
    yield { sources: [], entities: [], ...factsToWrite(run, chunk.relations) };
  }
  if (tap.digest('hex') !== p.fingerprint) throw new Error('it changed since it was checked');
}
