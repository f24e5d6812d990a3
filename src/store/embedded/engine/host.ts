import type { Row, Statement } from '../../cypher/executor.js';
import { InsufficientStorageError, StoreOpenError, StoreUnavailableError } from '../../errors.js';
import { LadybugExecutor } from '../executor.js';
import { ROWS_PER_MESSAGE, type HostReply, type HostRequest, type WireError } from './protocol.js';

/**
 * The process that runs LadybugDB for the server (engine-process.ts starts it). A native
 * fault of the engine ends this process only; the server answers 503 meanwhile and starts
 * another. It does what it is told and nothing else: every rule stays in the server.
 */

const send = (reply: HostReply) => process.send?.(reply);

/**
 * The rows of a reply, in messages of at most ROWS_PER_MESSAGE (see protocol.ts). Between
 * two parts the host lets other replies go first, so a quick read finished meanwhile is
 * not queued behind all of a large one on the way to the server.
 */
async function sendRows(id: number, rows: Row[] | undefined): Promise<void> {
  if (!rows || rows.length <= ROWS_PER_MESSAGE) {
    send({ t: 'ok', id, ...(rows ? { rows } : {}) });
    return;
  }
  let at = 0;
  for (; rows.length - at > ROWS_PER_MESSAGE; at += ROWS_PER_MESSAGE) {
    send({ t: 'part', id, rows: rows.slice(at, at + ROWS_PER_MESSAGE) });
    await new Promise((resolve) => setImmediate(resolve));
  }
  send({ t: 'ok', id, rows: rows.slice(at) });
}

function wire(err: unknown): WireError {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof StoreOpenError) return { kind: 'open', message, locked: err.locked };
  if (err instanceof StoreUnavailableError) return { kind: 'unavailable', message };
  if (err instanceof InsufficientStorageError) return { kind: 'storage', message };
  return { kind: 'other', message };
}

/** The statements of one open transaction, handed to it as they arrive. */
class Transaction {
  private readonly queue: Array<HostRequest & { t: 'run' | 'end' }> = [];
  private wake: (() => void) | null = null;

  push(req: HostRequest & { t: 'run' | 'end' }): void {
    this.queue.push(req);
    this.wake?.();
  }

  async next(): Promise<HostRequest & { t: 'run' | 'end' }> {
    while (this.queue.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = null;
    return this.queue.shift()!;
  }
}

/** Stands for the request's deadline here: the server keeps the real one and stops waiting at it. */
function deadlineIn(timeoutMs: number): Statement['deadline'] {
  const end = performance.now() + timeoutMs;
  return {
    signal: new AbortController().signal,
    remainingMs: () => end - performance.now(),
    expired: () => new StoreUnavailableError('the request ran out of time'),
  };
}

let executor: LadybugExecutor | null = null;
const open = new Map<number, Transaction>();

async function transaction(engine: LadybugExecutor, tx: Transaction): Promise<void> {
  await engine.write(async (run) => {
    for (;;) {
      const req = await tx.next();
      if (req.t === 'end') {
        if (req.commit) return;
        throw new Error('rolled back');
      }
      try {
        await sendRows(req.id, await run({ cypher: req.cypher, params: req.params }));
      } catch (err) {
        send({ t: 'error', id: req.id, error: wire(err) });
      }
    }
  });
}

async function handle(req: HostRequest): Promise<Row[] | undefined> {
  if (req.t === 'open') {
    executor = await LadybugExecutor.open(req.dataDir, (line) => send({ t: 'log', line }), { quarantineKeep: req.quarantineKeep, deferCheckpoints: req.deferCheckpoints });
    return undefined;
  }
  const engine = executor;
  if (!engine) throw new Error('the engine is not open');
  switch (req.t) {
    case 'read':
      return engine.read({ cypher: req.cypher, params: req.params, ...(req.timeoutMs === null ? {} : { deadline: deadlineIn(req.timeoutMs) }) });
    case 'ddl':
      return engine.ddl(req.cypher);
    case 'checkpoint':
      await engine.checkpoint();
      return undefined;
    case 'begin': {
      const tx = new Transaction();
      open.set(req.id, tx);
      try {
        await transaction(engine, tx);
      } finally {
        open.delete(req.id);
      }
      return undefined;
    }
    case 'close':
      await engine.close();
      executor = null;
      return undefined;
    default:
      throw new Error(`unexpected ${req.t}`);
  }
}

process.on('message', (req: HostRequest) => {
  if (req.t === 'run' || req.t === 'end') {
    const tx = open.get(req.tx);
    if (tx) tx.push(req);
    else send({ t: 'error', id: req.id, error: { kind: 'other', message: 'no such transaction' } });
    return;
  }
  handle(req).then(
    (rows) => void sendRows(req.id, rows),
    (err: unknown) => send({ t: 'error', id: req.id, error: wire(err) }),
  );
});
// The server went away: so does the engine, at once and closing nothing, as a crash would
// (the journal has every acknowledged write). A clean exit runs LadybugDB's destructors,
// which were seen to hang for minutes mid-write, holding the database's lock.
const vanish = () => process.kill(process.pid, 'SIGKILL');
process.on('disconnect', vanish);
// A parent killed with SIGKILL is noticed by the channel closing; this is in case it is not.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) vanish();
}, 1000).unref();
// A Ctrl-C or SIGTERM reaches the whole process group: the server shuts down and closes
// the engine itself, so the engine waits to be told.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
