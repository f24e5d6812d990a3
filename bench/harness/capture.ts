import type { IncomingMessage, Server } from 'node:http';
import type { Executor, Statement } from '../../src/store/cypher/executor.js';
import type { StatementObserver } from '../../src/store/graph-store.js';

/** The header that asks the server to keep the statements a request sends. */
export const CAPTURE_HEADER = 'x-bench-capture';

export interface Instrumented {
  /** For the server's `watchStatements` option: keeps what a request with CAPTURE_HEADER sends. */
  watch(req: IncomingMessage): StatementObserver | undefined;
  /** Counts the requests `http` is answering, for `inFlight` and `drained`. */
  track(http: Server): void;
  /** The statements the request with this CAPTURE_HEADER value sent. */
  take(id: string): Statement[];
  /** Requests the server is still answering (a load generator may have stopped waiting for them). */
  inFlight(): number;
  /** Resolves once no request is in flight, with how long that took in ms. */
  drained(): Promise<number>;
}

/**
 * Statements are kept through the server's `watchStatements` option, so every route
 * (GraphQL, exports) is covered and nothing changes for requests without the header.
 * Requests in flight are counted by wrapping the server's request listener.
 */
export function statementCapture(): Instrumented {
  const captured = new Map<string, Statement[]>();
  let active = 0;
  const waiters: Array<() => void> = [];
  return {
    watch(req) {
      const id = req.headers[CAPTURE_HEADER];
      if (typeof id !== 'string') return undefined;
      const into: Statement[] = [];
      captured.set(id, into);
      return (statement) => into.push(statement);
    },
    track(http) {
      const listeners = http.listeners('request') as Array<(...args: unknown[]) => void>;
      http.removeAllListeners('request');
      http.on('request', (req, res) => {
        // Done when the handler ends or destroys the response, not when the client goes
        // away: a request abandoned by the load generator still runs to its end.
        active += 1;
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          active -= 1;
          if (active === 0) for (const w of waiters.splice(0)) w();
        };
        const { end, destroy } = res;
        res.end = ((...a: Parameters<typeof end>) => {
          finish();
          return end.apply(res, a);
        }) as typeof end;
        res.destroy = ((...a: Parameters<typeof destroy>) => {
          finish();
          return destroy.apply(res, a);
        }) as typeof destroy;
        for (const l of listeners) l(req, res);
      });
    },
    take(id) {
      const statements = captured.get(id) ?? [];
      captured.delete(id);
      return statements;
    },
    inFlight: () => active,
    drained() {
      const started = performance.now();
      if (active === 0) return Promise.resolve(0);
      return new Promise((resolve) => waiters.push(() => resolve(performance.now() - started)));
    },
  };
}

/** Runs the statements one after another on `executor`, as the store did; milliseconds in all. */
export async function replay(executor: Executor, statements: readonly Statement[]): Promise<number> {
  const started = performance.now();
  for (const st of statements) await executor.read(st);
  return performance.now() - started;
}
