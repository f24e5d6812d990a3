import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run.js';
import { projectRoot } from '../src/paths.js';
import { neo4jSettings } from './support/backends.js';

/** `npm start` as a user runs it: the CLI process, its environment, its output. */

interface Run {
  lines: string[];
  url: Promise<string>;
  exit: Promise<number | null>;
  stop(): void;
}

/** Every process started, killed after the file so a failed assertion leaves no server running. */
const started: ChildProcess[] = [];
afterAll(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function startCli(env: Record<string, string>, args: string[] = ['serve']): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/main.ts'), ...args], {
    cwd: projectRoot,
    // NODE_ENV as a user's shell has it, not vitest's "test", which turns some of Apollo's behaviour off.
    env: { ...process.env, NODE_ENV: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  const lines: string[] = [];
  let resolveUrl: (u: string) => void;
  const url = new Promise<string>((resolve) => (resolveUrl = resolve));
  const onData = (buf: Buffer) => {
    for (const line of buf.toString().split('\n').filter(Boolean)) {
      lines.push(line);
      const m = /(http:\/\/\S+\/graphql)/.exec(line);
      if (m) resolveUrl(m[1]!);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { lines, url, exit, stop: () => child.kill('SIGTERM') };
}

/**
 * A command run in-process, as main.ts runs it, with its output captured: what fails
 * before serving needs no process of its own (and no tsx start-up).
 */
async function runInProcess(env: Record<string, string>, args: string[]): Promise<{ lines: string[]; stdout: string; exit: number }> {
  const lines: string[] = [];
  let stdout = '';
  const add = (text: string) => lines.push(...text.split('\n').filter(Boolean));
  const io = {
    out: (line: string) => {
      stdout += `${line}\n`;
      add(line);
    },
    err: add,
    write: (chunk: string) => {
      stdout += chunk;
      add(chunk);
    },
  };
  const exit = await runCli(args, { io, env: { ...process.env, ...env } });
  return { lines, stdout, exit };
}

/** The name of the best search hit, asked of a running server as a client would. */
async function firstHit(url: string, text: string): Promise<string | undefined> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'query ($text: String!) { search(text: $text) { entity { name } } }', variables: { text } }),
  });
  return ((await res.json()) as { data: { search: Array<{ entity: { name: string } }> } }).data.search[0]?.entity.name;
}

