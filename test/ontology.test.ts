import { buildASTSchema, getNamedType, isInputObjectType, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { LIMITS as GRAPHQL_LIMITS } from '../src/graphql/limits.js';
import { Checker, LIMITS as WRITE_LIMITS } from '../src/writes/validate.js';
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
    expect(ontology.relationRefs).toEqual(['reportedBy', 'claimedBy']);
    expect(ontology.relationAttributes.map((a) => a.name)).toEqual(expect.arrayContaining(['voteShare', 'date', 'note']));
  });

  it('reads @default: a non-null field with a default is an attribute, optional in its input, with its value typed', () => {
    const basis = ontology.relationAttributes.find((a) => a.name === 'basis');
    expect(basis).toMatchObject({ type: 'string', default: 'ESTABLISHED', enumValues: ['ESTABLISHED', 'REPORTED', 'CLAIMED', 'INFERRED'] });
    expect(ontology.relationAttributes.find((a) => a.name === 'preliminary')).toMatchObject({ type: 'boolean', default: false });
    expect(ontology.relationStructuralFields).not.toContain('basis');
    expect(ontology.entityTypes.find((t) => t.kind === 'EVENT')?.attributes.find((a) => a.name === 'status')).toMatchObject({ default: 'HAPPENED' });
    expect(ontology.commonEntityFields).toContain('qualifiers');
    expect(ontology.sdl).toMatch(/extend input RelationInput \{[^}]*\bbasis: Basis\n[^}]*\bpreliminary: Boolean\n/);
    expect(ontology.sdl).toMatch(/extend input EntityInput \{[^}]*\bstatus: EventStatus\n/);
  });

  it('rejects a @default that is not a value of the field, or on a nullable field', () => {
    const sdl = readSdl();
    expect(() => ontologyFromSdl(sdl.replace('@default(value: "ESTABLISHED")', '@default(value: "ROUMOURED")'))).toThrow(/Relation\.basis: @default.*not one of ESTABLISHED/);
    expect(() => ontologyFromSdl(sdl.replace('@default(value: "false")', '@default(value: "no")'))).toThrow(/Relation\.preliminary: @default.*not true or false/);
    expect(() => ontologyFromSdl(sdl.replace('basis: Basis! @default', 'basis: Basis @default'))).toThrow(/only a non-null field has a default/);
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

describe('limits and inputs read from the SDL', () => {
  const ontology = loadOntology();
  const schema = buildASTSchema(parse(ontology.sdl));

  it('bounds every whole-number and text argument of a query or mutation with @limit or @length', () => {
    const unbounded: string[] = [];
    for (const root of [schema.getQueryType(), schema.getMutationType()]) {
      for (const field of Object.values(root!.getFields())) {
        for (const arg of field.args) {
          const coordinate = `${root!.name}.${field.name}.${arg.name}`;
          const named = getNamedType(arg.type).name;
          if (named === 'Int' && !ontology.limits.arguments.has(coordinate)) unbounded.push(coordinate);
          if (named === 'String' && !ontology.limits.lengths.has(coordinate)) unbounded.push(coordinate);
        }
      }
    }
    expect(unbounded).toEqual([]);
    expect(ontology.limits.argument('Query.entities.first')).toEqual({ min: 1, max: 100 });
    expect(ontology.limits.length('Query.search.text')).toEqual({ min: 1, max: 200 });
  });

  it('gives ids one length, enforced alike by the GraphQL arguments and the write validator', () => {
    expect(ontology.limits.idLength).toBe(256);
    expect(GRAPHQL_LIMITS.idLength).toBe(256);
    expect(WRITE_LIMITS.idLength).toBe(256);
    const check = new Checker({ file: 'input', lineOf: () => null });
    expect(check.id({ id: 'a'.repeat(256) }, 'id', [])).toBe('a'.repeat(256));
    expect(check.id({ id: 'a'.repeat(257) }, 'id', [])).toBeNull();
    expect(check.problems[0]?.message).toBe('is longer than 256 characters');
    const sdl = readSdl().replace('type Relation {\n  id: ID! @length(max: 256)', 'type Relation {\n  id: ID! @length(max: 128)');
    expect(() => ontologyFromSdl(sdl)).toThrow(/Relation.id @length must equal Entity.id's \(256\)/);
  });

  it('builds the write inputs from the stored fields: every attribute and reference is an input field', () => {
    const fields = (name: string) => {
      const type = schema.getType(name);
      if (!isInputObjectType(type)) throw new Error(`${name} is not an input`);
      return Object.keys(type.getFields());
    };
    expect(fields('EntityInput').sort()).toEqual([...ontology.commonEntityFields, ...ontology.entityAttributes.map((a) => a.name)].sort());
    expect(fields('RelationInput').sort()).toEqual([...ontology.relationStructuralFields, ...ontology.relationRefs, ...ontology.relationAttributes.map((a) => a.name)].sort());
    expect(fields('SourceInput')).toEqual(ontology.sourceFields.map((f) => f.name));
  });
});
