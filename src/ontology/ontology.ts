import {
  buildASTSchema,
  getNamedType,
  getNullableType,
  GraphQLEnumType,
  GraphQLInterfaceType,
  GraphQLObjectType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  parse,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type GraphQLField,
  type GraphQLSchema,
} from 'graphql';
import { entityAttributeFilters, filterExtensions } from './filters.js';
import { inputExtensions } from './inputs.js';
import { readLimits, type LimitsManifest } from './limits.js';
import { readSdl } from './sdl.js';

/**
 * The ontology as data, read from the SDL's directives and types. Everything that
 * needs to know the kinds, relation types or stored fields (DB schema, seed
 * validation, resolvers) asks this module instead of keeping its own list.
 */

export type ValueType = 'string' | 'int' | 'float' | 'boolean' | 'partialDate' | 'stringList';

/** A field stored as a column, as opposed to one computed by a resolver. */
export interface AttributeSpec {
  name: string;
  type: ValueType;
  /** Allowed values when the field's GraphQL type is an enum. */
  enumValues?: readonly string[];
  /** Inclusive bounds of a numeric field, from `@range`. */
  range?: { min: number; max: number };
  /** Most characters of a string field (of each item of a list), from `@length` or its default. */
  maxLength?: number;
  /** What follows the number when it is shown, from `@unit`. */
  unit?: string;
  /** The field's GraphQL type (`Float`, `EventType`, `[String!]`): the type of its input field. */
  graphqlType?: string;
  description?: string;
  /**
   * From `@default(value:)`: what a write that leaves the field out stores, and what a row
   * stored before the field existed reads as. Such a field is non-null in its type but
   * optional in inputs.
   */
  default?: string | number | boolean;
}

export interface EntityTypeSpec {
  kind: string;
  typeName: string;
  /** Kind-specific stored fields (beyond the common ones every entity has). */
  attributes: readonly AttributeSpec[];
}

export interface JoinRule {
  from: readonly string[];
  to: readonly string[];
}

export interface RelationTypeSpec {
  name: string;
  description?: string;
  joins: readonly JoinRule[];
}

export interface Ontology {
  /** The SDL as served: `schema/` with the input types' generated fields (src/ontology/inputs.ts). */
  sdl: string;
  kinds: readonly string[];
  entityTypes: readonly EntityTypeSpec[];
  /** Union of every entity type's attributes: the entity table's extra columns. */
  entityAttributes: readonly AttributeSpec[];
  relationTypes: readonly RelationTypeSpec[];
  /** Stored scalar fields of `Relation` beyond id, type, from, to, sources. */
  relationAttributes: readonly AttributeSpec[];
  /** Fields of `Relation` stored as an entity id (`@ref`). */
  relationRefs: readonly string[];
  /**
   * Stored fields of `Relation` marked `@annotation` (attributes or refs): they qualify a fact
   * without stating it, so the fact's identity (src/writes/fact-identity.ts) leaves them out.
   */
  relationAnnotations: readonly string[];
  /** Stored fields of `SourceDocument`, id first. */
  sourceFields: readonly AttributeSpec[];
  /** Stored fields of `Change` (the audit log), id first. */
  changeFields: readonly AttributeSpec[];
  /**
   * Stored fields of `Claim`, id first: a `@ref` field as an id (a list of ids), `sources`
   * as the citations' JSON text, the rest as their types.
   */
  claimFields: readonly AttributeSpec[];
  /** Fields of `Claim` stored as ids (`@ref`): `speaker`, `about`, `asserts`, `disputes`. */
  claimRefs: readonly string[];
  /** Argument, length and count limits declared in the SDL. */
  limits: LimitsManifest;
  /** Fields every entity has, handled structurally: the `Entity` interface's fields that are stored (no arguments, not `@computed`). */
  commonEntityFields: readonly string[];
  /** Fields every relation has, handled structurally: the non-null fields of `Relation` (id, type, ends, citations). */
  relationStructuralFields: readonly string[];
  /** Fields of a citation as written (`CitationInput`), and which are required. */
  citationFields: ReadonlyArray<{ name: string; required: boolean; /** Its named GraphQL type (`Int`, `String`, `ID`). */ type: string }>;
  typeNameOfKind(kind: string): string;
  relationType(name: string): RelationTypeSpec | undefined;
  /** Whether a relation of `type` may go from an entity of `fromKind` to one of `toKind`. */
  allows(type: string, fromKind: string, toKind: string): boolean;
  /** Human-readable list of the kind pairs a relation type may join. */
  describeJoins(type: string): string;
}

