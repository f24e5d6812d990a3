import { AsyncLocalStorage } from 'node:async_hooks';

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

export function countRoundTrips<T>(counter: RoundTripCounter, fn: () => T): T {
  return current.run(counter, fn);
}

export function recordRoundTrip(): void {
  const counter = current.getStore();
  if (counter) counter.count += 1;
}

export function currentRoundTrips(): number | undefined {
  return current.getStore()?.count;
}