describe('the server command', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pag-cli-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('seeds a new DATA_DIR, serves on PORT, and stops cleanly on SIGTERM', async () => {
    const run = startCli({ DATA_DIR: dataDir, PORT: '0' });
    const url = await run.url;
    expect(run.lines.join('\n')).toMatch(/asia-plus.*: loaded/);
    expect(await firstHit(url, 'Abilov')).toBe('Bolat Abilov');
    run.stop();
    expect(await run.exit).toBe(0);
  });

  it('reuses the data on a second start without loading it again', async () => {
    const run = startCli({ DATA_DIR: dataDir, PORT: '0' });
    await run.url;
    expect(run.lines.join('\n')).toMatch(/asia-plus.*: unchanged/);
    run.stop();
    expect(await run.exit).toBe(0);
  });

  it('gives up on an unreachable Neo4j within 15 s, with one line naming NEO4J_URI', async () => {
    const started = Date.now();
    const run = await runInProcess({ NEO4J_URI: 'bolt://127.0.0.1:1', PORT: '0' }, ['serve']);
    expect(run.exit).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(run.lines).toHaveLength(1);
    expect(run.lines[0]).toMatch(/^cannot reach Neo4j at NEO4J_URI=bolt:\/\/127\.0\.0\.1:1 .*check NEO4J_URI/);
  });

  it('answers --help for every command with the npm commands, without starting or importing anything', async () => {
    for (const args of [
      ['serve', '--help'],
      ['import', '--help'],
      ['export', '-h'],
    ]) {
      const run = await runInProcess({ DATA_DIR: join(dataDir, 'never-created') }, args);
      expect(run.exit).toBe(0);
      const text = run.lines.join('\n');
      expect(text).toContain('npm run import -- FILE...');
      expect(text).not.toContain('main.ts');
    }
    expect(existsSync(join(dataDir, 'never-created'))).toBe(false);
  });

  it('says where the explorer and the network view are and whether writes are on; names a port in use', async () => {
    const first = startCli({ DATA_DIR: dataDir, PORT: '0', API_KEYS: 'curator:k-0123456789abcdef0123' });
    const url = new URL(await first.url);
    expect(first.lines.at(-1)).toMatch(/\/graphql, network view on http:\/\/\S+\/explore .*writes with 1 API key\)$/);
    const second = await runInProcess({ DATA_DIR: mkdtempSync(join(tmpdir(), 'pag-cli-')), PORT: url.port }, ['serve']);
    expect(second.exit).toBe(1);
    expect(second.lines.at(-1)).toBe(`port ${url.port} on 127.0.0.1 is already in use (another server?); set PORT to a free port`);
    first.stop();
    expect(await first.exit).toBe(0);
  });

  it('on the database a running server holds, export says so and gives the server URL of the same export, with a curl line', async () => {
    // The lock is the embedded database's: NEO4J_URI is left empty even where the tests have a Neo4j.
    const server = startCli({ DATA_DIR: dataDir, PORT: '0', NEO4J_URI: '' });
    const { port } = new URL(await server.url);
    const out = join(dataDir, 'election.gexf');
    const run = await runInProcess({ DATA_DIR: dataDir, PORT: port, NEO4J_URI: '' }, ['export', '--format', 'gexf', '--types', 'SUPPORTS,LEADS', '--out', out]);
    expect(run.exit).toBe(1);
    const url = `http://127.0.0.1:${port}/export/graph.gexf?types=SUPPORTS,LEADS`;
    expect(run.lines[0]).toBe(`the embedded database in DATA_DIR=${dataDir} is in use by another process (a running server?): only one process may open it at a time.`);
    expect(run.lines[1]).toBe('A running server makes the same export at GET /export/graph.gexf?types=SUPPORTS,LEADS:');
    expect(run.lines[2]).toBe(`  curl -fsS -o ${out} '${url}'`);
    expect(existsSync(out)).toBe(false);
    // What the line fetches is the export.
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<gexf');
    server.stop();
    expect(await server.exit).toBe(0);
  });

  it('refuses a bad PORT with one line naming it', async () => {
    const run = await runInProcess({ DATA_DIR: dataDir, PORT: 'eighty' }, ['serve']);
    expect(run.exit).toBe(1);
    expect(run.lines).toEqual(['PORT must be a whole number from 0 to 65535, got "eighty"']);
  });
});

