import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../src/paths.js';

/**
 * The server as `npm start` runs it, in a process of its own on an embedded DATA_DIR, for
 * tests that kill it. Plain Node (no vitest), so scripts can use it too.
 */
export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Every line it printed so far, stdout and stderr. */
  output: string[];
}

/**
 * Resolves once the server prints its URL; rejects if it exits before. NODE_ENV is a
 * user's (unset), not vitest's "test", under which Apollo leaves signals alone. The check
 * against the journal at start is off unless `env` turns it on: it runs beside serving, and
 * tests that time requests would time it too (test/verify-at-start.test.ts has it on).
 */
export function startServerProcess(dataDir: string, env: Record<string, string>, args: string[] = ['serve'], serveWithinMs?: number): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/main.ts'), ...args], {
    cwd: projectRoot,
    env: { ...process.env, NODE_ENV: '', DATA_DIR: dataDir, PORT: '0', RATE_LIMIT_PER_MINUTE: '0', NEO4J_URI: '', VERIFY_AT_START: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    // A server that never serves (an engine spinning at open) is a failure to report, not a wait without end.
    const timer =
      serveWithinMs === undefined
        ? null
        : setTimeout(() => {
            reject(new Error(`the server did not serve within ${serveWithinMs / 1000} s; killed:\n${output.join('\n')}`));
            child.kill('SIGKILL');
          }, serveWithinMs);
    const onData = (buf: Buffer) => {
      for (const line of buf.toString().split('\n').filter(Boolean)) {
        output.push(line);
        const m = /(http:\/\/\S+\/graphql)/.exec(line);
        if (!m) continue;
        if (timer) clearTimeout(timer);
        resolve({ child, url: m[1]!, output });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      if (timer) clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before serving:\n${output.join('\n')}`));
    });
  });
}

/** SIGKILL, resolved once the process is gone. */
export function killProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Runs a command of src/main.ts on an embedded DATA_DIR to its end, in a process of its own (a damaged file may crash the engine). */
export function runCli(args: string[], dataDir: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/main.ts'), ...args], {
    cwd: projectRoot,
    env: { ...process.env, DATA_DIR: dataDir, NEO4J_URI: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}
