import type { Row, Statement } from '../../cypher/executor.js';
import { StoreUnavailableError } from '../../errors.js';
import { LadybugExecutor } from '../executor.js';
import type { RestartableEngine } from './process.js';

/**
 * LadybugDB in this process, started through the same `recover` as EngineProcess, for
 * commands that run once and exit (export, import, restore): a fault ends the command,
 * which says so, and a process of its own would only add its start to theirs.
 */
export class InProcessEngine implements RestartableEngine {
  private executor: LadybugExecutor | null = null;
  /** Why the engine is stopped for a while (replaceFiles), if it is. */
  private stoppedFor: string | null = null;
  private closed = false;

  constructor(
    private readonly dataDir: string,
    private readonly quarantineKeep: number,
    private readonly log: (line: string) => void,
    private readonly recover: (spawn: () => Promise<void>) => Promise<void>,
  ) {}

  async start(): Promise<void> {
    try {
      await this.recover(async () => {
        await this.executor?.close();
        this.executor = await LadybugExecutor.open(this.dataDir, this.log, { quarantineKeep: this.quarantineKeep });
      });
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  async replaceFiles(why: string, work: () => Promise<void>): Promise<void> {
    if (this.closed) return;
    // Commands that run once do not verify while they run: nobody waits at a gate here.
    this.stoppedFor = why;
    try {
      const executor = this.executor;
      this.executor = null;
      await executor?.close();
      await work();
    } finally {
      this.stoppedFor = null;
    }
    await this.start();
  }

  private get open(): LadybugExecutor {
    if (this.stoppedFor !== null) throw new StoreUnavailableError(`the embedded database is stopped to ${this.stoppedFor}; try again shortly`);
    if (!this.executor) throw new Error('the embedded engine is not open');
    return this.executor;
  }

  read(statement: Statement): Promise<Row[]> {
    return this.open.read(statement);
  }

  write<T>(work: (run: (statement: Statement) => Promise<Row[]>) => Promise<T>): Promise<T> {
    return this.open.write(work);
  }

  ddl(cypher: string): Promise<Row[]> {
    return this.open.ddl(cypher);
  }

  checkpoint(): Promise<void> {
    return this.open.checkpoint();
  }

  async release(): Promise<void> {
    const executor = this.executor;
    this.executor = null;
    await executor?.close();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.release();
  }
}
