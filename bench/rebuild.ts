import { mkdtempSync, rmSync } from 'node:fs';
import { Graph } from '../src/writes/graph.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writesOf } from '../src/journal/entries.js';
import { readJournal } from '../src/journal/journal-file.js';
import { openJournaledEmbedded } from '../src/journal/open-journaled.js';
import { journalLoadData, rebuildFromJournal } from '../src/journal/rebuild.js';
import { replay } from '../src/journal/replay.js';
import { loadOntology } from '../src/ontology/ontology.js';
import { projectRoot } from '../src/paths.js';
import { openEmbeddedStore } from '../src/store/embedded/open.js';
import { loadSeeds } from '../src/writes/sources/seed-folder.js';

/**
 * A rebuild from a journal of many small writes (curation, not loads): replayed with a
 * checkpoint after each write, as start-up did, against one checkpoint at the end
 * (src/journal/rebuild.ts).   npx tsx bench/rebuild.ts [WRITES]   (default 700)
 */
const writes = Number(process.argv[2] ?? 700);
const ontology = loadOntology();
const dataDir = mkdtempSync(join(tmpdir(), 'bench-rebuild-'));
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
try {
  let t = performance.now();
  const store = await openJournaledEmbedded({ dataDir, ontology });
  await loadSeeds(store, ontology, join(projectRoot, 'seeds'));
  for (let i = 0; i < writes; i += 1) {
    const sources = [{ sourceId: 'asia-plus-2012-01-17-kazakhstan-election', paragraph: 1, sentence: null, quote: `bench quote ${i}` }];
    await store.addRelation({ id: `bench-${i}`, type: 'SUPPORTS', from: 'bolat-abilov', to: 'nur-otan', sources, refs: {}, attributes: {} }, 'bench');
  }
  await store.close();
  console.log(`${writes} writes made (a checkpoint each): ${seconds(t)}`);
  const { entries } = readJournal(dataDir);
  t = performance.now();
  const old = mkdtempSync(join(tmpdir(), 'bench-rebuild-old-'));
  const plain = new Graph(await openEmbeddedStore({ dataDir: old, ontology }), ontology);
  const outcome = await replay(plain, writesOf(entries), journalLoadData(dataDir));
  await plain.close();
  rmSync(old, { recursive: true, force: true });
  console.log(`rebuild, a checkpoint per write: ${outcome.applied} writes in ${seconds(t)}`);
  t = performance.now();
  const rebuilt = await rebuildFromJournal({ dataDir, ontology, entries, log: () => undefined });
  rmSync(rebuilt.dir, { recursive: true, force: true });
  console.log(`rebuild, one checkpoint at the end: ${rebuilt.outcome.applied} writes in ${seconds(t)}`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
