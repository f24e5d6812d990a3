import { AsyncLocalStorage } from 'node:async_hooks';
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EngineStatus, Executor, Row, Statement } from '../../cypher/executor.js';
import { InsufficientStorageError, StoreOpenError, StoreUnavailableError } from '../../errors.js';
import { PendingReplies } from './replies.js';
import type { HostReply, HostRequest, WireError } from './protocol.js';

/** What the embedded store needs of its engine, in this process or in one of its own. */
export interface EmbeddedEngine extends Executor {
  /** Schema changes, outside any transaction; `checkpoint` after them. */
  ddl(cypher: string): Promise<Row[]>;
  checkpoint(): Promise<void>;
}

/** An engine started through an opener's `recover` (this one, InProcessEngine), which can therefore be started again. */
export interface RestartableEngine extends EmbeddedEngine {
  /**
   * Stops the engine, lets `work` change its files (a repair puts the journal's graph in
   * place), and starts it again through the opener's `recover`. Calls meanwhile are refused
   * as during a restart (503 with Retry-After). Does nothing once the engine is closing.
   */
  replaceFiles(why: string, work: () => Promise<void>): Promise<void>;
  /**
   * Lets go of the database's files, writing nothing more to them, before they are set aside
   * inside `recover`: a process is killed, an engine in this one closed. (Closed later, it
   * could write its log beside the files that replaced them.)
   */
  release(): Promise<void>;
}

/** The engine process died: what was asked of it has no answer, and may or may not have happened. */
export class EngineDiedError extends StoreUnavailableError {
  constructor(
    readonly why: string,
    message = `the database engine stopped (${why}) and is being restarted; try again shortly`,
  ) {
    super(message);
  }
}

/** How an engine process runs. */
export interface EngineProcessMode {
  /** QUARANTINE_KEEP, for a log the engine sets aside at open. */
  quarantineKeep: number;
  /** No checkpoint after each write, only when asked (a rebuild replaying the journal). */
  deferCheckpoints?: boolean;
  /**
   * Work that runs once (a rebuild, a check's reading): a death is not restarted but fails
   * that work and every call after it, saying `purpose`.
   */
  once?: { purpose: string };
  /**
   * ENGINE_STALL_SECONDS, in ms: an open (the engine process's own start included), schema change, checkpoint or write statement (a
   * write's commit and checkpoint included) not answered by then is taken for a hung engine,
   * which is killed and so restarted. LadybugDB was seen to spin for good in a CHECKPOINT on
   * damaged pages, the server never serving. Infinity: never (a rebuild's one checkpoint
   * at the end can take minutes at a million relations).
   */
  stallMs?: number;
}

/** ENGINE_STALL_SECONDS' default. */
export const DEFAULT_ENGINE_STALL_MS = 120_000;

type HostCall = HostRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

const HOST = fileURLToPath(new URL('./host.ts', import.meta.url));
/** tsx's loader by its path, so the engine starts whatever the server's working folder. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
/** Restarts within this many ms of one another are spaced out, so a fault at open cannot spin. */
const RESTART_BACKOFF_MS = [0, 250, 1000, 5000];
/** How long a start waits for a lock that the engine process of a server just killed still holds. */
const LOCK_WAIT_MS = 5_000;
/** How long a close waits for the engine to close its database before it is killed. */
const CLOSE_WAIT_MS = 10_000;

function revive(e: WireError): Error {
  if (e.kind === 'open') return new StoreOpenError(e.message, e.locked ?? false);
  if (e.kind === 'unavailable') return new StoreUnavailableError(e.message);
  if (e.kind === 'storage') return new InsufficientStorageError(e.message);
  return new Error(e.message);
}

/**
 * LadybugDB in a child process (host.ts), so a native fault of the engine (a SIGSEGV, an
 * abort) cannot take the HTTP server down. Calls in flight when it dies fail with
 * EngineDiedError (503 with Retry-After); so do calls made while it restarts. `recover`,
 * given by whoever opens it, starts the engine (`spawn`) and readies it before anything
 * else runs on it, at open and after each death: the opener's fallbacks (a database that
 * cannot be opened), the schema, the journal's catch-up, so every acknowledged write is
 * back before the first request.
 */
export class EngineProcess implements RestartableEngine {
  private child: ChildProcess | null = null;
  private nextId = 1;
  private readonly pending = new PendingReplies();
  private state: EngineStatus['state'] = 'down';
  private restarts = 0;
  private lastCrash: EngineStatus['lastCrash'] = null;
  private closing = false;
  /** Set inside `recover`: its calls go through while others are refused. */
  private readonly recovering = new AsyncLocalStorage<true>();
  private recovery: Promise<void> = Promise.resolve();
  private inRecovery = false;
  /** What the engine was killed for not finishing (see `watched`), until it has exited. */
  private stalled: string | null = null;

  constructor(
    private readonly dataDir: string,
    private readonly mode: EngineProcessMode,
    private readonly log: (line: string) => void,
    private readonly recover: (spawn: () => Promise<void>) => Promise<void> = (spawn) => spawn(),
  ) {}

