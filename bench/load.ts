import { spawnSync } from 'node:child_process';
import { Graph } from '../src/writes/graph.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { importFiles } from '../src/writes/sources/import-files.js';
import { loadOntology } from '../src/ontology/ontology.js';
import { bulkImportFiles } from '../src/writes/sources/bulk-import.js';
import { openEmbeddedStore, openEmbeddedWithExecutor } from '../src/store/embedded/open.js';
import type { LadybugExecutor } from '../src/store/embedded/executor.js';
import { defaultEntities, type GenerateResult } from './generate.js';

/**
 * `npm run bench:load -- [--relations M] [--entities N] [--seed S] [--keep]`: one
 * generated graph (bench/generate.ts, in a child process so its memory is not counted
 * here) loaded three ways, each into a fresh embedded database:
 *   (a) ours, bulk: the import path's validation, rows to CSV, COPY (src/store/embedded/bulk-copy.ts);
 *   (c) LadybugDB's raw COPY of the CSV files (a) wrote, the same statements, timed alone;
 *   (a) again, as warm as (c) was (the first LadybugDB run of a process pays to grow its memory);
 *   (b) the import path as it is, validation and `Graph.load` (skipped above 200,000 relations).
 * (b) runs last so that the peak RSS printed after (a) and (c) is theirs. Peak RSS is the
 * process's so far (maxRSS), LadybugDB's buffer pool included.
 */

const LOAD_LIMIT = 200_000;
const here = dirname(fileURLToPath(import.meta.url));

const { values } = parseArgs({
  options: {
    relations: { type: 'string', default: '100000' },
    entities: { type: 'string' },
    seed: { type: 'string', default: '1' },
    keep: { type: 'boolean', default: false },
  },
});
const count = (name: string, text: string) => {
  const n = Number(text.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number, got ${text}`);
  return n;
};
const relations = count('relations', values.relations!);
const entities = values.entities === undefined ? defaultEntities(relations) : count('entities', values.entities);
const seed = count('seed', values.seed!);

const ontology = loadOntology();
const dir = mkdtempSync(join(tmpdir(), 'pag-bench-load-'));
const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;
const rss = () => mb(process.resourceUsage().maxRSS);
const rate = (seconds: number) => relations / seconds;
const fmt = (perSecond: number) => `${Math.round(perSecond).toLocaleString('en-US')} relations/s`;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Relations in a database, counted by LadybugDB. */
async function relationCount(executor: LadybugExecutor): Promise<number> {
  const [row] = await executor.read({ cypher: 'MATCH ()-[r:Relation]->() RETURN count(r) AS n', params: {} });
  return Number(row?.n ?? 0);
}

/** (a): the bulk path into a fresh database; the CSV files are kept in `csvDir` if given. */
async function bulkRun(name: string, files: readonly string[], csvDir?: string) {
  const target = await openEmbeddedWithExecutor({ dataDir: join(dir, name), ontology });
  try {
    const started = performance.now();
    const result = await bulkImportFiles(target, ontology, files, csvDir ? { csvDir } : {});
    const seconds = (performance.now() - started) / 1000;
    const stored = await relationCount(target.executor);
    if (stored !== relations) throw new Error(`bulk path stored ${stored} relations, expected ${relations}`);
    return { seconds, result };
  } finally {
    await target.store.close();
  }
}

try {
  console.log(`generating ${relations.toLocaleString('en-US')} relations, ${entities.toLocaleString('en-US')} entities (seed ${seed}) in ${dir}`);
  const generating = performance.now();
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(here, 'generate.ts'), '--relations', String(relations), '--entities', String(entities), '--seed', String(seed), '--out', join(dir, 'gen')],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  if (child.status !== 0) throw new Error(`generate failed: ${child.stderr}`);
  const generated = JSON.parse(child.stdout) as GenerateResult;
  console.log(`generated ${generated.files.length} file(s) in ${secs(performance.now() - generating)}; peak RSS at start ${rss()}`);

  // (a) ours: validation + CSV + COPY into an empty database, keeping the CSV files for (c).
  const first = await bulkRun('db-bulk', generated.files, join(dir, 'csv'));
  const describe = (run: typeof first) => {
    const t = run.result.timings;
    return `${secs(run.seconds * 1000)}, ${fmt(rate(run.seconds))} [validate ${secs(t.validateMs)}, CSV ${secs(t.writeMs)}, COPY ${secs(t.copyMs)}]`;
  };
  console.log(`(a) ours, bulk (validate + CSV + COPY): ${describe(first)}; peak RSS ${rss()}`);

  // (c) raw COPY of the same CSV files, the same statements, into a fresh database with the same schema.
  const c = await openEmbeddedWithExecutor({ dataDir: join(dir, 'db-copy'), ontology });
  let started = performance.now();
  const each: string[] = [];
  await c.executor.write(async (run) => {
    for (const copy of first.result.copies) {
      const at = performance.now();
      await run({ cypher: copy, params: {} });
      each.push(`${/^COPY (\w+)/.exec(copy)?.[1]} ${secs(performance.now() - at)}`);
    }
  });
  const copySeconds = (performance.now() - started) / 1000;
  const copyCount = await relationCount(c.executor);
  await c.store.close();
  if (copyCount !== relations) throw new Error(`raw COPY stored ${copyCount} relations, expected ${relations}`);
  console.log(`(c) LadybugDB raw COPY of the CSV files: ${secs(copySeconds * 1000)}, ${fmt(rate(copySeconds))} [${each.join(', ')}, commit]; peak RSS ${rss()}`);

  // (a) once more, now that the process is as warm for it as it was for (c).
  const second = await bulkRun('db-bulk-2', generated.files);
  console.log(`(a) ours, bulk, second run:             ${describe(second)}; peak RSS ${rss()}`);

  // (b) the import path as it is: validation + Graph.load.
  let loadSeconds: number | null = null;
  if (relations > LOAD_LIMIT) {
    console.log(`(b) validate + Graph.load: skipped (over ${LOAD_LIMIT.toLocaleString('en-US')} relations)`);
  } else {
    const store = new Graph(await openEmbeddedStore({ dataDir: join(dir, 'db-load'), ontology }), ontology);
    try {
      started = performance.now();
      const outcomes = await importFiles(store, ontology, generated.files);
      loadSeconds = (performance.now() - started) / 1000;
      const loaded = outcomes.reduce((n, o) => n + o.relations, 0);
      if (loaded !== relations) throw new Error(`Graph.load loaded ${loaded} relations, expected ${relations}`);
    } finally {
      await store.close();
    }
    console.log(`(b) validate + Graph.load: ${secs(loadSeconds * 1000)}, ${fmt(rate(loadSeconds))}; peak RSS ${rss()}`);
  }

  const best = Math.min(first.seconds, second.seconds);
  console.log(`ratio ours / raw COPY (rate): first run ${(copySeconds / first.seconds).toFixed(2)}, second ${(copySeconds / second.seconds).toFixed(2)} (target >= 0.5)`);
  if (loadSeconds !== null) console.log(`ratio ours / Graph.load (rate): ${(loadSeconds / best).toFixed(1)}`);
  console.log(`peak RSS of the run: ${rss()}`);
} finally {
  if (values.keep) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
