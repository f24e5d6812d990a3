import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadOntology } from '../src/ontology/ontology.js';
import { startServer } from '../src/server.js';
import { defaultEntities, generate } from './generate.js';
import type { AbuseOutcome, AbuseSpec } from './harness/abuse-child.js';
import { openBackend, rssBytes, type BackendName } from './harness/backend.js';
import { parseApiKeys } from '../src/auth/api-keys.js';
import { KEEP_IDLE_MS } from '../src/memory/idle-sweep.js';
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
  /** Seconds each attack runs. */
  attackSeconds: number;
  /** Only the attacks whose names are here (all when empty). */
  only: readonly string[];
  keep: boolean;
  progress: (line: string) => void;
}

/** One flood: `attackers` clients from `addresses` addresses (or under `keys` reader keys from one), each sending `queries` in turn. */
interface Attack {
  name: string;
  what: string;
  attackers: number;
  addresses: number;
  keys: number;
  queries: string[];
}

/** Reader keys the server is given: one per minting attacker, and the probes' own. */
const MINTED_KEYS = 20;
const keyOf = (i: number) => `abuse-reader-key-${String(i).padStart(4, '0')}`;

/**
 * The attacks of issue 24's table and its variants, on the generated graph's person hub.
 * Each query list varies dates or texts, so no two requests in a row are the same document.
 */
function attacks(hub: string): Attack[] {
  // Around the ten most connected persons, at depth 1: at depth 2 each reaches the whole
  // graph, which is refused as too large once and then at once (remembered), so it would
  // measure nothing. Dates varied, so each request is a selection of its own to measure.
  const centres = Array.from({ length: 10 }, (_, i) => `syn-person-${String(i + 1).padStart(6, '0')}`);
  const networks = Array.from({ length: 99 }, (_, i) => {
    const from = 1990 + ((i * 7) % 11);
    const to = 2023 - ((i * 5) % 9);
    return `{ network(id: "${centres[i % centres.length]}", depth: 1, from: "${from}", to: "${to}") { communities } }`;
  });
  const aliases = (n: number, body: (a: number) => string) => `{ ${Array.from({ length: n }, (_, a) => `a${a}: ${body(a)}`).join(' ')} }`;
  const syllables = ['nur', 'ak', 'zhol', 'bek', 'ova', 'ali', 'sar', 'tan', 'kaz', 'mir', 'ata', 'gul', 'erm', 'dos', 'bay'];
  const searches = Array.from({ length: 50 }, (_, i) =>
    aliases(15, (a) => `search(text: "${syllables[(i + a) % syllables.length]}${syllables[(i * 3 + a * 7) % syllables.length]}", first: 50) { score }`),
  );
  const hubRelations = Array.from({ length: 10 }, (_, i) => aliases(15, (a) => `entity(id: "${hub}") { relations(includeRetracted: ${(a + i) % 2 === 0}) { id } }`));
  return [
    { name: 'network-1', what: '20 concurrent hub networks (10 person hubs, dates varied), 1 address', attackers: 20, addresses: 1, keys: 0, queries: networks },
    { name: 'network-20', what: '20 concurrent hub networks, 20 addresses', attackers: 20, addresses: 20, keys: 0, queries: networks },
    { name: 'network-50', what: '50 concurrent hub networks, 50 addresses', attackers: 50, addresses: 50, keys: 0, queries: networks },
    { name: 'network-keys', what: `20 concurrent hub networks under ${MINTED_KEYS} reader keys, 1 address`, attackers: 20, addresses: 1, keys: MINTED_KEYS, queries: networks },
    {
      name: 'sources-relations',
      what: '6 concurrent `{ sources { id relations { id } } }`, 1 address',
      attackers: 6,
      addresses: 1,
      keys: 0,
      queries: ['{ sources { id relations { id } } }'],
    },
    { name: 'alias-search', what: '10 concurrent requests of 15 aliased `search(first: 50)`, 1 address', attackers: 10, addresses: 1, keys: 0, queries: searches },
    {
      name: 'alias-hub-relations',
      what: '6 concurrent requests of 15 aliased hub `entity { relations { id } }`, 1 address',
      attackers: 6,
      addresses: 1,
      keys: 0,
      queries: hubRelations,
    },
  ];
}

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'harness', 'abuse-child.ts');
const runChild = (spec: AbuseSpec, stop?: AbortSignal) => runJsonChild<AbuseOutcome>(CHILD, spec, stop);

/**
 * An attack with the probes in a process of their own, started with it and stopped once its
 * last request is answered: sharing the attackers' event loop, the probes would also
 * measure the attackers' own work on their answers.
 */
