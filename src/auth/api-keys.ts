import { createHash, timingSafeEqual } from 'node:crypto';
import { DomainError, ErrorCode } from '../errors/domain-error.js';

/**
 * API keys, from `API_KEYS`: comma-separated `role:key` or `role:name:key`. Every key may
 * read, and is rate-limited by its name at the keys' higher budget (src/http/client.ts);
 * `reader` keys only read, `curator` keys also write, `admin` keys also merge. Only a hash of each key is kept in memory, and a presented key is compared with every
 * stored hash in constant time, so neither timing nor a heap dump gives a key away.
 */

import type { Role } from '../ontology/generated/schema-types.js';

export type { Role };

/** Who is calling, as recorded in the audit log: the key's name, never the key. */
export interface Viewer {
  name: string;
  role: Role;
}

export interface ApiKey extends Viewer {
  hash: Buffer;
}

export type Authentication = { kind: 'anonymous' } | { kind: 'invalid' } | { kind: 'key'; viewer: Viewer };

// Typed by the SDL's `Role`, so a role added there fails the type check until it has a rank.
export const ROLE_RANK: Record<Role, number> = { READER: 0, CURATOR: 1, ADMIN: 2 };
const isRole = (name: string): name is Role => Object.hasOwn(ROLE_RANK, name);
const ROLES = new Map<string, Role>(
  Object.keys(ROLE_RANK)
    .filter(isRole)
    .map((r) => [r.toLowerCase(), r]),
);
export const MIN_KEY_LENGTH = 16;
export const MAX_KEY_LENGTH = 512;
const NAME = /^[A-Za-z0-9._-]{1,64}$/;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

export function hasRole(viewer: Viewer, needed: Role): boolean {
  return ROLE_RANK[viewer.role] >= ROLE_RANK[needed];
}

/** The roles that have `needed`, lowest first, in the words of `API_KEYS` (`curator`, `admin`). */
export function rolesWith(needed: Role): string[] {
  return [...ROLES.values()].filter((r) => ROLE_RANK[r] >= ROLE_RANK[needed]).map((r) => r.toLowerCase());
}

const spoken = (words: readonly string[]) => (words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)!}`);

/** Parses `API_KEYS`; `fail` makes the error the caller reports (the key itself is never in it). */
export function parseApiKeys(text: string, fail: (message: string) => Error): ApiKey[] {
  const keys: ApiKey[] = [];
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  entries.forEach((entry, i) => {
    const where = `API_KEYS entry ${i + 1}`;
    const parts = entry.split(':');
    if (parts.length < 2 || parts.length > 3) throw fail(`${where} must be role:key or role:name:key`);
    const role = ROLES.get(parts[0]!.toLowerCase());
    if (!role) throw fail(`${where} has an unknown role; roles are ${spoken([...ROLES.keys()])}`);
    const key = parts[parts.length - 1]!;
    if (key.length < MIN_KEY_LENGTH || key.length > MAX_KEY_LENGTH || /\s/.test(key)) {
      throw fail(`${where}: keys must be ${MIN_KEY_LENGTH} to ${MAX_KEY_LENGTH} characters without spaces`);
    }
    const hash = sha256(key);
    // Nothing derived from the key itself: a name is public (audit log, addedBy).
    const name = parts.length === 3 ? parts[1]! : `${role.toLowerCase()}-${i + 1}`;
    if (!NAME.test(name)) throw fail(`${where}: a key name is 1 to 64 letters, digits, '.', '_' or '-'`);
    if (keys.some((k) => k.hash.equals(hash))) throw fail(`${where} repeats a key given before`);
    if (keys.some((k) => k.name === name)) throw fail(`${where} repeats the key name ${name}`);
    keys.push({ name, role, hash });
  });
  return keys;
}

/** Reads `Authorization: Bearer <key>`; a header that is there but wrong is `invalid`, not anonymous. */
export function authenticate(keys: readonly ApiKey[], header: string | undefined): Authentication {
  if (header === undefined || header.trim() === '') return { kind: 'anonymous' };
  const match = new RegExp(`^Bearer +(\\S{1,${MAX_KEY_LENGTH}})\\s*$`, 'i').exec(header);
  if (!match) return { kind: 'invalid' };
  const presented = sha256(match[1]!);
  let found: ApiKey | undefined;
  // No early exit: the time taken does not depend on which key, if any, matched.
  for (const key of keys) {
    if (timingSafeEqual(key.hash, presented) && !found) found = key;
  }
  return found ? { kind: 'key', viewer: { name: found.name, role: found.role } } : { kind: 'invalid' };
}

/** A request that sent an `Authorization` header with no valid key: refused on every route, never served as anonymous. */
export class InvalidApiKeyError extends DomainError {
  readonly code = ErrorCode.UNAUTHENTICATED;
  constructor() {
    super('the API key is not valid; send Authorization: Bearer <key> with a key from API_KEYS');
  }
}
