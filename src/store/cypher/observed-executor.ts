import type { StatementObserver } from '../graph-store.js';
import type { Executor, Statement } from './executor.js';

/**
 * An executor that reports each statement to `observe` before the backend runs it.
 * Per request, instead of AsyncLocalStorage: Node 20 implements that with promise
 * hooks, which tax every promise in the process, and a GraphQL request makes many.
 */
export function observeExecutor(executor: Executor, observe: StatementObserver): Executor {
  const run = (inner: (s: Statement) => Promise<Record<string, unknown>[]>) => (statement: Statement) => {
    observe(statement);
    return inner(statement);
  };
  return {
    read: run((s) => executor.read(s)),
    write: (work, options) => executor.write((inner) => work(run(inner)), options),
    close: () => executor.close(),
  };
}
