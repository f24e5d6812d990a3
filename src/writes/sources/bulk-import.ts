import type { Ontology } from '../../ontology/ontology.js';
import { bulkLoad, type BulkOptions, type BulkResult, type BulkTarget } from '../../store/embedded/bulk-copy.js';
import { importFiles, type ImportOutcome } from './import-files.js';

/**
 * `importFiles` (the import path, with all its checks: ontology, citations, ids across
 * files) into an empty embedded database through COPY. Throws what `importFiles` throws
 * for invalid files (nothing is written then), BulkCopyRefused for a database that is not empty.
 */
export function bulkImportFiles(target: BulkTarget, ontology: Ontology, paths: readonly string[], options: BulkOptions = {}): Promise<BulkResult<ImportOutcome[]>> {
  return bulkLoad(target, ontology, (sink) => importFiles(sink, ontology, paths), options);
}
