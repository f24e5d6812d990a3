import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { CostBudgetExceededError } from './errors.js';

/**
 * Each client's budget of estimated cost per minute, kept in this process's memory:
 * a request is charged the estimated size of its answer (the same estimate as the
 * MAX_QUERY_COST guard), and each expensive computation it starts adds a weight for that
 * work (`expensiveWeight`). Answers served from the cache of computed networks, and
 * errors remembered for a selection, cost no weight. One budget holds either client
 * addresses or API keys (`BudgetHolder`); the server keeps one of each.
 */
export class CostBudget {
  private readonly limiter: RateLimiterMemory | null;

  constructor(readonly perMinute: number) {
    this.limiter = perMinute > 0 ? new RateLimiterMemory({ points: perMinute, duration: 60 }) : null;
  }

  /** Spends `points` of `client`'s budget, or throws CostBudgetExceededError (and spends nothing). */
  async charge(client: string, points: number, what: string): Promise<void> {
    if (!this.limiter || points <= 0) return;
    try {
      await this.limiter.consume(client, Math.ceil(points));
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      // A refused charge is not spent: the client may still afford cheaper requests.
      await this.limiter.reward(client, Math.ceil(points)).catch(() => undefined);
      const seconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      const left = Math.max(0, this.perMinute - (err.consumedPoints - Math.ceil(points)));
      throw new CostBudgetExceededError(
        `the cost budget of ${this.perMinute.toLocaleString('en-US')} a minute is spent (${what} costs ${Math.ceil(points).toLocaleString('en-US')}, ` +
          `${left.toLocaleString('en-US')} left); retry after ${seconds} s, or ask for smaller pages, depths or selections`,
        seconds,
      );
    }
  }

  /** Gives back points charged for work that was then refused for the server's sake (busy). */
  async refund(client: string, points: number): Promise<void> {
    if (!this.limiter || points <= 0) return;
    await this.limiter.reward(client, Math.ceil(points)).catch(() => undefined);
  }
}

/**
 * Whom a request's budgets (requests and cost a minute) are charged to: a valid API key by
 * its name, anything else (no key, or a key that is not valid) by the client's address.
 * A key's requests are charged to its address too, at the keys' budget: the keys used from
 * one address share one key's budget, so handing out more keys buys a client nothing.
 */
export type BudgetHolder = { kind: 'key'; name: string; address: string } | { kind: 'address'; address: string };

/** Expensive work, as the budget weighs it. */
export type ExpensiveWork =
  | { kind: 'neighborhood'; depth: number }
  | { kind: 'paths'; maxLength: number }
  /** A network selection measured: the whole graph, or a neighborhood of `depth`. */
  | { kind: 'network'; depth: number | null }
  | { kind: 'export' }
  /** A filter, order or count that reads every relation or entity it may match (`what` says which). */
  | { kind: 'scan'; what: string };

/**
 * The weight of expensive work in cost points, on the scale of the answer-size estimate
 * (MAX_QUERY_COST is 50,000): a deep neighborhood or a measured network reads and decodes
 * up to tens of thousands of relations whatever the answer's size.
 */
export function expensiveWeight(work: ExpensiveWork): number {
  switch (work.kind) {
    case 'neighborhood':
      return work.depth <= 1 ? 0 : work.depth === 2 ? 5_000 : 15_000;
    case 'paths':
      return 500 * work.maxLength;
    case 'network':
      return work.depth === null ? 25_000 : work.depth <= 1 ? 2_500 : work.depth === 2 ? 10_000 : 25_000;
    case 'export':
      return 1_000;
    case 'scan':
      return 500;
  }
}

export function describeWork(work: ExpensiveWork): string {
  switch (work.kind) {
    case 'neighborhood':
      return `a neighborhood of depth ${work.depth}`;
    case 'paths':
      return `paths up to length ${work.maxLength}`;
    case 'network':
      return work.depth === null ? 'measuring the whole graph' : `measuring a neighborhood of depth ${work.depth}`;
    case 'export':
      return 'an export';
    case 'scan':
      return work.what;
  }
}
