// LadybugDB alone, no server: one connection commits and checkpoints while another pages a
// node table. With CHECKPOINT the process dies with SIGSEGV within a few writes (0.19.1);
// with reads kept out of the checkpoint (`alone`), or with no CHECKPOINT, it does not.
// `node checkpoint-beside-read.mjs WRITES beside|alone|none` prints what ran and exits 0, or dies.
import lbug from '@ladybugdb/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const writes = Number(process.argv[2]);
const mode = process.argv[3];
const dir = mkdtempSync(join(tmpdir(), 'lbug-fault-'));
try {
  const db = new lbug.Database(join(dir, 'g.lbug'));
  const connect = async () => {
    const c = new lbug.Connection(db);
    await c.init();
    return c;
  };
  const writer = await connect();
  await writer.query('CREATE NODE TABLE Change(id STRING PRIMARY KEY, at STRING, body STRING)');
  await writer.query(`UNWIND range(1, 100) AS i CREATE (:Change {id: 'c' + string(1000 + i), at: '2026', body: 'x'})`);
  await writer.query('CHECKPOINT');
  let stop = false;
  let reads = 0;
  let running = 0;
  let paused = null;
  const reader = (async () => {
    const c = await connect();
    const page = await c.prepare('MATCH (c:Change) WHERE c.id > $after AND c.at >= $since RETURN c ORDER BY c.id LIMIT 51');
    while (!stop) {
      while (paused) await paused;
      running += 1;
      const r = await c.execute(page, { after: '', since: '2012' });
      await r.getAll();
      r.close();
      running -= 1;
      reads += 1;
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  const create = await writer.prepare('CREATE (c:Change {id: $id, at: $at, body: $body})');
  for (let i = 0; i < writes; i += 1) {
    await writer.query('BEGIN TRANSACTION');
    await writer.execute(create, { id: `w${i}`, at: '2026', body: 'y'.repeat(200) });
    await writer.query('COMMIT');
    if (mode === 'none') continue;
    let resume = () => undefined;
    if (mode === 'alone') {
      paused = new Promise((resolve) => (resume = resolve));
      while (running > 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await writer.query('CHECKPOINT');
    paused = null;
    resume();
  }
  stop = true;
  await reader;
  console.log(JSON.stringify({ writes, reads }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
