import neo4j from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { loadOntology } from '../src/ontology/ontology.js';
import { isUnavailable } from '../src/store/neo4j/executor.js';
import { neo4jDecoder, ReadMetWrite } from '../src/store/neo4j/values.js';
import { httpHeadersOf, httpStatusOf } from '../src/errors/http-status.js';

/** The driver's objects become the same plain records the embedded store returns. */
describe('Neo4j values', () => {
  const ontology = loadOntology();
  const node = (elementId: string, props: Record<string, unknown>) => new neo4j.types.Node(neo4j.int(0), ['Entity'], props, elementId);

  it('turns a node with Integer fields into an entity record', () => {
    const e = neo4jDecoder.entity(
      ontology,
      node('4:x:1', {
        id: 'vote',
        kind: 'EVENT',
        name: 'A vote',
        aliases: ['V'],
        sources: JSON.stringify([{ sourceId: 's', paragraph: 1, sentence: null, quote: 'q' }]),
        date: '2012-01',
        partiesRunning: neo4j.int(7),
        turnout: 76.5,
      }),
    );
    expect(e).toEqual({
      id: 'vote',
      kind: 'EVENT',
      name: 'A vote',
      aliases: ['V'],
      description: null,
      sources: [{ sourceId: 's', paragraph: 1, sentence: null, quote: 'q' }],
      // A node stored before `status` and `qualifiers` existed reads as their defaults.
      attributes: { eventType: null, status: 'HAPPENED', date: '2012-01', turnout: 76.5, threshold: null, partiesRunning: 7 },
      qualifiers: [],
    });
    expect(typeof e.attributes.partiesRunning).toBe('number');
  });

  it('names path relations by the entity ids of their ends, in stored direction', () => {
    const a = node('4:x:1', { id: 'abilov', kind: 'PERSON', name: 'A' });
    const b = node('4:x:2', { id: 'election', kind: 'EVENT', name: 'E' });
    const rel = new neo4j.types.Relationship(neo4j.int(9), neo4j.int(0), neo4j.int(1), 'DISQUALIFIED_FROM', { id: 'r1', voteShare: null }, '5:x:9', '4:x:1', '4:x:2');
    const [r] = neo4jDecoder.pathRelations(ontology, [b, a], [rel]);
    expect(r).toMatchObject({ id: 'r1', type: 'DISQUALIFIED_FROM', from: 'abilov', to: 'election' });
  });

  it('answers a relation a merge deleted under the read as 503 with Retry-After, never as a relation of type ""', () => {
    // What the driver hands back for a relationship deleted while the statement walked over it.
    const a = node('4:x:1', { id: 'abilov', kind: 'PERSON', name: 'A' });
    const b = node('4:x:2', { id: 'election', kind: 'EVENT', name: 'E' });
    const gone = new neo4j.types.Relationship(neo4j.int(9), neo4j.int(0), neo4j.int(1), '', {}, '5:x:9', '4:x:1', '4:x:2');
    for (const read of [() => neo4jDecoder.relation(ontology, gone, 'abilov', 'election'), () => neo4jDecoder.pathRelations(ontology, [a, b], [gone])]) {
      let thrown: unknown;
      try {
        read();
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(ReadMetWrite);
      const err = thrown as ReadMetWrite;
      expect(httpStatusOf(err)).toBe(503);
      expect(httpHeadersOf(err)['retry-after']).toBeDefined();
    }
    expect(() => neo4jDecoder.entity(ontology, node('4:x:3', {}))).toThrow(ReadMetWrite);
  });

  it('tells an unreachable server from a bad statement', () => {
    expect(isUnavailable(Object.assign(new Error('x'), { code: 'ServiceUnavailable' }))).toBe(true);
    expect(isUnavailable(Object.assign(new Error('x'), { code: 'Neo.TransientError.General.DatabaseUnavailable' }))).toBe(true);
    expect(isUnavailable(Object.assign(new Error('x'), { code: 'Neo.ClientError.Statement.SyntaxError' }))).toBe(false);
  });

  it('reads its settings from NEO4J_* and refuses an address that is not Neo4j', () => {
    expect(loadConfig({ NEO4J_URI: 'neo4j+s://abc.databases.neo4j.io', NEO4J_PASSWORD: 'pw', NEO4J_DATABASE: 'graph' }).neo4j).toEqual({
      uri: 'neo4j+s://abc.databases.neo4j.io',
      user: 'neo4j',
      password: 'pw',
      database: 'graph',
    });
    expect(loadConfig({}).neo4j).toBeNull();
    expect(() => loadConfig({ NEO4J_URI: 'localhost:7687' })).toThrow(/NEO4J_URI must look like neo4j:\/\/host:7687/);
  });
});
