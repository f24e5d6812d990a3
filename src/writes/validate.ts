import { loadOntology, type EntityTypeSpec, type Ontology } from '../ontology/ontology.js';
import { isPartialDate, PARTIAL_DATE_FORMAT, partialDateBounds } from '../ontology/partial-date.js';
import type { AttributeValue, EntityRecord, GraphBatch, QualifierRecord, RelationRecord, SourceRecord } from '../store/records.js';
import { InputError } from './errors.js';
import { sameFact, withCitations } from './fact-identity.js';
import { DERIVED_ID_HINT, deriveRelationId } from './relation-id.js';
import type { ParsedFile } from './seed-file.js';
import { Checker, isObject, LIMITS, manifest, textProblem, type KnownSources, type Path } from './checker.js';
import { checkClaims } from './check-claim.js';

export { Checker, isObject, LIMITS, type KnownSources, type Locator, type Path } from './checker.js';
export { checkClaim, type ClaimContext } from './check-claim.js';

/**
 * Checks a seed file against the ontology and turns it into a batch for the store.
 * Every rule comes from the SDL: which fields each kind has and their types, the
 * allowed enum values, and which kinds each relation type may join.
 */
/** Kind of an entity that is not in the batch but may already be stored. */
export type KindLookup = (ids: readonly string[]) => Promise<ReadonlyMap<string, string>>;

export interface ValidateOptions {
  ontology: Ontology;
  /** Kinds of already-stored entities that relations in the file may point at. */
  existingKinds: KindLookup;
  /** Source documents already stored: id and text (null when it has none). */
  existingSources: KnownSources;
  /**
   * Told of each relation given without an id that states the fact of an earlier one of the
   * file (src/writes/fact-identity.ts): its citations went to that one, and it is left out.
   */
  onCorroborated?: (index: number) => void;
}

/** What the record checks need to know beyond the record itself. */
export interface RecordContext {
  ontology: Ontology;
  /** The source a citation names when it names none (a seed file's own `source`). */
  defaultSource: string | null;
  knownSources: KnownSources;
}

// A seed file's source may also name the document's `file`.
const SOURCE_FIELDS = new Set([...loadOntology().sourceFields.map((f) => f.name), 'file']);

export function checkSource(check: Checker, s: unknown, path: Path): SourceRecord | null {
  if (!isObject(s)) {
    check.fail(path, 'expected a mapping { id, title?, publisher, published, via?, url?, text? }');
    return null;
  }
  check.unknownKeys(s, SOURCE_FIELDS, path, 'a source');
  const id = check.id(s, 'id', path);
  const title = check.string(s, 'title', path, { max: manifest.length('SourceDocument.title').max });
  const publisher = check.string(s, 'publisher', path, { required: true, max: manifest.length('SourceDocument.publisher').max });
  const published = check.string(s, 'published', path, { required: true });
  if (published !== null && !isPartialDate(published)) check.fail([...path, 'published'], `expected ${PARTIAL_DATE_FORMAT}`);
  const via = check.string(s, 'via', path, { max: manifest.length('SourceDocument.via').max });
  let url = check.string(s, 'url', path, { max: manifest.length('SourceDocument.url').max });
  // Shown as a link in the explorer and the network view: only the web's own schemes.
  if (url !== null && !/^https?:\/\/[^\s/]+/i.test(url)) {
    check.fail([...path, 'url'], `expected an http:// or https:// address, got ${JSON.stringify(url.slice(0, 40))}`);
    url = null;
  }
  const text = check.string(s, 'text', path, { max: manifest.length('SourceDocument.text').max });
  return id && publisher && published && isPartialDate(published) ? { id, title, publisher, published, via, url, text } : null;
}

/** The fields of a `FieldQualifierInput`, and the `Basis` values (the type of `Relation.basis`). */
const QUALIFIER_FIELDS = new Set(['field', 'basis', 'preliminary', 'reportedBy', 'note']);
const BASIS_VALUES = loadOntology().relationAttributes.find((a) => a.name === 'basis')?.enumValues ?? [];

/**
 * `Entity.qualifiers`: each names a kind-specific field of the entity's kind that has a
 * value, at most once; `reportedBy` only with basis REPORTED. That `reportedBy` names an
 * entity is checked with the relations' ends (`checkQualifierRefs`).
 */
