import type { Decoder } from '../cypher/dialect.js';
import { attributeReader, entityFromProps, relationFromProps, type Props } from '../cypher/records.js';

/**
 * LadybugDB values to domain records. LadybugDB returns 64-bit integers as bigint and
 * internal ids (`_id`, `_src`, `_dst`) on nodes and relationships; none of it leaves here.
 */

function props(value: unknown, what: string): Props {
  if (value === null || typeof value !== 'object') throw new Error(`embedded store: expected ${what}`);
  return value as Props;
}

function internalId(value: unknown): string {
  const id = props(value, 'an internal id');
  return `${String(id.table)}:${String(id.offset)}`;
}

const read = attributeReader((v) => Number(v));

export const ladybugDecoder: Decoder = {
  entity: (ontology, value) => entityFromProps(ontology, props(value, 'an entity node'), read),
  relation: (ontology, value, from, to) => {
    const rel = props(value, 'a relation');
    return relationFromProps(ontology, rel, String(rel.type), from, to, read);
  },
  pathRelations: (ontology, nodes, rels) => {
    const idOf = new Map(
      nodes.map((n) => {
        const node = props(n, 'a path node');
        return [internalId(node._id), String(node.id)] as const;
      }),
    );
    return rels.map((value) => {
      const rel = props(value, 'a path relation');
      const from = idOf.get(internalId(rel._src));
      const to = idOf.get(internalId(rel._dst));
      if (from === undefined || to === undefined) throw new Error('embedded store: path relation end not on the path');
      return relationFromProps(ontology, rel, String(rel.type), from, to, read);
    });
  },
  properties: (value) => props(value, 'a node'),
  number: (value) => Number(value),
  strings: (value) => (Array.isArray(value) ? value.map(String) : []),
};
