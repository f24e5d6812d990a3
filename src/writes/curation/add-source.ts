import type { Author, SourceRecord } from '../../store/graph-store.js';
import type { WriteTransaction } from '../../store/write-transaction.js';
import { audited } from './audited.js';

/** Creates or replaces a source document. */
export function addSource(tx: WriteTransaction, source: SourceRecord, by: Author): Promise<SourceRecord> {
  return audited(tx, by, async () => {
    const before = await tx.source(source.id);
    await tx.upsertSources([source]);
    return { value: source, change: { operation: 'ADD_SOURCE', entityIds: [], relationId: null, before, after: source } };
  });
}
