import type { Executor } from '../../src/store/cypher/executor.js';
import { CAPTURE_HEADER, replay, type Instrumented } from './capture.js';
import type { Client, Received } from './client.js';
import type { BenchQuery } from './queries.js';
import { summarize, type Summary } from './stats.js';

export interface QueryMeasure {
  name: string;
  /** The first request of the run (cold caches: prepared statements, network measures). */
  firstMs: number;
  http: Summary;
  raw: Summary;
  /** Statements the request sent, as captured, and as the response's `extensions.dbRoundTrips` says (GraphQL only). */
  roundTrips: number;
  reportedRoundTrips: number | null;
  responseBytes: number;
  /** Set when the server refused the query as too large for its bounds: that refusal is what was timed. */
  refused: string | null;
  /** Highest resident set size seen after a request of this query. */
  rssPeak: number;
}

export interface MeasureOptions {
  warmup: number;
  iterations: number;
  /** Stop after this long (at least `minIterations` done), so large graphs stay within the run's time. */
  budgetMs: number;
  minIterations: number;
}

interface GraphqlError {
  message: string;
  extensions?: { code?: string };
}

/**
 * Fails loudly on a wrong answer: a benchmark of errors measures nothing. The one error
 * accepted is the server's refusal of an answer over its size bounds (a hub's depth-2
 * neighborhood in a large graph), which is then what the row times.
 */
function check(q: BenchQuery, res: Received): { roundTrips: number | null; refused: string | null } {
  const tooLarge = (errors: GraphqlError[]) => errors.every((e) => e.extensions?.code === 'BAD_USER_INPUT' && / (has|have) more than /.test(e.message));
  if (!q.graphql) {
    if (res.status === 200) return { roundTrips: null, refused: null };
    // An export refused as too large answers 400 with the same error shape.
    const refusal = res.status === 400 ? (JSON.parse(res.body) as { errors?: GraphqlError[] }).errors : undefined;
    if (refusal && tooLarge(refusal)) return { roundTrips: null, refused: refusal[0]!.message };
    throw new Error(`${q.name}: HTTP ${res.status}: ${res.body.slice(0, 300)}`);
  }
  if (res.status !== 200) throw new Error(`${q.name}: HTTP ${res.status}: ${res.body.slice(0, 300)}`);
  const body = JSON.parse(res.body) as { errors?: GraphqlError[]; extensions?: { dbRoundTrips?: number } };
  const roundTrips = body.extensions?.dbRoundTrips ?? null;
  if (!body.errors) return { roundTrips, refused: null };
  if (!tooLarge(body.errors)) throw new Error(`${q.name}: ${JSON.stringify(body.errors).slice(0, 300)}`);
  return { roundTrips, refused: body.errors[0]!.message };
}

/**
 * (a) the whole request over HTTP, and (b) the statements that request sent, replayed at
 * once on the same executor; the two alternate so both see the same warm state.
 */
export async function measureQuery(client: Client, capture: Instrumented, executor: Executor, q: BenchQuery, opts: MeasureOptions): Promise<QueryMeasure> {
  const warmupStarted = performance.now();
  const first = await client.send(q.request);
  check(q, first);
  // Warm-up is time-boxed too: on a large graph one request of a heavy query warms enough.
  for (let i = 1; i < opts.warmup && performance.now() - warmupStarted < opts.budgetMs / 4; i += 1) await client.send(q.request);
  const http: number[] = [];
  const raw: number[] = [];
  let roundTrips = 0;
  let reported: number | null = null;
  let refused: string | null = null;
  let bytes = 0;
  let rssPeak = process.memoryUsage().rss;
  const started = performance.now();
  for (let i = 0; i < opts.iterations && (i < opts.minIterations || performance.now() - started < opts.budgetMs); i += 1) {
    const id = `${q.name}#${i}`;
    const res = await client.send({ ...q.request, headers: { ...q.request.headers, [CAPTURE_HEADER]: id } });
    const statements = capture.take(id);
    if (i === 0) {
      ({ roundTrips: reported, refused } = check(q, res));
      roundTrips = statements.length;
      bytes = Buffer.byteLength(res.body);
    }
    http.push(res.ms);
    raw.push(await replay(executor, statements));
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }
  return { name: q.name, firstMs: first.ms, http: summarize(http), raw: summarize(raw), roundTrips, reportedRoundTrips: reported, responseBytes: bytes, refused, rssPeak };
}