function checkQualifiers(check: Checker, value: unknown, path: Path, type: EntityTypeSpec, attributes: Readonly<Record<string, AttributeValue>>): QualifierRecord[] {
  const at = [...path, 'qualifiers'];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    check.fail(at, 'expected a list of { field, basis, preliminary?, reportedBy?, note? }');
    return [];
  }
  const max = manifest.count('Entity.qualifiers').max;
  if (value.length > max) {
    check.fail(at, `has more than ${max} qualifiers`);
    return [];
  }
  const fields = type.attributes.map((a) => a.name);
  const seen = new Set<string>();
  const out: QualifierRecord[] = [];
  value.forEach((q: unknown, i) => {
    const qp = [...at, i];
    if (!isObject(q)) return check.fail(qp, 'expected a qualifier { field, basis, preliminary?, reportedBy?, note? }');
    check.unknownKeys(q, QUALIFIER_FIELDS, qp, 'a qualifier');
    let field = check.string(q, 'field', qp, { required: true });
    if (field !== null && !fields.includes(field)) {
      check.fail(
        [...qp, 'field'],
        `${JSON.stringify(field)} is not a field of ${/^[AEIOU]/.test(type.typeName) ? 'an' : 'a'} ${type.typeName}; a qualifier names one of ${fields.join(', ')}`,
      );
      field = null;
    } else if (field !== null && (attributes[field] === null || attributes[field] === undefined)) {
      check.fail([...qp, 'field'], `qualifies ${field}, which has no value; give the ${field} or leave the qualifier out`);
      field = null;
    } else if (field !== null && seen.has(field)) {
      check.fail([...qp, 'field'], `qualifies ${field} a second time; give one qualifier per field`);
      field = null;
    }
    if (field !== null) seen.add(field);
    const basis = check.string(q, 'basis', qp, { required: true });
    if (basis !== null && !BASIS_VALUES.includes(basis)) check.fail([...qp, 'basis'], `expected one of ${BASIS_VALUES.join(', ')}, got ${JSON.stringify(basis)}`);
    const preliminary = q.preliminary ?? false;
    if (typeof preliminary !== 'boolean') check.fail([...qp, 'preliminary'], 'expected true or false');
    const reportedBy = q.reportedBy === undefined || q.reportedBy === null ? null : check.id(q, 'reportedBy', qp);
    if (reportedBy !== null && basis !== null && basis !== 'REPORTED') {
      check.fail([...qp, 'reportedBy'], `is only for basis REPORTED (the outlet the source relays), not ${basis}; set basis: REPORTED or leave reportedBy out`);
    }
    const note = check.string(q, 'note', qp);
    if (field !== null && basis !== null && BASIS_VALUES.includes(basis) && typeof preliminary === 'boolean') out.push({ field, basis, preliminary, reportedBy, note });
  });
  return out;
}

/** Ids the qualifiers of an entity refer to (`reportedBy`), for looking them up. */
export function qualifierRefs(entity: EntityRecord): string[] {
  return (entity.qualifiers ?? []).map((q) => q.reportedBy).filter((id): id is string => id !== null);
}

/** Each qualifier's `reportedBy` names an entity (`exists`); reported at `path.qualifiers[i].reportedBy`. */
export function checkQualifierRefs(check: Checker, entity: EntityRecord, path: Path, exists: (id: string) => boolean): void {
  (entity.qualifiers ?? []).forEach((q, i) => {
    if (q.reportedBy !== null && !exists(q.reportedBy)) {
      check.fail([...path, 'qualifiers', i, 'reportedBy'], `refers to entity ${JSON.stringify(q.reportedBy)}, which does not exist`);
    }
  });
}

export function checkEntity(check: Checker, raw: unknown, path: Path, ctx: RecordContext): EntityRecord | null {
  const { ontology } = ctx;
  if (!isObject(raw)) {
    check.fail(path, 'expected a mapping');
    return null;
  }
  const id = check.id(raw, 'id', path);
  const kind = check.string(raw, 'kind', path, { required: true });
  const type = ontology.entityTypes.find((t) => t.kind === kind);
  if (kind !== null && !type) check.fail([...path, 'kind'], `expected one of ${ontology.kinds.join(', ')}, got ${JSON.stringify(kind)}`);
  const name = check.string(raw, 'name', path, { required: true, max: LIMITS.nameLength });
  const aliasesRaw = raw.aliases ?? [];
  let aliases: string[] = [];
  if (!Array.isArray(aliasesRaw) || !aliasesRaw.every((a) => typeof a === 'string' && a.length > 0 && a.length <= LIMITS.aliasLength)) {
    check.fail([...path, 'aliases'], `expected a list of names of at most ${LIMITS.aliasLength} characters`);
  } else if (aliasesRaw.some((a: string) => textProblem(a) !== null)) {
    check.fail(
      [...path, 'aliases'],
      aliasesRaw.map((a: string) => textProblem(a)).find((p) => p !== null)!,
    );
  } else if (aliasesRaw.length > LIMITS.aliases) {
    check.fail([...path, 'aliases'], `has more than ${LIMITS.aliases} aliases`);
  } else aliases = aliasesRaw as string[];
  const description = check.string(raw, 'description', path);
  const citations = check.citations(raw.sources, path, ctx.defaultSource, ctx.knownSources);
  if (!type || id === null || name === null) return null;
  check.unknownKeys(raw, new Set([...ontology.commonEntityFields, ...type.attributes.map((a) => a.name)]), path, `a ${type.typeName}`);
  const attributes: Record<string, AttributeValue> = {};
  for (const spec of type.attributes) attributes[spec.name] = check.attribute(spec, raw[spec.name], path);
  const qualifiers = checkQualifiers(check, raw.qualifiers, path, type, attributes);
  return { id, kind: type.kind, name, aliases, description, sources: citations, attributes, qualifiers };
}

