import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOntology } from '../../src/ontology/ontology.js';
import { openEmbeddedStore } from '../../src/store/embedded/open.js';
import type { RelationRecord } from '../../src/store/graph-store.js';
import { seededRandom } from '../../src/network/seeded-random.js';
import { killProcess, startServerProcess } from '../support/server-process.js';

/**
 * `npx tsx test/soak/crash-soak.ts [--rounds N] [--seed S]`: many SIGKILLs of a server under
 * concurrent writers (upserts, relations, retractions, merges), every fifth round with its
 * database file broken as well, each followed by a restart and a check that every
 * acknowledged write is there exactly once and no relation hangs on a merged-away entity.
 * Too slow for `npm test` (which runs the same checks a few times, test/crash-safety.test.ts);
 * its figures go in closing notes. Prints one line a round and a summary; exits 1 on a failure.
 */

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const rounds = option('--rounds', 20);
const random = seededRandom(option('--seed', 7));
const KEY = 'soak-admin-key-0123456789';
const SOURCE = 'asia-plus-2012-01-17-kazakhstan-election';
const cite = (quote: string, long = false) =>
  long ? Array.from({ length: 12 }, (_, i) => ({ source: SOURCE, paragraph: i + 1, quote: `${quote} ${'q'.repeat(300)}` })) : [{ source: SOURCE, paragraph: 1, quote }];

const start = (dataDir: string) => startServerProcess(dataDir, { API_KEYS: `admin:soak:${KEY}` });
const kill = killProcess;

