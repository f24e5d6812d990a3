import { describe, expect, it } from 'vitest';
import { Deadline } from '../src/budget/deadline.js';
import { DeadlineExceededError } from '../src/budget/errors.js';
import { LONG_LANE_COST, ServerBudget } from '../src/budget/request-budget.js';
import { DEFAULT_GATE } from '../src/budget/expensive-gate.js';
import type { Executor, Row, Statement } from '../src/store/cypher/executor.js';
import { LongReads } from '../src/store/cypher/long-reads.js';
import { LongReadsBusyError } from '../src/store/errors.js';
import { observeExecutor } from '../src/store/cypher/observed-executor.js';
import type { ReadLane } from '../src/store/graph-store.js';
import { EMBEDDED_LONG_READS, READERS } from '../src/store/embedded/executor.js';

/**
 * Fair use of the database's readers (issue 24): the reads of a request that has turned
 * out long share a few readers (the long lane), so however many long requests come, a
 * quick read always finds a reader.
 */

/** A database with `readers` readers whose reads of `slow` statements hang until released. */
function fakeDatabase(readers: number) {
  let busy = 0;
  let mostBusy = 0;
  const hanging: Array<() => void> = [];
  const waiting: Array<() => void> = [];
  const executor: Executor = {
    async read(statement: Statement): Promise<Row[]> {
      if (busy >= readers) await new Promise<void>((resolve) => waiting.push(resolve));
      busy += 1;
      mostBusy = Math.max(mostBusy, busy);
      try {
        if (statement.cypher === 'slow') await new Promise<void>((resolve) => hanging.push(resolve));
        return [{ answer: statement.cypher }];
      } finally {
        busy -= 1;
        waiting.shift()?.();
      }
    },
    write: () => Promise.reject(new Error('no writes here')),
    close: async () => undefined,
  };
  return {
    executor,
    releaseAll: () => hanging.splice(0).forEach((release) => release()),
    get busy() {
      return busy;
    },
    get mostBusy() {
      return mostBusy;
    },
  };
}

const observer = (lane: ReadLane, deadline?: Deadline) => Object.assign(() => undefined, { lane: () => lane }, deadline ? { deadline } : {});
const settled = async <T>(p: Promise<T>, ms = 50): Promise<'pending' | T> => Promise.race([p, new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms))]);

