import { cpSync, rmSync } from 'node:fs';
import { Graph } from '../../src/writes/graph.js';
import type { Ontology } from '../../src/ontology/ontology.js';
import { startServer } from '../../src/server.js';
import { embeddedStore, isolatedEngine } from '../../src/store/embedded/open.js';
import { DEFAULT_QUARANTINE_KEEP } from '../../src/store/embedded/quarantine.js';
import { Client } from './client.js';
import type { BenchQuery } from './queries.js';
import { summarize } from './stats.js';

const SERVER_CONFIG = { port: 0, host: '127.0.0.1', production: true, guards: { rateLimitPerMinute: 0, costPerMinute: 0 } } as const;

/**
 * What the server pays for running LadybugDB in a process of its own (as `npm start` does,
 * src/store/embedded/engine/) rather than in its own: the same research queries against a
 * copy of the same database, one request to each server in turn so both see the same
 * machine, each row the ratio of the p50s (isolated / in this process).
 */
export async function containmentCost(options: {
  dataDir: string;
  ontology: Ontology;
  /** The server with the engine in this process, serving `dataDir`. */
  inProcessUrl: string;
  queries: readonly BenchQuery[];
  iterations: number;
  budgetMs: number;
  progress: (line: string) => void;
}): Promise<string[]> {
  const { dataDir, ontology, queries, iterations, budgetMs, progress } = options;
  // LadybugDB locks its file: the isolated engine opens a copy (read-only work, so the same data).
  const copy = `${dataDir}-isolated`;
  cpSync(dataDir, copy, { recursive: true });
  const engine = isolatedEngine(copy, { quarantineKeep: DEFAULT_QUARANTINE_KEEP }, progress, (spawn) => spawn());
  await engine.start();
  const store = new Graph(embeddedStore(engine, ontology), ontology);
  const server = await startServer({ config: SERVER_CONFIG, store, ontology, log: () => undefined });
  const inProcess = new Client(new URL(options.inProcessUrl));
  const isolated = new Client(new URL(server.url));
  const rows: string[] = [];
  const ratios: number[] = [];
  try {
    for (const q of queries) {
      const here: number[] = [];
      const apart: number[] = [];
      // Warm both: prepared statements and caches are per process.
      for (let i = 0; i < 3; i += 1) {
        await inProcess.send(q.request);
        await isolated.send(q.request);
      }
      const started = performance.now();
      for (let i = 0; i < iterations && (i < 3 || performance.now() - started < budgetMs); i += 1) {
        const a = await inProcess.send(q.request);
        const b = await isolated.send(q.request);
        if (a.status !== b.status || a.body.length !== b.body.length) throw new Error(`${q.name}: the two servers answered differently (${a.status}, ${b.status})`);
        here.push(a.ms);
        apart.push(b.ms);
      }
      const [h, p] = [summarize(here), summarize(apart)];
      ratios.push(p.p50 / h.p50);
      rows.push(`| ${q.name} | ${h.n} | ${h.p50.toFixed(2)} | ${p.p50.toFixed(2)} | ${(p.p50 / h.p50).toFixed(2)} | ${(p.p50 - h.p50).toFixed(2)} |`);
      progress(`containment: ${q.name}: ${(p.p50 / h.p50).toFixed(2)}×`);
    }
  } finally {
    inProcess.close();
    isolated.close();
    await server.close();
    await store.close();
    rmSync(copy, { recursive: true, force: true });
  }
  const sorted = [...ratios].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
  return [
    '### The engine in a process of its own (what `npm start` runs) against the engine in the server',
    '',
    '| query | n | p50 in the server | p50 in its own process | ratio | added ms |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    `containment cost: median ratio ${median.toFixed(2)} (isolated / in the server), worst ${(sorted.at(-1) ?? NaN).toFixed(2)}`,
  ];
}
