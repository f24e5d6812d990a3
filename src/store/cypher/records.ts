import type { AttributeSpec, Ontology } from '../../ontology/ontology.js';
import type { AttributeValue, ChangeRecord, CitationRecord, EntityRecord, QualifierRecord, RelationRecord, SourceRecord } from '../records.js';
import { StoredRecordUnreadable } from '../errors.js';

/**
 * Property maps to domain records, the same for every backend once its decoder has
 * unwrapped the driver's node and relationship objects and its numbers.
 */

export type Props = Record<string, unknown>;

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** Reads a stored value as the attribute's type; `toNumber` unwraps the driver's integers. */
export function attributeReader(toNumber: (value: unknown) => number) {
  return (spec: AttributeSpec, value: unknown): AttributeValue => {
    // A row stored before a field with `@default` existed reads as the default.
    if (value === null || value === undefined) return spec.default ?? null;
    switch (spec.type) {
      case 'int':
      case 'float':
        return toNumber(value);
      case 'boolean':
        return Boolean(value);
      case 'stringList':
        return Array.isArray(value) ? value.map(String) : [];
      default:
        return String(value);
    }
  };
}

type Reader = ReturnType<typeof attributeReader>;

/** A JSON column as stored; text that does not parse is damage (StoredRecordUnreadable), not a fault of ours. */
export function storedJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new StoredRecordUnreadable(what);
  }
}

function qualifiers(json: unknown): QualifierRecord[] {
  return typeof json === 'string' && json ? (storedJson(json, "relation's qualifiers") as QualifierRecord[]) : [];
}

export function citations(json: unknown): CitationRecord[] {
  return typeof json === 'string' && json ? (storedJson(json, 'list of citations') as CitationRecord[]) : [];
}

/**
 * Citations are parsed when first read: a large neighborhood decodes a hundred thousand
 * relations, and most answers never ask for their sources.
 */
function lazyCitations<T extends object>(record: T, json: unknown): T & { readonly sources: CitationRecord[] } {
  let parsed: CitationRecord[] | undefined;
  return Object.defineProperty(record, 'sources', { enumerable: true, get: () => (parsed ??= citations(json)) }) as T & { readonly sources: CitationRecord[] };
}

export function entityFromProps(ontology: Ontology, node: Props, read: Reader): EntityRecord {
  const type = ontology.entityTypes.find((t) => t.kind === node.kind);
  const attributes: Record<string, AttributeValue> = {};
  for (const spec of type?.attributes ?? []) attributes[spec.name] = read(spec, node[spec.name]);
  return {
    id: String(node.id),
    kind: String(node.kind),
    name: String(node.name),
    aliases: Array.isArray(node.aliases) ? node.aliases.map(String) : [],
    description: str(node.description),
    sources: citations(node.sources),
    attributes,
    qualifiers: qualifiers(node.qualifiers),
    ...(typeof node.mergedInto === 'string' ? { mergedInto: node.mergedInto } : {}),
  };
}

export function relationFromProps(ontology: Ontology, rel: Props, type: string, from: string, to: string, read: Reader): RelationRecord {
  const attributes: Record<string, AttributeValue> = {};
  for (const spec of ontology.relationAttributes) attributes[spec.name] = read(spec, rel[spec.name]);
  const refs: Record<string, string | null> = {};
  for (const name of ontology.relationRefs) refs[name] = str(rel[name]);
  const retraction = typeof rel.retractedAt === 'string' ? { at: rel.retractedAt, by: String(rel.retractedBy ?? ''), reason: String(rel.retractionReason ?? '') } : null;
  return lazyCitations({ id: String(rel.id), type, from, to, refs, attributes, addedBy: str(rel.addedBy), retraction }, rel.sources);
}

export function changeFromProps(c: Props): ChangeRecord {
  const json = (v: unknown): unknown => (typeof v === 'string' ? storedJson(v, 'audit entry') : null);
  return {
    id: String(c.id),
    at: String(c.at),
    actor: String(c.actor),
    operation: String(c.operation) as ChangeRecord['operation'],
    entityIds: Array.isArray(c.entityIds) ? c.entityIds.map(String) : [],
    relationId: str(c.relationId),
    before: json(c.before),
    after: json(c.after),
  };
}

export function sourceFromProps(s: Props): SourceRecord {
  return {
    id: String(s.id),
    title: str(s.title),
    publisher: String(s.publisher),
    published: String(s.published),
    via: str(s.via),
    url: str(s.url),
    text: str(s.text),
  };
}
