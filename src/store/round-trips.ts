import { AsyncLocalStorage } from 'node:async_hooks';
import type { Statement } from './cypher/executor.js';

/**
 * Counts database round trips per request. The HTTP layer runs each request inside
 * `countRoundTrips`; adapters call `recordRoundTrip` once per statement they send.
 * AsyncLocalStorage keeps the count per request without threading it through every
 * call.
 */
export interface RoundTripCounter {
  count: number;
}

const current = new AsyncLocalStorage<RoundTripCounter>();
/** Statements sent, for callers that asked to see them (the benchmark replays them). */
const captured = new AsyncLocalStorage<Statement[]>();

export function countRoundTrips<T>(counter: RoundTripCounter, fn: () => T): T {
  return current.run(counter, fn);
}

/**
 * Runs `fn`, appending to `into` every statement an adapter sends on its behalf, in the
 * order sent. Independent of `countRoundTrips`: either may run inside the other.
 */
export function captureStatements<T>(into: Statement[], fn: () => T): T {
  return captured.run(into, fn);
}

export function recordRoundTrip(statement?: Statement): void {
  const counter = current.getStore();
  if (counter) counter.count += 1;
  if (statement) captured.getStore()?.push(statement);
}

export function currentRoundTrips(): number | undefined {
  return current.getStore()?.count;
}