  private died(why: string): EngineDiedError {
    const once = this.mode.once;
    return once ? new EngineDiedError(why, `the engine process ${once.purpose} died (${why})`) : new EngineDiedError(why);
  }

  /** Starts the engine through `recover`; rejects with its error, the engine stopped. */
  async start(): Promise<void> {
    try {
      await this.recoverNow();
    } catch (err) {
      await this.close();
      throw err;
    }
    this.state = 'up';
  }

  get status(): EngineStatus {
    return { state: this.state, pid: this.child?.pid ?? null, restarts: this.restarts, lastCrash: this.lastCrash };
  }

  /**
   * Starts the engine process and opens the database in it. The database can be locked for
   * a moment by the engine process of a server just killed (it exits once it notices its
   * parent is gone): that is waited for, up to LOCK_WAIT_MS.
   */
  private async spawn(): Promise<void> {
    const until = performance.now() + LOCK_WAIT_MS;
    for (let said = false; ; said = true) {
      try {
        return await this.spawnOnce();
      } catch (err) {
        if (!(err instanceof StoreOpenError && err.locked) || performance.now() > until || this.closing) throw err;
        if (!said)
          this.log(
            `embedded database: DATA_DIR=${this.dataDir} is locked; waiting up to ${LOCK_WAIT_MS / 1000} s for another engine process (a server just stopped?) to let go of it`,
          );
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  private async spawnOnce(): Promise<void> {
    if (this.closing) throw this.died('the store is closing');
    this.child?.kill('SIGKILL');
    const child = fork(HOST, [], { execArgv: ['--import', TSX], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child = child;
    child.on('message', (reply: HostReply) => this.receive(reply));
    // A send to a process that just died fails here and in its callback, before 'exit' comes.
    child.on('error', () => undefined);
    child.once('exit', (code, signal) => this.exited(child, code, signal));
    try {
      await this.watched(
        this.call({ t: 'open', dataDir: this.dataDir, quarantineKeep: this.mode.quarantineKeep, deferCheckpoints: this.mode.deferCheckpoints ?? false }),
        'opening the database',
      );
    } catch (err) {
      child.kill('SIGKILL');
      this.child = null;
      throw err;
    }
  }

  private receive(reply: HostReply): void {
    if (reply.t === 'log') return this.log(reply.line);
    this.pending.receive(reply, revive);
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    this.child = null;
    const why = this.stalled ?? (signal ? `signal ${signal}` : `exit code ${code}`);
    this.stalled = null;
    this.pending.failAll(() => this.died(why));
    if (this.closing) return;
    this.lastCrash = { at: new Date().toISOString(), why };
    if (this.mode.once) {
      this.state = 'down';
      return;
    }
    // Died inside a recovery: the call it was making fails, and the recovery deals with it.
    if (this.inRecovery) {
      this.log(`embedded database: the engine process died (${why}) while it was being started`);
      return;
    }
    this.log(`embedded database: the engine process died (${why}); requests in flight were answered 503; restarting it and catching up from the journal`);
    this.state = 'restarting';
    void this.serially(() => this.restart());
  }

  /**
   * Restarts and replacements, one at a time: run together, each would kill the process the
   * other just started (seen when the check at start repaired an engine that had just died).
   */
  private serially(work: () => Promise<void>): Promise<void> {
    const next = this.recovery.then(work, work);
    this.recovery = next.catch(() => undefined);
    return next;
  }

  /** The opener's recovery, with its calls let through the gate; a death meanwhile is its to handle, not a new restart's. */
  private async recoverNow(): Promise<void> {
    this.inRecovery = true;
    try {
      await this.recovering.run(true, () => this.recover(() => this.spawn()));
    } finally {
      this.inRecovery = false;
    }
  }

  replaceFiles(why: string, work: () => Promise<void>): Promise<void> {
    return this.serially(() => this.replaceNow(why, work));
  }

  private async replaceNow(why: string, work: () => Promise<void>): Promise<void> {
    if (this.closing) return;
    this.state = 'restarting';
    await this.stopChild(why);
    try {
      await work();
      await this.recoverNow();
      this.restarts += 1;
      this.state = 'up';
    } catch (err) {
      this.log(`embedded database: starting the engine again after it was stopped to ${why} failed (${err instanceof Error ? err.message : String(err)}); trying again`);
      await this.restart();
    }
  }

  /** Kills the engine process, which holds nothing the journal lacks, and fails what was asked of it. */
  private async stopChild(why: string): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await gone;
    }
    this.pending.failAll(() => this.died(why));
  }

  release(): Promise<void> {
    return this.stopChild('its files are set aside');
  }

  private async restart(): Promise<void> {
    // Queued behind a replacement that has started a good engine since.
    if (this.state === 'up' && this.child?.connected) return;
    this.state = 'restarting';
    for (let attempt = 0; !this.closing; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, RESTART_BACKOFF_MS[Math.min(attempt, RESTART_BACKOFF_MS.length - 1)]));
      const started = performance.now();
      try {
        await this.recoverNow();
        // Closed while it restarted: the new process is not wanted.
        if (this.closing) {
          this.child?.kill('SIGKILL');
          return;
        }
        this.restarts += 1;
        this.state = 'up';
        this.log(`embedded database: the engine process is back after ${Math.round(performance.now() - started)} ms (restart ${this.restarts})`);
        return;
      } catch (err) {
        this.child?.kill('SIGKILL');
        this.child = null;
        this.log(`embedded database: restarting the engine process failed (${err instanceof Error ? err.message : String(err)}); trying again`);
      }
    }
  }

  /**
   * `answer`, with the engine killed if it has not come ENGINE_STALL_SECONDS after `graceMs`
   * (a read's own time limit, at which the engine stops it); `what` says what it was doing.
   */
  private watched<T>(answer: Promise<T>, what: string, graceMs = 0): Promise<T> {
    const child = this.child;
    const stallMs = this.mode.stallMs ?? DEFAULT_ENGINE_STALL_MS;
    if (!Number.isFinite(stallMs)) return answer;
    const seconds = Math.round((graceMs + stallMs) / 1000);
    const timer = setTimeout(() => {
      if (!child || child !== this.child) return;
      this.stalled = `it did not finish ${what} in ${seconds} s and was killed`;
      this.log(`embedded database: the engine process did not finish ${what} in ${seconds} s (ENGINE_STALL_SECONDS past any time limit of its own); killing it`);
      child.kill('SIGKILL');
    }, graceMs + stallMs);
    timer.unref();
    return answer.finally(() => clearTimeout(timer));
  }

  private call(req: HostCall): Promise<Row[]> {
    const child = this.child;
    if (!child?.connected) return Promise.reject(this.died(this.lastCrash?.why ?? 'not running'));
    const id = this.nextId++;
    return new Promise<Row[]>((resolve, reject) => {
      this.pending.add(id, { resolve, reject });
      child.send({ ...req, id } as HostRequest, (err) => {
        if (!err || !this.pending.drop(id)) return;
        reject(this.died('not running'));
      });
    });
  }

  /** Refuses work from anyone but `recover` while the engine is not up. */
  private gate(): void {
    if (this.state !== 'up' && !this.recovering.getStore()) throw this.died(this.lastCrash?.why ?? 'restarting');
  }

  async read(statement: Statement): Promise<Row[]> {
    this.gate();
    const { deadline } = statement;
    if (!deadline) return this.watched(this.call({ t: 'read', cypher: statement.cypher, params: statement.params, timeoutMs: null }), 'a read');
    deadline.signal.throwIfAborted();
    // The engine stops the statement at its own timeout; here the request stops waiting at
    // its deadline, or when it is stopped earlier, whichever comes first.
    const timeoutMs = Math.max(1, Math.ceil(deadline.remainingMs()));
    const answer = this.watched(this.call({ t: 'read', cypher: statement.cypher, params: statement.params, timeoutMs }), 'a read', timeoutMs);
    let onAbort!: () => void;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(deadline.signal.reason as Error);
      deadline.signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([answer, aborted]);
    } catch (err) {
      if (err instanceof StoreUnavailableError && !(err instanceof EngineDiedError) && deadline.remainingMs() <= 0) throw deadline.expired();
      throw err;
    } finally {
      deadline.signal.removeEventListener('abort', onAbort);
      answer.catch(() => undefined);
    }
  }

