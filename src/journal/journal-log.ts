import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, rmSync } from 'node:fs';
import type { LoadAudit } from '../store/load-sink.js';
import type { Audit, GraphBatch, StampedWrite } from '../store/records.js';
import { EngineDiedError } from '../store/embedded/engine/process.js';
import type { WriteCommand } from '../writes/write-command.js';
import type { LoadCommand, WriteLog } from '../writes/write-log.js';
import type { WriteEntry } from './entries.js';
import { refuseWriteWhenFull } from './free-space.js';
import { loadDataPath, writeAll, type JournalWriter } from './journal-file.js';
import type { WriteHold } from './write-hold.js';

/**
 * The journal as the log of writes around each transaction (src/writes/write-log.ts): the
 * command is made durable inside the write's transaction, after every check passed and
 * just before it commits, so an acknowledged write is always in the journal, and a
 * journaled write that then fails to commit is marked void. A write is refused before
 * anything of it is written when the disk is nearly full (MIN_FREE_DISK_MB), and waits
 * while the check at start reads the database (`hold`).
 */
export class JournalLog implements WriteLog {
  constructor(
    private readonly journal: JournalWriter,
    private readonly options: {
      minFreeDiskMb: number;
      /** Shared with the check of the database against this journal, which holds writes back while it reads. */
      hold: WriteHold;
    },
  ) {}

  write<T>(command: WriteCommand, by: StampedWrite, transact: (by: StampedWrite) => Promise<T>): Promise<T> {
    return this.options.hold.write(() => this.journaled(command, by, transact));
  }

  private async journaled<T>(command: WriteCommand, by: StampedWrite, transact: (by: StampedWrite) => Promise<T>): Promise<T> {
    refuseWriteWhenFull(this.journal.dataDir, this.options.minFreeDiskMb);
    let stamped: Audit | null = null;
    try {
      return await transact({
        ...by,
        beforeCommit: async (audit) => {
          await by.beforeCommit?.(audit);
          await this.journal.append({ ...command, audit } as WriteEntry);
          stamped = audit;
        },
      });
    } catch (err) {
      // Journaled, then the commit failed: replay must not bring it back. Unless the engine
      // died: then whether it committed is unknown, and the catch-up after its restart
      // replays it if the database lacks it, so database and journal agree either way.
      const journaled = stamped as Audit | null;
      if (journaled && !(err instanceof EngineDiedError)) await this.journal.append({ op: 'void', changeId: journaled.changeId });
      throw err;
    }
  }

  /**
   * The batches are copied to a data file as they stream into the database; the file is
   * made durable and named for the load's change id before its entry is appended.
   */
  async load(
    command: LoadCommand,
    batches: GraphBatch | AsyncIterable<GraphBatch>,
    audit: LoadAudit & { actor: StampedWrite },
    transact: (batches: AsyncIterable<GraphBatch>, audit: LoadAudit & { actor: StampedWrite }) => Promise<void>,
  ): Promise<void> {
    // Before its data file is begun, not only before its transaction (journaled() checks again).
    refuseWriteWhenFull(this.journal.dataDir, this.options.minFreeDiskMb);
    const temp = loadDataPath(this.journal.dataDir, `.pending-${randomBytes(6).toString('hex')}.jsonl`);
    const fd = openSync(temp, 'w');
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      fsyncSync(fd);
      closeSync(fd);
    };
    async function* tee(): AsyncGenerator<GraphBatch> {
      if (Symbol.asyncIterator in batches) {
        for await (const b of batches) {
          writeAll(fd, `${JSON.stringify(b)}\n`);
          yield b;
        }
      } else {
        writeAll(fd, `${JSON.stringify(batches)}\n`);
        yield batches;
      }
    }
    try {
      await this.write(command, audit.actor, (by) =>
        transact(tee(), {
          ...audit,
          actor: {
            ...by,
            beforeCommit: async (a) => {
              close();
              this.journal.commitLoadData(temp, `${a.changeId}.jsonl`);
              await by.beforeCommit?.(a);
            },
          },
        }),
      );
    } finally {
      if (!closed) closeSync(fd);
      rmSync(temp, { force: true });
    }
  }

  close(): Promise<void> {
    return this.journal.close();
  }
}
