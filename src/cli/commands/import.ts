import { openStore, seed } from '../../app.js';
import { loadConfig } from '../../config.js';
import { DomainError, ErrorCode } from '../../errors/domain-error.js';
import { checkImportPaths, importFiles, type ImportOutcome } from '../../writes/sources/import-files.js';
import { formatProblem, InputError } from '../../writes/errors.js';
import { loadOntology } from '../../ontology/ontology.js';
import type { CliContext } from '../io.js';
import { describeSeeds } from './serve.js';

/** An import that failed validation: its message lists every problem, and differs from the seed files'. */
export class ImportInvalid extends DomainError {
  readonly code = ErrorCode.BAD_USER_INPUT;
  constructor(readonly invalid: InputError) {
    super(`import is invalid, nothing was written:\n${invalid.problems.map(formatProblem).join('\n')}`, invalid.field);
  }
}

function describeImport(o: ImportOutcome): string {
  return o.status === 'unchanged'
    ? `${o.path}: unchanged`
    : `${o.path}: loaded (${o.entities} entities, ${o.relations} relations${o.corroborated > 0 ? `, ${o.corroborated} corroborated` : ''})`;
}

/** `import file...`: seeds first (imports may refer to seed entities), then imports all files or none. */
export async function importCommand(paths: readonly string[], { io, env }: CliContext): Promise<void> {
  // Missing files and wrong types fail before the database is opened or seeded.
  checkImportPaths([...paths]);
  const config = loadConfig(env);
  const ontology = loadOntology();
  const store = await openStore(config, ontology);
  try {
    const seeded = await seed(store, config, ontology);
    if (seeded.some((o) => o.status === 'loaded')) io.out(`seeds: ${describeSeeds(seeded)}`);
    let outcomes: ImportOutcome[];
    try {
      outcomes = await importFiles(store, ontology, [...paths]);
    } catch (err) {
      throw err instanceof InputError ? new ImportInvalid(err) : err;
    }
    for (const o of outcomes) io.out(describeImport(o));
  } finally {
    await store.close();
  }
}
