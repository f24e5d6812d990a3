import { CostBudget, describeWork, expensiveWeight, type BudgetHolder, type ExpensiveWork } from './cost-budget.js';
import { Deadline, untilAborted } from './deadline.js';
import { RequestCostExceededError, ServerBusyError } from './errors.js';
import { DEFAULT_GATE, ExpensiveGate, type GateOptions } from './expensive-gate.js';
import type { ReadLane } from '../store/graph-store.js';

/**
 * A request that has spent at least this many cost points (tens of milliseconds of a
 * database reader) reads in the long lane from then on: its reads share a few of the
 * database's readers, so quick requests always find one that no long read holds.
 */
export const LONG_LANE_COST = 300;

/**
 * What one request may spend: time (its deadline), cost (its client's budget for the
 * minute) and, for expensive work, a slot of the server-wide gate.
 */
export interface RequestBudget {
  /** Null for work outside a request (the export command, scripts): no deadline. */
  readonly deadline: Deadline | null;
  /** Charges the query's estimated cost (the MAX_QUERY_COST estimate, from the SDL's `@cost`). */
  chargeCost(points: number): Promise<void>;
  /**
   * Charges the items a list returned beyond what was charged for it already, as they are
   * read; refuses the request (RequestCostExceededError, and the items read are charged
   * all the same) once its estimate and lists cost more than one request may.
   */
  chargeItems(list: ChargedList): Promise<void>;
  /** Which of the database's readers the request's reads take: `long` once it has turned out long. */
  readonly lane: ReadLane;
  /** Points charged to this request so far (the estimate, items read, expensive work). */
  readonly spent: number;
  /**
   * Runs expensive work: charges its weight, waits for a slot (or is refused with
   * SERVER_BUSY), and answers no later than the deadline. The work itself must listen
   * to `deadline.signal` to stop; its slot is held until it has.
   */
  expensive<T>(work: ExpensiveWork, run: () => Promise<T>): Promise<T>;
  /** The request is over: its timer goes. */
  dispose(): void;
}

/** A list with no `first`, as it is charged (src/graphql/charged-list.ts). */
export interface ChargedList {
  /** Its items, e.g. "the relations of nur-otan". */
  what: string;
  /** How many it holds (or is known to hold). */
  items: number;
  /** How many were charged for it already (the estimate's assumed size, or more). */
  charged: number;
  /** What to ask instead when it is refused: the paged field. */
  instead: string;
  /** False for a mutation's answer: its write is done, so the answer is charged but never refused. */
  mayRefuse?: boolean;
}

/** No limits: for the export command and code that runs outside a request. */
export const UNBUDGETED: RequestBudget = {
  deadline: null,
  chargeCost: async () => undefined,
  chargeItems: async () => undefined,
  lane: 'quick',
  spent: 0,
  expensive: (_work, run) => run(),
  dispose: () => undefined,
};

export interface BudgetOptions {
  /** Cost points per client address a minute; 0 turns cost charging off. */
  costPerMinute: number;
  /** Cost points per API key a minute (src/config.ts `clientBudgets`); 0 turns cost charging off for keyed requests. */
  keyCostPerMinute: number;
  requestTimeoutMs: number;
  /** The most one request may cost, in points (MAX_QUERY_COST); 0 or left out is no bound. */
  maxRequestCost?: number;
  gate: GateOptions;
}

/** The server's shared budgets; `forRequest` makes each request's view of them. */
export class ServerBudget {
  readonly gate: ExpensiveGate;
  private readonly addressCosts: CostBudget;
  private readonly keyCosts: CostBudget;
  /** What all keys used from one address spend together (see BudgetHolder). */
  private readonly keyAddressCosts: CostBudget;

  constructor(readonly options: BudgetOptions = { costPerMinute: 0, keyCostPerMinute: 0, requestTimeoutMs: 30_000, maxRequestCost: 0, gate: DEFAULT_GATE }) {
    this.gate = new ExpensiveGate(options.gate);
    this.addressCosts = new CostBudget(options.costPerMinute);
    this.keyCosts = new CostBudget(options.keyCostPerMinute);
    this.keyAddressCosts = new CostBudget(options.keyCostPerMinute);
  }

  /** Charges `points` to whoever pays for the holder's requests, or refuses (nothing spent). */
  private async charge(holder: BudgetHolder, points: number, what: string): Promise<void> {
    if (holder.kind === 'address') return this.addressCosts.charge(holder.address, points, what);
    await this.keyCosts.charge(holder.name, points, what);
    try {
      await this.keyAddressCosts.charge(holder.address, points, `${what}, for all API keys used from one address together,`);
    } catch (err) {
      await this.keyCosts.refund(holder.name, points);
      throw err;
    }
  }

  private async refund(holder: BudgetHolder, points: number): Promise<void> {
    if (holder.kind === 'address') return this.addressCosts.refund(holder.address, points);
    await this.keyCosts.refund(holder.name, points);
    await this.keyAddressCosts.refund(holder.address, points);
  }

  /** `holder` is whom the cost is charged to: an API key, at the keys' budget, or a client address. */
  forRequest(holder: BudgetHolder, what = 'the request'): RequestBudget {
    const deadline = new Deadline(this.options.requestTimeoutMs, what);
    const { gate } = this;
    const maxRequestCost = this.options.maxRequestCost ?? 0;
    const charge = (points: number, chargedFor: string) => this.charge(holder, points, chargedFor);
    const refund = (points: number) => this.refund(holder, points);
    let lane: ReadLane = 'quick';
    let spent = 0;
    /** What MAX_QUERY_COST bounds: the estimate and the items of lists, not expensive work's weights. */
    let answered = 0;
    const spend = (points: number) => {
      spent += points;
      if (spent >= LONG_LANE_COST) lane = 'long';
    };
    return {
      deadline,
      get lane() {
        return lane;
      },
      get spent() {
        return spent;
      },
      async chargeCost(points) {
        await charge(points, 'this query');
        spend(points);
        answered += points;
      },
      async chargeItems(list) {
        const items = list.items - list.charged;
        if (items <= 0) return;
        // The ceiling is on what the request reads and answers (the estimate and its lists), not on the weights of expensive work.
        if (maxRequestCost > 0 && answered + items > maxRequestCost && list.mayRefuse !== false) {
          // The answer fails whole: the rest of its reads are not worth making. What was read is paid for all the same.
          const refused = new RequestCostExceededError(
            `the answer is too large: ${list.what} hold ${list.items.toLocaleString('en-US')} items, which would bring this request's cost to ` +
              `${(answered + items).toLocaleString('en-US')}, over the limit of ${maxRequestCost.toLocaleString('en-US')}; ${list.instead}`,
          );
          deadline.stop(refused);
          spend(items);
          await charge(items, list.what).catch(() => undefined);
          throw refused;
        }
        // Counted before the charge is awaited: the lists of one request are read side by side.
        spend(items);
        answered += items;
        try {
          await charge(items, list.what);
        } catch (err) {
          spent -= items;
          answered -= items;
          throw err;
        }
      },
      async expensive(work, run) {
        deadline.check();
        const weight = expensiveWeight(work);
        await charge(weight, describeWork(work));
        spend(weight);
        // Expensive work reads long whatever it was charged.
        lane = 'long';
        const signal = deadline.signal;
        try {
          return await untilAborted(gate.run(run, signal), signal);
        } catch (err) {
          if (err instanceof ServerBusyError) {
            await refund(weight);
            spent -= weight;
          }
          throw err;
        }
      },
      dispose: () => deadline.dispose(),
    };
  }
}
