import { describe, expect, it } from 'vitest';
import { checkCitationAgainst, normalizeForQuote, quoteOccursIn, splitSentences, splitText } from '../src/ontology/source-text.js';
import { InputError } from '../src/writes/errors.js';
import { citationsHoldInTransaction } from '../src/writes/stored-citations.js';

const sentences = (p: string) => splitSentences(p).map((s) => s.text);

describe('the split rule', () => {
  it('makes each non-blank line a paragraph, numbered from 1, whatever the line breaks', () => {
    const text = 'First one.\r\nSecond one.\r\n\r\n\r\n   \nThird one.\rFourth one.\n\n';
    expect(splitText(text).map((p) => [p.number, p.text])).toEqual([
      [1, 'First one.'],
      [2, 'Second one.'],
      [3, 'Third one.'],
      [4, 'Fourth one.'],
    ]);
  });

  it('counts paragraphs set apart by blank lines as one-per-line ones', () => {
    expect(splitText('\n\nA.\n\nB.\n\n').map((p) => p.number)).toEqual([1, 2]);
    expect(splitText('')).toEqual([]);
    expect(splitText('\n \r\n\t\n')).toEqual([]);
  });

  it('ends a sentence at . ! ? before whitespace and a capital, digit or opening quote', () => {
    expect(sentences('One ends. Two asks? Three shouts! 4 starts with a digit. “Five” is quoted.')).toEqual([
      'One ends.',
      'Two asks?',
      'Three shouts!',
      '4 starts with a digit.',
      '“Five” is quoted.',
    ]);
  });

  it('does not split decimals, domain names or a stop followed by lower case', () => {
    expect(sentences('Ak Zhol won 7.5 percent, according to EurasiaNet.org. Then more.')).toEqual(['Ak Zhol won 7.5 percent, according to EurasiaNet.org.', 'Then more.']);
    expect(sentences('He said so. and went on.')).toEqual(['He said so. and went on.']);
  });

  it('does not split after abbreviations and initials', () => {
    expect(sentences('Mr. Smith met Dr. Jones on Jan. 15 in the U.S. Capitol. J. R. Doe came too.')).toEqual([
      'Mr. Smith met Dr. Jones on Jan. 15 in the U.S. Capitol.',
      'J. R. Doe came too.',
    ]);
    expect(sentences('See e.g. Annex 2. Then stop.')).toEqual(['See e.g. Annex 2.', 'Then stop.']);
  });

  it('keeps a closing quote mark or bracket after the full stop with its sentence', () => {
    expect(sentences('He called it “honest.” Observers did not. (A note.) “Next,” he said.')).toEqual([
      'He called it “honest.”',
      'Observers did not.',
      '(A note.)',
      '“Next,” he said.',
    ]);
    expect(sentences('Plain "quoted." Then \'single.\' Next.')).toEqual(['Plain "quoted."', "Then 'single.'", 'Next.']);
  });

  it('does not end a sentence at a comma inside quote marks', () => {
    expect(sentences('“It was rigged,” concluded the head. “Freedoms will follow.”')).toEqual(['“It was rigged,” concluded the head.', '“Freedoms will follow.”']);
  });

  it('keeps a paragraph without a final stop as one sentence, and collapses no text', () => {
    expect(splitSentences('No stop at the end')).toEqual([{ number: 1, text: 'No stop at the end' }]);
    expect(splitSentences('Ellipsis… Then more.')).toEqual([
      { number: 1, text: 'Ellipsis…' },
      { number: 2, text: 'Then more.' },
    ]);
  });
});

describe('the matching rule', () => {
  it('treats every kind of quote mark alike and whitespace runs as one space', () => {
    expect(normalizeForQuote('  “a”\t‘b’ „c‟ \'d\'  "e"\n')).toBe('"a" "b" "c" "d" "e"');
    expect(quoteOccursIn("Nazarbayev's  Nur\nOtan", 'President Nazarbayev’s Nur Otan held')).toBe(true);
    expect(quoteOccursIn('government’s stated', 'the government”s stated ambition')).toBe(true);
  });

  it('is otherwise exact: case, spelling and dashes count', () => {
    expect(quoteOccursIn('nur otan', 'Nur Otan')).toBe(false);
    expect(quoteOccursIn('Nur Otan - the', 'Nur Otan – the')).toBe(false);
    expect(quoteOccursIn('   ', 'anything')).toBe(false);
  });

  it('checks a citation against paragraph, sentence and quote, naming the field at fault', () => {
    const text = splitText('One. Two has a phrase.\r\n\r\nThree.');
    expect(checkCitationAgainst(text, { paragraph: 1, sentence: 2, quote: 'has a  phrase' })).toBeNull();
    expect(checkCitationAgainst(text, { paragraph: 1, sentence: null, quote: 'One. Two' })).toBeNull();
    expect(checkCitationAgainst(text, { paragraph: 1, sentence: 1, quote: 'has a phrase' })?.field).toBe('quote');
    expect(checkCitationAgainst(text, { paragraph: 3, sentence: null, quote: 'x' })).toEqual({ field: 'paragraph', message: "is 3, but the source's text has 2 paragraphs" });
    expect(checkCitationAgainst(text, { paragraph: 2, sentence: 2, quote: 'Three' })).toEqual({
      field: 'sentence',
      message: "is 2, but paragraph 2 of the source's text has 1 sentence",
    });
  });
});

describe('citations checked inside a write’s transaction', () => {
  const tx = (text: string | null) => ({
    source: (id: string) => Promise.resolve(id === 'doc' ? { id, title: 't', publisher: 'p', published: '2012', via: null, url: null, text } : null),
  });
  const cite = (quote: string, sentence: number | null = null) => ({ sourceId: 'doc', paragraph: 1, sentence, quote });

  it('refuses, at the input field, a citation the source’s text in the transaction does not hold', async () => {
    const refusal = citationsHoldInTransaction(tx('One. Two.'), [cite('One'), cite('Three', 2)]);
    await expect(refusal).rejects.toThrow(InputError);
    await expect(refusal).rejects.toMatchObject({ problems: [expect.objectContaining({ field: 'input.sources[1].quote' })] });
  });

  it('lets through citations of a source without text, or that hold', async () => {
    await expect(citationsHoldInTransaction(tx(null), [cite('anything', 9)])).resolves.toBeUndefined();
    await expect(citationsHoldInTransaction(tx('One. Two.'), [cite('Two', 2)])).resolves.toBeUndefined();
  });
});
