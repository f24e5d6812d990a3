import { describe, expect, it } from 'vitest';
import { fold, searchKeys, skeleton } from '../src/store/search/normalize.js';
import { prepareQuery, scoreKeys } from '../src/store/search/score.js';

const score = (q: string, names: string[]) => scoreKeys(prepareQuery(q), searchKeys(names));

describe('search folding', () => {
  it('ignores case, accents and punctuation', () => {
    expect(fold('Miklós  Haraszti')).toBe('miklos haraszti');
    expect(fold('João Soares')).toBe('joao soares');
    expect(fold('EurasiaNet.org')).toBe('eurasianet org');
    expect(fold('Communist People’s Party')).toBe('communist people s party');
  });

  it('maps transliteration variants to one skeleton', () => {
    expect(skeleton(fold('Nazarbayev'))).toBe(skeleton(fold('Nazarbaev')));
    expect(skeleton(fold('Zhanaozen'))).toBe(skeleton(fold('Janaozen')));
    expect(skeleton(fold('Abilov'))).not.toBe(skeleton(fold('Nazarbayev')));
  });
});

describe('search scoring', () => {
  it('scores an exact name or alias 1', () => {
    expect(score('knpk', ['Communist People’s Party of Kazakhstan', 'KNPK'])).toBe(1);
  });

  it('ranks a transliteration variant just below exact', () => {
    const s = score('Nazarbaev', ['Nursultan Nazarbayev', 'Nazarbayev']);
    expect(s).toBeGreaterThan(0.9);
    expect(s).toBeLessThan(1);
  });

  it('finds a person by surname alone and by a misspelling', () => {
    expect(score('haraszti', ['Miklos Haraszti'])).toBeGreaterThan(0.85);
    expect(score('Harazsti', ['Miklos Haraszti'])).toBeGreaterThan(0.6);
  });

  it('gives 0 to unrelated names', () => {
    expect(score('Abilov', ['Nursultan Nazarbayev'])).toBe(0);
    expect(score('   ', ['Nur Otan'])).toBe(0);
  });
});

describe('search for emoji', () => {
  it('folds each emoji to a word of its own, keeping flags, skin tones and joined sequences whole', () => {
    expect(fold('🌹🌹')).toBe('🌹 🌹');
    expect(fold('Rose🌹Party')).toBe('rose 🌹 party');
    expect(fold('🇰🇿 Kazakhstan')).toBe('🇰🇿 kazakhstan');
    expect(fold('👍🏽 👨‍👩‍👧')).toBe('👍🏽 👨‍👩‍👧');
    // The variation selector that asks for emoji presentation does not matter.
    expect(fold('❤️')).toBe(fold('❤'));
    expect(searchKeys(['Rose 🌹 Party'])).toEqual(['rose 🌹 party', 'rose party']);
  });

  it('finds an emoji-only name by its emoji, and a name mixing emoji and words by either', () => {
    expect(score('🌹🌹', ['🌹🌹'])).toBe(1);
    expect(score('🌹', ['🌹🌹'])).toBeGreaterThan(0.85);
    expect(score('🌷', ['🌹🌹'])).toBe(0);
    expect(score('🌹', ['Nur Otan'])).toBe(0);
    expect(score('Rose 🌹 Party', ['Rose 🌹 Party'])).toBe(1);
    expect(score('rose party', ['Rose 🌹 Party'])).toBe(1);
    expect(score('🌹', ['Rose 🌹 Party'])).toBeGreaterThan(0.85);
    expect(score('🇰🇿', ['🇰🇿'])).toBe(1);
  });
});
