import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadOntology } from '../src/ontology/ontology.js';
import { startServer } from '../src/server.js';
import { defaultEntities, generate } from './generate.js';
import type { AbuseOutcome, AbuseSpec, Latencies } from './harness/abuse-child.js';
import { openBackend, type BackendName } from './harness/backend.js';
import { runJsonChild } from './harness/load-test.js';

/**
 * `npm run bench -- --scenario abuse`: the attack of issue 12 on a generated graph, through
 * the real server with its default limits (as deployed: the per-address request limit on,
 * behind a proxy that names each client). `--attackers` anonymous clients from one address
 * ask for `network(id: <the person hub>, depth: 2, from, to) { communities }` one after
 * another, the dates varied, for `--attack-seconds`; meanwhile a probe sends `{ __typename }`
 * every 20 ms and another reads one entity, from other addresses. Reported: the probes'
 * latencies, the attack's answers by status and code, how long attack requests ran, and the
 * server process's resident memory. Only the server's public API is used, so the same file
 * measures older versions of the server too.
 */

export interface AbuseOptions {
  backend: BackendName;
  size: number;
  entities?: number;
  seed: number;
  attackers: number;
  attackSeconds: number;
  /** Centres the attack varies among: the first `centres` person ids. */
  centres: number;
  depth: number;
  attackerAddresses: number;
  keep: boolean;
  progress: (line: string) => void;
}

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'harness', 'abuse-child.ts');
const runChild = (spec: AbuseSpec) => runJsonChild<AbuseOutcome>(CHILD, spec);

const mib = (bytes: number) => Math.round(bytes / (1024 * 1024));
const ms = (v: number) => (Number.isNaN(v) ? 'n/a' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const row = (name: string, l: Latencies, extra: string) => `| ${name} | ${l.n} | ${ms(l.p50)} | ${ms(l.p90)} | ${ms(l.p99)} | ${ms(l.max)} | ${extra} |`;

async function settledRss(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; gc && i < 3; i += 1) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return process.memoryUsage().rss;
}