async function gql(url: string, query: string, variables: Record<string, unknown>): Promise<'acked' | 'refused' | 'lost'> {
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` }, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as { errors?: unknown };
    return res.status === 200 && !body.errors ? 'acked' : 'refused';
  } catch {
    return 'lost';
  }
}

const UPSERT = 'mutation ($input: EntityInput!) { upsertEntity(input: $input) { id } }';
const ADD = 'mutation ($input: RelationInput!) { addRelation(input: $input) { id } }';
const RETRACT = 'mutation ($id: ID!, $reason: String!) { retractRelation(id: $id, reason: $reason) { id } }';
const MERGE = 'mutation ($survivor: ID!, $duplicate: ID!) { mergeEntities(survivor: $survivor, duplicate: $duplicate) { id } }';

const ackedEntities = new Set<string>();
const ackedRelations = new Set<string>();
const ackedRetractions = new Set<string>();
const ackedMerges: Array<[string, string]> = [];
let counter = 0;

async function writer(url: string, stop: () => boolean): Promise<void> {
  while (!stop()) {
    const entities = [...ackedEntities];
    const roll = random();
    let outcome: 'acked' | 'refused' | 'lost';
    if (roll < 0.3 || entities.length < 4) {
      const id = `soak-e-${(counter += 1)}`;
      outcome = await gql(url, UPSERT, { input: { id, kind: 'PARTY', name: `Soak ${id}`, sources: cite(id) } });
      if (outcome === 'acked') ackedEntities.add(id);
    } else if (roll < 0.75) {
      const id = `soak-r-${(counter += 1)}`;
      const to = entities[Math.floor(random() * entities.length)]!;
      outcome = await gql(url, ADD, { input: { id, type: 'SUPPORTS', from: 'bolat-abilov', to, sources: cite(id, random() < 0.3) } });
      if (outcome === 'acked') ackedRelations.add(id);
    } else if (roll < 0.85 && ackedRelations.size > 0) {
      const open = [...ackedRelations].filter((r) => !ackedRetractions.has(r));
      const id = open[Math.floor(random() * open.length)];
      if (!id) continue;
      outcome = await gql(url, RETRACT, { id, reason: 'soak' });
      if (outcome === 'acked') ackedRetractions.add(id);
    } else {
      const [survivor, duplicate] = [entities[Math.floor(random() * entities.length)]!, entities[Math.floor(random() * entities.length)]!];
      if (survivor === duplicate) continue;
      outcome = await gql(url, MERGE, { survivor, duplicate });
      if (outcome === 'acked') {
        ackedMerges.push([survivor, duplicate]);
        ackedEntities.delete(duplicate);
      }
    }
    if (outcome === 'lost') return;
  }
}

async function check(dataDir: string): Promise<string[]> {
  const problems: string[] = [];
  const store = await openEmbeddedStore({ dataDir, ontology: loadOntology() });
  try {
    const relations = new Map<string, number>();
    for (let after: string | null = null; ;) {
      const page: RelationRecord[] = (await store.listRelations({ types: null, from: null, to: null, after, limit: 1000, includeRetracted: true })).relations;
      for (const r of page) relations.set(r.id, (relations.get(r.id) ?? 0) + 1);
      if (page.length < 1000) break;
      after = page.at(-1)!.id;
    }
    const adds = new Map<string, number>();
    for (let after: string | null = null; ;) {
      const page = await store.changes({ since: null, entity: null, after, limit: 1000 });
      for (const c of page) if (c.operation === 'ADD_RELATION' && c.relationId) adds.set(c.relationId, (adds.get(c.relationId) ?? 0) + 1);
      if (page.length < 1000) break;
      after = page.at(-1)!.id;
    }
    for (const id of ackedRelations) {
      if (relations.get(id) !== 1 || adds.get(id) !== 1) problems.push(`relation ${id}: ${relations.get(id) ?? 0} stored, ${adds.get(id) ?? 0} audit entries`);
    }
    for (const id of ackedRetractions) {
      if (!(await store.getRelation(id)).relations[0]?.retraction) problems.push(`retraction of ${id} missing`);
    }
    for (const [, duplicate] of ackedMerges) {
      const [e] = await store.getEntities([duplicate]);
      if (!e || e.id === duplicate) problems.push(`merge of ${duplicate} missing`);
      const hanging = (await store.relationsOf({ ids: [duplicate], types: null, direction: 'BOTH', includeRetracted: true })).relations.filter(
        (r) => r.from === duplicate || r.to === duplicate,
      );
      if (hanging.length > 0) problems.push(`${hanging.length} relation(s) on merged-away ${duplicate}`);
    }
    for (const id of ackedEntities) if ((await store.getEntities([id])).length === 0) problems.push(`entity ${id} missing`);
  } finally {
    await store.close();
  }
  return problems;
}

const dataDir = mkdtempSync(join(tmpdir(), 'pag-soak-'));
let kills = 0;
let restarts = 0;
let rebuilds = 0;
let failures = 0;
try {
  for (let round = 1; round <= rounds; round += 1) {
    const server = await start(dataDir);
    restarts += 1;
    if (server.output.some((l) => /rebuilt from the journal/.test(l))) rebuilds += 1;
    let stopped = false;
    const writers = [0, 1, 2, 3].map(() => writer(server.url, () => stopped));
    await new Promise((r) => setTimeout(r, 500 + random() * 2_500));
    await kill(server.child);
    kills += 1;
    stopped = true;
    await Promise.all(writers);
    if (round % 5 === 0) writeFileSync(join(dataDir, 'graph.lbug'), Buffer.alloc(65_536, 0x5a));
    // Started once more so the journal is replayed, then killed idle and inspected.
    const again = await start(dataDir);
    restarts += 1;
    if (again.output.some((l) => /rebuilt from the journal/.test(l))) rebuilds += 1;
    await kill(again.child);
    kills += 1;
    const problems = await check(dataDir);
    if (problems.length > 0) failures += 1;
    console.log(
      `round ${round}: ${ackedRelations.size} relations, ${ackedMerges.length} merges, ${ackedRetractions.size} retractions acknowledged so far; ${problems.length === 0 ? 'all there once' : problems.slice(0, 5).join('; ')}`,
    );
  }
} catch (err) {
  console.log(`failed; DATA_DIR kept at ${dataDir}`);
  throw err;
}
rmSync(dataDir, { recursive: true, force: true });
console.log(`${kills} kills (SIGKILL), ${restarts} starts, all clean; ${rebuilds} rebuilds from the journal; ${failures} rounds with a lost or doubled write`);
process.exit(failures > 0 ? 1 : 0);
