import { afterAll, beforeAll, describe, it } from 'vitest';
import { backends, type Backend } from './backends.js';
import { startTestServer, type TestServer } from './server.js';

/**
 * The same cases on every backend's store, the backend named in the title as the per-backend
 * report of .ci/run expects ("title ('neo4j')"); a backend that is not available here is
 * one skipped case saying why.
 */
export function describeEachBackend(title: string, body: (backend: Backend) => void): void {
  describe.each(backends)(`${title} ($name)`, (backend) => {
    if (!backend.available) {
      it.skip(`needs ${backend.name}: ${backend.missing}`, () => undefined);
      return;
    }
    body(backend);
  });
}

/**
 * A contract suite: the same cases against the real server on every backend, each with
 * its own freshly seeded store. `t` stands for that backend's server once it has started.
 */
export function describeOnEveryBackend(title: string, body: (t: TestServer, backend: Backend) => void): void {
  describeEachBackend(title, (backend) => {
    let server: TestServer | undefined;
    beforeAll(async () => {
      server = await startTestServer(backend);
    });
    afterAll(async () => server?.close());
    const t = new Proxy({} as TestServer, {
      get: (_target, prop) => {
        if (!server) throw new Error('the test server has not started');
        return Reflect.get(server, prop) as unknown;
      },
    });
    body(t, backend);
  });
}
