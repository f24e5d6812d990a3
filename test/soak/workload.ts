import type { GraphReads } from '../../src/store/graph-reads.js';
import type { RelationRecord } from '../../src/store/records.js';

/**
 * The pieces of a soak, shared by the bounded one in `npm test` (test/contract/soak.test.ts),
 * `npm run soak` (test/soak/soak.ts) and the kill loop (test/soak/crash-soak.ts): an HTTP
 * client that sorts every answer as a user would see it, writers of every kind that keep a
 * ledger of what the server acknowledged, readers of every read shape, and a check of the
 * ledger against the store. Plain Node (no vitest), so the scripts can use it.
 */

export const SOAK_KEY = 'soak-admin-key-0123456789';
/** `API_KEYS` for a server under soak: one admin, since merges need that role. */
export const SOAK_API_KEYS = `admin:soak:${SOAK_KEY}`;
export const SOURCE = 'asia-plus-2012-01-17-kazakhstan-election';

/** Where the server answers now; null while it is down (the soak restarts it on another port). */
export interface Target {
  url: string | null;
}

export type Outcome =
  | { kind: 'ok'; data: Record<string, unknown> }
  /** A GraphQL error in a 200 answer: the server said no, and wrote nothing. */
  | { kind: 'refused'; code: string; message: string }
  /** 503 or 429 with Retry-After: asked to come back later, as a client may be. */
  | { kind: 'busy' }
  /** No answer: the server was down or died under the request. */
  | { kind: 'lost' }
  /** Any other answer, a 5xx without Retry-After first of all: a defect. */
  | { kind: 'failed'; status: number; body: string };

/** What every request got, counted by status; `problems` are the answers no client should get. */
export class Tally {
  requests = 0;
  readonly byStatus = new Map<string, number>();
  readonly problems: string[] = [];
  /** Read latencies (ms) of successful reads made while writers ran. */
  readonly readLatencies: number[] = [];
  readonly refusals = new Map<string, number>();

  count(key: string): void {
    this.byStatus.set(key, (this.byStatus.get(key) ?? 0) + 1);
  }

  p99(): number {
    const sorted = [...this.readLatencies].sort((a, b) => a - b);
    return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!;
  }
}

/** One POST to /graphql, sorted into an Outcome and counted. */
export async function post(target: Target, tally: Tally, query: string, variables: Record<string, unknown>, key?: string): Promise<Outcome> {
  const url = target.url;
  if (!url) return { kind: 'lost' };
  tally.requests += 1;
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ query, variables }),
      // A server that hangs is a failure to report, not a soak that never ends.
      signal: AbortSignal.timeout(60_000),
    });
    text = await res.text();
  } catch {
    tally.count('no answer');
    return { kind: 'lost' };
  }
  const retryAfter = res.headers.get('retry-after');
  tally.count(retryAfter && res.status >= 400 ? `${res.status} (Retry-After)` : String(res.status));
  // 507: a write refused for a full disk, which the soak makes on purpose.
  if ((res.status === 503 || res.status === 429 || res.status === 507) && retryAfter) return { kind: 'busy' };
  if (res.status === 200) {
    const body = JSON.parse(text) as { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };
    const error = body.errors?.[0];
    if (!error) return { kind: 'ok', data: body.data ?? {} };
    const code = error.extensions?.code ?? 'NO_CODE';
    tally.refusals.set(code, (tally.refusals.get(code) ?? 0) + 1);
    // Only a refusal of the input is the server's answer to a race; anything else is a fault.
    if (code !== 'BAD_USER_INPUT') tally.problems.push(`a 200 with error ${code}: ${error.message}`);
    return { kind: 'refused', code, message: error.message };
  }
  if (res.status >= 500) tally.problems.push(`HTTP ${res.status}${retryAfter ? '' : ' without Retry-After'}: ${text.slice(0, 300)}`);
  else tally.problems.push(`HTTP ${res.status}: ${text.slice(0, 300)}`);
  return { kind: 'failed', status: res.status, body: text };
}

