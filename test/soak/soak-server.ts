import type { ChildProcess } from 'node:child_process';
import { killProcess, startServerProcess } from '../support/server-process.js';
import type { Target } from './workload.js';

/**
 * The server under soak, as `npm start` runs it, in a process of its own: the only way to
 * see a crash (a SIGSEGV in the embedded engine takes the whole process) without taking the
 * soak down with it. It records every exit the soak did not cause, and counts the log lines
 * that say the store recovered.
 */

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Log lines that mean the store recovered from something, by what they say. */
const RECOVERY_LINES: Array<[name: string, pattern: RegExp]> = [
  ['rebuilt', /rebuilt from the journal/],
  ['caught up', /caught up from the journal/],
  ['quarantine', /quarantine/],
  ['engine process died', /^embedded database: the engine process died/],
  ['checks at start: clean', /the check at start found it/],
  ['checks at start: repaired', /the check at start repaired it/],
  ['checks at start: again (writes beside)', /may be theirs; checking again/],
];

export class SoakServer {
  readonly target: Target = { url: null };
  /** Exits the soak did not cause: crashes. */
  readonly crashes: Exit[] = [];
  starts = 0;
  /** Every line every run of the server printed. */
  readonly output: string[] = [];
  private child: ChildProcess | null = null;
  private expectingExit = false;

  constructor(
    private readonly dataDir: string,
    private readonly env: Record<string, string>,
  ) {}

  async start(): Promise<void> {
    // Rebuilds of the soak's graph take seconds; ten minutes without serving is a hang.
    const server = await startServerProcess(this.dataDir, this.env, ['serve'], 600_000);
    this.starts += 1;
    this.expectingExit = false;
    this.child = server.child;
    // The process's own array keeps growing after start; this one gathers every run's.
    const seen = server.output.length;
    this.output.push(...server.output.slice(0, seen));
    const onLine = (buf: Buffer) => this.output.push(...buf.toString().split('\n').filter(Boolean));
    server.child.stdout!.on('data', onLine);
    server.child.stderr!.on('data', onLine);
    server.child.once('exit', (code, signal) => {
      this.target.url = null;
      if (!this.expectingExit) this.crashes.push({ code, signal });
    });
    this.target.url = server.url;
  }

  /** Still running, as far as the operating system says. */
  get alive(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGKILL, as a crash or an operator's kill -9 would. */
  async kill(): Promise<void> {
    if (!this.child) return;
    this.expectingExit = true;
    this.target.url = null;
    await killProcess(this.child);
    this.child = null;
  }

  /** SIGTERM, and the exit it leads to; a clean stop exits 0. */
  async stop(): Promise<Exit | null> {
    const child = this.child;
    if (!child || !this.alive) return null;
    this.expectingExit = true;
    this.target.url = null;
    const exit = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const result = await exit;
    clearTimeout(timer);
    this.child = null;
    return result;
  }

  /** The recovery log lines so far, counted by kind. */
  recoveries(): Map<string, number> {
    return new Map(RECOVERY_LINES.map(([name, pattern]) => [name, this.output.filter((l) => pattern.test(l)).length]));
  }
}
