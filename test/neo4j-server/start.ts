import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * Starts the real Neo4j of `test/neo4j-server` (Neo4j Community, embedded in a JVM by
 * Neo4jLauncher.java, its jars resolved by Maven from the pom) for tests and benchmarks.
 */

const moduleDir = dirname(fileURLToPath(import.meta.url));
const pom = join(moduleDir, 'pom.xml');
const launcherSource = join(moduleDir, 'src/main/java/graph/testing/Neo4jLauncher.java');
const classpathFile = join(moduleDir, 'target/classpath.txt');
const launcherClass = join(moduleDir, 'target/classes/graph/testing/Neo4jLauncher.class');

export const NEO4J_USER = 'neo4j';

/** Why a real Neo4j cannot be started here, or null when it can. */
export function whyNoNeo4j(): string | null {
  for (const tool of ['java', 'mvn']) {
    if (spawnSync(tool, ['-version'], { stdio: 'ignore' }).error) return `${tool} is not on PATH`;
  }
  return null;
}

function mtime(path: string): number {
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

/**
 * Compiles the launcher and writes its class path, when the pom or the source is newer
 * than what was built. Maven resolves the dependencies (from its local repository once
 * `.ci/run` has fetched them).
 */
export function buildLauncher(): void {
  const built = Math.min(mtime(classpathFile), mtime(launcherClass));
  if (built > Math.max(mtime(pom), mtime(launcherSource))) return;
  const result = spawnSync('mvn', ['-q', '-B', '-f', pom, 'compile', 'dependency:build-classpath', `-Dmdep.outputFile=${classpathFile}`], {
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`building the test Neo4j failed (mvn exit ${result.status}):\n${result.stdout}${result.stderr}`);
  }
}

export interface Neo4jProcess {
  uri: string;
  user: string;
  password: string;
  dataDir: string;
  port: number;
  child: ChildProcess;
  /** Shuts Neo4j down cleanly and waits for the JVM to exit. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash would, and waits for the JVM to be gone. */
  kill(): Promise<void>;
}

export interface StartOptions {
  /** Data folder; a new temporary one by default. Reusing one restarts the same database. */
  dataDir?: string;
  /** Bolt port; 0 (the default) lets the system choose. */
  port?: number;
  password?: string;
  heap?: string;
  pagecacheMb?: number;
  /** How long to wait for the ready line. */
  timeoutMs?: number;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts Neo4j and resolves once Bolt accepts connections. */
export async function startNeo4j(options: StartOptions = {}): Promise<Neo4jProcess> {
  buildLauncher();
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'pag-neo4j-'));
  const password = options.password ?? randomBytes(12).toString('hex');
  const classpath = `${join(moduleDir, 'target/classes')}:${readFileSync(classpathFile, 'utf8').trim()}`;
  const child = spawn(
    'java',
    [
      `-Xmx${options.heap ?? '1g'}`,
      '-XX:+UseParallelGC',
      '-cp',
      classpath,
      'graph.testing.Neo4jLauncher',
      '--data',
      dataDir,
      '--port',
      String(options.port ?? 0),
      '--pagecache-mb',
      String(options.pagecacheMb ?? 256),
    ],
    // stdin stays a pipe: the launcher exits when it closes, so it cannot outlive us.
    { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NEO4J_PASSWORD: password } },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const uri = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Neo4j did not start within ${(options.timeoutMs ?? 120_000) / 1000} s:\n${stderr}`));
    }, options.timeoutMs ?? 120_000);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (line.startsWith('bolt://')) {
        clearTimeout(timer);
        resolve(line.trim());
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`Neo4j exited before it was ready (${signal ?? `exit ${code}`}):\n${stderr}`));
    });
  });
  const port = Number(new URL(uri).port);
  return {
    uri,
    user: NEO4J_USER,
    password,
    dataDir,
    port,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited(child);
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited(child);
    },
  };
}
