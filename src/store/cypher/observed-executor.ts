import type { StatementObserver } from '../graph-store.js';
import type { Executor, Statement } from './executor.js';
import type { LongReads } from './long-reads.js';

/**
 * An executor that reports each statement to `observe` before the backend runs it.
 * Per request, instead of AsyncLocalStorage: Node 20 implements that with promise
 * hooks, which tax every promise in the process, and a GraphQL request makes many.
 * An observer with a deadline stops the request's reads: none is sent after it, and
 * each carries it to the backend, which stops the statement there. An observer's lane
 * sends its long reads through `longReads`, the store's one long lane.
 */
export function observeExecutor(executor: Executor, observe: StatementObserver, longReads: LongReads): Executor {
  const { deadline, lane } = observe;
  const run = (inner: (s: Statement) => Promise<Record<string, unknown>[]>) => (statement: Statement) => {
    observe(statement);
    return inner(statement);
  };
  const read = (statement: Statement) => {
    if (deadline?.signal.aborted) return Promise.reject(deadline.signal.reason as Error);
    observe(statement);
    const send = () => executor.read(deadline ? { ...statement, deadline } : statement);
    // A deadline is only sent with a read that needs it; its signal starts its timer.
    return lane?.() === 'long' ? longReads.run(send, deadline?.signal) : send();
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
