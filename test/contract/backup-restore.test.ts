import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, restoreBackup } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { importFiles } from '../../src/writes/sources/import-files.js';
import { loadSeeds } from '../../src/writes/sources/seed-folder.js';
import { BackupError } from '../../src/journal/backup-error.js';
import { unpackBackup, writeBackup } from '../../src/journal/backup.js';
import { openJournaledEmbedded } from '../../src/journal/open-journaled.js';
import { loadOntology } from '../../src/ontology/ontology.js';
import { projectRoot } from '../../src/paths.js';
import { Graph } from '../../src/writes/graph.js';
import type { RelationRecord } from '../../src/store/records.js';
import { neo4jSettings } from '../support/backends.js';
import { describeEachBackend } from '../support/contract.js';

/**
 * `npm run backup` and `npm run restore`, round trip: a graph made by every kind of write
 * (seed file, import, upserts, relations, a retraction, a merge moving many relations, a
 * source) is backed up from the embedded store's journal and restored into each backend,
 * which must then hold the same graph and the same audit log, entry for entry.
 */

const ontology = loadOntology();
const SOURCE = 'asia-plus-2012-01-17-kazakhstan-election';
const cite = (quote: string) => [{ sourceId: SOURCE, paragraph: 1, sentence: null, quote }];

/** Everything a user can read back, in a fixed order, as one comparable value. */
async function snapshot(store: Graph): Promise<unknown> {
  const entities = [];
  for (let after: string | null = null; ;) {
    const page = await store.listEntities({ kinds: null, after, limit: 500 });
    entities.push(...page);
    if (page.length < 500) break;
    after = page.at(-1)!.id;
  }
  const relations = [];
  for (let after: string | null = null; ;) {
    const page: RelationRecord[] = (await store.listRelations({ types: null, from: null, to: null, after, limit: 500, includeRetracted: true })).relations;
    relations.push(...page);
    if (page.length < 500) break;
    after = page.at(-1)!.id;
  }
  const changes = await store.changes({ since: null, entity: null, after: null, limit: 10_000 });
  const sources = (await store.listSources()).sort((a, b) => a.id.localeCompare(b.id));
  const claims = await store.listClaims({ speaker: null, about: null, after: null, limit: 100 });
  const merged = await store.getEntities(['bk-dup']);
  const fingerprints = await Promise.all(['seed:asia-plus-2012-01-17-kazakhstan-election.yaml', 'import:edges.csv'].map((k) => store.loadedFingerprint(k)));
  return JSON.parse(JSON.stringify({ entities, relations, claims, changes, sources, merged, fingerprints }));
}

let work: string;
let backupFile: string;
let original: unknown;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pag-backup-'));
  const dataDir = join(work, 'data');
  const store = await openJournaledEmbedded({ dataDir, ontology });
  try {
    await loadSeeds(store, ontology, join(projectRoot, 'seeds'));
    const csv = join(work, 'edges.csv');
    writeFileSync(csv, `type,from,to,citation.source,citation.paragraph,citation.quote\nSUPPORTS,nur-otan,bolat-abilov,${SOURCE},2,imported\n`);
    await importFiles(store, ontology, [csv]);
    const party = (id: string, name: string) => ({ id, kind: 'PARTY', name, aliases: [], description: null, sources: cite(name), attributes: {} });
    await store.upsertEntity(party('bk-keep', 'Keep Party'), 'alice');
    await store.upsertEntity(party('bk-dup', 'Dup Party'), 'alice');
    for (let i = 0; i < 6; i += 1) {
      await store.addRelation(
        { id: `bk-rel-${i}`, type: 'SUPPORTS', from: 'bolat-abilov', to: i % 2 ? 'bk-dup' : 'bk-keep', sources: cite(`rel ${i}`), refs: {}, attributes: {}, addedBy: 'alice' },
        'alice',
      );
    }
    await store.retractRelation('bk-rel-0', 'a mistake', 'root');
    // A claim by the duplicate (moved to the survivor by the merge) that disputes a seed claim.
    await store.addClaim(
      {
        id: 'bk-claim',
        speaker: 'bk-dup',
        date: '2012-01',
        about: ['election-2012-01-15-mazhilis'],
        quote: 'it was rigged',
        summary: null,
        stance: 'NEGATIVE',
        asserts: [],
        disputes: [],
        sources: cite('rigged'),
        addedBy: 'alice',
      },
      'alice',
    );
    await store.disputeClaim('claim-nazarbayev-election-unprecedented', 'bk-claim', 'alice');
    await store.mergeEntities('bk-keep', 'bk-dup', 'root');
    await store.addSource({ id: 'bk-source', title: 'Another report', publisher: 'Someone', published: '2012-01', via: null, url: 'https://example.org/r' }, 'alice');
    original = await snapshot(store);
  } finally {
    await store.close();
  }
  backupFile = join(work, 'graph.backup');
  await writeBackup(dataDir, backupFile);
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