describe('the long lane of the database readers', () => {
  it('leaves a reader free for quick reads however many long reads come', async () => {
    const db = fakeDatabase(READERS);
    const lanes = new LongReads(EMBEDDED_LONG_READS);
    const long = observeExecutor(db.executor, observer('long'), lanes);
    const quick = observeExecutor(db.executor, observer('quick'), lanes);
    const floods = Array.from({ length: 20 }, () => long.read({ cypher: 'slow', params: {} }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Twenty long reads: only EMBEDDED_LONG_READS reach the database, the rest wait in the lane.
    expect(db.busy).toBe(EMBEDDED_LONG_READS);
    expect(lanes.stats()).toEqual({ running: EMBEDDED_LONG_READS, waiting: 20 - EMBEDDED_LONG_READS });
    // A quick read is answered at once, ten times over, while they all wait.
    for (let i = 0; i < 10; i += 1) expect(await settled(quick.read({ cypher: `quick ${i}`, params: {} }))).toEqual([{ answer: `quick ${i}` }]);
    // Released, the long reads all finish, never more than the lane's places at once.
    for (let i = 0; i < 20 && lanes.stats().running > 0; i += 1) {
      db.releaseAll();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    db.releaseAll();
    expect((await Promise.all(floods)).length).toBe(20);
    // The quick reads ran beside the long one: never more readers busy than the engine has.
    expect(db.mostBusy).toBeLessThanOrEqual(READERS);
    expect(db.mostBusy).toBeGreaterThan(EMBEDDED_LONG_READS);
    expect(lanes.stats()).toEqual({ running: 0, waiting: 0 });
  });

  it('lets a long read that waits leave at its request deadline, with the deadline error', async () => {
    const db = fakeDatabase(READERS);
    const lanes = new LongReads(1);
    const first = observeExecutor(db.executor, observer('long'), lanes).read({ cypher: 'slow', params: {} });
    const deadline = new Deadline(60, 'the request');
    const late = observeExecutor(db.executor, observer('long', deadline), lanes).read({ cypher: 'slow', params: {} });
    await expect(late).rejects.toBeInstanceOf(DeadlineExceededError);
    expect(lanes.stats()).toEqual({ running: 1, waiting: 0 });
    db.releaseAll();
    await first;
    expect(lanes.stats()).toEqual({ running: 0, waiting: 0 });
    deadline.dispose();
  });
});

describe('which requests read in the long lane', () => {
  const budget = () => new ServerBudget({ costPerMinute: 0, keyCostPerMinute: 0, requestTimeoutMs: 30_000, maxRequestCost: 50_000, gate: DEFAULT_GATE });
  const holder = { kind: 'address', address: '203.0.113.1' } as const;

  it('a request estimated under the threshold reads quick; one at or over it reads long', async () => {
    const server = budget();
    const cheap = server.forRequest(holder);
    await cheap.chargeCost(LONG_LANE_COST - 1);
    expect(cheap.lane).toBe('quick');
    const dear = server.forRequest(holder);
    await dear.chargeCost(LONG_LANE_COST);
    expect(dear.lane).toBe('long');
    cheap.dispose();
    dear.dispose();
  });

  it('a cheap estimate turns long once its lists return many items, or when it starts expensive work', async () => {
    const server = budget();
    const lists = server.forRequest(holder);
    await lists.chargeCost(5);
    await lists.chargeItems({ what: 'the relations of a hub', items: LONG_LANE_COST + 10, charged: 10, instead: 'pages' });
    expect(lists.lane).toBe('long');
    const work = server.forRequest(holder);
    await work.chargeCost(5);
    let laneInside: ReadLane | null = null;
    await work.expensive({ kind: 'paths', maxLength: 1 }, async () => {
      laneInside = work.lane;
    });
    expect(laneInside).toBe('long');
    lists.dispose();
    work.dispose();
  });

  it('refuses a request whose lists would bring it over the ceiling of one request, naming the paged field, and charges what it read', async () => {
    const request = budget().forRequest(holder);
    await request.chargeCost(1_000);
    const list = { what: 'the relations citing a-source', items: 49_011, charged: 10, instead: 'ask for relations(where: { source: "a-source" }, first:) instead' };
    await expect(request.chargeItems(list)).rejects.toThrow(
      /^the answer is too large: the relations citing a-source hold 49,011 items, which would bring this request's cost to 50,001, over the limit of 50,000; ask for relations\(where: \{ source: "a-source" \}, first:\) instead$/,
    );
    // Read all the same: charged, and the request's other work is stopped.
    expect(request.spent).toBe(50_001);
    expect(request.deadline?.aborted).toBe(true);
    request.dispose();
  });

  it("never refuses a mutation's answer, whose write is done, but charges it", async () => {
    const request = budget().forRequest(holder);
    await request.chargeCost(1_000);
    await request.chargeItems({ what: 'the relations of a hub', items: 60_010, charged: 10, instead: 'pages', mayRefuse: false });
    expect(request.spent).toBe(61_000);
    request.dispose();
  });

  it('bounds what a request reads and answers, not the weights of its expensive work', async () => {
    const request = budget().forRequest(holder);
    await request.chargeCost(1_000);
    await request.expensive({ kind: 'neighborhood', depth: 3 }, async () => undefined);
    // 1,000 + 15,000 of weight + 40,000 of items: the items and the estimate are under the ceiling.
    await request.chargeItems({ what: 'the relations of a hub', items: 40_010, charged: 10, instead: 'pages' });
    expect(request.spent).toBe(56_000);
    request.dispose();
  });
});

describe('a long lane that is full', () => {
  it('refuses another long read at once with SERVER_BUSY and Retry-After, instead of queueing it to its deadline', async () => {
    const db = fakeDatabase(READERS);
    const lanes = new LongReads(1, 2);
    const long = observeExecutor(db.executor, observer('long'), lanes);
    const held = [0, 1, 2].map(() => long.read({ cypher: 'slow', params: {} }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(lanes.stats()).toEqual({ running: 1, waiting: 2 });
    const refused = await long.read({ cypher: 'slow', params: {} }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(LongReadsBusyError);
    expect(refused).toMatchObject({ code: 'SERVER_BUSY', retryAfterSeconds: 5 });
    for (let i = 0; i < 5; i += 1) {
      db.releaseAll();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(await Promise.all(held)).toHaveLength(3);
  });
});
