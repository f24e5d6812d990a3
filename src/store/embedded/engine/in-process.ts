import type { Row, Statement } from '../../cypher/executor.js';
import { LadybugExecutor } from '../executor.js';
import type { EmbeddedEngine } from './process.js';

/**
 * LadybugDB in this process, started through the same `recover` as EngineProcess, for
 * commands that run once and exit (export, import, restore): a fault ends the command,
 * which says so, and a process of its own would only add its start to theirs.
 */
export class InProcessEngine implements EmbeddedEngine {
  private executor: LadybugExecutor | null = null;

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

  private get open(): LadybugExecutor {
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

  async close(): Promise<void> {
    const executor = this.executor;
    this.executor = null;
    await executor?.close();
  }
}