function configFor(dataDir: string, neo4j: Config['neo4j']): Config {
  return { ...loadConfig({}), dataDir, neo4j };
}

describeEachBackend('a backup restored', (backend) => {
  it('holds the same graph and the same audit log, entry for entry', async () => {
    const dataDir = join(work, `restored-${backend.name}`);
    const config = configFor(dataDir, backend.name === 'neo4j' ? neo4jSettings : null);
    if (backend.name === 'neo4j') {
      // An empty Neo4j database: the backend's own open empties it.
      const { store, dispose } = await backend.open(ontology);
      void store;
      await dispose();
    }
    const { writes } = await restoreBackup(backupFile, config, ontology);
    expect(writes).toBeGreaterThanOrEqual(13);
    const store = await openStore(config, ontology);
    try {
      const restored = await snapshot(store);
      expect(restored).toEqual(original);
      // Claims came back: the seed's, and one added, disputing a seed claim, moved by the merge.
      const [added] = await store.getClaims(['bk-claim']);
      expect(added).toMatchObject({ speaker: 'bk-keep', disputes: ['claim-nazarbayev-election-unprecedented'], addedBy: 'alice' });
      expect((await store.claimsDisputing(['claim-nazarbayev-election-unprecedented'])).map((c) => c.id)).toEqual([
        'bk-claim',
        'claim-haraszti-tightly-controlled',
        'claim-osce-mission-not-democratic',
        'claim-osdp-election-rigged',
      ]);
      expect((await store.listClaims({ speaker: null, about: null, after: null, limit: 100 })).length).toBeGreaterThan(9);
    } finally {
      await store.close();
    }
  }, 120_000);
});

