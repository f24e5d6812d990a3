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
  // The keys used from one address share one key's allowance (see BudgetHolder).
  const byKeyAddress = limiter(limits.key);
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
        let remaining = state.remainingPoints;
        if (holder.kind === 'key' && byKeyAddress) {
          const shared = await byKeyAddress.consume(holder.address).catch(async (err: unknown) => {
            if (err instanceof RateLimiterRes) {
              // Refused: the key's own request is given back, and the answer says why.
              await limit.reward(id).catch(() => undefined);
              throw Object.assign(err, { sharedByKeys: true });
            }
            throw err;
          });
          remaining = Math.min(remaining, shared.remainingPoints);
        }
        res.setHeader('ratelimit-remaining', String(remaining));
        return true;
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        const seconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
        res.setHeader('ratelimit-remaining', '0');
        res.setHeader('retry-after', String(seconds));
        const hint = holder.kind === 'address' ? keyHint : '';
        const shared = 'sharedByKeys' in err;
        const limitText = shared ? `the limit is ${perMinute} per minute for all API keys used from one address together` : `the limit is ${perMinute} per minute ${whose}`;
        sendRequestError(res, 429, `too many requests: ${limitText}; retry after ${seconds} s${hint}`, 'RATE_LIMITED');
        return false;
      }
    },
  };
}