const cite = (quote: string) => [{ source: SOURCE, paragraph: 1, quote }];
/** Twelve long citations: a write whose log record is far over 4 KB, which LadybugDB cannot replay after a kill. */
const longCite = (quote: string) => Array.from({ length: 12 }, (_, i) => ({ source: SOURCE, paragraph: i + 1, quote: `${quote} ${'q'.repeat(300)}` }));
const pick = <T>(random: () => number, list: readonly T[]): T | undefined => list[Math.floor(random() * list.length)];

/**
 * What the server acknowledged (answered 200 without errors), and what it may have written
 * without saying so (no answer: killed, or a busy refusal of a write already under way).
 */
export class Ledger {
  private counter = 0;
  constructor(readonly prefix: string) {}
  /** Acknowledged upserts not merged away: what writers build on. */
  readonly live: string[] = [];
  readonly entities = new Set<string>();
  /** duplicate -> the survivor the merge answered with. */
  readonly merged = new Map<string, string>();
  /** Entities of a merge whose answer was lost: either state is right, so they are left alone. */
  readonly uncertain = new Set<string>();
  /** Entities a merge is working on: no second merge takes them meanwhile. */
  readonly merging = new Set<string>();
  readonly relations = new Set<string>();
  /** Relations sent without an answer: there at most once. */
  readonly maybeRelations = new Set<string>();
  readonly retracted = new Set<string>();
  readonly citations: Array<[relation: string, quote: string]> = [];
  readonly claims = new Set<string>();
  readonly disputes: Array<[claim: string, disputedBy: string]> = [];
  writes = 0;

  nextId(kind: string): string {
    this.counter += 1;
    return `${this.prefix}-${kind}-${this.counter}`;
  }

  /** Where an id leads after every acknowledged merge; null past a merge whose answer was lost. */
  resolve(id: string): string | null {
    let at = id;
    for (let hops = 0; this.merged.has(at) && hops < 1000; hops += 1) at = this.merged.get(at)!;
    return this.uncertain.has(at) ? null : at;
  }
}

const UPSERT = 'mutation ($input: EntityInput!) { upsertEntity(input: $input) { id } }';
const ADD = 'mutation ($input: RelationInput!) { addRelation(input: $input) { id } }';
const CITE = 'mutation ($relation: ID!, $citation: CitationInput!) { addCitation(relation: $relation, citation: $citation) { id } }';
const RETRACT = 'mutation ($id: ID!, $reason: String!) { retractRelation(id: $id, reason: $reason) { id } }';
const MERGE = 'mutation ($survivor: ID!, $duplicate: ID!) { mergeEntities(survivor: $survivor, duplicate: $duplicate) { id } }';
const CLAIM = 'mutation ($input: ClaimInput!) { addClaim(input: $input) { id } }';
const DISPUTE = 'mutation ($claim: ID!, $disputedBy: ID!) { disputeClaim(claim: $claim, disputedBy: $disputedBy) { id } }';

export const WRITE_KINDS = ['upsertEntity', 'addRelation', 'addCitation', 'retractRelation', 'addClaim', 'disputeClaim', 'mergeEntities'] as const;
export type WriteKind = (typeof WRITE_KINDS)[number];

/**
 * What a writer sends next: rounds of every kind (relations twice, the most common write), each
 * round in a seeded order, so that even a short soak acknowledges every kind.
 */
function writePlan(random: () => number): () => WriteKind {
  let round: WriteKind[] = [];
  return () => {
    if (round.length === 0) {
      round = [...WRITE_KINDS, 'addRelation'];
      for (let i = round.length - 1; i > 0; i -= 1) {
        const j = Math.floor(random() * (i + 1));
        [round[i], round[j]] = [round[j]!, round[i]!];
      }
    }
    return round.pop()!;
  };
}

