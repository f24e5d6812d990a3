import { describe, expect, it } from 'vitest';
import { changeFromProps, citations } from '../src/store/cypher/records.js';
import { StoredRecordUnreadable, StoreUnavailableError } from '../src/store/errors.js';

/**
 * A JSON column changed on disk (a flipped byte leaves a control character in a string) is
 * damage, answered 503 with Retry-After until the check against the journal repairs it,
 * never a 500 with the parser's words.
 */
describe('stored JSON that does not parse', () => {
  const damaged = '[{"sourceId":"asia-plus","quote":"Nur Otan\u0001 won"}';

  it('is StoredRecordUnreadable, a kind of unavailability, naming what could not be read', () => {
    expect(() => citations(damaged)).toThrow(StoredRecordUnreadable);
    expect(() => citations(damaged)).toThrow(StoreUnavailableError);
    expect(() => citations(damaged)).toThrow(/stored list of citations could not be read/);
    const change = { id: 'c1', at: '2026-01-01T00:00:00Z', actor: 'a', operation: 'UPSERT_ENTITY', before: null, after: '{"id":"x",' };
    expect(() => changeFromProps(change)).toThrow(/stored audit entry could not be read/);
  });

  it('leaves well-formed columns as they were', () => {
    expect(citations('[{"sourceId":"s","paragraph":1,"sentence":null,"quote":"q"}]')).toEqual([{ sourceId: 's', paragraph: 1, sentence: null, quote: 'q' }]);
    expect(citations('')).toEqual([]);
  });
});
