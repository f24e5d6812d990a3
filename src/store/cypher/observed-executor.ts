import type { StatementObserver } from '../graph-store.js';
import type { Executor, Statement } from './executor.js';

/**
 * An executor that reports each statement to `observe` before the backend runs it.
 * Per request, instead of AsyncLocalStorage: Node 20 implements that with promise
 * hooks, which tax every promise in the process, and a GraphQL request makes many.
 * An observer with a deadline stops the request's reads: none is sent after it, and
 * each carries it to the backend, which stops the statement there.
 */
export function observeExecutor(executor: Executor, observe: StatementObserver): Executor {
  const { deadline } = observe;
  const run = (inner: (s: Statement) => Promise<Record<string, unknown>[]>) => (statement: Statement) => {
    observe(statement);
    return inner(statement);
  };
  const read = (statement: Statement) => {
    if (deadline?.signal.aborted) return Promise.reject(deadline.signal.reason as Error);
    observe(statement);
    return executor.read(deadline ? { ...statement, deadline } : statement);
  };
  return {
    get status() {
      return executor.status;
    },
    read,
    write: (work, options) => executor.write((inner) => work(run(inner)), options),
    close: () => executor.close(),
  };
}
