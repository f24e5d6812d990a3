import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOntology } from '../src/ontology/ontology.js';
import { startServer, type RunningServer } from '../src/server.js';
import { StoreUnavailableError } from '../src/store/errors.js';
import type { Graph } from '../src/writes/graph.js';
import { embedded } from './support/backends.js';

/** A store that can be switched off, as a Neo4j server that goes away and comes back. */
function switchable(store: Graph): { store: Graph; down: boolean } {
  const state = { down: false, store: store };
  state.store = new Proxy(store, {
    get(target, prop, receiver) {
      // The server reads through a per-request view; it must go down with the store.
      if (prop === 'observed') return () => state.store;
      const value = Reflect.get(target, prop, receiver) as unknown;
      // close and engineStatus answer without the database; only its reads and writes go down.
      if (typeof value !== 'function' || prop === 'close' || prop === 'engineStatus') return value;
      return (...args: unknown[]) => {
        if (state.down) return Promise.reject(new StoreUnavailableError());
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return state;
}

describe('when the database goes away and comes back', () => {
  let server: RunningServer;
  let state: { store: Graph; down: boolean };
  let dispose: () => Promise<void>;
  const logs: string[] = [];
  beforeAll(async () => {
    const ontology = loadOntology();
    const opened = await embedded.open(ontology);
    dispose = opened.dispose;
    state = switchable(opened.store);
    server = await startServer({ config: { port: 0, host: '127.0.0.1', production: false }, store: state.store, ontology, log: (l) => logs.push(l) });
  });
  afterAll(async () => {
    await server.close();
    await dispose();
  });

  const ask = () => fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ sources { id } }' }) });

  it('answers SERVICE_UNAVAILABLE with 503 and Retry-After, keeps serving, and recovers', async () => {
    state.down = true;
    const res = await ask();
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    const body = (await res.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(body.errors[0]?.extensions.code).toBe('SERVICE_UNAVAILABLE');
    expect(JSON.stringify(body)).not.toMatch(/stack|at .*\.ts/);
    expect((await fetch(`${server.url}/health`)).status).toBe(503);

    state.down = false;
    const again = await ask();
    expect(again.status).toBe(200);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});