async function probed(base: AbuseSpec, attack: () => Promise<AbuseOutcome>): Promise<AbuseOutcome> {
  const stop = new AbortController();
  const probes = runChild({ ...base, role: 'probes', attackers: 0 }, stop.signal);
  // Awaited below; a failure while the attack runs must not be an unhandled rejection meanwhile.
  probes.catch(() => undefined);
  try {
    const attacked = await attack();
    stop.abort();
    const { typename, entity } = await probes;
    return { ...attacked, typename, entity };
  } finally {
    stop.abort();
  }
}

const mib = (bytes: number) => Math.round(bytes / (1024 * 1024));
const ms = (v: number) => (Number.isNaN(v) ? 'n/a' : v >= 100 ? v.toFixed(0) : v.toFixed(1));

/** The server's resident memory: this process and, for the embedded backend, its engine's. */
async function settledRss(engineRss: () => number): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; gc && i < 3; i += 1) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // Freed pages go back to the system a little after a collection.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  return process.memoryUsage().rss + engineRss();
}

/** Where the server's memory is, for the progress log. */
function heapLine(enginePid: number | null): string {
  const m = process.memoryUsage();
  return `memory MiB: rss ${mib(m.rss)}, heap used ${mib(m.heapUsed)} of ${mib(m.heapTotal)}${enginePid ? `, engine ${mib(rssBytes(enginePid))}` : ''}`;
}

const row = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;