  ddl(cypher: string): Promise<Row[]> {
    this.gate();
    return this.watched(this.call({ t: 'ddl', cypher }), 'a schema change');
  }

  async checkpoint(): Promise<void> {
    this.gate();
    await this.watched(this.call({ t: 'checkpoint' }), 'a CHECKPOINT');
  }

  async write<T>(work: (run: (statement: Statement) => Promise<Row[]>) => Promise<T>): Promise<T> {
    this.gate();
    const tx = this.nextId;
    const done = this.call({ t: 'begin' });
    const run = (s: Statement) => this.watched(this.call({ t: 'run', tx, cypher: s.cypher, params: s.params }), 'a write statement');
    let result: T;
    try {
      result = await work(run);
    } catch (err) {
      this.end(tx, false);
      await done.catch(() => undefined);
      throw err;
    }
    this.end(tx, true);
    await this.watched(done, "a write's commit and checkpoint");
    return result;
  }

  /** Ends transaction `tx`; if the engine died meanwhile, the transaction's `begin` has failed already. */
  private end(tx: number, commit: boolean): void {
    if (this.child?.connected) this.child.send({ t: 'end', id: this.nextId++, tx, commit } satisfies HostRequest, () => undefined);
  }

  async close(): Promise<void> {
    this.closing = true;
    const child = this.child;
    if (!child) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // A close that does not come back in time ends as a crash would: the journal has every acknowledged write.
    const late = setTimeout(() => child.kill('SIGKILL'), CLOSE_WAIT_MS);
    try {
      await Promise.race([this.call({ t: 'close' }), gone]);
    } finally {
      if (child.connected) child.disconnect();
      await gone;
      clearTimeout(late);
    }
  }
}
