import { isInputObjectType, Kind, parseType, print, valueFromASTUntyped, type GraphQLSchema, type InputObjectTypeExtensionNode, type InputValueDefinitionNode } from 'graphql';
import type { AttributeSpec, EntityTypeSpec, Ontology } from './ontology.js';

/**
 * Filter inputs whose fields follow the ontology. An input marked
 * `@filterFieldsOf(type: "Entity")` declares by hand only the structural filters (kinds,
 * ids, name, relations, AND/OR/NOT); each kind-specific stored attribute of the entity
 * types that it does not declare is added here, at schema load, as a filter of the
 * attribute's value type. A field several kinds share (`abbreviation` on PARTY and
 * ORGANIZATION) is one filter. A new `Event` field is so filterable with no edit beyond
 * its declaration. The store compiles the filters by the same value types
 * (src/store/cypher/reads/entity-where.ts).
 */

/** How an attribute of each value type is filtered: the input type of its filter field. */
export type FilterKind = 'in' | 'text' | 'dateRange' | 'numberRange' | 'boolean';

export interface AttributeFilterSpec {
  attribute: AttributeSpec;
  filter: FilterKind;
  /** The filter field's GraphQL input type. */
  graphqlType: string;
  /** The kinds whose type has the attribute: a filter on it keeps only entities of these. */
  kinds: readonly string[];
}

/** The filter of an attribute, or null for one no filter covers (a list of strings). */
function filterOf(a: AttributeSpec): { filter: FilterKind; graphqlType: string } | null {
  if (a.enumValues) return { filter: 'in', graphqlType: `[${(a.graphqlType ?? '').replace(/!$/, '')}!]` };
  switch (a.type) {
    case 'string':
      return { filter: 'text', graphqlType: 'TextFilter' };
    case 'partialDate':
      return { filter: 'dateRange', graphqlType: 'DateRange' };
    case 'int':
    case 'float':
      return { filter: 'numberRange', graphqlType: 'NumberRange' };
    case 'boolean':
      return { filter: 'boolean', graphqlType: 'Boolean' };
    case 'stringList':
      return null;
  }
}

/** Every kind-specific attribute of the entity types that has a filter, in SDL order, with the kinds that have it. */
export function entityAttributeFilters(entityTypes: readonly EntityTypeSpec[], entityAttributes: readonly AttributeSpec[]): AttributeFilterSpec[] {
  return entityAttributes.flatMap((attribute) => {
    const f = filterOf(attribute);
    if (!f) return [];
    const kinds = entityTypes.filter((t) => t.attributes.some((a) => a.name === attribute.name)).map((t) => t.kind);
    return [{ attribute, ...f, kinds }];
  });
}

const ofOntology = new WeakMap<Ontology, readonly AttributeFilterSpec[]>();

/** The attribute filters of an ontology's `EntityWhere`, worked out once per ontology. */
export function attributeFiltersOf(ontology: Ontology): readonly AttributeFilterSpec[] {
  let filters = ofOntology.get(ontology);
  if (!filters) {
    filters = entityAttributeFilters(ontology.entityTypes, ontology.entityAttributes);
    ofOntology.set(ontology, filters);
  }
  return filters;
}

function describe(f: AttributeFilterSpec): string {
  const what = { in: 'is one of these', text: 'matches (ignoring case)', dateRange: 'overlaps this range', numberRange: 'is within this range', boolean: 'is this' }[f.filter];
  return `Entities whose \`${f.attribute.name}\` ${what}; only ${f.kinds.join(', ')} entities have it.`;
}

/** `extend input ...` text for every input marked `@filterFieldsOf`, to append to the SDL. */
export function filterExtensions(schema: GraphQLSchema, filters: readonly AttributeFilterSpec[]): string {
  const extensions: InputObjectTypeExtensionNode[] = [];
  for (const input of Object.values(schema.getTypeMap())) {
    if (!isInputObjectType(input)) continue;
    const directive = input.astNode?.directives?.find((d) => d.name.value === 'filterFieldsOf');
    if (!directive) continue;
    const arg = directive.arguments?.find((a) => a.name.value === 'type');
    const typeName = arg ? valueFromASTUntyped(arg.value) : undefined;
    if (typeName !== 'Entity') throw new Error(`ontology: ${input.name} @filterFieldsOf(type:) supports only "Entity"`);
    const declared = new Set(Object.keys(input.getFields()));
    const fields: InputValueDefinitionNode[] = filters
      .filter((f) => !declared.has(f.attribute.name))
      .map((f) => ({
        kind: Kind.INPUT_VALUE_DEFINITION,
        name: { kind: Kind.NAME, value: f.attribute.name },
        type: parseType(f.graphqlType),
        description: { kind: Kind.STRING, value: describe(f) },
      }));
    if (fields.length > 0) extensions.push({ kind: Kind.INPUT_OBJECT_TYPE_EXTENSION, name: { kind: Kind.NAME, value: input.name }, fields });
  }
  return extensions.length > 0 ? `# Generated at schema load from the ontology (src/ontology/filters.ts).\n${print({ kind: Kind.DOCUMENT, definitions: extensions })}\n` : '';
}
