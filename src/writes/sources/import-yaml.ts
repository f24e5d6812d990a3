import { InputError } from '../errors.js';
import { checkStored } from '../load/load-file.js';
import { Checker, validateSeed } from '../validate.js';
import { where, type ImportRun, type Pending } from './import-run.js';
import { parseImportText } from './seed-format.js';

/** Pass 1 for a YAML file: the seed validator, then the checks that span files. */
export async function checkSeedFile(run: ImportRun, p: Pending): Promise<void> {
  const parsed = parseImportText(p.file, p.text ?? '');
  p.text = null;
  const batch = await validateSeed(parsed, {
    ontology: run.ontology,
    existingSources: run.knownSources,
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
  await checkStored(run.store, p.key, batch, check);
  if (check.problems.length > 0) throw new InputError(check.problems);
  for (const e of batch.entities) run.defineEntity(e.id, e.kind, p.file);
  for (const s of batch.sources) run.knownSources.set(s.id, s.text ?? run.knownSources.get(s.id) ?? null);
  p.batch = batch;
}
