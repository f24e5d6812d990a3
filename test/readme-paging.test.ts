import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../src/paths.js';
import { API_KEYS, startTestServer, type TestServer } from './support/server.js';

/**
 * The README's two paging scripts (Python and JavaScript), run as printed against a served
 * seed: each must print every SUPPORTS relation with its citations, once, as one query for
 * all of them returns them. The anonymous budget is one request a minute, so a script gets
 * past its second page only by sending its API key, which has the keys' budget.
 */

const run = promisify(execFile);
const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
const script = (marker: string) => new RegExp(`<!-- paging-script: ${marker} -->\\s*\`\`\`\\w+\\n([\\s\\S]*?)\`\`\``).exec(readme)?.[1];

const READER_KEY = 'reader-paging-key-0123456789';
/** One relation a page: the seed has few SUPPORTS relations, and each must cost a page. */
const PAGE_SIZE = '1';

interface Citation {
  quote: string;
  paragraph: number;
  sentence: number | null;
  source: { id: string };
}
interface Relation {
  id: string;
  type: string;
  from: { id: string };
  to: { id: string };
  sources: Citation[];
}

/** The line the scripts print for a relation, as the README shows it. */
const line = (r: Relation) =>
  `${r.id}\t${r.from.id} ${r.type} ${r.to.id}\t${r.sources.map((s) => `${s.source.id}#${s.paragraph}${s.sentence === null ? '' : `.${s.sentence}`} ${JSON.stringify(s.quote)}`).join(' | ')}`;

describe('the README paging scripts', () => {
  let t: TestServer;
  let dir: string;
  let expected: string[];

  beforeAll(async () => {
    t = await startTestServer(undefined, { apiKeys: `${API_KEYS},reader:paging:${READER_KEY}`, guards: { rateLimitPerMinute: 1, keyRateLimitPerMinute: 100 } });
    dir = mkdtempSync(join(tmpdir(), 'pag-paging-'));
    // The reference: every SUPPORTS relation in one answer, by the argument that predates `where`.
    const all = await t.data<{ relations: { nodes: Relation[]; pageInfo: { hasNextPage: boolean } } }>(
      '{ relations(types: [SUPPORTS], first: 100) { nodes { id type from { id } to { id } sources { quote paragraph sentence source { id } } } pageInfo { hasNextPage } } }',
      undefined,
      { key: READER_KEY },
    );
    expect(all.relations.pageInfo.hasNextPage).toBe(false);
    expected = all.relations.nodes.map(line);
  });
  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const env = () => ({ ...process.env, GRAPHQL_URL: t.url, API_KEY: READER_KEY, PAGE_SIZE });

  it('are in the README, marked, and page with relations(where: {types: [SUPPORTS]}, first:, after:)', () => {
    for (const marker of ['python', 'js']) {
      const text = script(marker);
      expect(text, `<!-- paging-script: ${marker} --> before a code block`).toBeDefined();
      expect(text).toMatch(/relations\(where: \{types: \[SUPPORTS\]\}, first: \$first, after: \$after\)/);
      expect(text).toMatch(/sources \{ quote paragraph sentence source \{ id \} \}/);
      expect(text).toMatch(/"100"|\?\? 100\)/);
    }
    // Several pages, so the scripts follow endCursor at least once.
    expect(expected.length).toBeGreaterThanOrEqual(2);
    expect(expected.every((l) => / SUPPORTS /.test(l) && /#\d/.test(l))).toBe(true);
  });

  it('print what the README says they print on the seed', () => {
    const shown = /<!-- paging-output -->\s*```text\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(shown?.trimEnd().split('\n')).toEqual(expected);
  });

  it('Python 3 (standard library) prints every relation once, with its citations', async () => {
    const file = join(dir, 'fetch_relations.py');
    writeFileSync(file, script('python')!);
    const { stdout, stderr } = await run('/usr/bin/python3', [file], { env: env(), timeout: 60_000 });
    expect(stderr).toBe('');
    expect(stdout.trimEnd().split('\n')).toEqual(expected);
  });

  it('JavaScript (Node, built-in fetch, ES module) prints the same', async () => {
    const file = join(dir, 'fetch-relations.mjs');
    writeFileSync(file, script('js')!);
    const { stdout, stderr } = await run(process.execPath, [file], { env: env(), timeout: 60_000 });
    expect(stderr).toBe('');
    expect(stdout.trimEnd().split('\n')).toEqual(expected);
  });
});