/**
 * A seed-format relation given without an `id` gets one derived from what it asserts
 * (src/writes/relation-id.ts), as a CSV row without an id does; `derived` says so.
 */
export function withRelationId(raw: unknown): { raw: unknown; derived: boolean } {
  if (!isObject(raw) || (raw.id !== undefined && raw.id !== null)) return { raw, derived: false };
  return { raw: { ...raw, id: deriveRelationId(raw) }, derived: true };
}

/** Why two relations have one id, when it was derived. */
export const DERIVED_DUPLICATE_HINT = `${DERIVED_ID_HINT}: give one of them an id`;

/** Entity ids a raw relation refers to (its ends and `@ref` fields), for looking up their kinds. */
export function referencedIds(raw: unknown, ontology: Ontology): string[] {
  if (!isObject(raw)) return [];
  return ['from', 'to', ...ontology.relationRefs].map((key) => raw[key]).filter((v): v is string => typeof v === 'string');
}

export function checkRelation(check: Checker, raw: unknown, path: Path, ctx: RecordContext & { kindOf: (id: string) => string | undefined }): RelationRecord | null {
  const { ontology } = ctx;
  if (!isObject(raw)) {
    check.fail(path, 'expected a mapping');
    return null;
  }
  const relationFields = new Set([...ontology.relationStructuralFields, ...ontology.relationRefs, ...ontology.relationAttributes.map((a) => a.name)]);
  check.unknownKeys(raw, relationFields, path, 'a relation');
  const id = check.id(raw, 'id', path);
  const type = check.string(raw, 'type', path, { required: true });
  if (type !== null && !ontology.relationType(type)) {
    check.fail([...path, 'type'], `expected one of ${ontology.relationTypes.map((t) => t.name).join(', ')}, got ${JSON.stringify(type)}`);
  }
  const end = (key: string): string | null => {
    const ref = check.id(raw, key, path);
    if (ref !== null && !ctx.kindOf(ref)) {
      check.fail([...path, key], `refers to entity ${JSON.stringify(ref)}, which does not exist`);
      return null;
    }
    return ref;
  };
  const from = end('from');
  const to = end('to');
  const refs: Record<string, string | null> = {};
  for (const name of ontology.relationRefs) refs[name] = raw[name] === undefined || raw[name] === null ? null : end(name);
  const attributes: Record<string, AttributeValue> = {};
  for (const spec of ontology.relationAttributes) attributes[spec.name] = check.attribute(spec, raw[spec.name], path);
  const citations = check.citations(raw.sources, path, ctx.defaultSource, ctx.knownSources, LIMITS.relationCitations);
  // How the source presents the relation: `reportedBy` only for REPORTED, `claimedBy` only and always for CLAIMED.
  const basis = attributes.basis;
  if (typeof basis === 'string') {
    if (raw.reportedBy !== undefined && raw.reportedBy !== null && basis !== 'REPORTED') {
      check.fail([...path, 'reportedBy'], `is only for basis REPORTED (the outlet the source relays), not ${basis}; set basis: REPORTED or leave reportedBy out`);
    }
    if (raw.claimedBy !== undefined && raw.claimedBy !== null && basis !== 'CLAIMED') {
      check.fail([...path, 'claimedBy'], `is only for basis CLAIMED (who made the claim), not ${basis}; set basis: CLAIMED or leave claimedBy out`);
    }
    if (basis === 'CLAIMED' && (raw.claimedBy === undefined || raw.claimedBy === null)) {
      check.fail([...path, 'claimedBy'], 'is required for basis CLAIMED: the entity that made the claim');
    }
  }
  const { start, end: until } = attributes;
  if (typeof start === 'string' && typeof until === 'string' && partialDateBounds(start)[0] > partialDateBounds(until)[1]) {
    check.fail([...path, 'end'], `ends (${until}) before it starts (${start})`);
    return null;
  }
  if (from !== null && from === to) {
    check.fail([...path, 'to'], `a relation cannot join ${JSON.stringify(from)} to itself`);
    return null;
  }
  if (id === null || type === null || from === null || to === null || !ontology.relationType(type)) return null;
  const fromKind = ctx.kindOf(from)!;
  const toKind = ctx.kindOf(to)!;
  if (!ontology.allows(type, fromKind, toKind)) {
    check.fail([...path, 'type'], `${type} cannot join ${fromKind} -> ${toKind}; it joins ${ontology.describeJoins(type)}`);
    return null;
  }
  return { id, type, from, to, sources: citations, refs, attributes };
}