/** Fields every entity has and that are handled structurally, not as attributes. */

function directiveArgs(node: ConstDirectiveNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const arg of node.arguments ?? []) out[arg.name.value] = valueFromASTUntyped(arg.value);
  return out;
}

function stringList(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new Error(`ontology: ${where} must be a list of EntityKind values`);
  }
  return value as string[];
}

function rangeOf(field: GraphQLField<unknown, unknown>, owner: string): { range?: { min: number; max: number } } {
  const directive = field.astNode?.directives?.find((d) => d.name.value === 'range');
  if (!directive) return {};
  const { min, max } = directiveArgs(directive);
  if (typeof min !== 'number' || typeof max !== 'number' || min > max) throw new Error(`ontology: ${owner}.${field.name}: @range needs min <= max`);
  const named = getNamedType(field.type).name;
  if (named !== 'Int' && named !== 'Float') throw new Error(`ontology: ${owner}.${field.name}: @range applies to Int and Float fields only`);
  return { range: { min, max } };
}

function unitOf(field: GraphQLField<unknown, unknown>): { unit?: string } {
  const directive = field.astNode?.directives?.find((d) => d.name.value === 'unit');
  const symbol = directive ? directiveArgs(directive).symbol : undefined;
  return typeof symbol === 'string' ? { unit: symbol } : {};
}

/** `@default(value:)` as a value of the attribute's type; throws when the text is not one. */
function withDefault(field: GraphQLField<unknown, unknown>, owner: string, spec: AttributeSpec): AttributeSpec {
  const directive = field.astNode?.directives?.find((d) => d.name.value === 'default');
  if (!directive) return spec;
  const text = directiveArgs(directive).value;
  const where = `ontology: ${owner}.${field.name}: @default(value: ${JSON.stringify(text)})`;
  if (typeof text !== 'string') throw new Error(`${where} needs a string`);
  if (!isNonNullType(field.type)) throw new Error(`${where}: only a non-null field has a default`);
  let value: string | number | boolean;
  switch (spec.type) {
    case 'boolean':
      if (text !== 'true' && text !== 'false') throw new Error(`${where} is not true or false`);
      value = text === 'true';
      break;
    case 'int':
    case 'float':
      value = Number(text);
      if (!Number.isFinite(value) || (spec.type === 'int' && !Number.isInteger(value))) throw new Error(`${where} is not a number`);
      break;
    case 'stringList':
      throw new Error(`${where}: a list has no default`);
    default:
      if (spec.enumValues && !spec.enumValues.includes(text)) throw new Error(`${where} is not one of ${spec.enumValues.join(', ')}`);
      value = text;
  }
  return { ...spec, default: value };
}

function valueTypeOf(field: GraphQLField<unknown, unknown>, owner: string, limits: LimitsManifest): AttributeSpec {
  return withDefault(field, owner, plainValueTypeOf(field, owner, limits));
}

function plainValueTypeOf(field: GraphQLField<unknown, unknown>, owner: string, limits: LimitsManifest): AttributeSpec {
  const type = getNullableType(field.type);
  const named = getNamedType(field.type);
  const base = {
    name: field.name,
    graphqlType: String(field.type),
    ...(field.description ? { description: field.description } : {}),
    ...rangeOf(field, owner),
    ...unitOf(field),
  };
  const maxLength = limits.lengths.get(`${owner}.${field.name}`)?.max ?? limits.defaultTextLength;
  if (isListType(type)) {
    if (named.name === 'String' || named.name === 'ID') return { ...base, type: 'stringList', maxLength };
    throw new Error(`ontology: ${owner}.${field.name}: only lists of String can be stored`);
  }
  if (isEnumType(named)) return { ...base, type: 'string', enumValues: named.getValues().map((v) => v.name) };
  if (isScalarType(named)) {
    switch (named.name) {
      case 'String':
      case 'ID':
      case 'JSON': // a JSON value is stored as its text
        return { ...base, type: 'string', maxLength };
      case 'Int':
        return { ...base, type: 'int' };
      case 'Float':
        return { ...base, type: 'float' };
      case 'Boolean':
        return { ...base, type: 'boolean' };
      case 'PartialDate':
        return { ...base, type: 'partialDate' };
    }
  }
  throw new Error(`ontology: ${owner}.${field.name}: type ${String(field.type)} cannot be stored`);
}

