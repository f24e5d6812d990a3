import type { Author, SourceRecord } from '../../store/records.js';
import type { WriteTransaction } from '../../store/write-transaction.js';
import { StoredCitationsError, storedCitationsAgainst } from '../stored-citations.js';
import { audited } from './audited.js';

/**
 * Creates or replaces a source document. Text given to it must hold every citation
 * already stored for it (checked in the transaction; otherwise nothing is written).
 */
export function addSource(tx: WriteTransaction, source: SourceRecord, by: Author): Promise<SourceRecord> {
  return audited(tx, by, async () => {
    const before = await tx.source(source.id);
    const failing = await storedCitationsAgainst(tx, source);
    if (failing.length > 0) throw new StoredCitationsError(failing.map((message) => ({ file: 'input', line: null, field: 'input.text', message })));
    await tx.upsertSources([source]);
    return { value: source, change: { operation: 'ADD_SOURCE', entityIds: [], relationId: null, before, after: source } };
  });
}