/** One write of the planned kind, or of the kind it needs first (an entity, a relation, a claim). */
async function writeOnce(target: Target, tally: Tally, ledger: Ledger, random: () => number, planned: WriteKind, acked: Map<WriteKind, number>): Promise<Outcome | null> {
  const to = pick(
    random,
    ledger.live.filter((e) => !ledger.uncertain.has(e)),
  );
  const open = [...ledger.relations].filter((r) => !ledger.retracted.has(r));
  const ack = (kind: WriteKind) => acked.set(kind, (acked.get(kind) ?? 0) + 1);
  let kind = planned;
  if (!to || ledger.live.length < 4) kind = 'upsertEntity';
  else if ((kind === 'addCitation' || kind === 'retractRelation') && open.length === 0) kind = 'addRelation';
  else if (kind === 'disputeClaim' && ledger.claims.size < 2) kind = 'addClaim';
  if (kind === 'upsertEntity' || !to) {
    const id = ledger.nextId('e');
    const out = await post(target, tally, UPSERT, { input: { id, kind: 'PARTY', name: `Soak ${id}`, aliases: [`Alias ${id}`], sources: cite(id) } }, SOAK_KEY);
    if (out.kind === 'ok') {
      ledger.entities.add(id);
      ledger.live.push(id);
      ack('upsertEntity');
    }
    return out;
  }
  if (kind === 'addRelation') {
    const id = ledger.nextId('r');
    // Both directions, dated or not, with or without a confidence: material for every filter and order.
    const ends = random() < 0.5 ? { from: 'bolat-abilov', to } : { from: to, to: 'nursultan-nazarbayev' };
    const input = {
      id,
      type: 'SUPPORTS',
      ...ends,
      sources: random() < 0.3 ? longCite(id) : cite(id),
      ...(random() < 0.6 ? { date: `2012-01-${10 + Math.floor(random() * 19)}` } : {}),
      ...(random() < 0.5 ? { confidence: Math.round(random() * 100) / 100 } : {}),
    };
    ledger.maybeRelations.add(id);
    const out = await post(target, tally, ADD, { input }, SOAK_KEY);
    if (out.kind === 'ok') {
      ledger.relations.add(id);
      ledger.maybeRelations.delete(id);
      ack('addRelation');
    } else if (out.kind === 'refused') ledger.maybeRelations.delete(id);
    return out;
  }
  if (kind === 'addCitation') {
    const relation = pick(random, open)!;
    const quote = `cited ${ledger.nextId('c')}`;
    const out = await post(target, tally, CITE, { relation, citation: { source: SOURCE, paragraph: 2, quote } }, SOAK_KEY);
    if (out.kind === 'ok') {
      ledger.citations.push([relation, quote]);
      ack('addCitation');
    }
    return out;
  }
  if (kind === 'retractRelation') {
    const id = pick(random, open)!;
    const out = await post(target, tally, RETRACT, { id, reason: 'soak' }, SOAK_KEY);
    if (out.kind === 'ok') {
      ledger.retracted.add(id);
      ack('retractRelation');
    }
    return out;
  }
  if (kind === 'addClaim') {
    const id = ledger.nextId('claim');
    const input = { id, speaker: 'bolat-abilov', about: [to, 'nur-otan'], quote: `said ${id}`, stance: 'NEGATIVE', sources: cite(`said ${id}`) };
    const out = await post(target, tally, CLAIM, { input }, SOAK_KEY);
    if (out.kind === 'ok') {
      ledger.claims.add(id);
      ack('addClaim');
    }
    return out;
  }
  if (kind === 'disputeClaim') {
    const claims = [...ledger.claims];
    const [claim, disputedBy] = [pick(random, claims)!, pick(random, claims)!];
    if (claim === disputedBy) return null;
    const out = await post(target, tally, DISPUTE, { claim, disputedBy }, SOAK_KEY);
    if (out.kind === 'ok') {
      ledger.disputes.push([claim, disputedBy]);
      ack('disputeClaim');
    }
    return out;
  }
  const free = ledger.live.filter((e) => !ledger.merging.has(e) && !ledger.uncertain.has(e));
  const [survivor, duplicate] = [pick(random, free), pick(random, free)];
  if (!survivor || !duplicate || survivor === duplicate) return null;
  ledger.merging.add(survivor).add(duplicate);
  const out = await post(target, tally, MERGE, { survivor, duplicate }, SOAK_KEY);
  ledger.merging.delete(survivor);
  ledger.merging.delete(duplicate);
  if (out.kind === 'ok') {
    ledger.merged.set(duplicate, (out.data.mergeEntities as { id: string }).id);
    ledger.live.splice(ledger.live.indexOf(duplicate), 1);
    ack('mergeEntities');
  } else if (out.kind !== 'refused') {
    ledger.uncertain.add(survivor).add(duplicate);
  }
  return out;
}

