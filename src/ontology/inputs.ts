import {
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  Kind,
  parseType,
  print,
  valueFromASTUntyped,
  type DocumentNode,
  type GraphQLSchema,
  type InputObjectTypeExtensionNode,
  type InputValueDefinitionNode,
} from 'graphql';
import type { AttributeSpec } from './ontology.js';

/**
 * Input types whose fields follow the ontology. An input marked
 * `@inputFieldsOf(type: "Relation")` declares by hand only what is structural (ids,
 * ends, citations); every stored field of the named type that the input does not
 * declare is added here, at schema load, with the field's own type and description
 * (a field optional in the type is optional in the input, and so is one with a `@default`),
 * and a `@ref` field as an `ID`. For the `Entity` interface the fields are
 * the kind-specific attributes of all its types. A new `Event` field is so writable
 * with no edit beyond its declaration.
 */

interface Sources {
  /** The union of the entity types' kind-specific attributes, in SDL order. */
  entityAttributes: readonly AttributeSpec[];
}

interface Added {
  name: string;
  type: string;
  description?: string | undefined;
}

const hasDirective = (node: { astNode?: { directives?: readonly { name: { value: string } }[] } | null | undefined }, name: string) =>
  (node.astNode?.directives ?? []).some((d) => d.name.value === name);

function fieldsOf(schema: GraphQLSchema, typeName: string, sources: Sources): Added[] {
  const type = schema.getType(typeName);
  if (isInterfaceType(type) && typeName === 'Entity') {
    return sources.entityAttributes.map((a) => {
      if (!a.graphqlType) throw new Error(`ontology: ${a.name} has no GraphQL type`);
      // A field with a default is optional in the input: a write that leaves it out stores the default.
      return { name: a.name, type: a.default !== undefined ? a.graphqlType.replace(/!$/, '') : a.graphqlType, description: a.description };
    });
  }
  if (!isObjectType(type)) throw new Error(`ontology: @inputFieldsOf(type: ${JSON.stringify(typeName)}) names no object type or the Entity interface`);
  return Object.values(type.getFields())
    .filter((f) => !hasDirective(f, 'computed'))
    .map((f) => ({
      name: f.name,
      type: hasDirective(f, 'ref') ? 'ID' : hasDirective(f, 'default') ? String(f.type).replace(/!$/, '') : String(f.type),
      description: f.description ?? undefined,
    }));
}

/** `extend input ...` text for every input marked `@inputFieldsOf`, to append to the SDL. */
export function inputExtensions(schema: GraphQLSchema, sources: Sources): string {
  const extensions: InputObjectTypeExtensionNode[] = [];
  for (const input of Object.values(schema.getTypeMap())) {
    if (!isInputObjectType(input)) continue;
    const directive = input.astNode?.directives?.find((d) => d.name.value === 'inputFieldsOf');
    if (!directive) continue;
    const arg = directive.arguments?.find((a) => a.name.value === 'type');
    const typeName = arg ? valueFromASTUntyped(arg.value) : undefined;
    if (typeof typeName !== 'string') throw new Error(`ontology: ${input.name} @inputFieldsOf needs a type name`);
    const declared = new Set(Object.keys(input.getFields()));
    const fields: InputValueDefinitionNode[] = fieldsOf(schema, typeName, sources)
      .filter((f) => !declared.has(f.name))
      .map((f) => ({
        kind: Kind.INPUT_VALUE_DEFINITION,
        name: { kind: Kind.NAME, value: f.name },
        type: parseType(f.type),
        ...(f.description ? { description: { kind: Kind.STRING, value: f.description } } : {}),
      }));
    if (fields.length > 0) extensions.push({ kind: Kind.INPUT_OBJECT_TYPE_EXTENSION, name: { kind: Kind.NAME, value: input.name }, fields });
  }
  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: extensions };
  return extensions.length > 0 ? `# Generated at schema load from the ontology (src/ontology/inputs.ts).\n${print(document)}\n` : '';
}
