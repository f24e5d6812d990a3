import type { IncomingMessage, ServerResponse } from 'node:http';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { BudgetHolder } from '../budget/cost-budget.js';
import { sendRequestError } from './respond.js';

/**
 * Per-client request budget over a sliding minute, kept in this process's memory.
 * Requests with a valid API key are counted by the key, at the keys' budget; all others by
 * address. Behind a reverse proxy set TRUST_PROXY so the address comes from
 * X-Forwarded-For, or every client shares the proxy's budget. Only the last entry is used:
 * the proxy appends it, while anything before it the client may have sent.
 */
export interface RateLimit {
  /** Spends one request of the holder's budget; answers 429 and returns false when it is spent. */
  admit(holder: BudgetHolder, res: ServerResponse): Promise<boolean>;
}

export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? req.headers['x-forwarded-for'] : undefined;
  const header = Array.isArray(forwarded) ? forwarded.join(',') : forwarded;
  const last = header?.split(',').at(-1)?.trim();
  return last || req.socket.remoteAddress || 'unknown';
}

/** Requests a minute for a client address and for an API key; 0 is no limit. */
export interface RequestLimits {
  address: number;
  key: number;
}

const limiter = (perMinute: number) => (perMinute > 0 ? new RateLimiterMemory({ points: perMinute, duration: 60 }) : null);

export function createRateLimit(limits: RequestLimits): RateLimit {
  const byAddress = limiter(limits.address);
  const byKey = limiter(limits.key);
  // An anonymous client that runs out is told that a key would take it further, when it would.
  const keyHint =
    limits.key === 0 || limits.key > limits.address
      ? `; scripts send an API key (Authorization: Bearer <key>), which ${limits.key === 0 ? 'has no limit' : `has ${limits.key} a minute`}`
      : '';
  return {
    async admit(holder, res) {
      const [limit, perMinute, id, whose] =
        holder.kind === 'key' ? [byKey, limits.key, holder.name, `for the key ${holder.name}`] : [byAddress, limits.address, holder.address, 'for a client address'];
      if (!limit) return true;
      res.setHeader('ratelimit-limit', String(perMinute));
      try {
        const state = await limit.consume(id);
        res.setHeader('ratelimit-remaining', String(state.remainingPoints));
        return true;
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        const seconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
        res.setHeader('ratelimit-remaining', '0');
        res.setHeader('retry-after', String(seconds));
        const hint = holder.kind === 'address' ? keyHint : '';
        sendRequestError(res, 429, `too many requests: the limit is ${perMinute} per minute ${whose}; retry after ${seconds} s${hint}`, 'RATE_LIMITED');
        return false;
      }
    },
  };
}