export async function abuseScenario(opts: AbuseOptions): Promise<string[]> {
  const { progress } = opts;
  const ontology = loadOntology();
  const dir = mkdtempSync(join(tmpdir(), 'pag-bench-abuse-'));
  try {
    const entities = opts.entities ?? defaultEntities(opts.size);
    let started = performance.now();
    const graph = await generate({ entities, relations: opts.size, seed: opts.seed, outDir: join(dir, 'generated') });
    progress(`generated ${graph.entities} entities, ${graph.relations} relations in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const backend = await openBackend(opts.backend, dir, ontology, graph, progress);
    const { store } = backend;
    const logs: string[] = [];
    const server = await startServer({ config: { port: 0, host: '127.0.0.1', production: true, trustProxy: true }, store, ontology, log: (line) => logs.push(line) });
    try {
      const [probeEntity] = await store.getEntities([graph.leaf]);
      if (!probeEntity) throw new Error(`the generator's leaf ${graph.leaf} is not in the database`);
      const ids = Array.from({ length: opts.centres }, (_, i) => `syn-person-${String(i + 1).padStart(6, '0')}`);
      // Warm-up: the code paths of the probes, and one small network measured.
      const warm: AbuseSpec = {
        url: server.url,
        attackers: 1,
        attackSeconds: 3,
        ids: [graph.leaf],
        depth: 1,
        backoffMs: 250,
        probeIntervalMs: 20,
        entity: { id: probeEntity.id, name: probeEntity.name },
        drainSeconds: 60,
        attackerAddresses: 1,
        addressBase: '198.18.0.',
        maxRequests: 5,
      };
      await runChild(warm);
      progress('baseline: the probes alone, 10 s');
      const quiet = await runChild({ ...warm, attackers: 0, attackSeconds: 10 });
      const rssBefore = await settledRss();
      let rssPeak = rssBefore;
      const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 100);
      progress(`attack: ${opts.attackers} clients, network(id: ${ids.join('|')}, depth: ${opts.depth}, dates varied) for ${opts.attackSeconds} s, probes every 20 ms`);
      started = performance.now();
      let outcome: AbuseOutcome;
      try {
        outcome = await runChild({
          ...warm,
          attackers: opts.attackers,
          attackSeconds: opts.attackSeconds,
          ids,
          depth: opts.depth,
          drainSeconds: 300,
          attackerAddresses: opts.attackerAddresses,
          addressBase: '198.51.100.',
          maxRequests: Infinity,
        });
      } finally {
        clearInterval(sampler);
      }
      const wall = (performance.now() - started) / 1000;
      const rssAfter = await settledRss();
      const a = outcome.attack;
      const answers = Object.entries(a.answers)
        .sort((x, y) => y[1] - x[1])
        .map(([k, n]) => `${k}: ${n}`)
        .join(', ');
      const refused = Object.entries(a.answers)
        .filter(([k]) => /^(429|503)/.test(k))
        .reduce((n, [, v]) => n + v, 0);
      const errors5xx = Object.entries(a.answers)
        .filter(([k]) => /^5/.test(k) && !/^503/.test(k))
        .reduce((n, [, v]) => n + v, 0);
      progress(`attack done in ${wall.toFixed(1)} s: ${answers}`);
      return [
        `## Abuse: ${opts.attackers} concurrent expensive requests on ${graph.relations.toLocaleString('en-US')} relations, ${graph.entities.toLocaleString('en-US')} entities`,
        '',
        `Backend: ${backend.engine}; ${backend.loaded}. Node ${process.version}, ${cpus().length} CPUs. Server with its default limits, production mode, ` +
          `clients told apart by X-Forwarded-For. Attack: ${opts.attackers} clients from ${opts.attackerAddresses} address(es), each sending ` +
          `\`{ network(id: <${ids.length === 1 ? ids[0] : `one of ${ids.length} person hubs`}>, depth: ${opts.depth}, from: 1990..2000, to: 2015..2023) { communities } }\` ` +
          `again as soon as it is answered (250 ms after a 429 or 503), for ${opts.attackSeconds} s. Probes: \`{ __typename }\` every 20 ms, ` +
          `\`{ entity(id: "${probeEntity.id}") { id name } }\` every 200 ms, from other addresses. Times in ms.`,
        '',
        '| requests | n | p50 | p90 | p99 | max | |',
        '|---|---|---|---|---|---|---|',
        row('`{ __typename }`, no attack (10 s before it)', quiet.typename, `${quiet.typename.failed} failed`),
        row('`{ __typename }`', outcome.typename, `${outcome.typename.failed} failed`),
        row('`entity(id)`', outcome.entity, `${outcome.entity.wrong} wrong or failed`),
        row('attack `network`', a.durations, `${a.sent} sent, ${a.unanswered} unanswered`),
        '',
        `attack answers by status and code: ${answers}; ${a.withRetryAfter} with Retry-After; refused (429/503) ${refused}; other 5xx ${errors5xx}`,
        `attack requests still running after the attack ended: answered within ${outcome.drainedSeconds.toFixed(1)} s`,
        `server process RSS: ${mib(rssBefore)} MiB settled before the attack, peak ${mib(rssPeak)} MiB during it, ${mib(rssAfter)} MiB settled after` +
          (backend.engineMemory() ? ` (${backend.engineMemory()})` : ''),
        `server log lines: ${logs.length}${logs.length > 0 ? ` (first: ${logs[0]})` : ''}`,
        '',
        `abuse: { __typename } p99 ${ms(outcome.typename.p99)} ms, max ${ms(outcome.typename.max)} ms; peak RSS ${mib(rssPeak)} MiB; attack answers ${answers}`,
      ];
    } finally {
      await server.close();
      await backend.close();
    }
  } finally {
    if (opts.keep) progress(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