describe('command-line arguments, checked in-process before anything is opened', () => {
  const dataDir = join(tmpdir(), `pag-cli-args-${process.pid}`);

  it('answers a command it does not know, or the wrong number of files, with the usage and exit code 2', async () => {
    for (const args of [['serv'], ['import'], ['backup'], ['backup', 'a', 'b'], ['restore']]) {
      const run = await runInProcess({ DATA_DIR: dataDir }, args);
      expect(run.exit, args.join(' ')).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.lines.join('\n')).toContain('npm run import -- FILE...');
    }
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses bad export arguments with one line and exit code 1, and writes nothing to stdout', async () => {
    const cases = [
      [['--format', 'xlsx'], /--format: unknown format "xlsx"; expected one of graphml, gexf, cytoscape, graphology, d3/],
      [['--out', 'x'], /--format is required/],
      [['--format', 'gexf', '--depth', '9'], /depth must be between 1 and 3/],
      [['--format', 'gexf', '--kinds', 'PARTY,NOPE'], /kinds: unknown kind "NOPE"/],
      [['--format', 'gexf', '--colour', 'red'], /unknown argument "--colour"; usage: main.ts export --format/],
      [['--format', 'gexf', '--format', 'd3'], /--format is given twice/],
      [['--format', 'gexf', '--as-of', '2012-13'], /asOf must be /],
      [['--format', 'gexf', '--as-of'], /--as-of needs a value/],
      [['--format', 'gexf', '--include-undated'], /includeUndated .*give asOf too/],
      [['--format', 'gexf', '--as-of', '2012', '--include-undated', '--include-undated'], /--include-undated is given twice/],
    ] as const;
    for (const [args, message] of cases) {
      const run = await runInProcess({ DATA_DIR: dataDir }, ['export', ...args]);
      expect(run.exit, args.join(' ')).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.lines, args.join(' ')).toHaveLength(1);
      expect(run.lines[0]).toMatch(message);
    }
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses a missing import file and a file of another type with one line and exit code 1', async () => {
    const missing = join(dataDir, 'nope.csv');
    expect(await runInProcess({ DATA_DIR: dataDir }, ['import', missing])).toEqual({ exit: 1, stdout: '', lines: [`${missing}: no such file`] });
    const files = mkdtempSync(join(tmpdir(), 'pag-cli-files-'));
    const txt = join(files, 'edges.txt');
    writeFileSync(txt, 'type,from,to\n');
    expect(await runInProcess({ DATA_DIR: dataDir }, ['import', txt])).toEqual({
      exit: 1,
      stdout: '',
      lines: [`${txt}: cannot import a .txt file; expected .json, .yaml, .yml or .csv`],
    });
    rmSync(files, { recursive: true, force: true });
    expect(existsSync(dataDir)).toBe(false);
  });
});

describe('the server command (neo4j)', () => {
  if (!neo4jSettings) {
    it.skip('needs Neo4j: java and mvn on PATH, or NEO4J_URI', () => undefined);
    return;
  }
  const { uri, user, password } = neo4jSettings;
  const env = { NEO4J_URI: uri, NEO4J_USER: user, NEO4J_PASSWORD: password ?? '', PORT: '0' };

  it('stops within 15 s on a wrong password, with one line naming NEO4J_USER and NEO4J_PASSWORD', async () => {
    const started = Date.now();
    const run = await runInProcess({ ...env, NEO4J_PASSWORD: 'not-the-password' }, ['serve']);
    expect(run.exit).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(run.lines).toEqual([`Neo4j at NEO4J_URI=${uri} refused the credentials; check NEO4J_USER and NEO4J_PASSWORD`]);
  });

  it('serves through a neo4j:// (routing) URI on a single instance, seeded', async () => {
    const routing = uri.replace(/^bolt:/, 'neo4j:');
    const run = startCli({ ...env, NEO4J_URI: routing });
    const url = await run.url;
    expect(run.lines.at(-1)).toContain(`backend: neo4j, NEO4J_URI=${routing}`);
    expect(await firstHit(url, 'Abilov')).toBe('Bolat Abilov');
    run.stop();
    expect(await run.exit).toBe(0);
  });
});

describe('the export command as of a date', () => {
  it('exports the graph as of a date with --as-of, undated relations with --include-undated', async () => {
    // The embedded database in its own DATA_DIR, seeded on first use.
    const env = { DATA_DIR: mkdtempSync(join(tmpdir(), 'pag-cli-asof-')), NEO4J_URI: '' };
    const links = async (...args: string[]) => {
      const run = await runInProcess(env, ['export', '--format', 'd3', ...args]);
      expect(run.exit, run.lines.join('\n')).toBe(0);
      return (JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as { links: Array<{ id: string; type: string }> }).links;
    };
    const before = await links('--as-of', '2012-01-10', '--include-undated');
    expect(before.some((l) => l.type === 'WON_SEATS_IN')).toBe(false);
    expect(before.map((l) => l.id)).toContain('rel-abilov-disqualified');
    // Without undated relations, nothing of the seed was in force before the election.
    expect((await links('--as-of=2012-01-10')).filter((l) => l.type !== 'CLAIM')).toEqual([]);
    expect((await links('--as-of', '2012')).filter((l) => l.type === 'WON_SEATS_IN')).toHaveLength(3);
  }, 60_000);
});
