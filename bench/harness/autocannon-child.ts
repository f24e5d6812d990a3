import { createRequire } from 'node:module';
import type { LoadSpec, LoadOutcome } from './load-test.js';

/**
 * Runs one autocannon load in its own process (so the load generator does not share
 * the server's event loop), reading a LoadSpec from argv[2] and printing a LoadOutcome
 * as JSON on stdout.
 */

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  mismatches: number;
  duration: number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
const spec = JSON.parse(process.argv[2]!) as LoadSpec;
let next = 0;
const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.durationSeconds,
  timeout: spec.timeoutSeconds,
  // One round-robin over all connections: the k-th request sent is query k mod n, so the
  // mix by count is even and the connections do not move through the list in step.
  requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, ...spec.requests[next++ % spec.requests.length] }) }],
  // A GraphQL error comes back with status 200; this makes it count as a mismatch.
  verifyBody: (body: string) => !body.includes('"errors":['),
});
const outcome: LoadOutcome = {
  requestsPerSecond: result.requests.average,
  total: result.requests.total,
  p50: result.latency.p50,
  p99: result.latency.p99,
  max: result.latency.max,
  errors: result.errors,
  timeouts: result.timeouts,
  non2xx: result.non2xx,
  graphqlErrors: result.mismatches,
  seconds: result.duration,
};
process.stdout.write(JSON.stringify(outcome));
