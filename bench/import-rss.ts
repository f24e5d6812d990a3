import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { Graph } from '../src/writes/graph.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importFiles } from '../src/writes/sources/import-files.js';
import { formatProblem, InputError } from '../src/writes/errors.js';
import { parseImportText } from '../src/writes/sources/seed-format.js';
import { parseSeedText } from '../src/writes/seed-file.js';
import { loadOntology } from '../src/ontology/ontology.js';
import { openEmbeddedStore } from '../src/store/embedded/open.js';
import { writeEdgesCsv, writeEntitiesJson, writeSeedJson } from './synthetic.js';

/**
 * Peak memory of one import, in a process of its own (maxRSS is per process):
 *   tsx bench/import-rss.ts csv|json [relations]      import into a fresh embedded database
 *   tsx bench/import-rss.ts json-bad [relations]      the same JSON file with an out-of-range value
 *                                                     in its last relation: refused, nothing written
 *   tsx bench/import-rss.ts parse-located|parse-plain [relations]
 *                                                     only parse the seed-format JSON file,
 *                                                     with line positions or plainly
 */

const mode = process.argv[2] ?? 'csv';
const relations = Number(process.argv[3] ?? process.env.BENCH_RELATIONS ?? 100_000);
const ontology = loadOntology();
const dir = mkdtempSync(join(tmpdir(), 'pag-bench-rss-'));
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

// The JavaScript heap, sampled: RSS also holds the database's page buffers, which are not ours.
let peakHeap = 0;
const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 20);

try {
  const baseline = process.resourceUsage().maxRSS;
  let note = '';
  const started = performance.now();
  if (mode === 'parse-located' || mode === 'parse-plain') {
    const path = writeSeedJson(dir, relations);
    const text = readFileSync(path, 'utf8');
    const parsed = mode === 'parse-located' ? parseSeedText('bench-all.json', text) : parseImportText('bench-all.json', text);
    // Held, as the validator holds it, while it is measured.
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    const data = parsed.data as { relations: unknown[] };
    note = `${(text.length / 1e6).toFixed(1)} MB of JSON, ${data.relations.length} relations`;
  } else {
    const dataDir = join(dir, 'db');
    const store = new Graph(await openEmbeddedStore({ dataDir, ontology }), ontology);
    try {
      if (mode === 'json') {
        const path = writeSeedJson(dir, relations);
        const [o] = await importFiles(store, ontology, [path]);
        note = `${o?.status} ${o?.relations} relations`;
      } else if (mode === 'json-bad') {
        const path = writeSeedJson(dir, relations, { badLast: true });
        const size = `${(statSync(path).size / 1e6).toFixed(1)} MB of JSON`;
        try {
          await importFiles(store, ontology, [path]);
          throw new Error('the import of a file with a bad last record succeeded');
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          note = `${size}, refused: ${err.problems.map(formatProblem).join('; ')}`;
        }
      } else {
        await importFiles(store, ontology, [writeEntitiesJson(dir, relations)]);
        const [o] = await importFiles(store, ontology, [writeEdgesCsv(dir, relations)]);
        note = `${o?.status} ${o?.relations} relations`;
      }
    } finally {
      await store.close();
    }
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${mode} ${relations}: peak RSS ${mb(process.resourceUsage().maxRSS)} (at start ${mb(baseline)}), peak JS heap ${mb(peakHeap / 1024)}, ${seconds.toFixed(1)} s; ${note}`,
  );
} finally {
  clearInterval(sampler);
  rmSync(dir, { recursive: true, force: true });
}
