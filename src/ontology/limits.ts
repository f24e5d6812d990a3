import {
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLSchema,
} from 'graphql';

/**
 * The limits the SDL declares with `@limit` (an argument's whole-number bounds),
 * `@length` (a string's length, of an argument or a stored field) and `@count` (how many
 * items a stored list holds), read once at schema load. The GraphQL argument checks
 * (src/graphql/limits.ts) and the write validator both read them from here, so a limit
 * has one value wherever it is enforced.
 */

export interface Bounds {
  readonly min: number;
  readonly max: number;
}

export interface LimitsManifest {
  /** `@limit` of each argument, keyed `Type.field.argument` (for example `Query.entities.first`). */
  readonly arguments: ReadonlyMap<string, Bounds>;
  /** `@length` of arguments (`Query.search.text`) and fields (`Entity.name`, `Citation.quote`). */
  readonly lengths: ReadonlyMap<string, Bounds>;
  /** `@count` of stored list fields (`Entity.aliases`). */
  readonly counts: ReadonlyMap<string, Bounds>;
  /** The length of a stored string field that has no `@length`: the directive's own default `max`. */
  readonly defaultTextLength: number;
  /** The one length every `id` may have: `@length` of `Entity.id`, which `Relation.id` and `SourceDocument.id` must repeat. */
  readonly idLength: number;
  /** `@limit` of an argument; throws when the SDL declares none (a coordinate the code names that the SDL lacks). */
  argument(coordinate: string): Bounds;
  /** `@length` of an argument or field; throws when the SDL declares none. */
  length(coordinate: string): Bounds;
  /** `@count` of a list field; throws when the SDL declares none. */
  count(coordinate: string): Bounds;
}

function args(node: ConstDirectiveNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const arg of node.arguments ?? []) out[arg.name.value] = valueFromASTUntyped(arg.value);
  return out;
}

/** A directive's bounds, its arguments' SDL defaults filling in what the use leaves out. */
function boundsOf(schema: GraphQLSchema, node: ConstDirectiveNode, where: string): Bounds {
  const definition = schema.getDirective(node.name.value);
  const defaults: Record<string, unknown> = {};
  for (const arg of definition?.args ?? []) defaults[arg.name] = arg.defaultValue;
  const given = { ...defaults, ...args(node) };
  const min = given.min ?? 0;
  const max = given.max;
  if (typeof min !== 'number' || typeof max !== 'number' || !Number.isInteger(min) || !Number.isInteger(max) || min < 0 || min > max) {
    throw new Error(`ontology: ${where}: @${node.name.value} needs whole numbers 0 <= min <= max`);
  }
  return { min, max };
}

function directiveOf(node: { astNode?: { directives?: readonly ConstDirectiveNode[] } | null | undefined }, name: string) {
  return node.astNode?.directives?.find((d) => d.name.value === name);
}

export function readLimits(schema: GraphQLSchema): LimitsManifest {
  const argumentsMap = new Map<string, Bounds>();
  const lengths = new Map<string, Bounds>();
  const counts = new Map<string, Bounds>();
  const visitArgument = (coordinate: string, arg: GraphQLArgument) => {
    const limit = directiveOf(arg, 'limit');
    if (limit) {
      if (getNamedType(arg.type).name !== 'Int') throw new Error(`ontology: ${coordinate}: @limit applies to Int arguments only`);
      argumentsMap.set(coordinate, boundsOf(schema, limit, coordinate));
    }
    const length = directiveOf(arg, 'length');
    if (length) lengths.set(coordinate, boundsOf(schema, length, coordinate));
  };
  const visitField = (coordinate: string, field: GraphQLField<unknown, unknown>) => {
    const length = directiveOf(field, 'length');
    if (length) lengths.set(coordinate, boundsOf(schema, length, coordinate));
    const count = directiveOf(field, 'count');
    if (count) counts.set(coordinate, boundsOf(schema, count, coordinate));
    for (const arg of field.args) visitArgument(`${coordinate}.${arg.name}`, arg);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || isInputObjectType(type)) continue;
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) visitField(`${type.name}.${field.name}`, field);
    }
  }
  const defaultMax = schema.getDirective('length')?.args.find((a) => a.name === 'max')?.defaultValue;
  if (typeof defaultMax !== 'number') throw new Error('ontology: directive @length needs a default `max` (the length of a stored string without one)');

  const need =
    (map: ReadonlyMap<string, Bounds>, what: string) =>
    (coordinate: string): Bounds => {
      const bounds = map.get(coordinate);
      if (!bounds) throw new Error(`ontology: ${coordinate} has no ${what} in schema/`);
      return bounds;
    };
  const length = need(lengths, '@length');
  const idLength = length('Entity.id').max;
  for (const other of ['Relation.id', 'SourceDocument.id', 'Claim.id']) {
    if (length(other).max !== idLength) throw new Error(`ontology: ${other} @length must equal Entity.id's (${idLength}): every id has one limit`);
  }
  return {
    arguments: argumentsMap,
    lengths,
    counts,
    defaultTextLength: defaultMax,
    idLength,
    argument: need(argumentsMap, '@limit'),
    length,
    count: need(counts, '@count'),
  };
}
