import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadOntology, type AttributeSpec, type Ontology } from '../src/ontology/ontology.js';
import { seededRandom } from '../src/network/seeded-random.js';

/**
 * A synthetic political graph in the seed format (JSON files `{source, entities,
 * relations}`), deterministic for given arguments: the same sizes and seed give
 * byte-identical files. Shape:
 *   - kinds in plausible proportions: many people, fewer organizations, events and
 *     places, few parties; attributes valid for each kind (enum values and @range from
 *     the ontology), dates from 1990 to 2024 as years, months or days;
 *   - heavy-tailed degrees: each end of a relation is drawn from its kind (or a
 *     sub-pool such as elections or news outlets) with Zipf weights 1/rank, so the first
 *     entities of each kind are hubs (the head of state, the ruling party) and the tail
 *     is leaves and isolated entities;
 *   - relation types drawn with plausible weights, then ends of kinds the type may join
 *     (`ontology.allows`);
 *   - every entity and relation cited (`{paragraph, quote}`) to the file's own source.
 * The entities go in a first file of their own (`synthetic-s<seed>-00-entities.json`), then
 * relations, written as they are drawn, FILE_RELATIONS per file (`-01.json`, ...), so a
 * million relations never sit in memory as JSON and every file can be read by
 * `npm run import`, in the order given.
 *
 *   npm run bench:generate -- [--relations M] [--entities N] [--seed S] [--out DIR]
 */

/** Relations per file, the most one file of `npm run import` holds comfortably. */
export const FILE_RELATIONS = 100_000;
/** Hops between the two "distant" entities: as far as `paths` looks by default. */
const PATH_HOPS = 4;

export interface GenerateOptions {
  entities: number;
  relations: number;
  seed: number;
  outDir: string;
}

export interface GenerateResult {
  /** In import order: the first holds the entities. */
  files: string[];
  entities: number;
  relations: number;
  /** The highest-degree person and party. */
  hubs: { person: string; party: string };
  /** An entity with exactly one relation. */
  leaf: string;
  /** Two entities far apart: at least 4 hops, or in different components. */
  distant: [string, string];
}

/** The default number of entities for `relations` relations. */
export function defaultEntities(relations: number): number {
  return Math.max(20, Math.ceil(relations / 10));
}

// ---------------------------------------------------------------- randomness