/** Writes until `stop()`; waits while the server is down. Returns acknowledged writes by kind. */
/** Writes until `stop`; counts what was acknowledged, kind by kind, in `acked` (shared by writers who want a running total). */
export async function writer(
  target: Target,
  tally: Tally,
  ledger: Ledger,
  random: () => number,
  stop: () => boolean,
  acked = new Map<WriteKind, number>(),
): Promise<Map<WriteKind, number>> {
  const plan = writePlan(random);
  while (!stop()) {
    // Down (killed by the soak, or restarting): nothing is sent, so nothing is in doubt.
    if (!target.url) {
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    const out = await writeOnce(target, tally, ledger, random, plan(), acked);
    if (out) ledger.writes += 1;
    if (out?.kind === 'lost' || out?.kind === 'busy') await new Promise((r) => setTimeout(r, 100));
  }
  return acked;
}

interface ReadShape {
  name: string;
  query: string;
  variables(ledger: Ledger, random: () => number): Record<string, unknown>;
}

const SEED_IDS = ['nur-otan', 'bolat-abilov', 'nursultan-nazarbayev', 'election-2012-01-15-mazhilis', 'ak-zhol', 'zhanaozen'];
/** An entity a reader asks about: a seed one or one the writers made (merged away or not). */
const someEntity = (ledger: Ledger, random: () => number) => (random() < 0.5 ? pick(random, SEED_IDS)! : (pick(random, [...ledger.entities]) ?? 'nur-otan'));
const RELATION_FIELDS = 'id type date confidence from { id } to { id } sources { quote }';

/** Every read the API offers, each with arguments that touch what the writers change. */
export const READ_SHAPES: ReadShape[] = [
  {
    name: 'entity',
    query: 'query ($id: ID!) { entity(id: $id) { id name aliases degree relations { id } claims { id } } }',
    variables: (l, r) => ({ id: someEntity(l, r) }),
  },
  {
    name: 'entities(where: name)',
    query:
      'query ($text: String!) { entities(where: { name: { contains: $text } }, orderBy: [{ field: NAME }], first: 50) { totalCount nodes { id name } pageInfo { hasNextPage endCursor } } }',
    variables: (l, r) => ({ text: r() < 0.5 ? 'Soak' : `${l.prefix}-e-${1 + Math.floor(r() * 9)}` }),
  },
  {
    name: 'entities(orderBy: DEGREE)',
    query: '{ entities(kinds: [PARTY], orderBy: [{ field: DEGREE, direction: DESC }], first: 20) { nodes { id } } }',
    variables: () => ({}),
  },
  {
    name: 'search',
    query: 'query ($text: String!) { search(text: $text, first: 20) { score entity { id } } }',
    variables: (_l, r) => ({ text: pick(r, ['Soak', 'Nur Otan', 'Nazarbaev', 'soak e 1', 'Abilov'])! }),
  },
  {
    name: 'relations',
    query: `query ($either: ID, $dir: SortDirection) { relations(where: { types: [SUPPORTS], either: $either, OR: [{ minConfidence: 0.3 }, { date: { from: "2012-01-12" } }] }, orderBy: [{ field: DATE, direction: $dir }, { field: CONFIDENCE }], first: 25) { totalCount nodes { ${RELATION_FIELDS} } pageInfo { hasNextPage endCursor } } }`,
    variables: (l, r) => ({ either: r() < 0.5 ? 'bolat-abilov' : null, dir: r() < 0.5 ? 'ASC' : 'DESC' }),
  },
  {
    name: 'relations(includeRetracted)',
    query: `query ($after: String) { relations(includeRetracted: true, first: 100, after: $after) { nodes { id } pageInfo { endCursor } } }`,
    variables: () => ({ after: null }),
  },
  {
    name: 'relationsConnection',
    query: `query ($id: ID!) { entity(id: $id) { relationsConnection(where: { types: [SUPPORTS] }, orderBy: [{ field: CONFIDENCE, direction: DESC }], first: 20) { totalCount nodes { ${RELATION_FIELDS} } pageInfo { hasNextPage endCursor } } } }`,
    variables: (l, r) => ({ id: r() < 0.5 ? 'bolat-abilov' : someEntity(l, r) }),
  },
  {
    name: 'neighborhood',
    query: 'query ($id: ID!, $depth: Int) { neighborhood(id: $id, depth: $depth) { nodes { id } edges { id } } }',
    variables: (l, r) => ({ id: someEntity(l, r), depth: 1 + Math.floor(r() * 2) }),
  },
  {
    name: 'paths',
    query: 'query ($to: ID!) { paths(from: "bolat-abilov", to: $to, maxLength: 4, first: 5) { length nodes { id } edges { id } } }',
    variables: (l, r) => ({ to: someEntity(l, r) }),
  },
  {
    name: 'network',
    query: 'query ($id: ID) { network(id: $id, depth: 2) { communities nodes { entity { id } metrics { degree pageRank community } } edges { id } } }',
    variables: (l, r) => ({ id: r() < 0.3 ? null : someEntity(l, r) }),
  },
  {
    name: 'changes',
    query: 'query ($entity: ID) { changes(entity: $entity, first: 50) { totalCount nodes { id operation entityIds relationId } pageInfo { hasNextPage endCursor } } }',
    variables: (l, r) => ({ entity: r() < 0.5 ? null : someEntity(l, r) }),
  },
  {
    name: 'claims',
    query: 'query ($about: ID) { claims(about: $about, first: 50) { totalCount nodes { id speaker { id } about { id } disputedBy { id } } } }',
    variables: (l, r) => ({ about: r() < 0.5 ? 'nur-otan' : someEntity(l, r) }),
  },
  {
    name: 'sources',
    query: '{ sources { id claims { id } } }',
    variables: () => ({}),
  },
  {
    name: 'counts',
    query: '{ entityCounts(where: { name: { startsWith: "Soak" } }) { kind count } relationCounts(where: { types: [SUPPORTS] }) { type count } graphSize { entities relations } }',
    variables: () => ({}),
  },
  {
    name: 'mostConnected',
    query: '{ mostConnected(first: 10) { degree entity { id } } }',
    variables: () => ({}),
  },
];

export interface ReaderResult {
  /** Successful answers while the writers ran. */
  okDuringWrites: number;
  /** Successful answers by read shape, at any time. */
  okByShape: Map<string, number>;
}

/**
 * Reads until `stop()`, each read a shape drawn from `random`; counts the successful answers
 * given while `writing()` holds, and their latency.
 */
export async function reader(target: Target, tally: Tally, ledger: Ledger, random: () => number, stop: () => boolean, writing: () => boolean): Promise<ReaderResult> {
  const result: ReaderResult = { okDuringWrites: 0, okByShape: new Map() };
  while (!stop()) {
    if (!target.url) {
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    const shape = pick(random, READ_SHAPES)!;
    const during = writing();
    const t0 = performance.now();
    const out = await post(target, tally, shape.query, shape.variables(ledger, random));
    if (out.kind === 'ok') {
      result.okByShape.set(shape.name, (result.okByShape.get(shape.name) ?? 0) + 1);
      if (during && writing()) {
        result.okDuringWrites += 1;
        tally.readLatencies.push(performance.now() - t0);
      }
    } else if (out.kind === 'refused') {
      tally.problems.push(`read ${shape.name} refused: ${out.code} ${out.message}`);
    } else if (out.kind === 'lost' || out.kind === 'busy') {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return result;
}

/** Every relation (retracted too), with how many times each id is stored. */
async function relationCounts(store: GraphReads): Promise<Map<string, RelationRecord[]>> {
  const relations = new Map<string, RelationRecord[]>();
  for (let after: string | null = null; ;) {
    const page: RelationRecord[] = (await store.listRelations({ types: null, from: null, to: null, after, limit: 1000, includeRetracted: true })).relations;
    for (const r of page) relations.set(r.id, [...(relations.get(r.id) ?? []), r]);
    if (page.length < 1000) break;
    after = page.at(-1)!.id;
  }
  return relations;
}

/**
 * Checks the ledger against the store: each acknowledged write is there exactly once (one
 * stored record, one audit entry), retractions retracted, citations cited, merged ids
 * resolving to their survivors with no relation left on them, claims and disputes kept.
 * Returns what is wrong, one line each.
 */
export async function checkLedger(store: GraphReads, ledger: Ledger): Promise<string[]> {
  const problems: string[] = [];
  const relations = await relationCounts(store);
  const adds = new Map<string, number>();
  for (let after: string | null = null; ;) {
    const page = await store.changes({ since: null, entity: null, after, limit: 1000 });
    for (const c of page) if (c.operation === 'ADD_RELATION' && c.relationId) adds.set(c.relationId, (adds.get(c.relationId) ?? 0) + 1);
    if (page.length < 1000) break;
    after = page.at(-1)!.id;
  }
  for (const id of ledger.relations) {
    const n = relations.get(id)?.length ?? 0;
    if (n !== 1 || adds.get(id) !== 1) problems.push(`relation ${id}: ${n} stored, ${adds.get(id) ?? 0} audit entries`);
  }
  for (const id of ledger.maybeRelations) {
    if ((relations.get(id)?.length ?? 0) > 1 || (adds.get(id) ?? 0) > 1) problems.push(`relation ${id} (sent, no answer) stored twice`);
  }
  for (const [id, stored] of relations) {
    for (const r of stored) if (ledger.merged.has(r.from) || ledger.merged.has(r.to)) problems.push(`relation ${id} hangs on merged-away ${r.from} -> ${r.to}`);
  }
  for (const id of ledger.retracted) if (!relations.get(id)?.[0]?.retraction) problems.push(`retraction of ${id} missing`);
  for (const [id, quote] of ledger.citations) {
    const cited = (relations.get(id)?.[0]?.sources ?? []).filter((c) => c.quote === quote).length;
    if (cited !== 1) problems.push(`citation "${quote}" of ${id}: cited ${cited} times`);
  }
  for (const id of ledger.entities) {
    const [e] = await store.getEntities([id]);
    const expected = ledger.resolve(id);
    if (!e) problems.push(`entity ${id} missing`);
    else if (expected !== null && e.id !== expected) problems.push(`entity ${id} resolves to ${e.id}, not ${expected}`);
    else if (expected === null && ledger.merged.has(id) && e.id === id) problems.push(`merge of ${id} missing`);
  }
  const claims = new Map<string, number>();
  for (let after: string | null = null; ;) {
    const page = await store.listClaims({ speaker: null, about: null, after, limit: 100 });
    for (const c of page) claims.set(c.id, (claims.get(c.id) ?? 0) + 1);
    if (page.length < 100) break;
    after = page.at(-1)!.id;
  }
  for (const id of ledger.claims) if (claims.get(id) !== 1) problems.push(`claim ${id}: ${claims.get(id) ?? 0} stored`);
  for (const [claim, disputedBy] of ledger.disputes) {
    const [c] = await store.getClaims([disputedBy]);
    if (!c?.disputes.includes(claim)) problems.push(`dispute of ${claim} by ${disputedBy} missing`);
  }
  return problems;
}

/** How many acknowledged writes the ledger holds, by what they are. */
export function ledgerSummary(ledger: Ledger): string {
  return `${ledger.entities.size} entities, ${ledger.relations.size} relations, ${ledger.citations.length} citations, ${ledger.retracted.size} retractions, ${ledger.claims.size} claims, ${ledger.disputes.length} disputes, ${ledger.merged.size} merges acknowledged`;
}
