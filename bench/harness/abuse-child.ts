import { Agent, request } from 'node:http';
import { pathToFileURL } from 'node:url';

/**
 * The load of `npm run bench -- --scenario abuse`, in a process of its own so that it does
 * not share the server's event loop: `attackers` clients each send the attack's queries one
 * after another (each the next of `queries`, so dates and texts vary), while a probe
 * sends `{ __typename }` every `probeIntervalMs` and a second probe reads one entity.
 * Reads an AbuseSpec from argv[2]; prints an AbuseOutcome as JSON on stdout. Only
 * node:http, so the same file runs against older versions of the server.
 */

export interface AbuseSpec {
  url: string;
  attackers: number;
  attackSeconds: number;
  /** The attack's documents: attacker k sends queries[(k + i) % length] as its i-th request. */
  queries: string[];
  /** API keys the attackers present (attacker k the (k % length)-th); none: anonymous. */
  keys?: string[];
  /** After a refusal (429 or 503) an attacker waits this long before its next request. */
  backoffMs: number;
  probeIntervalMs: number;
  /** A cheap read that must keep its right answer during the attack. */
  entity: { id: string; name: string };
  /** Attack requests still unanswered this long after the attack ended are given up. */
  drainSeconds: number;
  /** Give the probes and the attackers different client addresses (X-Forwarded-For; the server trusts its proxy). */
  attackerAddresses: number;
  /** The attackers' addresses are this followed by 1, 2, ... */
  addressBase: string;
  /** The probes' API key (a reader's), from addresses of their own. */
  probeKey?: string;
  /** Requests per attacker at most (a warm-up sends a few). */
  maxRequests?: number;
  /**
   * `attack`: the attackers only. `probes`: the probes only, until this process gets
   * SIGTERM, so they run in a process of their own and measure the server, not the
   * attackers' own client work. Both when absent.
   */
  role?: 'attack' | 'probes';
}

export interface Latencies {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface AbuseOutcome {
  attack: {
    sent: number;
    /** By HTTP status and `extensions.code`, e.g. `503 SERVER_BUSY`, `400 BAD_USER_INPUT`, `200`. */
    answers: Record<string, number>;
    withRetryAfter: number;
    /** 200 answers without errors. */
    served: number;
    unanswered: number;
    durations: Latencies;
  };
  typename: Latencies & { failed: number };
  entity: Latencies & { wrong: number };
  /** When the last attack request was answered, in seconds after the attack ended. */
  drainedSeconds: number;
}

function latencies(values: number[]): Latencies {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => (sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!);
  return { n: sorted.length, p50: at(50), p90: at(90), p99: at(99), max: sorted.at(-1) ?? Number.NaN };
}

interface Answer {
  status: number;
  body: string;
  retryAfter: string | undefined;
  ms: number;
}

function post(agent: Agent, url: URL, body: string, address: string, timeoutMs: number, key?: string): Promise<Answer> {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/graphql',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json',
          'content-length': Buffer.byteLength(body),
          'x-forwarded-for': address,
          ...(key ? { authorization: `Bearer ${key}` } : {}),
        },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            retryAfter: res.headers['retry-after'] as string | undefined,
            ms: performance.now() - started,
          }),
        );
        res.on('error', () => resolve({ status: 0, body: '', retryAfter: undefined, ms: performance.now() - started }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, body: '', retryAfter: undefined, ms: performance.now() - started }));
    req.end(body);
  });
}

const codeOf = (body: string): string | null => {
  try {
    const parsed = JSON.parse(body) as { errors?: Array<{ extensions?: { code?: string } }> };
    return parsed.errors?.[0]?.extensions?.code ?? null;
  } catch {
    return null;
  }
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runAbuse(spec: AbuseSpec): Promise<AbuseOutcome> {
  const url = new URL(spec.url);
  const attackEnds = performance.now() + spec.attackSeconds * 1000;
  const answers: Record<string, number> = {};
  const durations: number[] = [];
  let sent = 0;
  let withRetryAfter = 0;
  let served = 0;
  let unanswered = 0;
  let lastAnswered = attackEnds;

  const attacker = async (k: number) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const address = `${spec.addressBase}${(k % spec.attackerAddresses) + 1}`;
    const key = spec.keys?.length ? spec.keys[k % spec.keys.length] : undefined;
    for (let i = 0; performance.now() < attackEnds && i < (spec.maxRequests ?? Infinity); i += 1) {
      const query = spec.queries[(k + i) % spec.queries.length]!;
      sent += 1;
      const left = attackEnds - performance.now() + spec.drainSeconds * 1000;
      const a = await post(agent, url, JSON.stringify({ query }), address, Math.max(1, left), key);
      if (a.status === 0) {
        unanswered += 1;
        continue;
      }
      lastAnswered = Math.max(lastAnswered, performance.now());
      durations.push(a.ms);
      const code = codeOf(a.body);
      const answer = `${a.status}${code ? ` ${code}` : ''}`;
      answers[answer] = (answers[answer] ?? 0) + 1;
      if (a.retryAfter !== undefined) withRetryAfter += 1;
      if (a.status === 200 && code === null) served += 1;
      if (a.status === 429 || a.status === 503) await sleep(spec.backoffMs);
    }
    agent.destroy();
  };

  // Probes from addresses of their own, rotating so that the per-address request limit
  // does not count them together.
  const typename: number[] = [];
  let typenameFailed = 0;
  const entity: number[] = [];
  let entityWrong = 0;
  let probing = spec.role !== 'attack';
  const stopped = spec.role === 'probes' ? new Promise<void>((resolve) => process.once('SIGTERM', () => resolve())) : null;
  const probe = async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; probing; i += 1) {
      const a = await post(agent, url, '{"query":"{ __typename }"}', `203.0.113.${(i % 200) + 1}`, 120_000, spec.probeKey);
      if (a.status === 200 && a.body.includes('"__typename":"Query"')) typename.push(a.ms);
      else typenameFailed += 1;
      await sleep(spec.probeIntervalMs);
    }
    agent.destroy();
  };
  const entityProbe = async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const body = JSON.stringify({ query: `{ entity(id: "${spec.entity.id}") { id name } }` });
    for (let i = 0; probing; i += 1) {
      const a = await post(agent, url, body, `192.0.2.${(i % 200) + 1}`, 120_000, spec.probeKey);
      entity.push(a.ms);
      if (a.status !== 200 || !a.body.includes(JSON.stringify(spec.entity.name))) entityWrong += 1;
      await sleep(spec.probeIntervalMs);
    }
    agent.destroy();
  };
  const probes = [probe(), entityProbe()];
  if (stopped) await stopped;
  // Probed for the attack's time at least (with no attackers: the quiet baseline).
  else await Promise.all([...Array.from({ length: spec.attackers }, (_, k) => attacker(k)), sleep(spec.attackSeconds * 1000)]);
  probing = false;
  await Promise.all(probes);
  return {
    attack: { sent, answers, withRetryAfter, served, unanswered, durations: latencies(durations) },
    typename: { ...latencies(typename), failed: typenameFailed },
    entity: { ...latencies(entity), wrong: entityWrong },
    drainedSeconds: Math.max(0, (lastAnswered - attackEnds) / 1000),
  };
}

const entry = process.argv[1];
const specText = process.argv[2];
if (entry && specText && import.meta.url === pathToFileURL(entry).href) {
  const outcome = await runAbuse(JSON.parse(specText) as AbuseSpec);
  process.stdout.write(JSON.stringify(outcome));
}