export async function abuseScenario(opts: AbuseOptions): Promise<string[]> {
  const { progress } = opts;
  const ontology = loadOntology();
  const dir = mkdtempSync(join(tmpdir(), 'pag-bench-abuse-'));
  try {
    const entities = opts.entities ?? defaultEntities(opts.size);
    let started = performance.now();
    const graph = await generate({ entities, relations: opts.size, seed: opts.seed, outDir: join(dir, 'generated') });
    progress(`generated ${graph.entities} entities, ${graph.relations} relations in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const backend = await openBackend(opts.backend, dir, ontology, graph, progress, { engineProcess: true });
    const { store } = backend;
    const logs: string[] = [];
    const keyText = Array.from({ length: MINTED_KEYS + 1 }, (_, i) => `reader:${i === MINTED_KEYS ? 'probe' : `minted-${i}`}:${keyOf(i)}`).join(',');
    const apiKeys = parseApiKeys(keyText, (message) => new Error(message));
    const server = await startServer({ config: { port: 0, host: '127.0.0.1', production: true, trustProxy: true, apiKeys }, store, ontology, log: (line) => logs.push(line) });
    const serverRss = () => settledRss(() => rssBytes(backend.enginePid()));
    const nowRss = () => process.memoryUsage().rss + rssBytes(backend.enginePid());
    try {
      const [probeEntity] = await store.getEntities([graph.leaf]);
      if (!probeEntity) throw new Error(`the generator's leaf ${graph.leaf} is not in the database`);
      const hub = graph.hubs.person;
      const base: AbuseSpec = {
        url: server.url,
        attackers: 1,
        attackSeconds: 3,
        queries: [`{ entity(id: "${graph.leaf}") { relations { id } } }`],
        backoffMs: 250,
        probeIntervalMs: 50,
        entity: { id: probeEntity.id, name: probeEntity.name },
        probeKey: keyOf(MINTED_KEYS),
        drainSeconds: 120,
        attackerAddresses: 1,
        addressBase: '198.18.0.',
        maxRequests: 5,
      };
      await runChild(base);
      progress('baseline: the probes alone, 10 s');
      const quiet = await runChild({ ...base, attackers: 0, attackSeconds: 10 });
      const rssStart = await serverRss();
      progress(`  before the attacks: ${heapLine(backend.enginePid())}`);
      const chosen = attacks(hub).filter((a) => opts.only.length === 0 || opts.only.includes(a.name));
      const rows: string[] = [];
      const summary: string[] = [];
      let failures = 0;
      let worst = { typename: 0, entity: 0 };
      let rssPeakAll = rssStart;
      for (const [n, attack] of chosen.entries()) {
        const rssBefore = await serverRss();
        let rssPeak = rssBefore;
        const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, nowRss())), 100);
        // The server runs in this process: how late its event loop ran during the attack.
        const loop = monitorEventLoopDelay({ resolution: 10 });
        loop.enable();
        progress(`attack ${attack.name}: ${attack.what}, ${opts.attackSeconds} s`);
        started = performance.now();
        let outcome: AbuseOutcome;
        try {
          outcome = await probed(base, () =>
            runChild({
              ...base,
              role: 'attack',
              attackers: attack.attackers,
              attackSeconds: opts.attackSeconds,
              queries: attack.queries,
              ...(attack.keys > 0 ? { keys: Array.from({ length: attack.keys }, (_, i) => keyOf(i)) } : {}),
              attackerAddresses: attack.addresses,
              // Each attack from addresses no earlier attack used, so budgets spent before do not shield the server.
              addressBase: `198.51.${100 + n}.`,
              maxRequests: Infinity,
            }),
          );
        } finally {
          clearInterval(sampler);
          loop.disable();
        }
        // Settled: once caches have let go of what the attack left (KEEP_IDLE_MS, swept every quarter of it).
        await new Promise((resolve) => setTimeout(resolve, KEEP_IDLE_MS * 1.25 + 1_000));
        const rssAfter = await serverRss();
        rssPeakAll = Math.max(rssPeakAll, rssPeak);
        const a = outcome.attack;
        const answers = Object.entries(a.answers)
          .sort((x, y) => y[1] - x[1])
          .map(([k, c]) => `${k}: ${c}`)
          .join(', ');
        const other5xx = Object.entries(a.answers)
          .filter(([k]) => /^5/.test(k) && !/^503/.test(k))
          .reduce((c, [, v]) => c + v, 0);
        const probeFailures = outcome.typename.failed + outcome.entity.wrong;
        failures += other5xx + probeFailures;
        worst = { typename: Math.max(worst.typename, outcome.typename.p99), entity: Math.max(worst.entity, outcome.entity.p99) };
        const lag = `${ms(loop.percentile(99) / 1e6)} / ${ms(loop.max / 1e6)}`;
        progress(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s: ${answers}; server event-loop delay p99 / max ${lag} ms; ${heapLine(backend.enginePid())}`);
        rows.push(
          row([
            attack.what,
            `${ms(outcome.typename.p50)} / ${ms(outcome.typename.p99)} / ${ms(outcome.typename.max)}`,
            `${ms(outcome.entity.p50)} / ${ms(outcome.entity.p99)}`,
            probeFailures,
            `${mib(rssBefore)} → ${mib(rssPeak)} → ${mib(rssAfter)}`,
            `${a.sent} sent: ${answers}; ${a.withRetryAfter} with Retry-After`,
          ]),
        );
        summary.push(
          `abuse ${attack.name}: { __typename } p99 ${ms(outcome.typename.p99)} ms, entity p99 ${ms(outcome.entity.p99)} ms, RSS peak ${mib(rssPeak)} MiB, settled ${mib(rssAfter)} MiB`,
        );
      }
      const rssEnd = await serverRss();
      return [
        `## Abuse: floods on ${graph.relations.toLocaleString('en-US')} relations, ${graph.entities.toLocaleString('en-US')} entities`,
        '',
        `Backend: ${backend.engine}; ${backend.loaded}. Node ${process.version}, ${cpus().length} CPUs. Server with its default limits, production mode, ` +
          `clients told apart by X-Forwarded-For. Each attack runs ${opts.attackSeconds} s from addresses of its own; each client sends again as soon as it is answered ` +
          `(250 ms after a 429 or 503). Probes under a reader key, from other addresses: \`{ __typename }\` and \`{ entity(id: "${probeEntity.id}") { id name } }\`, ` +
          `each every 50 ms. Times in ms. RSS is the server's (this process${backend.enginePid() ? ' and its engine process' : ''}): settled before → peak during → settled after (${(KEEP_IDLE_MS * 1.25) / 1000 + 1} s idle, then full collections).`,
        '',
        row(['attack', '`{ __typename }` p50 / p99 / max', '`entity` p50 / p99', 'probe failures', 'RSS MiB', 'attack answers']),
        row(['---', '---', '---', '---', '---', '---']),
        row([
          'none (probes alone, 10 s)',
          `${ms(quiet.typename.p50)} / ${ms(quiet.typename.p99)} / ${ms(quiet.typename.max)}`,
          `${ms(quiet.entity.p50)} / ${ms(quiet.entity.p99)}`,
          quiet.typename.failed + quiet.entity.wrong,
          mib(rssStart),
          '',
        ]),
        ...rows,
        '',
        `server log lines: ${logs.length}${logs.length > 0 ? ` (first: ${logs[0]})` : ''}${backend.engineMemory() ? `; ${backend.engineMemory()}` : ''}`,
        ...summary,
        `abuse: worst { __typename } p99 ${ms(worst.typename)} ms, worst entity p99 ${ms(worst.entity)} ms; RSS ${mib(rssStart)} MiB before, peak ${mib(rssPeakAll)} MiB, ` +
          `${mib(rssEnd)} MiB settled after (${(rssEnd / rssStart).toFixed(2)}x); ${failures} other 5xx or failed probes`,
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
