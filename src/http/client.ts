import type { IncomingMessage } from 'node:http';
import { authenticate, type ApiKey, type Authentication } from '../auth/api-keys.js';
import type { BudgetHolder } from '../budget/cost-budget.js';
import { clientAddress } from './rate-limit.js';

/**
 * Who sent a request, worked out once per request by the `identify` hook
 * (src/http/hooks.ts): the rate limit, the cost budget and the GraphQL context all read it
 * from there, so the `Authorization` header is checked against the keys in one place.
 */
export interface Client {
  /** From `Authorization: Bearer <key>`: anonymous, a valid key, or a key that is not valid. */
  auth: Authentication;
  /** The client's address (the proxy's last `X-Forwarded-For` entry with TRUST_PROXY). */
  address: string;
}

export interface ClientOptions {
  apiKeys: readonly ApiKey[];
  trustProxy: boolean;
}

export function identifyClient(req: IncomingMessage, { apiKeys, trustProxy }: ClientOptions): Client {
  return { auth: authenticate(apiKeys, req.headers.authorization), address: clientAddress(req, trustProxy) };
}

/**
 * Whom the request's budgets are charged to. Only a valid key is counted by its name (at
 * the keys' higher budgets); a key that is not valid counts against its address like no
 * key at all, so guessing keys buys no extra requests. A key's requests also count against
 * its address at the keys' budget, so minting keys multiplies nothing.
 */
export function budgetHolder({ auth, address }: Client): BudgetHolder {
  return auth.kind === 'key' ? { kind: 'key', name: auth.viewer.name, address } : { kind: 'address', address };
}
