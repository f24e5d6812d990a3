import type { AttributeSpec, Ontology } from '../../ontology/ontology.js';
import type { AttributeValue, CitationRecord, EntityRecord, RelationRecord, SourceRecord } from '../graph-store.js';

/**
 * Conversion between LadybugDB values and domain records. LadybugDB returns 64-bit
 * integers as bigint and internal ids on every node and relationship; none of that
 * leaves this module.
 */

export type Row = Record<string, unknown>;

export interface InternalId {
  offset: number;
  table: number;
}

function asRecord(value: unknown, what: string): Row {
  if (value === null || typeof value !== 'object') throw new Error(`embedded store: expected ${what}`);
  return value as Row;
}

export function internalId(value: unknown): string {
  const id = asRecord(value, 'an internal id') as unknown as InternalId;
  return `${id.table}:${id.offset}`;
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function attribute(spec: AttributeSpec, value: unknown): AttributeValue {
  if (value === null || value === undefined) return null;
  switch (spec.type) {
    case 'int':
    case 'float':
      return typeof value === 'bigint' ? Number(value) : (value as number);
    case 'boolean':
      return Boolean(value);
    case 'stringList':
      return Array.isArray(value) ? value.map(String) : [];
    default:
      return String(value);
  }
}

function citations(json: unknown): CitationRecord[] {
  return typeof json === 'string' && json ? (JSON.parse(json) as CitationRecord[]) : [];
}

export function toEntity(ontology: Ontology, value: unknown): EntityRecord {
  const node = asRecord(value, 'an entity node');
  const type = ontology.entityTypes.find((t) => t.kind === node.kind);
  const attributes: Record<string, AttributeValue> = {};
  for (const spec of type?.attributes ?? []) attributes[spec.name] = attribute(spec, node[spec.name]);
  return {
    id: String(node.id),
    kind: String(node.kind),
    name: String(node.name),
    aliases: Array.isArray(node.aliases) ? node.aliases.map(String) : [],
    description: str(node.description),
    sources: citations(node.sources),
    attributes,
  };
}

/** A relationship value whose ends are given as the entity ids behind LadybugDB's internal ids. */
export function toRelation(ontology: Ontology, value: unknown, idOf: ReadonlyMap<string, string>): RelationRecord {
  const rel = asRecord(value, 'a relation');
  const from = idOf.get(internalId(rel._src));
  const to = idOf.get(internalId(rel._dst));
  if (from === undefined || to === undefined) throw new Error('embedded store: relation end not in result');
  const attributes: Record<string, AttributeValue> = {};
  for (const spec of ontology.relationAttributes) attributes[spec.name] = attribute(spec, rel[spec.name]);
  const refs: Record<string, string | null> = {};
  for (const name of ontology.relationRefs) refs[name] = str(rel[name]);
  return { id: String(rel.id), type: String(rel.type), from, to, sources: citations(rel.sources), refs, attributes };
}

export function toSource(value: unknown): SourceRecord {
  const node = asRecord(value, 'a source document');
  return {
    id: String(node.id),
    title: String(node.title),
    publisher: String(node.publisher),
    published: String(node.published),
    via: str(node.via),
    url: str(node.url),
  };
}

/**
 * Parameters for UNWIND are sent as strings and cast in Cypher: LadybugDB types a
 * list of maps from its first element, so a number that is whole in one row and
 * fractional in the next would otherwise be misread.
 */
export function paramValue(value: AttributeValue): string | string[] | null {
  if (value === null) return null;
  if (Array.isArray(value)) return value.map(String);
  return String(value);
}

export function castExpression(spec: AttributeSpec, expr: string): string {
  switch (spec.type) {
    case 'int':
      return `CAST(${expr} AS INT64)`;
    case 'float':
      return `CAST(${expr} AS DOUBLE)`;
    case 'boolean':
      return `CAST(${expr} AS BOOLEAN)`;
    default:
      return expr;
  }
}
