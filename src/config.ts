import { isAbsolute, join, resolve } from 'node:path';
import { parseApiKeys, type ApiKey } from './auth/api-keys.js';
import { projectRoot } from './paths.js';
import { DomainError, ErrorCode } from './errors/domain-error.js';
import { DEFAULT_MIN_FREE_DISK_MB } from './journal/free-space.js';
import { DEFAULT_ENGINE_STALL_MS } from './store/embedded/engine/process.js';
import { DEFAULT_QUARANTINE_KEEP } from './store/embedded/quarantine.js';
import type { Neo4jConnection } from './store/neo4j/open.js';

/**
 * Limits for a public endpoint. The defaults admit every query in the README and the
 * explorer's introspection, and refuse what only an attacker or a runaway script sends.
 */
export interface Guards {
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** Deepest selection nesting (fragments followed; introspection not counted). */
  maxDepth: number;
  maxAliases: number;
  /** Lexical tokens in one document. */
  maxTokens: number;
  maxDirectives: number;
  /** Estimated work of a query, where list fields multiply what they select by `first` (or 10). */
  maxCost: number;
  /** Requests per client address per minute, for requests without a valid API key; 0 turns it off. */
  rateLimitPerMinute: number;
  /**
   * Requests per API key per minute; null means KEY_BUDGET_FACTOR times `rateLimitPerMinute`
   * (see `clientBudgets`); 0 turns it off for keyed requests.
   */
  keyRateLimitPerMinute: number | null;
  /**
   * Estimated cost per client address per minute: each request is charged its `maxCost`
   * estimate, and each expensive computation it starts a weight for that work
   * (src/budget/cost-budget.ts); 0 turns cost charging off.
   */
  costPerMinute: number;
  /** The same per API key; null means KEY_BUDGET_FACTOR times `costPerMinute`; 0 turns it off for keyed requests. */
  keyCostPerMinute: number | null;
  /** The longest any request runs; its work is stopped there (HTTP 503 DEADLINE_EXCEEDED). */
  requestTimeoutSeconds: number;
  /** Expensive operations (deep neighborhoods, paths, network measures, exports) running at once, server-wide. */
  expensiveConcurrency: number;
  /** Expensive operations that may wait for a slot; more are refused with HTTP 503 SERVER_BUSY. */
  expensiveQueue: number;
}

export const DEFAULT_GUARDS: Guards = {
  maxBodyBytes: 100_000,
  maxDepth: 10,
  maxAliases: 15,
  maxTokens: 2_000,
  maxDirectives: 20,
  maxCost: 50_000,
  rateLimitPerMinute: 300,
  keyRateLimitPerMinute: null,
  costPerMinute: 200_000,
  keyCostPerMinute: null,
  requestTimeoutSeconds: 30,
  expensiveConcurrency: 2,
  expensiveQueue: 4,
};

const GUARD_VARIABLES: Record<keyof Guards, string> = {
  maxBodyBytes: 'MAX_BODY_BYTES',
  maxDepth: 'MAX_QUERY_DEPTH',
  maxAliases: 'MAX_ALIASES',
  maxTokens: 'MAX_TOKENS',
  maxDirectives: 'MAX_DIRECTIVES',
  maxCost: 'MAX_QUERY_COST',
  rateLimitPerMinute: 'RATE_LIMIT_PER_MINUTE',
  keyRateLimitPerMinute: 'KEY_RATE_LIMIT_PER_MINUTE',
  costPerMinute: 'COST_BUDGET_PER_MINUTE',
  keyCostPerMinute: 'KEY_COST_BUDGET_PER_MINUTE',
  requestTimeoutSeconds: 'REQUEST_TIMEOUT_SECONDS',
  expensiveConcurrency: 'EXPENSIVE_CONCURRENCY',
  expensiveQueue: 'EXPENSIVE_QUEUE',
};

/** Guards for which 0 is allowed (it turns the guard off, or allows no waiting). */
const ZERO_ALLOWED = new Set<keyof Guards>(['rateLimitPerMinute', 'keyRateLimitPerMinute', 'costPerMinute', 'keyCostPerMinute', 'expensiveQueue']);

/**
 * Scripts are not attackers: a request with a valid API key is counted by its key, at this
 * many times the budgets of a client address unless KEY_RATE_LIMIT_PER_MINUTE or
 * KEY_COST_BUDGET_PER_MINUTE say otherwise. Keys are handed out by whoever runs the server,
 * so a key's owner is known; an address is anyone.
 */
export const KEY_BUDGET_FACTOR = 10;

/** The budgets of a client address and of an API key, per minute; 0 is no limit. */
export interface ClientBudgets {
  address: { requests: number; cost: number };
  key: { requests: number; cost: number };
}

