// LadybugDB alone, no server: `any(x IN list WHERE ...)` over a list column, in a scan that
// holds more than about 2,048 list items, ends the process with SIGSEGV (0.19.1).
// `node any-over-long-lists.mjs ROWS any|list_filter` prints the count and exits 0, or dies.
import lbug from '@ladybugdb/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const rows = Number(process.argv[2]);
const shape = process.argv[3];
const dir = mkdtempSync(join(tmpdir(), 'lbug-fault-'));
try {
  const db = new lbug.Database(join(dir, 'g.lbug'));
  const c = new lbug.Connection(db);
  await c.query('CREATE NODE TABLE E(id STRING, keys STRING[], PRIMARY KEY(id))');
  const load = await c.prepare('UNWIND $rows AS r CREATE (:E {id: r.id, keys: r.keys})');
  await c.execute(load, { rows: Array.from({ length: rows }, (_, i) => ({ id: `e${i}`, keys: [`name ${i}`, `alias ${i}`] })) });
  const test = shape === 'any' ? 'any(k IN e.keys WHERE k = w)' : 'size(list_filter(e.keys, k -> k = w)) > 0';
  const q = await c.prepare(`WITH $w AS w MATCH (e:E) WHERE ${test} RETURN count(e) AS n`);
  const result = await c.execute(q, { w: 'alias 7' });
  console.log(JSON.stringify(await result.getAll()));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
