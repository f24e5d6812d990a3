import { InputError } from '../errors.js';
import { checkStored } from '../load/load-file.js';
import type { RelationRecord } from '../../store/records.js';
import { deriveRelationId } from '../relation-id.js';
import { Checker, validateSeed } from '../validate.js';
import { corroboratesEarlier, findStoredFacts, where, type ImportRun, type Pending } from './import-run.js';
import { parseImportText } from './seed-format.js';

/** Pass 1 for a YAML file: the seed validator, then the checks that span files. */
export async function checkSeedFile(run: ImportRun, p: Pending): Promise<void> {
  const parsed = parseImportText(p.file, p.text ?? '');
  p.text = null;
  const merged = new Set<number>();
  const validated = await validateSeed(parsed, {
    ontology: run.ontology,
    existingSources: run.knownSources,
    existingKinds: (ids) => run.kindsOf(ids),
    onCorroborated: (index) => merged.add(index),
  });
  // The file's index of each relation of the batch: those merged into an earlier one are left out.
  const fileIndex: number[] = [];
  for (let i = 0; fileIndex.length < validated.relations.length; i += 1) if (!merged.has(i)) fileIndex.push(i);
  const isDerived = (r: RelationRecord) => r.id === deriveRelationId({ type: r.type, from: r.from, to: r.to, ...r.attributes });
  // Positions whose fact an earlier file of the run stated: their citations go to that file's relation.
  const earlierInRun = new Set(validated.relations.flatMap((r, i) => (corroboratesEarlier(run, { relation: r, derived: isDerived(r) }) ? [i] : [])));
  const kept = validated.relations.filter((_, i) => !earlierInRun.has(i));
  const stated = await findStoredFacts(
    run,
    p.key,
    kept.map((relation) => ({ relation, derived: isDerived(relation) })),
  );
  p.corroborated = merged.size + earlierInRun.size + stated.size;
  // Those stating a stored fact are sent `corroborating` when written (factsToWrite).
  const batch = { ...validated, relations: kept };
  const check = new Checker(parsed);
  batch.entities.forEach((e, i) => {
    const other = run.definedEntity(e.id);
    if (other) check.fail(['entities', i, 'id'], `is also defined in ${other}; define each entity in one file of an import`);
  });
  // The batch holds every relation of the file in order (validateSeed threw otherwise), but for those merged into an earlier one.
  validated.relations.forEach((r, i) => {
    if (earlierInRun.has(i)) return;
    const other = run.claimRelation(r.id, p.file, null);
    if (other) check.fail(['relations', fileIndex[i]!, 'id'], `duplicates the id of a relation in ${where(other)}`);
  });
  const stored = new Checker(parsed);
  await checkStored(run.store, p.key, validated, stored);
  const statedAt = new Set(validated.relations.flatMap((r, i) => (earlierInRun.has(i) || stated.has(r.id) ? [`relations[${i}].`] : [])));
  for (const problem of stored.problems) {
    if ([...statedAt].some((prefix) => problem.field.startsWith(prefix))) continue;
    const field = problem.field.replace(/^relations\[(\d+)\]/, (_m, i: string) => `relations[${fileIndex[Number(i)]!}]`);
    check.problems.push({ ...problem, field, line: problem.field === field ? problem.line : null });
  }
  if (check.problems.length > 0) throw new InputError(check.problems);
  for (const e of batch.entities) run.defineEntity(e.id, e.kind, p.file);
  for (const s of batch.sources) run.knownSources.set(s.id, s.text ?? run.knownSources.get(s.id) ?? null);
  p.batch = batch;
}
