import { afterAll, beforeAll, describe, it } from 'vitest';
import { backends, type Backend } from './backends.js';
import { startTestServer, type TestServer } from './server.js';

/**
 * A contract suite: the same cases against the real server on every backend, each with
 * its own freshly seeded store. `t` stands for that backend's server once it has started.
 */
export function describeOnEveryBackend(title: string, body: (t: TestServer, backend: Backend) => void): void {
  describe.each(backends)(`${title} ($name)`, (backend) => {
    if (!backend.available) {
      it.skip(`needs ${backend.name}: set NEO4J_URI`, () => undefined);
      return;
    }
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
