import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadOntology } from '../src/ontology/ontology.js';
import { startServer } from '../src/server.js';
import { abuseScenario } from './abuse.js';
import { openBackend, type BackendName } from './harness/backend.js';
import { startBareApollo } from './harness/bare-apollo.js';
import { startBareServer } from './harness/bare-server.js';
import { statementCapture } from './harness/capture.js';
import { Client } from './harness/client.js';
import { containmentCost } from './harness/containment.js';
import { defaultEntities, generate } from './generate.js';
import { failures, loadTest, type LoadReport } from './harness/load-test.js';
import { measureQuery, type QueryMeasure } from './harness/measure.js';
import { researchQueries, TYPENAME } from './harness/queries.js';
import { loadTable, queryTable, worstLine } from './harness/report.js';
import { mib } from './harness/stats.js';

/**
 * `npm run bench [-- --size 100000 --duration 10]`: the research queries against a
 * generated graph in a fresh database, through the real server, each measured (a) as a
 * whole HTTP request and (b) as the Cypher that request sent, replayed on the same
 * executor; then a mixed-read load test and the framework's own cost, both with
 * autocannon; on the embedded backend, the same queries with the engine in a process of its
 * own (as `npm start` runs it) beside it in the server. Markdown on stdout (progress on stderr); the last line is the worst ratio.
 *
 *   --backend B            embedded (default: LadybugDB, bulk-loaded by validation and COPY) or
 *                          neo4j: the server NEO4J_URI names (NEO4J_USER, NEO4J_PASSWORD,
 *                          NEO4J_DATABASE; a database without this project's nodes, which are
 *                          deleted at the end), else a Neo4j started from test/neo4j-server
 *                          (java and mvn needed). Loaded through our import path, beside Neo4j's
 *                          own UNWIND batches of the same rows (bench/harness/backend.ts).
 *   --size N               relations (100000); --entities defaults to the generator's suggestion
 *   --iterations N         measured requests per query (50), stopped after --budget s (10) once 3 are done
 *   --warmup N             requests before measuring (5), the first reported as "first ms"
 *   --duration S           mixed load test (10 s) on --connections (4)
 *   --framework-duration S each `{ __typename }` run (5 s) on --framework-connections (10)
 *   --keep                 keep the temporary folder (generated files, database)
 *   --scenario S           research (default: the above) or abuse: floods on the server's
 *                          default limits (bench/abuse.ts), each for --attack-seconds S (20),
 *                          --attacks a,b to run only some, while probes read every 50 ms
 * Exit code 1 when a load test saw errors (abuse: when the server answered an attack request
 * with a 5xx other than 503, or a probe failed).
 */

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'embedded' },
    size: { type: 'string', default: '100000' },
    entities: { type: 'string' },
    seed: { type: 'string', default: '1' },
    duration: { type: 'string', default: '10' },
    iterations: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '5' },
    budget: { type: 'string', default: '10' },
    'framework-duration': { type: 'string', default: '5' },
    connections: { type: 'string', default: '4' },
    'framework-connections': { type: 'string', default: '10' },
    keep: { type: 'boolean', default: false },
    scenario: { type: 'string', default: 'research' },
    'attack-seconds': { type: 'string', default: '20' },
    attacks: { type: 'string', default: '' },
  },
});

