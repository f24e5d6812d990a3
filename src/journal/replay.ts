import { existsSync } from 'node:fs';
import type { GraphBatch } from '../store/records.js';
import type { GraphReads } from '../store/graph-reads.js';
import type { GraphWrites } from '../writes/graph.js';
import { CurationError } from '../writes/errors.js';
import { DanglingRelationError } from '../store/load-sink.js';
import type { WriteEntry } from './entries.js';
import { jsonLines } from './journal-file.js';
import { DomainError, ErrorCode } from '../errors/domain-error.js';

/** A load's data in the journal is missing or damaged; the message names the file and line. */
export class JournalDataError extends DomainError {
  readonly code = ErrorCode.DATA_DAMAGED;
}

/** Reads a load's batches, one JSON line each, without holding the file. */
export async function* batchesFromFile(path: string): AsyncGenerator<GraphBatch> {
  if (!existsSync(path)) throw new JournalDataError(`the journal's data file ${path} is missing`);
  const damaged = (lineNo: number) => new JournalDataError(`${path}:${lineNo} is not a batch of data (damaged)`);
  for await (const { lineNo, value: batch } of jsonLines(path, damaged)) {
    if (
      typeof batch !== 'object' ||
      batch === null ||
      !Array.isArray((batch as GraphBatch).entities) ||
      !Array.isArray((batch as GraphBatch).relations) ||
      !Array.isArray((batch as GraphBatch).sources)
    ) {
      throw damaged(lineNo);
    }
    yield batch as GraphBatch;
  }
}

/**
 * Applies one journaled write through the same rules, with its original audit entry, to a
 * graph with no log of writes of its own (the journal is not written twice). `loadData`
 * finds a load's batches.
 */
export async function applyEntry(graph: GraphWrites, entry: WriteEntry, loadData: (changeId: string) => AsyncIterable<GraphBatch>): Promise<void> {
  const by = { actor: entry.audit.actor, audit: entry.audit };
  switch (entry.op) {
    case 'upsertEntity':
      await graph.upsertEntity(entry.entity, by);
      return;
    case 'addRelation':
      await graph.addRelation(entry.relation, by, { corroborate: entry.corroborate === true });
      return;
    case 'addCitation':
      await graph.addCitation(entry.relation, entry.citation, by);
      return;
    case 'retractRelation':
      await graph.retractRelation(entry.id, entry.reason, by);
      return;
    case 'mergeEntities':
      await graph.mergeEntities(entry.survivor, entry.duplicate, by);
      return;
    case 'addSource':
      await graph.addSource(entry.source, by);
      return;
    case 'addClaim':
      await graph.addClaim(entry.claim, by);
      return;
    case 'disputeClaim':
      await graph.disputeClaim(entry.claim, entry.disputedBy, by);
      return;
    case 'load':
      await graph.load(loadData(entry.audit.changeId), entry.key, entry.fingerprint, { actor: by, summary: entry.summary, entityIds: entry.entityIds });
      return;
  }
}

export interface ReplayOutcome {
  applied: number;
  /**
   * Writes the store refused (a commit that failed before its `void` entry was written, or a
   * damaged entry): by the graph's rules, or (`damagedData`) for a load whose data file is
   * missing or damaged.
   */
  refused: Array<{ changeId: string; reason: string; damagedData?: true }>;
}

/** Applies writes in journal order; a write the store refuses as invalid is skipped and reported. */
export async function replay(graph: GraphWrites, writes: readonly WriteEntry[], loadData: (changeId: string) => AsyncIterable<GraphBatch>): Promise<ReplayOutcome> {
  const outcome: ReplayOutcome = { applied: 0, refused: [] };
  for (const entry of writes) {
    try {
      await applyEntry(graph, entry, loadData);
      outcome.applied += 1;
    } catch (err) {
      // Refused by the graph's rules, or its data damaged: skipped, and said; anything else (the database failing) stops the replay.
      if (!(err instanceof CurationError || err instanceof DanglingRelationError || err instanceof JournalDataError)) throw err;
      outcome.refused.push({ changeId: entry.audit.changeId, reason: err.message, ...(err instanceof JournalDataError ? { damagedData: true as const } : {}) });
    }
  }
  return outcome;
}

/**
 * Whether `missing` (from missingWrites) are the last of `writes`: a database that lacks a
 * write but holds a later one is not a prefix of the journal (a flipped byte in an audit
 * entry's id makes its write look missing), and replaying onto it would apply writes out of
 * order.
 */
export function isTail(missing: readonly WriteEntry[], writes: readonly WriteEntry[]): boolean {
  const tail = writes.slice(writes.length - missing.length);
  return missing.every((w, i) => w.audit.changeId === tail[i]?.audit.changeId);
}

/** Journal writes looked up per round, newest first. */
const CHUNK = 1_000;

/**
 * The journaled writes the store lacks, in journal order. Writes commit one at a time in
 * journal order, so a store that lags holds a prefix of the journal: the search goes back
 * from the newest write, a chunk at a time, reading only the audit entries since the
 * chunk's oldest, and stops at the first chunk with a write the store holds.
 */
export async function missingWrites(store: Pick<GraphReads, 'changes'>, writes: readonly WriteEntry[]): Promise<WriteEntry[]> {
  const missing: WriteEntry[] = [];
  for (let end = writes.length; end > 0; end -= CHUNK) {
    const chunk = writes.slice(Math.max(0, end - CHUNK), end);
    const since = chunk.map((w) => w.audit.at).reduce((a, b) => (b < a ? b : a));
    const present = new Set<string>();
    for (let after: string | null = null; ;) {
      const page = await store.changes({ since, entity: null, after, limit: CHUNK });
      for (const c of page) present.add(c.id);
      if (page.length < CHUNK) break;
      after = page.at(-1)!.id;
    }
    const lacking = chunk.filter((w) => !present.has(w.audit.changeId));
    missing.unshift(...lacking);
    if (lacking.length < chunk.length) break;
  }
  return missing;
}
