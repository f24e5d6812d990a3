import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';

/**
 * Two faults of LadybugDB itself, each reproduced by a small script against
 * `@ladybugdb/core` alone (no server), run in a process of its own since it dies with
 * SIGSEGV. The store keeps clear of both (src/store/embedded/dialect.ts `anyItem`,
 * src/store/embedded/executor.ts `alone`).
 *
 * Both are in every version that runs here (0.15.4, 0.16.1, 0.17.1, 0.18.3, 0.19.0, 0.19.1;
 * 0.15.2 and 0.15.3 need a newer glibc than Debian 12's).
 *
 * The tests marked `fails` state what the engine should do and are expected to fail while
 * it still crashes. When an upgrade fixes a fault, that test starts to pass, vitest reports
 * it as a failure, and the workaround it names can be weighed again.
 */
const { version } = JSON.parse(readFileSync(join(projectRoot, 'node_modules/@ladybugdb/core/package.json'), 'utf8')) as { version: string };

function run(script: string, ...args: string[]): { status: number | null; signal: NodeJS.Signals | null; out: string } {
  const r = spawnSync(process.execPath, [join(projectRoot, 'test/engine', script), ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, signal: r.signal, out: r.stdout.trim() };
}

describe(`LadybugDB ${version} faults the store works around`, () => {
  it.fails('any(x IN list WHERE ...) over more than 2,048 list items in one scan does not crash', () => {
    expect(run('any-over-long-lists.mjs', '5000', 'any').signal).toBeNull();
  });

  it('the same test written with list_filter answers, and so does any() over a short scan', () => {
    expect(run('any-over-long-lists.mjs', '5000', 'list_filter')).toEqual({ status: 0, signal: null, out: '[{"n":1}]' });
    expect(run('any-over-long-lists.mjs', '500', 'any')).toEqual({ status: 0, signal: null, out: '[{"n":1}]' });
  });

  it.fails('a CHECKPOINT on one connection while another reads does not crash', () => {
    // Three runs, as the crash comes within a few writes but not always (0.17.1 once ran clean).
    for (let i = 0; i < 3; i += 1) expect(run('checkpoint-beside-read.mjs', '60', 'beside').signal).toBeNull();
  });

  it('a CHECKPOINT that waits for running reads and holds new ones back does not crash, nor do commits beside reads', () => {
    for (const mode of ['alone', 'none']) {
      const r = run('checkpoint-beside-read.mjs', '60', mode);
      expect(r.signal, mode).toBeNull();
      expect(JSON.parse(r.out)).toMatchObject({ writes: 60 });
    }
  });
});
