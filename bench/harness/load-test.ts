import { spawn } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sent } from './client.js';
import { mib } from './stats.js';

export interface LoadSpec {
  url: string;
  connections: number;
  durationSeconds: number;
  timeoutSeconds: number;
  /** Sent round-robin across the connections. */
  requests: Sent[];
}

export interface LoadOutcome {
  requestsPerSecond: number;
  total: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  graphqlErrors: number;
  seconds: number;
}

export interface LoadReport extends LoadOutcome {
  /** Requests the server was still answering when autocannon stopped, and how long they took to finish (ms). */
  unfinished: number;
  drainMs: number;
  /** This process's (the server's) resident set size before, at the end, and at most during the load, in MiB. */
  rssStart: number;
  rssEnd: number;
  /**
   * After the drain and a full garbage collection (the bench runs with --expose-gc): what
   * the server still holds. Growth here, not in rssEnd, is what a leak looks like.
   */
  rssSettled: number;
  rssPeak: number;
}

export const failures = (o: LoadOutcome) => o.errors + o.non2xx + o.graphqlErrors;

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'autocannon-child.ts');
const DRAIN_LIMIT_MS = 300_000;
// Resolved here, so the child starts from any working directory.
const TSX = import.meta.resolve('tsx');

/**
 * Runs a load-generating script (`file`) in a process of its own, so its HTTP client does
 * not share the server's event loop; the script prints its outcome as JSON on stdout.
 */
export function runJsonChild<T>(file: string, spec: unknown, stop?: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, file, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit'] });
    // Told to finish (the child answers with what it has), not killed.
    stop?.addEventListener('abort', () => child.kill('SIGTERM'), { once: true });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (c: string) => (out += c));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`${basename(file)} exited with ${code}`));
      else resolve(JSON.parse(out) as T);
    });
  });
}

const runChild = (spec: LoadSpec) => runJsonChild<LoadOutcome>(CHILD, spec);

/** Resident set size after full garbage collections, where `gc` is exposed; else as it is. */
export async function settledRss(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; gc && i < 3; i += 1) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return process.memoryUsage().rss;
}

/**
 * Runs autocannon against a server in this process, watching this process's memory
 * meanwhile, then waits until the server has finished what autocannon left in flight.
 */
export async function loadTest(spec: LoadSpec, server: { inFlight(): number; drained(): Promise<number> }): Promise<LoadReport> {
  const rssStart = await settledRss();
  let rssPeak = rssStart;
  const timer = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 200);
  try {
    const outcome = await runChild(spec);
    const rssEnd = process.memoryUsage().rss;
    const unfinished = server.inFlight();
    // Bounded, so a server that never answers still ends the run (reported as NaN).
    const drainMs = await Promise.race([server.drained(), new Promise<number>((resolve) => setTimeout(() => resolve(Number.NaN), DRAIN_LIMIT_MS).unref())]);
    const peak = Math.max(rssPeak, rssEnd, process.memoryUsage().rss);
    return { ...outcome, unfinished, drainMs, rssStart: mib(rssStart), rssEnd: mib(rssEnd), rssSettled: mib(await settledRss()), rssPeak: mib(peak) };
  } finally {
    clearInterval(timer);
  }
}
