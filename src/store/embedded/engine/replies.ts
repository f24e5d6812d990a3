import type { Row } from '../../cypher/executor.js';
import type { HostReply } from './protocol.js';

interface Waiter {
  resolve: (rows: Row[]) => void;
  reject: (err: Error) => void;
  /** A large answer so far, in the messages it comes in (protocol.ts ROWS_PER_MESSAGE). */
  parts?: Row[][];
}

/** The calls sent to the engine process and not yet answered, each settled by its reply. */
export class PendingReplies {
  private readonly waiting = new Map<number, Waiter>();

  add(id: number, waiter: Waiter): void {
    this.waiting.set(id, waiter);
  }

  /** Forgets a call whose request never left; false when it was already settled. */
  drop(id: number): boolean {
    return this.waiting.delete(id);
  }

  /** Settles the call a reply answers; a `part` is kept until the reply that ends it. */
  receive(reply: Exclude<HostReply, { t: 'log' }>, revive: (error: Extract<HostReply, { t: 'error' }>['error']) => Error): void {
    const waiter = this.waiting.get(reply.id);
    if (!waiter) return;
    if (reply.t === 'part') {
      (waiter.parts ??= []).push(reply.rows);
      return;
    }
    this.waiting.delete(reply.id);
    if (reply.t === 'error') waiter.reject(revive(reply.error));
    else waiter.resolve(waiter.parts ? [...waiter.parts, reply.rows ?? []].flat() : (reply.rows ?? []));
  }

  /** Fails every call still waiting: the engine process is gone. */
  failAll(error: () => Error): void {
    for (const waiter of this.waiting.values()) waiter.reject(error());
    this.waiting.clear();
  }
}
