import { CostBudget, describeWork, expensiveWeight, type BudgetHolder, type ExpensiveWork } from './cost-budget.js';
import { Deadline, untilAborted } from './deadline.js';
import { ServerBusyError } from './errors.js';
import { DEFAULT_GATE, ExpensiveGate, type GateOptions } from './expensive-gate.js';

/**
 * What one request may spend: time (its deadline), cost (its client's budget for the
 * minute) and, for expensive work, a slot of the server-wide gate.
 */
export interface RequestBudget {
  /** Null for work outside a request (the export command, scripts): no deadline. */
  readonly deadline: Deadline | null;
  /** Charges the estimated size of the answer (the MAX_QUERY_COST estimate). */
  chargeCost(points: number): Promise<void>;
  /**
   * Runs expensive work: charges its weight, waits for a slot (or is refused with
   * SERVER_BUSY), and answers no later than the deadline. The work itself must listen
   * to `deadline.signal` to stop; its slot is held until it has.
   */
  expensive<T>(work: ExpensiveWork, run: () => Promise<T>): Promise<T>;
  /** The request is over: its timer goes. */
  dispose(): void;
}

/** No limits: for the export command and code that runs outside a request. */
export const UNBUDGETED: RequestBudget = {
  deadline: null,
  chargeCost: async () => undefined,
  expensive: (_work, run) => run(),
  dispose: () => undefined,
};

export interface BudgetOptions {
  /** Cost points per client address a minute; 0 turns cost charging off. */
  costPerMinute: number;
  /** Cost points per API key a minute (src/config.ts `clientBudgets`); 0 turns cost charging off for keyed requests. */
  keyCostPerMinute: number;
  requestTimeoutMs: number;
  gate: GateOptions;
}

/** The server's shared budgets; `forRequest` makes each request's view of them. */
export class ServerBudget {
  readonly gate: ExpensiveGate;
  private readonly addressCosts: CostBudget;
  private readonly keyCosts: CostBudget;

  constructor(readonly options: BudgetOptions = { costPerMinute: 0, keyCostPerMinute: 0, requestTimeoutMs: 30_000, gate: DEFAULT_GATE }) {
    this.gate = new ExpensiveGate(options.gate);
    this.addressCosts = new CostBudget(options.costPerMinute);
    this.keyCosts = new CostBudget(options.keyCostPerMinute);
  }

  /** `holder` is whom the cost is charged to: an API key, at the keys' budget, or a client address. */
  forRequest(holder: BudgetHolder, what = 'the request'): RequestBudget {
    const deadline = new Deadline(this.options.requestTimeoutMs, what);
    const { gate } = this;
    const costs = holder.kind === 'key' ? this.keyCosts : this.addressCosts;
    const client = holder.kind === 'key' ? holder.name : holder.address;
    return {
      deadline,
      chargeCost: (points) => costs.charge(client, points, 'this query'),
      async expensive(work, run) {
        deadline.check();
        const weight = expensiveWeight(work);
        await costs.charge(client, weight, describeWork(work));
        const signal = deadline.signal;
        try {
          return await untilAborted(gate.run(run, signal), signal);
        } catch (err) {
          if (err instanceof ServerBusyError) await costs.refund(client, weight);
          throw err;
        }
      },
      dispose: () => deadline.dispose(),
    };
  }
}