function positive(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number, got ${value}`);
  return n;
}

const BACKENDS: readonly BackendName[] = ['embedded', 'neo4j'];
const backendName = BACKENDS.find((b) => b === args.backend);
if (!backendName) throw new Error(`--backend must be one of ${BACKENDS.join(', ')}, got ${args.backend}`);
const size = positive('size', args.size);
const duration = positive('duration', args.duration);
const connections = positive('connections', args.connections);
const frameworkConnections = positive('framework-connections', args['framework-connections']);
const frameworkDuration = positive('framework-duration', args['framework-duration']);
const measureOpts = {
  warmup: positive('warmup', args.warmup),
  iterations: positive('iterations', args.iterations),
  budgetMs: positive('budget', args.budget) * 1000,
  minIterations: 3,
};

const progress = (line: string) => process.stderr.write(`${line}\n`);
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);

if (args.scenario !== 'research' && args.scenario !== 'abuse') throw new Error(`--scenario must be research or abuse, got ${args.scenario}`);
if (args.scenario === 'abuse') {
  const lines = await abuseScenario({
    backend: backendName,
    size,
    ...(args.entities ? { entities: positive('entities', args.entities) } : {}),
    seed: positive('seed', args.seed),
    attackSeconds: positive('attack-seconds', args['attack-seconds']),
    only: args.attacks.split(',').filter(Boolean),
    keep: args.keep,
    progress,
  });
  const failed = lines.some((l) => /; [1-9]\d* other 5xx or failed probes$/.test(l));
  await new Promise<void>((resolve) => process.stdout.write(`${lines.join('\n')}\n`, () => resolve()));
  process.exit(failed ? 1 : 0);
}
const runStarted = performance.now();
const ontology = loadOntology();
const dir = mkdtempSync(join(tmpdir(), 'pag-bench-run-'));
const out: string[] = [];

try {
  const entities = args.entities ? positive('entities', args.entities) : defaultEntities(size);
  let started = performance.now();
  const graph = await generate({ entities, relations: size, seed: positive('seed', args.seed), outDir: join(dir, 'generated') });
  progress(`generated ${graph.entities} entities, ${graph.relations} relations in ${seconds(started)} s`);

  const backend = await openBackend(backendName, dir, ontology, graph, progress);
  // The executor is kept, so the captured statements replay on the very one the store uses.
  const { store, executor } = backend;
  const logs: string[] = [];
  const capture = statementCapture();
  const server = await startServer({
    watchStatements: capture.watch,
    config: { port: 0, host: '127.0.0.1', production: true, guards: { rateLimitPerMinute: 0, costPerMinute: 0 } },
    store,
    ontology,
    log: (line) => logs.push(line),
  });
  capture.track(server.http);
  const client = new Client(new URL(server.url));
  try {
    const [hub] = await store.getEntities([graph.hubs.person]);
    if (!hub) throw new Error(`the generator's person hub ${graph.hubs.person} is not in the database`);
    const queries = researchQueries(graph, hub.name);

    const measures: QueryMeasure[] = [];
    for (const q of queries) {
      started = performance.now();
      const m = await measureQuery(client, capture, executor, q, measureOpts);
      measures.push(m);
      progress(`${q.name}: ${m.http.n} iterations in ${seconds(started)} s, http p50 ${m.http.p50.toFixed(2)} ms, raw p50 ${m.raw.p50.toFixed(2)} ms`);
    }

    const loads: Array<[string, number, LoadReport]> = [];
    const spec = { durationSeconds: duration, timeoutSeconds: 120 };
    progress(`load test: mixed reads, ${connections} connections, ${duration} s`);
    // A query the server refuses as too large would count as an error in every round.
    const answered = queries.filter((q) => !measures.find((m) => m.name === q.name)?.refused);
    const mixed = await loadTest({ ...spec, connections, url: server.url, requests: answered.map((q) => q.request) }, capture);
    loads.push([`mixed research reads (round-robin over ${answered.length} queries)`, connections, mixed]);
    if (mixed.unfinished > 0) progress(`  ${mixed.unfinished} requests were still running when autocannon stopped; drained in ${(mixed.drainMs / 1000).toFixed(1)} s`);

    // The framework's own cost: the smallest GraphQL request, and a bare server answering its exact body.
    const typename = await client.send(TYPENAME);
    const bare = await startBareServer(typename.body, { 'content-type': String(typename.headers['content-type']) });
    const bareApollo = await startBareApollo();
    const noDrain = { inFlight: () => 0, drained: async () => 0 };
    const framework = { durationSeconds: frameworkDuration, timeoutSeconds: 10, connections: frameworkConnections };
    try {
      progress(`framework: { __typename } through our server, ${frameworkDuration} s`);
      loads.push(['`{ __typename }`, our server', frameworkConnections, await loadTest({ ...framework, url: server.url, requests: [TYPENAME] }, capture)]);
      progress(`framework: bare node:http, same body, ${frameworkDuration} s`);
      loads.push(['same body, bare node:http', frameworkConnections, await loadTest({ ...framework, url: bare.url, requests: [TYPENAME] }, noDrain)]);
      progress(`framework: { __typename } through a bare Apollo Server, ${frameworkDuration} s`);
      loads.push(['`{ __typename }`, bare Apollo Server', frameworkConnections, await loadTest({ ...framework, url: bareApollo.url, requests: [TYPENAME] }, noDrain)]);
    } finally {
      await bare.close();
      await bareApollo.close();
    }

    const containment = backend.dataDir
      ? await containmentCost({
          dataDir: backend.dataDir,
          ontology,
          inProcessUrl: server.url,
          queries: answered,
          iterations: measureOpts.iterations,
          budgetMs: measureOpts.budgetMs / 2,
          progress,
        })
      : [];
    const engineMemory = backend.engineMemory();
    const failed = loads.filter(([, , r]) => failures(r) > 0);
    const ours = loads[1]![2].requestsPerSecond;
    const bareRps = loads[2]![2].requestsPerSecond;
    const apolloRps = loads[3]![2].requestsPerSecond;
    out.push(
      `## Benchmark: ${graph.relations.toLocaleString('en-US')} relations, ${graph.entities.toLocaleString('en-US')} entities`,
      '',
      `Backend: ${backend.engine}.`,
      '',
      `Node ${process.version}, ${cpus().length} CPUs; graph from bench/generate.ts, ${backend.loaded}. ` +
        `Times in ms; http = whole GraphQL-over-HTTP request from a keep-alive client in the same process; ` +
        `raw = the statements that request sent, replayed one after another on the same executor. ` +
        `Hubs: ${graph.hubs.person} (neighborhood, search by its name "${hub.name}"), ${graph.hubs.party} (export, network); leaf ${graph.leaf}; paths ${graph.distant.join(' → ')}.`,
      '',
      queryTable(measures),
      '',
      loadTable(loads),
      '',
      `load test errors (errors + non-2xx + GraphQL errors): ${loads.map(([name, , r]) => `${name}: ${failures(r)}`).join('; ')}${failed.length > 0 ? ' — NOT ZERO' : ''}`,
      `framework cost: { __typename } ${ours.toFixed(0)} req/s through our server vs ${bareRps.toFixed(0)} req/s bare node:http; ratio bare/ours ${(bareRps / ours).toFixed(2)}; ` +
        `a bare Apollo Server (one-field schema, no plugins) ${apolloRps.toFixed(0)} req/s, ratio bare/Apollo ${(bareRps / apolloRps).toFixed(2)}, ours/Apollo ${(ours / apolloRps).toFixed(2)}`,
      `load-test memory, settled (after GC): ${mixed.rssStart} MiB at the start, ${mixed.rssSettled} MiB at the end, ratio ${(mixed.rssSettled / mixed.rssStart).toFixed(2)}`,
      `peak RSS: ${mib(process.resourceUsage().maxRSS * 1024)} MiB for the whole run (load included), ${Math.max(...measures.map((m) => mib(m.rssPeak)))} MiB during the queries` +
        (engineMemory ? ` (this process; ${engineMemory})` : ''),
      `server log lines: ${logs.length}${logs.length > 0 ? ` (first: ${logs[0]})` : ''}; total ${seconds(runStarted)} s`,
      '',
      ...(containment.length > 0 ? [...containment, ''] : []),
      worstLine(measures),
    );
    if (failed.length > 0) process.exitCode = 1;
  } finally {
    client.close();
    await server.close();
    await backend.close();
  }
} finally {
  if (args.keep) progress(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(`${out.join('\n')}\n`);
