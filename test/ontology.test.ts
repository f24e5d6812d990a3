import { describe, expect, it } from 'vitest';
import { loadOntology, ontologyFromSdl } from '../src/ontology/ontology.js';
import { readSdl } from '../src/ontology/sdl.js';

describe('ontology read from the SDL', () => {
  const ontology = loadOntology();

  it('has the five kinds and the relation types the design requires', () => {
    expect(ontology.kinds).toEqual(['PERSON', 'PARTY', 'ORGANIZATION', 'EVENT', 'PLACE']);
    const names = ontology.relationTypes.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['SUPPORTS', 'DISQUALIFIED_FROM', 'OBSERVED', 'BARRED_FROM']));
  });

  it('knows which kinds each relation type may join', () => {
    expect(ontology.allows('DISQUALIFIED_FROM', 'PERSON', 'EVENT')).toBe(true);
    expect(ontology.allows('DISQUALIFIED_FROM', 'PARTY', 'EVENT')).toBe(true);
    expect(ontology.allows('DISQUALIFIED_FROM', 'EVENT', 'PERSON')).toBe(false);
    expect(ontology.allows('LOCATED_IN', 'PLACE', 'PLACE')).toBe(true);
    expect(ontology.allows('LOCATED_IN', 'ORGANIZATION', 'PLACE')).toBe(false);
    expect(ontology.describeJoins('OBSERVED')).toBe('ORGANIZATION|PERSON -> EVENT');
  });

  it('derives stored fields from the entity types, with their value types', () => {
    const event = ontology.entityTypes.find((t) => t.kind === 'EVENT');
    expect(event?.attributes.map((a) => [a.name, a.type])).toEqual(
      expect.arrayContaining([
        ['date', 'partialDate'],
        ['turnout', 'float'],
        ['partiesRunning', 'int'],
      ]),
    );
    expect(event?.attributes.find((a) => a.name === 'eventType')?.enumValues).toContain('ELECTION');
    expect(ontology.relationRefs).toEqual(['claimedBy']);
    expect(ontology.relationAttributes.map((a) => a.name)).toEqual(expect.arrayContaining(['voteShare', 'date', 'quote']));
  });

  it('rejects a relation type that does not say which kinds it joins', () => {
    const sdl = readSdl().replace('SUPPORTS @joins(from: [PERSON, PARTY, ORGANIZATION], to: [PERSON, PARTY])', 'SUPPORTS');
    expect(() => ontologyFromSdl(sdl)).toThrow(/SUPPORTS has no @joins/);
  });

  it('rejects an entity type without a kind', () => {
    const sdl = readSdl().replace('type Place implements Entity @entity(kind: PLACE)', 'type Place implements Entity');
    expect(() => ontologyFromSdl(sdl)).toThrow(/Place implements Entity but has no @entity/);
  });
});