function hasDirective(field: GraphQLField<unknown, unknown>, name: string): boolean {
  return (field.astNode?.directives ?? []).some((d) => d.name.value === name);
}

/** The stored fields of an object type: all but `@computed` ones and those of `skip`. */
function storedFields(type: GraphQLObjectType, skip: ReadonlySet<string>, limits: LimitsManifest): AttributeSpec[] {
  return Object.values(type.getFields())
    .filter((f) => !skip.has(f.name) && !hasDirective(f, 'computed'))
    .map((f) => valueTypeOf(f, type.name, limits));
}

function objectType(schema: GraphQLSchema, name: string): GraphQLObjectType {
  const type = schema.getType(name);
  if (!(type instanceof GraphQLObjectType)) throw new Error(`ontology: type ${name} is missing`);
  return type;
}

export function ontologyFromSdl(sdl: string): Ontology {
  const schema: GraphQLSchema = buildASTSchema(parse(sdl));
  const limits = readLimits(schema);
  const kindEnum = schema.getType('EntityKind');
  const relEnum = schema.getType('RelationType');
  const entityIface = schema.getType('Entity');
  const relationType = schema.getType('Relation');
  if (!(kindEnum instanceof GraphQLEnumType)) throw new Error('ontology: enum EntityKind is missing');
  if (!(relEnum instanceof GraphQLEnumType)) throw new Error('ontology: enum RelationType is missing');
  if (!(entityIface instanceof GraphQLInterfaceType)) throw new Error('ontology: interface Entity is missing');
  if (!(relationType instanceof GraphQLObjectType)) throw new Error('ontology: type Relation is missing');

  const kinds = kindEnum.getValues().map((v) => v.name);
  // A field with arguments is resolved (`relations`), not stored; nor is a `@computed` one.
  const isStored = (f: GraphQLField<unknown, unknown>) => f.args.length === 0 && !hasDirective(f, 'computed');
  const commonEntityFields = Object.values(entityIface.getFields())
    .filter(isStored)
    .map((f) => f.name);
  // Every relation has its non-null fields; the nullable ones are its optional attributes,
  // and so are non-null ones with a `@default` (filled in when a write leaves them out).
  const relationStructuralFields = Object.values(relationType.getFields())
    .filter((f) => isStored(f) && isNonNullType(f.type) && !hasDirective(f, 'default'))
    .map((f) => f.name);
  const citationInput = schema.getType('CitationInput');
  if (!isInputObjectType(citationInput)) throw new Error('ontology: input CitationInput is missing');
  const citationFields = Object.values(citationInput.getFields()).map((f) => ({ name: f.name, required: isNonNullType(f.type), type: getNamedType(f.type).name }));
  const entityTypes: EntityTypeSpec[] = [];
  for (const type of schema.getPossibleTypes(entityIface)) {
    const directive = type.astNode?.directives?.find((d) => d.name.value === 'entity');
    if (!directive) throw new Error(`ontology: type ${type.name} implements Entity but has no @entity(kind:)`);
    const kind = String(directiveArgs(directive).kind);
    if (!kinds.includes(kind)) throw new Error(`ontology: ${type.name} has unknown kind ${kind}`);
    // Fields with arguments (`relations`) are resolved, not stored.
    const resolved = Object.values(type.getFields())
      .filter((f) => f.args.length > 0)
      .map((f) => f.name);
    const attributes = storedFields(type, new Set([...commonEntityFields, ...resolved]), limits);
    entityTypes.push({ kind, typeName: type.name, attributes });
  }
  for (const kind of kinds) {
    if (!entityTypes.some((t) => t.kind === kind)) throw new Error(`ontology: no type has @entity(kind: ${kind})`);
  }

  const entityAttributes = new Map<string, AttributeSpec>();
  for (const t of entityTypes) {
    for (const a of t.attributes) {
      const seen = entityAttributes.get(a.name);
      if (seen && seen.type !== a.type) {
        throw new Error(`ontology: field ${a.name} has different types on different entity types`);
      }
      if (!seen) entityAttributes.set(a.name, a);
    }
  }

  const relationTypes: RelationTypeSpec[] = relEnum.getValues().map((value) => {
    const joins = (value.astNode?.directives ?? [])
      .filter((d) => d.name.value === 'joins')
      .map((d) => {
        const args = directiveArgs(d);
        const rule = {
          from: stringList(args.from, `${value.name} @joins(from:)`),
          to: stringList(args.to, `${value.name} @joins(to:)`),
        };
        for (const k of [...rule.from, ...rule.to]) {
          if (!kinds.includes(k)) throw new Error(`ontology: ${value.name} joins unknown kind ${k}`);
        }
        return rule;
      });
    if (joins.length === 0) throw new Error(`ontology: relation type ${value.name} has no @joins`);
    return { name: value.name, joins, ...(value.description ? { description: value.description } : {}) };
  });

  const relationAttributes: AttributeSpec[] = [];
  const relationRefs: string[] = [];
  const relationAnnotations: string[] = [];
  for (const field of Object.values(relationType.getFields())) {
    if (hasDirective(field, 'annotation')) {
      if (relationStructuralFields.includes(field.name) || hasDirective(field, 'computed')) {
        throw new Error(`ontology: Relation.${field.name}: @annotation applies to optional stored fields only`);
      }
      relationAnnotations.push(field.name);
    }
    if (relationStructuralFields.includes(field.name)) continue;
    if (hasDirective(field, 'computed')) continue;
    if (hasDirective(field, 'ref')) relationRefs.push(field.name);
    else relationAttributes.push(valueTypeOf(field, 'Relation', limits));
  }
  const sourceFields = storedFields(objectType(schema, 'SourceDocument'), new Set(), limits);
  const changeFields = storedFields(objectType(schema, 'Change'), new Set(), limits);
  const claimType = objectType(schema, 'Claim');
  const claimRefs: string[] = [];
  const claimFields: AttributeSpec[] = Object.values(claimType.getFields())
    .filter((f) => !hasDirective(f, 'computed'))
    .map((f): AttributeSpec => {
      const list = isListType(getNullableType(f.type));
      if (hasDirective(f, 'ref')) {
        claimRefs.push(f.name);
        return { name: f.name, type: list ? 'stringList' : 'string', graphqlType: list ? '[ID!]' : 'ID', maxLength: limits.idLength };
      }
      // Citations are stored as their JSON text, as an entity's and a relation's are.
      if (getNamedType(f.type).name === 'Citation') return { name: f.name, type: 'string', graphqlType: String(f.type) };
      return valueTypeOf(f, 'Claim', limits);
    });

  const byName = new Map(relationTypes.map((r) => [r.name, r]));
  const typeNames = new Map(entityTypes.map((t) => [t.kind, t.typeName]));
  const entityAttributeList = [...entityAttributes.values()];
  return {
    sdl: `${sdl}\n${inputExtensions(schema, { entityAttributes: entityAttributeList })}${filterExtensions(schema, entityAttributeFilters(entityTypes, entityAttributeList))}`,
    kinds,
    entityTypes,
    entityAttributes: entityAttributeList,
    relationTypes,
    relationAttributes,
    relationRefs,
    relationAnnotations,
    sourceFields,
    changeFields,
    claimFields,
    claimRefs,
    limits,
    commonEntityFields,
    relationStructuralFields,
    citationFields,
    typeNameOfKind: (kind) => {
      const name = typeNames.get(kind);
      if (!name) throw new Error(`unknown entity kind ${kind}`);
      return name;
    },
    relationType: (name) => byName.get(name),
    allows: (type, fromKind, toKind) => (byName.get(type)?.joins ?? []).some((j) => j.from.includes(fromKind) && j.to.includes(toKind)),
    describeJoins: (type) => (byName.get(type)?.joins ?? []).map((j) => `${j.from.join('|')} -> ${j.to.join('|')}`).join(' or '),
  };
}

let cached: Ontology | undefined;

/** The ontology of the project's own `schema/` folder, read once per process. */
export function loadOntology(): Ontology {
  cached ??= ontologyFromSdl(readSdl());
  return cached;
}
