import { describe, expect, it } from 'vitest';
import { isPartialDate } from '../src/ontology/partial-date.js';

describe('PartialDate', () => {
  it.each(['2012', '2011-12', '2012-01-15', '2012-02-29', '1999-12-31', '0000', '0000-02-29', '0004-02-29', '9999-12-31'])('accepts %s', (d) => {
    expect(isPartialDate(d)).toBe(true);
  });
  it.each(['', '12', '2012-1', '2012-13', '2012-00', '2011-02-29', '0100-02-29', '0099-02-29', '2012-01-32', '2012-01-15T00:00', '2012/01/15', 'soon', 2012])('rejects %s', (d) => {
    expect(isPartialDate(d)).toBe(false);
  });
});
