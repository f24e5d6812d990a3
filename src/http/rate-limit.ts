import type { IncomingMessage, ServerResponse } from 'node:http';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { sendRequestError } from './respond.js';

/**
 * Per-client request budget over a sliding minute, kept in this process's memory.
 * Clients are told by address; behind a reverse proxy set TRUST_PROXY so the address
 * comes from X-Forwarded-For, or every client shares the proxy's budget. Only the last
 * entry is used: the proxy appends it, while anything before it the client may have sent.
 */
export interface RateLimit {
  /** Spends one request of the client's budget; answers 429 and returns false when it is spent. */
  admit(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? req.headers['x-forwarded-for'] : undefined;
  const header = Array.isArray(forwarded) ? forwarded.join(',') : forwarded;
  const last = header?.split(',').at(-1)?.trim();
  return last || req.socket.remoteAddress || 'unknown';
}

export function createRateLimit(perMinute: number, trustProxy: boolean): RateLimit {
  if (perMinute === 0) return { admit: async () => true };
  const limiter = new RateLimiterMemory({ points: perMinute, duration: 60 });
  return {
    async admit(req, res) {
      try {
        const state = await limiter.consume(clientAddress(req, trustProxy));
        res.setHeader('ratelimit-limit', String(perMinute));
        res.setHeader('ratelimit-remaining', String(state.remainingPoints));
        return true;
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        const seconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
        res.setHeader('retry-after', String(seconds));
        sendRequestError(res, 429, `too many requests: the limit is ${perMinute} per minute; retry after ${seconds} s`, 'RATE_LIMITED');
        return false;
      }
    },
  };
}
