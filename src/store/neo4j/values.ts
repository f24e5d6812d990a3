import neo4j from 'neo4j-driver';
import type { Decoder } from '../cypher/dialect.js';
import { attributeReader, entityFromProps, relationFromProps, type Props } from '../cypher/records.js';
import { StoreUnavailableError } from '../errors.js';

/**
 * neo4j-driver values to domain records: Node and Relationship objects, and Integers
 * (the driver is configured to return plain numbers, but a value can still arrive as
 * an Integer from a driver set up elsewhere). Nothing of the driver leaves here.
 */

interface NodeLike {
  elementId: string;
  properties: Props;
}
interface RelationshipLike {
  type: string;
  startNodeElementId: string;
  endNodeElementId: string;
  properties: Props;
}

/**
 * A read that met a write: Neo4j reads what is committed as it goes, so a relationship a
 * merge deletes (to re-create it on the survivor) while a read walks over it comes back
 * with no type and no properties. Not the request's fault and not lasting: 503 with
 * Retry-After, and the next read sees the merge done; never a record with an empty type.
 */
export class ReadMetWrite extends StoreUnavailableError {
  constructor(what: string) {
    super(`a ${what} changed while it was read (a merge moved it); try again`);
  }
}

function node(value: unknown): NodeLike {
  if (!neo4j.isNode(value as never)) throw new Error('neo4j store: expected a node');
  const n = value as NodeLike;
  if (typeof n.properties.id !== 'string') throw new ReadMetWrite('entity');
  return n;
}

function relationship(value: unknown): RelationshipLike {
  if (!neo4j.isRelationship(value as never)) throw new Error('neo4j store: expected a relationship');
  const r = value as RelationshipLike;
  if (r.type === '' || typeof r.properties.id !== 'string') throw new ReadMetWrite('relation');
  return r;
}

const toNumber = (value: unknown): number => (neo4j.isInt(value as never) ? neo4j.integer.toNumber(value as never) : Number(value));
const read = attributeReader(toNumber);

export const neo4jDecoder: Decoder = {
  entity: (ontology, value) => entityFromProps(ontology, node(value).properties, read),
  relation: (ontology, value, from, to) => {
    const rel = relationship(value);
    return relationFromProps(ontology, rel.properties, rel.type, from, to, read);
  },
  pathRelations: (ontology, nodes, rels) => {
    const idOf = new Map(nodes.map((n) => [node(n).elementId, String(node(n).properties.id)]));
    return rels.map((value) => {
      const rel = relationship(value);
      const from = idOf.get(rel.startNodeElementId);
      const to = idOf.get(rel.endNodeElementId);
      if (from === undefined || to === undefined) throw new Error('neo4j store: path relation end not on the path');
      return relationFromProps(ontology, rel.properties, rel.type, from, to, read);
    });
  },
  properties: (value) => node(value).properties,
  number: toNumber,
  strings: (value) => (Array.isArray(value) ? value.map(String) : []),
};
