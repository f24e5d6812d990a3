import type { Ontology } from '../../ontology/ontology.js';
import { bulkLoad, type BulkOptions, type BulkResult, type BulkTarget, type RecordLoad } from '../../store/embedded/bulk-copy.js';
import { recordLoad } from '../load/write-load.js';
import { importFiles, type ImportOutcome } from './import-files.js';

/** What a bulk load records beside its data: stamped as it is copied, never replayed from a journal (bulk loads are bench and bootstrap paths). */
export const recordBulkLoad: RecordLoad = (tx, l) => {
  const actor = typeof l.audit.actor === 'string' ? l.audit.actor : l.audit.actor.actor;
  return recordLoad(tx, l.key, l.fingerprint, { ...l.audit, actor });
};

/**
 * `importFiles` (the import path, with all its checks: ontology, citations, ids across
 * files) into an empty embedded database through COPY. Throws what `importFiles` throws
 * for invalid files (nothing is written then), BulkCopyRefused for a database that is not empty.
 */
export function bulkImportFiles(target: BulkTarget, ontology: Ontology, paths: readonly string[], options: BulkOptions = {}): Promise<BulkResult<ImportOutcome[]>> {
  return bulkLoad(target, ontology, (sink) => importFiles(sink, ontology, paths), recordBulkLoad, options);
}