export function clientBudgets(g: Pick<Guards, 'rateLimitPerMinute' | 'keyRateLimitPerMinute' | 'costPerMinute' | 'keyCostPerMinute'>): ClientBudgets {
  return {
    address: { requests: g.rateLimitPerMinute, cost: g.costPerMinute },
    key: {
      requests: g.keyRateLimitPerMinute ?? KEY_BUDGET_FACTOR * g.rateLimitPerMinute,
      cost: g.keyCostPerMinute ?? KEY_BUDGET_FACTOR * g.costPerMinute,
    },
  };
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  seedsDir: string;
  production: boolean;
  /** API keys (`API_KEYS`): readers, curators and admins; with no curator or admin key the graph is read-only. */
  apiKeys: readonly ApiKey[];
  /** Browser origins allowed to call the API from other sites (`CORS_ORIGINS`). */
  corsOrigins: readonly string[];
  guards: Guards;
  /** Take the client address from X-Forwarded-For (behind a reverse proxy), for rate limiting. */
  trustProxy: boolean;
  /** Set when NEO4J_URI selects the Neo4j backend; otherwise the embedded database is used. */
  neo4j: Neo4jConnection | null;
  /** The embedded store's disk: copies DATA_DIR/quarantine/ keeps, and the free space writes need. */
  storage: StorageSettings;
}

export interface StorageSettings {
  /** QUARANTINE_KEEP, at least 1. */
  quarantineKeep: number;
  /** MIN_FREE_DISK_MB; 0 turns the check off. */
  minFreeDiskMb: number;
  /** VERIFY_AT_START (on unless 0 or false): a server checks the database against its journal beside serving. */
  verifyAtStart: boolean;
  /** ENGINE_STALL_SECONDS, at least 1: an engine call not answered by then is a hung engine, killed and restarted. */
  engineStallSeconds: number;
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min) {
    throw new ConfigError(`${name} must be a whole number of at least ${min}, got ${JSON.stringify(text)}`);
  }
  return value;
}

function onUnlessOff(env: NodeJS.ProcessEnv, name: string): boolean {
  const text = (env[name] ?? '').trim().toLowerCase();
  if (['', '1', 'true', 'on'].includes(text)) return true;
  if (['0', 'false', 'off'].includes(text)) return false;
  throw new ConfigError(`${name} must be 1 or 0 (on or off), got ${JSON.stringify(env[name])}`);
}

const NEO4J_SCHEMES = ['neo4j', 'neo4j+s', 'neo4j+ssc', 'bolt', 'bolt+s', 'bolt+ssc'];

function neo4jSettings(env: NodeJS.ProcessEnv): Neo4jConnection | null {
  const uri = env.NEO4J_URI;
  if (uri === undefined || uri === '') return null;
  const scheme = /^([a-z0-9+]+):\/\/[^/]+/i.exec(uri)?.[1]?.toLowerCase();
  if (!scheme || !NEO4J_SCHEMES.includes(scheme)) {
    throw new ConfigError(`NEO4J_URI must look like neo4j://host:7687 (schemes: ${NEO4J_SCHEMES.join(', ')}), got ${JSON.stringify(uri)}`);
  }
  return {
    uri,
    user: env.NEO4J_USER || 'neo4j',
    password: env.NEO4J_PASSWORD ? env.NEO4J_PASSWORD : null,
    database: env.NEO4J_DATABASE ? env.NEO4J_DATABASE : null,
  };
}

export class ConfigError extends DomainError {
  readonly code = ErrorCode.CONFIG_INVALID;
}

function guards(env: NodeJS.ProcessEnv): Guards {
  const out = { ...DEFAULT_GUARDS };
  for (const [key, name] of Object.entries(GUARD_VARIABLES) as Array<[keyof Guards, string]>) {
    const text = env[name];
    if (text === undefined || text === '') continue;
    out[key] = wholeNumber(env, name, 0, ZERO_ALLOWED.has(key) ? 0 : 1);
  }
  return out;
}

function corsOrigins(env: NodeJS.ProcessEnv): string[] {
  const list = (env.CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of list) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError(`CORS_ORIGINS must list origins like https://example.org (no path) or *, got ${JSON.stringify(origin)}`);
    }
  }
  return list;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const portText = env.PORT ?? '4000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    throw new ConfigError(`PORT must be a whole number from 0 to 65535, got ${JSON.stringify(portText)}`);
  }
  const dir = (name: string, fallback: string) => {
    const value = env[name];
    if (value === undefined || value === '') return fallback;
    return isAbsolute(value) ? value : resolve(value);
  };
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    dataDir: dir('DATA_DIR', join(projectRoot, 'data')),
    seedsDir: dir('SEEDS_DIR', join(projectRoot, 'seeds')),
    production: env.NODE_ENV === 'production',
    apiKeys: parseApiKeys(env.API_KEYS ?? '', (message) => new ConfigError(message)),
    corsOrigins: corsOrigins(env),
    guards: guards(env),
    trustProxy: env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true',
    neo4j: neo4jSettings(env),
    storage: {
      quarantineKeep: wholeNumber(env, 'QUARANTINE_KEEP', DEFAULT_QUARANTINE_KEEP, 1),
      minFreeDiskMb: wholeNumber(env, 'MIN_FREE_DISK_MB', DEFAULT_MIN_FREE_DISK_MB, 0),
      verifyAtStart: onUnlessOff(env, 'VERIFY_AT_START'),
      engineStallSeconds: wholeNumber(env, 'ENGINE_STALL_SECONDS', DEFAULT_ENGINE_STALL_MS / 1000, 1),
    },
  };
}
