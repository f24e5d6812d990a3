import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { loadOntology } from '../src/ontology/ontology.js';
import { openEmbeddedStore } from '../src/store/embedded/open.js';

/**
 * DATA_DIR/quarantine/ keeps QUARANTINE_KEEP copies: each time something is moved there,
 * one log line says why, where, how big the quarantine is, and which old copy was removed.
 */

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the quarantine', () => {
  it('keeps the newest copies, saying in one line per move what was moved, its size, and what was removed', { timeout: 120_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pag-quarantine-'));
    dirs.push(dataDir);
    const ontology = loadOntology();
    await (await openEmbeddedStore({ dataDir, ontology })).close();
    const root = join(dataDir, 'quarantine');
    const said: string[][] = [];
    const made: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      // A log whose record cannot be read, as a kill in the middle of a large write leaves it.
      writeFileSync(join(dataDir, 'graph.lbug.wal'), Buffer.alloc(8_192, 0xab));
      const lines: string[] = [];
      await (await openEmbeddedStore({ dataDir, ontology, log: (l) => lines.push(l), executor: { quarantineKeep: 2 } })).close();
      said.push(lines);
      made.push(
        readdirSync(root)
          .filter((n) => /^\d/.test(n))
          .sort()
          .at(-1)!,
      );
      if (i === 0) writeFileSync(join(root, 'notes-of-the-operator.txt'), 'not a copy: never removed');
    }
    for (const [i, lines] of said.entries()) {
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/could not be replayed .*moved it to .*quarantine/);
      expect(lines[0]).toMatch(new RegExp(`\\[quarantine .*: ${Math.min(i + 1, 2)} cop(y|ies), \\d+\\.\\d MB`));
    }
    expect(said[1]![0]).not.toMatch(/removed/);
    expect(said[2]![0]).toMatch(new RegExp(`removed the oldest to keep 2 \\(QUARANTINE_KEEP\\): ${made[0]} \\(\\d+\\.\\d MB: graph\\.lbug, graph\\.lbug\\.wal\\)`));
    expect(readdirSync(root).sort()).toEqual([made[1], made[2], 'notes-of-the-operator.txt']);
  });

  it('is bounded by QUARANTINE_KEEP, 3 unless set, at least 1', () => {
    expect(loadConfig({}).storage).toEqual({ quarantineKeep: 3, minFreeDiskMb: 64, verifyAtStart: true, engineStallSeconds: 120 });
    expect(loadConfig({ QUARANTINE_KEEP: '10', MIN_FREE_DISK_MB: '0', VERIFY_AT_START: '0', ENGINE_STALL_SECONDS: '5' }).storage).toEqual({
      quarantineKeep: 10,
      minFreeDiskMb: 0,
      verifyAtStart: false,
      engineStallSeconds: 5,
    });
    expect(() => loadConfig({ VERIFY_AT_START: 'sometimes' })).toThrow(/VERIFY_AT_START must be 1 or 0/);
    expect(() => loadConfig({ QUARANTINE_KEEP: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ MIN_FREE_DISK_MB: '64MB' })).toThrow(/MIN_FREE_DISK_MB must be a whole number of at least 0, got "64MB"/);
  });
});