describe('backup and restore refusals (embedded)', () => {
  it('refuses to restore into a DATA_DIR that holds a database, and writes nothing', async () => {
    const config = configFor(join(work, 'data'), null);
    const before = readFileSync(join(work, 'data', 'journal', 'journal.jsonl'));
    await expect(restoreBackup(backupFile, config, ontology)).rejects.toThrow(/already holds a database; restore into an empty DATA_DIR/);
    expect(readFileSync(join(work, 'data', 'journal', 'journal.jsonl'))).toEqual(before);
  });

  it('refuses a backup cut short, leaving no journal behind', async () => {
    const lines = readFileSync(backupFile, 'utf8').trimEnd().split('\n');
    const cut = join(work, 'cut.backup');
    writeFileSync(cut, `${lines.slice(0, -3).join('\n')}\n`);
    const dataDir = join(work, 'restored-cut');
    await expect(unpackBackup(cut, dataDir)).rejects.toThrow(BackupError);
    await expect(restoreBackup(cut, configFor(dataDir, null), ontology)).rejects.toThrow(/ends before its last line/);
    expect(existsSync(join(dataDir, 'journal'))).toBe(false);
    expect(existsSync(join(dataDir, 'graph.lbug'))).toBe(false);
  });

  it('refuses a file that is not a backup, naming its line', async () => {
    const other = join(work, 'other.json');
    writeFileSync(other, '{"entities": []}\n');
    await expect(unpackBackup(other, join(work, 'restored-other'))).rejects.toThrow(/other\.json:1: not a backup/);
  });

  it('refuses to back up a journal that began beside data it does not hold', async () => {
    const dataDir = join(work, 'old');
    // A database written without its journal, as a DATA_DIR from before the journal was.
    const { openEmbeddedStore } = await import('../../src/store/embedded/open.js');
    const plain = new Graph(await openEmbeddedStore({ dataDir, ontology }), ontology);
    await loadSeeds(plain, ontology, join(projectRoot, 'seeds'));
    await plain.close();
    const lines: string[] = [];
    const store = await openJournaledEmbedded({ dataDir, ontology, log: (l) => lines.push(l) });
    await store.close();
    expect(lines.join('\n')).toMatch(/journal begins now; writes made before it are only in the database/);
    await expect(writeBackup(dataDir, join(work, 'old.backup'))).rejects.toThrow(/began after data was already in the database/);
    expect(readdirSync(work)).not.toContain('old.backup');
  });

  it('refuses to overwrite a file or to write inside DATA_DIR', async () => {
    await expect(writeBackup(join(work, 'data'), backupFile)).rejects.toThrow(/already exists; name a new file/);
    await expect(writeBackup(join(work, 'data'), join(work, 'data', 'journal', 'journal.jsonl'))).rejects.toThrow(/already exists|inside DATA_DIR/);
    await expect(writeBackup(join(work, 'data'), join(work, 'data', 'copy.backup'))).rejects.toThrow(/is inside DATA_DIR/);
    await expect(writeBackup(join(work, 'data'), join(work, 'no-such-folder', 'x.backup'))).rejects.toThrow(/the folder .*no-such-folder does not exist/);
  });

  it('refuses a backup with a batch of data taken out', async () => {
    const lines = readFileSync(backupFile, 'utf8').trimEnd().split('\n');
    const firstBatch = lines.findIndex((l) => l.startsWith('{"batch"'));
    const gap = join(work, 'gap.backup');
    writeFileSync(gap, `${lines.filter((_, i) => i !== firstBatch).join('\n')}\n`);
    await expect(unpackBackup(gap, join(work, 'restored-gap'))).rejects.toThrow(/the end says \d+ batches of data, the file holds \d+/);
  });

  it('refuses a backup holding a write the graph refuses, and leaves the DATA_DIR empty to try again', async () => {
    const lines = readFileSync(backupFile, 'utf8').trimEnd().split('\n');
    const i = lines.findIndex((l) => l.includes('"op":"retractRelation"'));
    const entry = JSON.parse(lines[i]!) as { entry: { id: string } };
    entry.entry.id = 'no-such-relation';
    lines[i] = JSON.stringify(entry);
    const bad = join(work, 'refused.backup');
    writeFileSync(bad, `${lines.join('\n')}\n`);
    const dataDir = join(work, 'restored-refused');
    await expect(restoreBackup(bad, configFor(dataDir, null), ontology)).rejects.toThrow(
      /1 write\(s\) of .*refused.backup were refused, so it was not restored: .*no-such-relation/,
    );
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('marks a journaled write the store refuses void at open, so it is not tried again, and keeps a whole last entry that lacks its newline', async () => {
    const dataDir = join(work, 'voided');
    let store = await openJournaledEmbedded({ dataDir, ontology });
    await store.upsertEntity({ id: 'v-1', kind: 'PARTY', name: 'V One', aliases: [], description: null, sources: cite('V One'), attributes: {} }, 'alice');
    await store.close();
    const path = join(dataDir, 'journal', 'journal.jsonl');
    const bogus = {
      op: 'retractRelation',
      audit: { changeId: '2999-01-01T00:00:00.000Z-000001-deadbeef', actor: 'x', at: '2999-01-01T00:00:00.000Z' },
      id: 'nothing',
      reason: 'tampered',
    };
    appendFileSync(path, JSON.stringify(bogus));
    const lines: string[] = [];
    store = await openJournaledEmbedded({ dataDir, ontology, log: (l) => lines.push(l) });
    await store.close();
    expect(lines.join('\n')).toMatch(/1 journaled write\(s\) refused and marked void \(2999-01-01.*does not exist\)/);
    expect(lines.join('\n')).not.toMatch(/cut off by a crash/);
    const after: string[] = [];
    store = await openJournaledEmbedded({ dataDir, ontology, log: (l) => after.push(l) });
    await store.close();
    expect(after).toEqual([]);
    const ops = readFileSync(path, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as { op: string }).op);
    expect(ops).toEqual(['genesis', 'upsertEntity', 'retractRelation', 'void']);
  });
});