type Rng = () => number;
const int = (rng: Rng, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
const round = (x: number, digits: number) => Number(x.toFixed(digits));

function weighted<T>(rng: Rng, items: ReadonlyArray<readonly [T, number]>): T {
  let total = 0;
  for (const [, w] of items) total += w;
  let x = rng() * total;
  for (const [item, w] of items) {
    x -= w;
    if (x < 0) return item;
  }
  return items[items.length - 1]![0];
}

/** Draws indexes 0..n-1 with weight 1/(rank+1)^alpha: index 0 is the biggest hub. */
class Zipf {
  private readonly cumulative: Float64Array;
  constructor(n: number, alpha: number) {
    this.cumulative = new Float64Array(n);
    let sum = 0;
    for (let r = 0; r < n; r += 1) {
      sum += 1 / (r + 1) ** alpha;
      this.cumulative[r] = sum;
    }
  }
  draw(rng: Rng): number {
    const c = this.cumulative;
    const x = rng() * c[c.length - 1]!;
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

// ---------------------------------------------------------------- vocabulary

const FIRST = [
  'Nursultan',
  'Aigerim',
  'Bolat',
  'Dana',
  'Yerlan',
  'Gulnara',
  'Serik',
  'Asel',
  'Miklós',
  'João',
  'Anna',
  'Pavel',
  'Irina',
  'Timur',
  'Zhanna',
  'Marat',
  'Elena',
  'Dmitri',
  'Saule',
  'Kairat',
  'Olga',
  'Ruslan',
  'Maria',
  'Arman',
  'Ainur',
  'Viktor',
  'Léa',
  'Jan',
  'Sofia',
  'Ahmet',
];
const LAST = [
  'Abenov',
  'Tokayeva',
  'Seitkali',
  'Haraszti',
  'Soares',
  'Petrov',
  'Nurlanova',
  'Kassymov',
  'Omarova',
  'Ivanenko',
  'Baimukhan',
  'Zhaksybek',
  'Suleimenov',
  'Dosmagambet',
  'Kowalski',
  'Müller',
  'Sarsenbayev',
  'Utemisov',
  'Akhmetova',
  'Beisenov',
  'Novak',
  'Rakhimov',
  'Yessimova',
  'Orazbayev',
  'Dubois',
  'Kuanysh',
  'Tulegenov',
  'Sagyndyk',
  'Mukhamedzhan',
  'Lindqvist',
];
const SYLLABLES = ['ka', 'za', 'ra', 'tau', 'bek', 'su', 'lan', 'mir', 'or', 'dal', 'ne', 'ost', 'vi', 'ya', 'gor', 'tal', 'shy', 'kent', 'abad', 'ol'];
const PARTY_ADJ = ['Democratic', 'People’s', 'Social', 'National', 'Green', 'Liberal', 'Agrarian', 'Communist', 'Patriotic', 'Civic', 'Progressive', 'United'];
const PARTY_NOUN = ['Party', 'Union', 'Alliance', 'Front', 'Movement', 'Congress', 'Bloc'];
const ORIENTATIONS = ['ruling', 'pro-business', 'social democratic', 'communist', 'nationalist', 'liberal', 'green', 'agrarian', 'opposition', 'centrist'];
const TITLES = [
  'Member of Parliament',
  'Minister of Finance',
  'Party chair',
  'Governor',
  'Mayor',
  'Opposition leader',
  'Journalist',
  'Human rights activist',
  'Election observer',
  'Ambassador',
  'Deputy speaker',
  'Trade union leader',
];
const ROLES = ['chair', 'co-leader', 'president', 'general secretary', 'head', 'founder', 'deputy chair'];
const STATEMENTS = [
  'unprecedented in terms of transparency',
  'carte blanche',
  'the vote was neither free nor fair',
  'a step towards democracy',
  'we will not accept these results',
  'the people have spoken',
  'a tightly controlled election',
  'our doors remain open to dialogue',
  'this is a provocation',
  'the process lacked genuine competition',
];
const NOTES = ['figure disputed by the opposition', 'preliminary count', 'as reported, not independently verified', 'seats by party list'];
const ORG_PATTERNS: Record<string, (n: string) => string> = {
  INTERNATIONAL_ORGANIZATION: (n) => `${n} Cooperation Council`,
  OBSERVER_MISSION: (n) => `${n} Election Observation Mission`,
  NEWS_OUTLET: (n) => `${n} Daily`,
  LEGISLATURE: (n) => `Parliament of ${n}`,
  CIVIL_SOCIETY: (n) => `${n} Civil Rights Foundation`,
};
const EVENT_NAMES: Record<string, (place: string, year: string) => string> = {
  ELECTION: (p, y) => `${p} parliamentary election, ${y}`,
  PROTEST: (p, y) => `Protest in ${p}, ${y}`,
  RALLY: (p, y) => `Rally in ${p}, ${y}`,
  STATEMENT: (p, y) => `Statement on ${p}, ${y}`,
  STATE_OF_EMERGENCY: (p, y) => `State of emergency in ${p}, ${y}`,
};

/** Kinds in plausible proportions; PERSON takes the rest. */
const KIND_SHARES: Readonly<Record<string, number>> = { PARTY: 0.04, ORGANIZATION: 0.14, EVENT: 0.17, PLACE: 0.1 };
/** Sub-kinds, each entity's draw among its kind's attribute values. */
const SUB_SHARES: Readonly<Record<string, ReadonlyArray<readonly [string, number]>>> = {
  EVENT: [
    ['ELECTION', 40],
    ['PROTEST', 20],
    ['RALLY', 15],
    ['STATEMENT', 20],
    ['STATE_OF_EMERGENCY', 5],
  ],
  ORGANIZATION: [
    ['NEWS_OUTLET', 35],
    ['CIVIL_SOCIETY', 25],
    ['OBSERVER_MISSION', 15],
    ['INTERNATIONAL_ORGANIZATION', 15],
    ['LEGISLATURE', 10],
  ],
  PLACE: [
    ['CITY', 60],
    ['REGION', 30],
    ['COUNTRY', 10],
  ],
};
const SUB_ATTRIBUTE: Readonly<Record<string, string>> = { EVENT: 'eventType', ORGANIZATION: 'category', PLACE: 'placeType' };

/** How often each relation type occurs; a type the ontology adds later gets 2. */
const TYPE_WEIGHTS: Readonly<Record<string, number>> = {
  SUPPORTS: 14,
  REPORTED: 8,
  CONTESTED: 8,
  TOOK_PLACE_IN: 6,
  LEADS: 5,
  OBSERVED: 4,
  ORGANIZES: 5,
  ISSUED: 5,
  WON_VOTES_IN: 4,
  WON_SEATS_IN: 3,
  PART_OF: 3,
  LOCATED_IN: 3,
  CONCERNS: 3,
  CITES: 3,
  COINCIDED_WITH: 2,
  REJECTED_RESULTS_OF: 2,
  HELD_SEATS_IN: 2,
  DISQUALIFIED_FROM: 1,
  BARRED_FROM: 1,
  ELECTED_MEMBERS_OF: 1,
};
/** Sub-pools each end prefers when it is of that kind (`KIND:sub`), one drawn at random. */
const PREFER: Readonly<Record<string, { from?: readonly string[]; to?: readonly string[] }>> = {
  CONTESTED: { to: ['EVENT:ELECTION'] },
  WON_SEATS_IN: { to: ['EVENT:ELECTION'] },
  WON_VOTES_IN: { to: ['EVENT:ELECTION', 'PLACE:REGION', 'PLACE:CITY'] },
  DISQUALIFIED_FROM: { to: ['EVENT:ELECTION'] },
  BARRED_FROM: { to: ['EVENT:ELECTION'] },
  REJECTED_RESULTS_OF: { to: ['EVENT:ELECTION'] },
  OBSERVED: { from: ['ORGANIZATION:OBSERVER_MISSION'], to: ['EVENT:ELECTION'] },
  ORGANIZES: { to: ['EVENT:PROTEST', 'EVENT:RALLY'] },
  ISSUED: { to: ['EVENT:STATEMENT'] },
  CONCERNS: { from: ['EVENT:STATEMENT'] },
  REPORTED: { from: ['ORGANIZATION:NEWS_OUTLET'] },
  CITES: { from: ['ORGANIZATION:NEWS_OUTLET'], to: ['ORGANIZATION:NEWS_OUTLET'] },
  ELECTED_MEMBERS_OF: { from: ['EVENT:ELECTION'], to: ['ORGANIZATION:LEGISLATURE'] },
  HELD_SEATS_IN: { to: ['ORGANIZATION:LEGISLATURE'] },
  LOCATED_IN: { from: ['PLACE:CITY', 'PLACE:REGION'], to: ['PLACE:REGION', 'PLACE:COUNTRY'] },
  LEADS: { to: ['PLACE:COUNTRY'] },
  TOOK_PLACE_IN: { to: ['PLACE:CITY', 'PLACE:REGION'] },
  PART_OF: { to: ['ORGANIZATION:INTERNATIONAL_ORGANIZATION', 'ORGANIZATION:LEGISLATURE'] },
};
/** Types that usually last a while: `start` (and often `end`) instead of `date`. */
const SPANNING = new Set(['LEADS', 'PART_OF', 'HELD_SEATS_IN', 'SUPPORTS']);
/** Types whose date is the event's they end at. */
const AT_EVENT = new Set([
  'CONTESTED',
  'WON_SEATS_IN',
  'WON_VOTES_IN',
  'DISQUALIFIED_FROM',
  'BARRED_FROM',
  'OBSERVED',
  'REJECTED_RESULTS_OF',
  'ORGANIZES',
  'ISSUED',
  'REPORTED',
  'ELECTED_MEMBERS_OF',
]);

// ---------------------------------------------------------------- dates

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A date in 1990..2024 as a year (15%), month (25%) or day (60%). */
function partialDate(rng: Rng, fromYear = 1990, toYear = 2024): string {
  const y = int(rng, fromYear, toYear);
  const p = rng();
  if (p < 0.15) return String(y);
  const m = int(rng, 1, 12);
  if (p < 0.4) return `${y}-${pad(m)}`;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${y}-${pad(m)}-${pad(int(rng, 1, days))}`;
}

// ---------------------------------------------------------------- entities

interface Entity {
  id: string;
  kind: string;
  /** EVENT eventType, ORGANIZATION category, PLACE placeType. */
  sub: string | null;
  name: string;
  /** EVENT date, for the relations dated by their event. */
  date: string | null;
  json: Record<string, unknown>;
}

function kindCounts(ontology: Ontology, total: number): Map<string, number> {
  const counts = new Map<string, number>();
  let assigned = 0;
  for (const kind of ontology.kinds) {
    if (kind === 'PERSON') continue;
    const n = Math.max(1, Math.floor(total * (KIND_SHARES[kind] ?? 0.05)));
    counts.set(kind, n);
    assigned += n;
  }
  if (ontology.kinds.includes('PERSON')) counts.set('PERSON', Math.max(1, total - assigned));
  return counts;
}

/** Attribute specs of a kind by name, so only fields the ontology has are written. */
function specsOf(ontology: Ontology, kind: string): Map<string, AttributeSpec> {
  return new Map((ontology.entityTypes.find((t) => t.kind === kind)?.attributes ?? []).map((a) => [a.name, a]));
}

function within(spec: AttributeSpec | undefined, value: number): boolean {
  return !spec?.range || (value >= spec.range.min && value <= spec.range.max);
}

function placeName(rng: Rng): string {
  const n = int(rng, 2, 3);
  let s = '';
  for (let i = 0; i < n; i += 1) s += pick(rng, SYLLABLES);
  return s[0]!.toUpperCase() + s.slice(1);
}

function makeEntities(ontology: Ontology, rng: Rng, total: number, cite: () => Record<string, unknown>[]): Entity[] {
  const counts = kindCounts(ontology, total);
  const countries: string[] = [];
  for (let i = 0; i < 40; i += 1) countries.push(placeName(rng));
  const entities: Entity[] = [];
  // Kinds in a fixed order; within a kind, index 0 is the hub (Zipf rank 1).
  for (const kind of ontology.kinds) {
    const specs = specsOf(ontology, kind);
    const subAttr = SUB_ATTRIBUTE[kind];
    const subSpec = subAttr ? specs.get(subAttr) : undefined;
    const subChoices = (SUB_SHARES[kind] ?? []).filter(([v]) => subSpec?.enumValues?.includes(v));
    const n = counts.get(kind) ?? 0;
    const prefix = kind.toLowerCase();
    for (let i = 0; i < n; i += 1) {
      const id = `syn-${prefix}-${pad(i + 1, 6)}`;
      const country = countries[i % countries.length]!;
      // The hub of a kind gets the sub-kind that makes it a plausible hub.
      let sub: string | null = subChoices.length > 0 ? weighted(rng, subChoices) : null;
      if (i === 0 && kind === 'EVENT' && subChoices.some(([v]) => v === 'ELECTION')) sub = 'ELECTION';
      if (i === 0 && kind === 'PLACE' && subChoices.some(([v]) => v === 'COUNTRY')) sub = 'COUNTRY';
      const json: Record<string, unknown> = { id, kind };
      const set = (name: string, value: unknown) => {
        if (specs.has(name)) json[name] = value;
      };
      let name: string;
      let aliases: string[] = [];
      let date: string | null = null;
      switch (kind) {
        case 'PERSON': {
          const first = pick(rng, FIRST);
          const last = pick(rng, LAST);
          name = `${first} ${last}`;
          // Surname, "Last, First" (a comma inside a list element) and a transliteration variant.
          const a = rng();
          if (a < 0.5) aliases = [last];
          if (a < 0.25) aliases.push(`${last}, ${first}`);
          if (a < 0.1) aliases.push(`${first} ${last.replace(/yev\b/, 'ev').replace(/zh/g, 'j')} (${i + 1})`);
          set('title', i === 0 ? `President of ${countries[0]}` : i === 1 ? `Prime Minister of ${countries[0]}` : rng() < 0.6 ? pick(rng, TITLES) : undefined);
          break;
        }
        case 'PARTY': {
          name = `${pick(rng, PARTY_ADJ)} ${pick(rng, PARTY_NOUN)} of ${country}`;
          const abbreviation = name
            .split(/\s+/)
            .filter((w) => w !== 'of')
            .map((w) => w[0]!.toUpperCase())
            .join('');
          set('abbreviation', abbreviation);
          set('orientation', i === 0 ? 'ruling' : rng() < 0.8 ? pick(rng, ORIENTATIONS.slice(1)) : undefined);
          if (specs.has('abbreviation')) aliases = [abbreviation];
          break;
        }
        case 'ORGANIZATION': {
          const pattern = (sub && ORG_PATTERNS[sub]) || ((x: string) => `${x} Council`);
          name = pattern(i < countries.length ? country : `${country} ${placeName(rng)}`);
          if (sub) set('category', sub);
          if (rng() < 0.4) set('abbreviation', name.replace(/[^A-Z]/g, '') || undefined);
          break;
        }
        case 'EVENT': {
          date = rng() < 0.95 ? partialDate(rng) : null;
          const label = (sub && EVENT_NAMES[sub]) || ((p: string, y: string) => `Event in ${p}, ${y}`);
          name = label(country, date ?? 'undated');
          if (sub) set('eventType', sub);
          set('date', date ?? undefined);
          if (sub === 'ELECTION') {
            const turnout = round(30 + rng() * 65, 1);
            if (within(specs.get('turnout'), turnout)) set('turnout', turnout);
            const threshold = pick(rng, [3, 4, 5, 7, 10]);
            if (within(specs.get('threshold'), threshold)) set('threshold', threshold);
            const running = int(rng, 2, 30);
            if (within(specs.get('partiesRunning'), running)) set('partiesRunning', running);
          }
          break;
        }
        case 'PLACE': {
          name = i < countries.length && sub === 'COUNTRY' ? country : `${placeName(rng)}${sub === 'REGION' ? ' Region' : ''}`;
          if (sub) set('placeType', sub);
          break;
        }
        default:
          name = `${kind.toLowerCase()} ${i + 1}`;
      }
      json.name = name;
      if (aliases.length > 0) json.aliases = aliases;
      if (rng() < 0.3) json.description = `Synthetic ${kind.toLowerCase()} “${name}”, generated for benchmarks.`;
      json.sources = cite();
      // Field order is fixed by insertion above; undefined values are dropped by JSON.stringify.
      entities.push({ id, kind, sub, name, date, json });
    }
  }
  return entities;
}

// ---------------------------------------------------------------- relations

interface Pool {
  /** Global entity indexes, hub first. */
  members: number[];
  zipf: Zipf | null;
}

function buildPools(entities: readonly Entity[]): Map<string, Pool> {
  const pools = new Map<string, Pool>();
  const add = (key: string, index: number) => {
    const pool = pools.get(key);
    if (pool) pool.members.push(index);
    else pools.set(key, { members: [index], zipf: null });
  };
  entities.forEach((e, i) => {
    add(e.kind, i);
    if (e.sub) add(`${e.kind}:${e.sub}`, i);
  });
  for (const [key, pool] of pools) {
    // People have the longest tail (many leaves); other kinds are more evenly used.
    pool.zipf = new Zipf(pool.members.length, key === 'PERSON' ? 1.05 : 0.9);
  }
  return pools;
}

interface TypePlan {
  name: string;
  weight: number;
  /** Every allowed (fromKind, toKind) pair that has entities, weighted by the kinds' sizes. */
  pairs: Array<readonly [readonly [string, string], number]>;
}

function planTypes(ontology: Ontology, pools: ReadonlyMap<string, Pool>): TypePlan[] {
  const plans: TypePlan[] = [];
  for (const type of ontology.relationTypes) {
    const pairs: Array<readonly [readonly [string, string], number]> = [];
    const seen = new Set<string>();
    for (const rule of type.joins) {
      for (const from of rule.from) {
        for (const to of rule.to) {
          const key = `${from}>${to}`;
          if (seen.has(key) || !ontology.allows(type.name, from, to)) continue;
          seen.add(key);
          const a = pools.get(from)?.members.length ?? 0;
          const b = pools.get(to)?.members.length ?? 0;
          // A pair of one entity of the same kind would be a loop only.
          if (a === 0 || b === 0 || (from === to && a < 2)) continue;
          pairs.push([[from, to], Math.sqrt(a * b)]);
        }
      }
    }
    if (pairs.length > 0) plans.push({ name: type.name, weight: TYPE_WEIGHTS[type.name] ?? 2, pairs });
  }
  if (plans.length === 0) throw new Error('generate: no relation type can join the generated kinds');
  return plans;
}

function drawEnd(rng: Rng, pools: ReadonlyMap<string, Pool>, kind: string, prefer: readonly string[] | undefined): number {
  let pool = pools.get(kind)!;
  if (prefer) {
    const choices = prefer.filter((p) => p.startsWith(`${kind}:`) && pools.has(p));
    if (choices.length > 0) pool = pools.get(pick(rng, choices))!;
  }
  return pool.members[pool.zipf!.draw(rng)]!;
}

// ---------------------------------------------------------------- output

class JsonFile {
  private readonly fd: number;
  private buffer: string[] = [];
  private size = 0;
  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }
  write(text: string): void {
    this.buffer.push(text);
    this.size += text.length;
    if (this.size > 1 << 20) this.flush();
  }
  flush(): void {
    if (this.buffer.length > 0) writeSync(this.fd, this.buffer.join(''));
    this.buffer = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

// ---------------------------------------------------------------- graph measures

/** Undirected adjacency in compressed rows. */
function adjacency(n: number, from: Int32Array, to: Int32Array): { offsets: Int32Array; targets: Int32Array } {
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < from.length; i += 1) {
    offsets[from[i]! + 1]! += 1;
    offsets[to[i]! + 1]! += 1;
  }
  for (let i = 0; i < n; i += 1) offsets[i + 1]! += offsets[i]!;
  const fill = offsets.slice(0, n);
  const targets = new Int32Array(from.length * 2);
  for (let i = 0; i < from.length; i += 1) {
    targets[fill[from[i]!]!++] = to[i]!;
    targets[fill[to[i]!]!++] = from[i]!;
  }
  return { offsets, targets };
}

/** Hop distances from `start` (-1: unreachable). */
function bfs(adj: { offsets: Int32Array; targets: Int32Array }, n: number, start: number): Int32Array {
  const dist = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  dist[start] = 0;
  queue[tail++] = start;
  while (head < tail) {
    const v = queue[head++]!;
    for (let k = adj.offsets[v]!; k < adj.offsets[v + 1]!; k += 1) {
      const w = adj.targets[k]!;
      if (dist[w] === -1) {
        dist[w] = dist[v]! + 1;
        queue[tail++] = w;
      }
    }
  }
  return dist;
}

function farthest(dist: Int32Array): number {
  let best = 0;
  for (let i = 1; i < dist.length; i += 1) if (dist[i]! > dist[best]!) best = i;
  return best;
}

// ---------------------------------------------------------------- generate

export async function generate(opts: GenerateOptions): Promise<GenerateResult> {
  const { relations, seed } = opts;
  const total = opts.entities;
  if (!Number.isSafeInteger(relations) || relations < 0) throw new Error('generate: relations must be a whole number of 0 or more');
  if (!Number.isSafeInteger(total) || total < 10) throw new Error('generate: entities must be a whole number of 10 or more');
  if (!Number.isSafeInteger(seed)) throw new Error('generate: seed must be a whole number');
  const ontology = loadOntology();
  const relationFields = new Set(ontology.relationAttributes.map((a) => a.name));
  const relationSpecs = new Map(ontology.relationAttributes.map((a) => [a.name, a]));
  const claimable = ontology.relationRefs.includes('claimedBy');
  const rng = seededRandom(seed);
  const cite = (quote?: string): Record<string, unknown>[] => {
    const c: Record<string, unknown> = { paragraph: int(rng, 1, 60) };
    if (rng() < 0.3) c.sentence = int(rng, 1, 5);
    c.quote = quote ?? pick(rng, STATEMENTS);
    return [c];
  };

  const entities = makeEntities(ontology, rng, total, () => cite('synthetic mention'));
  const pools = buildPools(entities);
  const plans = planTypes(ontology, pools);
  const typeChoices = plans.map((p) => [p, p.weight] as const);
  const persons = pools.get('PERSON');

  mkdirSync(opts.outDir, { recursive: true });
  const parts = Math.max(1, Math.ceil(relations / FILE_RELATIONS));
  const width = Math.max(2, String(parts).length);
  const files: string[] = [];
  const from = new Int32Array(relations);
  const to = new Int32Array(relations);

  const sourceOf = (part: number, label: string) => ({
    id: `synthetic-s${seed}-${label}`,
    title: `Synthetic political news digest (seed ${seed}): ${label === 'entities' ? 'the actors' : `relations, part ${label} of ${parts}`}`,
    publisher: 'Synthetic Wire',
    published: `2024-${pad((part % 12) + 1)}-${pad((part % 28) + 1)}`,
  });
  // The entities in a file of their own, first: `Graph.load` writes a file in chunks of
  // entities and relations side by side, so a relation in an early chunk must not need an
  // entity of a later one.
  const entityFile = resolve(join(opts.outDir, `synthetic-s${seed}-${pad(0, width)}-entities.json`));
  files.push(entityFile);
  const head = new JsonFile(entityFile);
  head.write(`{"source":${JSON.stringify(sourceOf(0, 'entities'))},\n"entities":[`);
  entities.forEach((e, i) => head.write(`${i === 0 ? '\n' : ',\n'}${JSON.stringify(e.json)}`));
  head.write('\n]}\n');
  head.close();

  let r = 0;
  for (let part = 0; part < parts && relations > 0; part += 1) {
    const label = pad(part + 1, width);
    const path = resolve(join(opts.outDir, `synthetic-s${seed}-${label}.json`));
    files.push(path);
    const out = new JsonFile(path);
    out.write(`{"source":${JSON.stringify(sourceOf(part + 1, label))},\n"relations":[`);
    const end = Math.min(relations, (part + 1) * FILE_RELATIONS);
    for (let first = true; r < end; r += 1, first = false) {
      const plan = weighted(rng, typeChoices);
      const [fromKind, toKind] = weighted(rng, plan.pairs);
      const prefer = PREFER[plan.name];
      const a = drawEnd(rng, pools, fromKind, prefer?.from);
      let b = drawEnd(rng, pools, toKind, prefer?.to);
      // No loops: redraw, then fall back to the neighbour in the pool.
      for (let tries = 0; b === a && tries < 8; tries += 1) b = drawEnd(rng, pools, toKind, prefer?.to);
      if (b === a) {
        const members = pools.get(toKind)!.members;
        b = members[(members.indexOf(a) + 1) % members.length]!;
      }
      from[r] = a;
      to[r] = b;
      const ea = entities[a]!;
      const eb = entities[b]!;
      const rel: Record<string, unknown> = { id: `syn-rel-${pad(r + 1, 7)}`, type: plan.name, from: ea.id, to: eb.id };
      const set = (name: string, value: unknown) => {
        if (relationFields.has(name) && value !== undefined) rel[name] = value;
      };
      const d = rng();
      if (AT_EVENT.has(plan.name) && eb.date) set('date', eb.date);
      else if (SPANNING.has(plan.name) && d < 0.7) {
        const startYear = int(rng, 1990, 2022);
        set('start', String(startYear));
        if (rng() < 0.5) set('end', String(Math.min(2024, startYear + int(rng, 1, 12))));
      } else if (d < 0.85) set('date', partialDate(rng));
      if (plan.name === 'LEADS') set('role', pick(rng, ROLES));
      if (plan.name === 'WON_SEATS_IN' || plan.name === 'WON_VOTES_IN') {
        // A few big shares (ruling parties), most small.
        const share = round(Math.min(100, 100 * rng() ** 2.5), 1);
        if (within(relationSpecs.get('voteShare'), share)) set('voteShare', share);
      }
      const quote: string | undefined = undefined;
      if (claimable && persons && plan.name === 'WON_VOTES_IN' && rng() < 0.05) {
        rel.claimedBy = entities[persons.members[persons.zipf!.draw(rng)]!]!.id;
        if (relationFields.has('basis')) rel.basis = 'CLAIMED';
      }
      if (rng() < 0.03) set('note', pick(rng, NOTES));
      if (rng() < 0.1) {
        const confidence = round(0.5 + rng() * 0.5, 2);
        if (within(relationSpecs.get('confidence'), confidence)) set('confidence', confidence);
      }
      rel.sources = cite(quote ?? `${ea.name} ${plan.name.toLowerCase().replace(/_/g, ' ')} ${eb.name}`.slice(0, 300));
      out.write(`${first ? '\n' : ',\n'}${JSON.stringify(rel)}`);
    }
    out.write('\n]}\n');
    out.close();
  }

  // Degrees, hubs, a leaf and a far pair, from the edges drawn.
  const n = entities.length;
  const degree = new Int32Array(n);
  for (let i = 0; i < relations; i += 1) {
    degree[from[i]!]! += 1;
    degree[to[i]!]! += 1;
  }
  const top = (kind: string) => {
    let best = -1;
    entities.forEach((e, i) => {
      if (e.kind === kind && (best === -1 || degree[i]! > degree[best]!)) best = i;
    });
    return best;
  };
  const hubPerson = top('PERSON');
  const hubParty = top('PARTY');
  let leaf = degree.indexOf(1);
  if (leaf === -1) {
    // No entity of degree 1: the least connected one that has relations.
    leaf = 0;
    for (let i = 0; i < n; i += 1) if (degree[i]! > 0 && (degree[leaf] === 0 || degree[i]! < degree[leaf]!)) leaf = i;
  }
  const adj = adjacency(n, from, to);
  // Double sweep from the hub: the farthest entity, then the farthest from it.
  const fromHub = bfs(adj, n, hubPerson);
  const u = farthest(fromHub);
  const fromU = bfs(adj, n, u);
  const v = farthest(fromU);
  // As far from u as `paths` reaches by default (4 hops), preferring actors: far apart,
  // yet with paths to find; the farthest pair is often beyond any path query's reach.
  const reach = Math.min(PATH_HOPS, fromU[v]!);
  const actor = (i: number) => ['PERSON', 'PARTY', 'ORGANIZATION'].includes(entities[i]!.kind);
  const atReach = (i: number) => fromU[i] === reach;
  const w = [...fromU.keys()].find((i) => atReach(i) && actor(i)) ?? [...fromU.keys()].find(atReach) ?? v;
  const distant: [number, number] = [u, w];
  return {
    files,
    entities: n,
    relations,
    hubs: { person: entities[hubPerson]?.id ?? '', party: entities[hubParty]?.id ?? '' },
    leaf: entities[leaf]!.id,
    distant: [entities[distant[0]]!.id, entities[distant[1]]!.id],
  };
}

/** The same as `generate`, under the name the bench harness may look for. */

// ---------------------------------------------------------------- CLI

function wholeNumber(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got ${text}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      relations: { type: 'string' },
      entities: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const relations = wholeNumber('relations', values.relations, 10_000);
  const entities = wholeNumber('entities', values.entities, defaultEntities(relations));
  const seed = wholeNumber('seed', values.seed, 1);
  const outDir = resolve(values.out ?? join(tmpdir(), `pag-synthetic-s${seed}-r${relations}`));
  const started = performance.now();
  const result = await generate({ entities, relations, seed, outDir });
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ ...result, seconds: Number(seconds.toFixed(2)) }, null, 2));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
