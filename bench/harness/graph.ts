import type { Ontology } from '../../src/ontology/ontology.js';
import { bulkImportFiles } from '../../src/writes/sources/bulk-import.js';
import { openEmbeddedWithExecutor } from '../../src/store/embedded/open.js';

/** Fills a fresh database in `dataDir` with generated `files` through the bulk path, and closes it. */
export async function loadGraph(dataDir: string, ontology: Ontology, files: readonly string[]): Promise<void> {
  const target = await openEmbeddedWithExecutor({ dataDir, ontology });
  try {
    await bulkImportFiles(target, ontology, files);
  } finally {
    await target.store.close();
  }
}