export async function validateSeed(parsed: ParsedFile, opts: ValidateOptions): Promise<GraphBatch> {
  const { ontology } = opts;
  const check = new Checker(parsed);
  const root = parsed.data;
  if (!isObject(root)) {
    check.fail([], 'expected a mapping with `source`, `entities` and `relations`');
    throw new InputError(check.problems);
  }
  check.unknownKeys(root, new Set(['source', 'entities', 'relations', 'claims']), [], 'a seed file');

  const sources: SourceRecord[] = [];
  if (root.source !== undefined) {
    const source = checkSource(check, root.source, ['source']);
    if (source) sources.push(source);
  }
  const ctx: RecordContext = {
    ontology,
    defaultSource: sources[0]?.id ?? null,
    // A file's source without text keeps the text stored for it (a load does not erase it), so its citations are checked against that.
    knownSources: new Map([...opts.existingSources, ...sources.map((s): [string, string | null] => [s.id, s.text ?? opts.existingSources.get(s.id) ?? null])]),
  };

  const list = (key: 'entities' | 'relations' | 'claims'): unknown[] => {
    const v = root[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      check.fail([key], 'expected a list');
      return [];
    }
    return v;
  };

  const entities: EntityRecord[] = [];
  const kindOf = new Map<string, string>();
  list('entities').forEach((raw, i) => {
    const path: Path = ['entities', i];
    const entity = checkEntity(check, raw, path, ctx);
    if (!entity) return;
    if (kindOf.has(entity.id)) return check.fail([...path, 'id'], 'duplicates the id of an earlier entity');
    kindOf.set(entity.id, entity.kind);
    entities.push(entity);
  });

  const rawRelations = list('relations');
  const referenced = new Set([...rawRelations.flatMap((raw) => referencedIds(raw, ontology)), ...entities.flatMap(qualifierRefs)].filter((id) => !kindOf.has(id)));
  const stored = referenced.size > 0 ? await opts.existingKinds([...referenced]) : new Map<string, string>();
  const relationCtx = { ...ctx, kindOf: (id: string) => kindOf.get(id) ?? stored.get(id) };
  list('entities').forEach((raw, i) => {
    const entity = isObject(raw) ? entities.find((e) => e.id === raw.id) : undefined;
    if (entity) checkQualifierRefs(check, entity, ['entities', i], (id) => relationCtx.kindOf(id) !== undefined);
  });

  const relations: RelationRecord[] = [];
  const relationIds = new Set<string>();
  /** Where in `relations` each relation given without an id is, by its derived id. */
  const derivedAt = new Map<string, number>();
  rawRelations.forEach((given, i) => {
    const path: Path = ['relations', i];
    const { raw, derived } = withRelationId(given);
    const relation = checkRelation(check, raw, path, relationCtx);
    if (!relation) return;
    const earlier = derived ? derivedAt.get(relation.id) : undefined;
    if (earlier !== undefined && sameFact(ontology, relations[earlier]!, relation)) {
      const first = relations[earlier]!;
      relations[earlier] = { ...first, sources: withCitations(first.sources, relation.sources).sources };
      opts.onCorroborated?.(i);
      return;
    }
    if (relationIds.has(relation.id)) {
      return check.fail([...path, 'id'], `duplicates the id of an earlier relation${derived ? ` (${relation.id}, ${DERIVED_DUPLICATE_HINT})` : ''}`);
    }
    relationIds.add(relation.id);
    if (derived) derivedAt.set(relation.id, relations.length);
    relations.push(relation);
  });

  // Claims: what they assert is a relation of this file; what they dispute, a claim of it.
  const claims = await checkClaims(check, list('claims'), { ...ctx, relations, kindOf: (id) => kindOf.get(id) ?? stored.get(id), existingKinds: opts.existingKinds });
  if (check.problems.length > 0) throw new InputError(check.problems);
  return claims.length > 0 ? { sources, entities, relations, claims } : { sources, entities, relations };
}
