import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Ontology } from '../../src/ontology/ontology.js';
import { openEmbeddedStore } from '../../src/store/embedded/open.js';
import type { GraphStore } from '../../src/store/graph-store.js';

/**
 * The backends the contract suite runs against. Each opens an empty store and
 * returns it with a function that removes whatever it created.
 */
export interface Backend {
  name: string;
  open(ontology: Ontology): Promise<{ store: GraphStore; dispose(): Promise<void> }>;
}

export const embedded: Backend = {
  name: 'embedded',
  async open(ontology) {
    const dataDir = mkdtempSync(join(tmpdir(), 'pag-test-'));
    const store = await openEmbeddedStore({ dataDir, ontology });
    return {
      store,
      async dispose() {
        await store.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
};

export const backends: Backend[] = [embedded];
