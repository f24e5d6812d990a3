import {
  buildSchema,
  getIntrospectionQuery,
  getNamedType,
  GraphQLBoolean,
  GraphQLNonNull,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';

/**
 * Deterministic generation of hostile HTTP requests for the fuzz test (test/fuzz.test.ts):
 * GraphQL documents built from the real schema and then broken, argument values and
 * variables of every wrong shape, malformed bodies, odd methods, headers and content
 * types, and random paths and parameters for /export/ and /explore. Everything comes from
 * one seeded PRNG, so a seed names one exact list of requests.
 */

/** mulberry32: small, fast, and the same sequence on every platform for a given seed. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** An integer in [min, max]. */
  range(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)]!;
  }
  /** One of `choices`, each with its weight. */
  weighted<T>(choices: ReadonlyArray<readonly [number, T]>): T {
    const total = choices.reduce((s, [w]) => s + w, 0);
    let r = this.next() * total;
    for (const [w, v] of choices) {
      r -= w;
      if (r < 0) return v;
    }
    return choices[choices.length - 1]![1];
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 1) out[i] = this.int(256);
    return out;
  }
}

export interface FuzzRequest {
  /** Position in the generated list: with the seed, enough to regenerate it. */
  index: number;
  /** Which generator made it, for grouping failures. */
  kind: string;
  method: string;
  /** Path and query string, sent as is (no normalization). */
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

export interface FuzzContext {
  sdl: string;
  /** Real entity ids of the seeded graph, so some arguments hit data. */
  entityIds: readonly string[];
  relationIds: readonly string[];
  sourceIds: readonly string[];
  /** Keys the server accepts (curator and admin), so mutations get past authentication. */
  apiKeys: readonly string[];
  maxBodyBytes: number;
}

/** Never generated: the test looks for it in answers. */
export const FORBIDDEN_TEXT = 'INTERNAL_SERVER_ERROR';

const enc = new TextEncoder();

// ---------------------------------------------------------------- strings and values

const ODD_STRINGS = [
  '',
  ' ',
  '\t\n\r',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uDFFF',
  'x\uDC00y',
  '\uD83D',
  '😀',
  '👨‍👩‍👧‍👦',
  'e\u0301\u0301\u0301',
  'Miklós Haraszti',
  'Назарбаев',
  'نظربايف',
  '中华人民共和国',
  '\u202Eevil\u202C',
  '\u200B\u200C\u200D\uFEFF',
  '\uFFFF\uFFFE',
  "' OR 1=1 --",
  '") RETURN n //',
  '} MATCH (n) DETACH DELETE n //',
  '`; DROP TABLE Entity; --',
  '$x',
  '%s%s%n',
  '${process.exit()}',
  '{{7*7}}',
  '../../../../etc/passwd',
  '__proto__',
  'constructor',
  'hasOwnProperty',
  'toString',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e309',
  '0x10',
  '2012-13-45',
  '2012-02-30',
  '0000',
  '99999-01-01',
  '2012-1-5',
  '2012-01-15T00:00:00Z',
  '-2012',
  'áéíóú',
  '\\',
  '"',
  '\\u0000',
  '<script>alert(1)</script>',
  'nazarbaev',
  'knpk',
  'a'.repeat(201),
  'b'.repeat(257),
];

/** Int literals GraphQL accepts, in range or not for the argument they go to. */
const CLEAN_INTS = ['0', '1', '-1', '3', '5', '20', '50', '51', '100', '101', '2147483647', '-2147483648', '-0'];
/** Int literals that are not 32-bit integers (or not literals at all). */
const BAD_INTS = ['2147483648', '-2147483649', '9007199254740993', '99999999999999999999999999', '007'];
const HUGE_INTS = [...CLEAN_INTS, ...BAD_INTS];
const ODD_FLOATS = ['0.0', '-1.5', '0.5', '100.0001', '1e308', '1e400', '-1e400', '1.7976931348623157e308', '5e-324', '-0.0', '3.14', '1E2', '.5e1'];

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export class FuzzGen {
  readonly schema: GraphQLSchema;
  private readonly rng: Rng;
  private nextIndex = 0;
  /**
   * How often a document gets structural mistakes (unknown fields, wrong types, bad
   * directives...), set per document: at 0 it validates, so its odd values reach the
   * resolvers; at 1 it is refused before execution, which is the other half of the test.
   */
  private sloppiness = 1;
  private aliasCount = 0;

  constructor(
    private readonly ctx: FuzzContext,
    seed: number,
  ) {
    this.schema = buildSchema(ctx.sdl);
    this.rng = new Rng(seed);
  }

  /** A mistake with probability `p` at full sloppiness. */
  bad(p: number): boolean {
    return this.rng.chance(p * this.sloppiness);
  }

  private ids(): readonly string[] {
    return [...this.ctx.entityIds, ...this.ctx.relationIds, ...this.ctx.sourceIds];
  }

  randomString(): string {
    const r = this.rng;
    return r.weighted<() => string>([
      [4, () => r.pick(ODD_STRINGS)],
      [3, () => r.pick(this.ids().length > 0 ? this.ids() : ['x'])],
      [2, () => this.asciiJunk(r.range(0, 20))],
      [1, () => this.unicodeJunk(r.range(1, 30))],
      [1, () => r.pick(['x', 'é', '😀', '\uD800', 'ab']).repeat(r.chance(0.9) ? r.pick([100, 201, 256, 257, 1_000, 5_000]) : 30_000)],
      [1, () => r.pick(this.ids().length > 0 ? this.ids() : ['x']) + r.pick(['', ' ', '\u0000', '\uD800', '%', '/', 'X'])],
      [1, () => r.pick(this.ids().length > 0 ? this.ids() : ['x']).toUpperCase()],
    ])();
  }

  asciiJunk(n: number): string {
    let s = '';
    for (let i = 0; i < n; i += 1) s += String.fromCharCode(this.rng.range(0x20, 0x7e));
    return s;
  }

  unicodeJunk(n: number): string {
    let s = '';
    for (let i = 0; i < n; i += 1) {
      const cp = this.rng.weighted<() => number>([
        [3, () => this.rng.range(0, 0x7f)],
        [2, () => this.rng.range(0x80, 0xffff)],
        [1, () => this.rng.range(0xd800, 0xdfff)],
        [1, () => this.rng.range(0x10000, 0x10ffff)],
      ])();
      s += cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
    }
    return s;
  }

  /** A JSON value of any shape. */
  randomJson(depth = 3): unknown {
    const r = this.rng;
    return r.weighted<() => unknown>([
      [2, () => null],
      [2, () => r.chance(0.5)],
      [3, () => r.pick([0, -1, 1, 0.5, -0, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 2, -(2 ** 63), 1e308, Number.MAX_VALUE, Number.MIN_VALUE, 20, 100, 101, 3])],
      [4, () => this.randomString()],
      [depth > 0 ? 2 : 0, () => Array.from({ length: r.range(0, 4) }, () => this.randomJson(depth - 1))],
      [
        depth > 0 ? 2 : 0,
        () => {
          const o: Record<string, unknown> = {};
          for (let i = r.range(0, 4); i > 0; i -= 1) {
            o[r.pick(['a', 'id', 'query', 'first', '__proto__', 'constructor', 'kind', this.randomString().slice(0, 20)])] = this.randomJson(depth - 1);
          }
          return o;
        },
      ],
      [1, () => nestJson(r.range(1, 150), r.chance(0.5))],
    ])();
  }

  // ---------------------------------------------------------------- GraphQL literals and variables

  private stringLiteral(s: string): string {
    const r = this.rng;
    if (r.chance(0.1)) return `"""${s.replace(/"""/g, '\\"""')}"""`;
    if (this.bad(0.05)) return `"${r.pick(['\\uD800', '\\uDFFF\\uD800', '\\u{110000}', '\\u{1F600}', '\\x41', '\\q', '\\u00', '\\uZZZZ', '\\u{D800}'])}"`;
    if (this.bad(0.03)) return `"${s}`; // unterminated
    // JSON.stringify writes a lone surrogate as \uD800, an escape GraphQL refuses; variables
    // carry them to the resolvers instead.
    return JSON.stringify(this.bad(0.5) ? s : s.replace(LONE_SURROGATE, '\uFFFD'));
  }

  /** A literal meant for `type`, right often enough to reach resolvers, wrong often enough to matter. */
  literal(type: GraphQLInputType, depth = 3, vars?: VarSink, nonNull = false): string {
    const r = this.rng;
    if (!nonNull) {
      if (vars && r.chance(0.15)) return vars.use(type);
      if (this.bad(0.12)) return this.wrongLiteral(depth);
    }
    if (isNonNullType(type)) {
      if (this.bad(0.04)) return 'null';
      // The inner type's value, but neither a variable (it would be declared nullable,
      // which a non-null position refuses) nor null.
      return this.literal(type.ofType, depth, vars, true);
    }
    if (!nonNull && r.chance(0.04)) return 'null';
    if (isListType(type)) {
      if (r.chance(0.25)) return this.literal(type.ofType, depth, vars); // coerced to a one-item list
      const n = this.bad(0.15) ? r.range(20, 300) : r.range(0, 4);
      const items = Array.from({ length: n }, () => this.literal(type.ofType, depth - 1, vars));
      if (depth <= 0) return '[]';
      return `[${items.join(r.pick([', ', ' ', ',']))}]`;
    }
    if (isInputObjectType(type)) {
      if (depth <= 0) return '{}';
      const fields = Object.values(type.getFields());
      const parts: string[] = [];
      for (const f of fields) {
        const required = isNonNullType(f.type);
        if (required ? !this.bad(0.07) : r.chance(0.5)) parts.push(`${f.name}: ${this.literal(f.type, depth - 1, vars)}`);
      }
      if (this.bad(0.08)) parts.push(`${r.pick(['unknown', '__proto__', 'id', 'kind', 'constructor'])}: ${this.wrongLiteral(1)}`);
      return `{${parts.join(', ')}}`;
    }
    if (isEnumType(type)) {
      const values = type.getValues().map((v) => v.name);
      if (!this.bad(0.2)) return r.pick(values);
      return r.pick([r.pick(values).toLowerCase(), JSON.stringify(r.pick(values)), 'UNKNOWN', 'true', 'null', 'NaN', 'Infinity', '__proto__']);
    }
    if (isScalarType(type)) return this.scalarLiteral(type.name);
    return this.wrongLiteral(depth);
  }

  private scalarLiteral(name: string): string {
    const r = this.rng;
    switch (name) {
      case 'Int':
        return this.bad(0.3) ? r.pick(BAD_INTS) : r.pick(CLEAN_INTS);
      case 'Float':
        return r.chance(0.5) ? r.pick(ODD_FLOATS) : r.pick(CLEAN_INTS);
      case 'Boolean':
        return r.pick(['true', 'false']);
      case 'PartialDate':
        return this.stringLiteral(r.pick(['2012', '2012-01', '2012-01-15', '2011-12', '1999-12-31', '2012-13', '2012-02-30', '0000', '12', '', this.randomString()]));
      case 'ID':
        return r.chance(0.1) ? r.pick(CLEAN_INTS) : this.stringLiteral(this.randomString());
      default:
        return this.stringLiteral(this.randomString());
    }
  }

  wrongLiteral(depth: number): string {
    const r = this.rng;
    return r.weighted<() => string>([
      [3, () => r.pick(HUGE_INTS)],
      [2, () => r.pick(ODD_FLOATS)],
      [3, () => this.stringLiteral(this.randomString())],
      [1, () => r.pick(['true', 'false', 'null', 'PERSON', 'LEADS', 'UNKNOWN_ENUM', '$undeclared'])],
      [depth > 0 ? 1 : 0, () => `[${Array.from({ length: r.range(0, 3) }, () => this.wrongLiteral(depth - 1)).join(', ')}]`],
      [depth > 0 ? 1 : 0, () => `{${r.pick(['a', 'id', 'source'])}: ${this.wrongLiteral(depth - 1)}}`],
      [1, () => `${'['.repeat(r.range(2, 60))}1${']'.repeat(r.range(2, 60))}`],
    ])();
  }

  /** A JSON value for a variable of `type`, usually of the right shape. */
  variableValue(type: GraphQLInputType, depth = 3): unknown {
    const r = this.rng;
    if (this.bad(0.12)) return this.randomJson(2);
    if (isNonNullType(type)) {
      if (this.bad(0.04)) return null;
      return this.variableValue(type.ofType, depth);
    }
    if (r.chance(0.04)) return null;
    if (isListType(type)) {
      if (r.chance(0.2)) return this.variableValue(type.ofType, depth);
      if (depth <= 0) return [];
      return Array.from({ length: this.bad(0.1) ? r.range(20, 500) : r.range(0, 4) }, () => this.variableValue(type.ofType, depth - 1));
    }
    if (isInputObjectType(type)) {
      if (depth <= 0) return {};
      const o: Record<string, unknown> = {};
      for (const f of Object.values(type.getFields())) {
        if (isNonNullType(f.type) ? !this.bad(0.07) : r.chance(0.5)) o[f.name] = this.variableValue(f.type, depth - 1);
      }
      if (this.bad(0.08)) o[r.pick(['unknown', '__proto__', 'constructor'])] = this.randomJson(1);
      return o;
    }
    if (isEnumType(type)) {
      const values = type.getValues().map((v) => v.name);
      return !this.bad(0.15) ? r.pick(values) : r.pick([r.pick(values).toLowerCase(), 'UNKNOWN', 0, true, ['PERSON']]);
    }
    switch (type.name) {
      case 'Int':
        return this.bad(0.3) ? r.pick([2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 2, 1.5, 1e308, '3']) : r.pick([0, 1, -1, 3, 5, 20, 50, 51, 100, 101, 2 ** 31 - 1, -(2 ** 31), -0]);
      case 'Float':
        return this.bad(0.1) ? r.pick(['7', true]) : r.pick([0, -1.5, 0.5, 100, 100.0001, 1e308, -1e308, 5e-324, 7, 76, -0]);
      case 'Boolean':
        return this.bad(0.1) ? r.pick(['true', 0, 1]) : r.pick([true, false]);
      case 'PartialDate':
        return r.pick(['2012', '2012-01', '2012-01-15', '2011-12', '2012-13', '2012-02-30', '', this.randomString(), ...(this.bad(0.5) ? [2012] : [])]);
      case 'ID':
        return r.chance(0.15) ? r.pick([1, 0, -1, 2 ** 53 + 2, ...(this.bad(0.5) ? [1.5] : [])]) : this.randomString();
      default:
        return this.randomString();
    }
  }

  // ---------------------------------------------------------------- selections

  private argsFor(args: readonly GraphQLArgument[], vars: VarSink): string {
    const r = this.rng;
    const parts: string[] = [];
    for (const a of args) {
      const required = isNonNullType(a.type);
      if (required ? !this.bad(0.05) : r.chance(0.45)) parts.push(`${a.name}: ${this.literal(a.type, 3, vars)}`);
    }
    if (this.bad(0.05)) parts.push(`${r.pick(['bogus', 'first', 'id', 'limit'])}: ${this.wrongLiteral(1)}`);
    if (this.bad(0.03) && parts.length > 0) parts.push(parts[0]!); // duplicate argument
    return parts.length > 0 ? `(${parts.join(', ')})` : '';
  }

  private directives(vars: VarSink): string {
    const r = this.rng;
    if (!r.chance(0.12)) return '';
    const n = this.bad(0.1) ? r.range(10, 40) : 1;
    const out: string[] = [];
    const boolean = new GraphQLNonNull(GraphQLBoolean);
    for (let i = 0; i < n; i += 1) {
      if (!this.bad(0.4)) {
        out.push(`@${r.pick(['include', 'skip'])}(if: ${r.chance(0.2) ? vars.use(boolean) : r.pick(['true', 'false'])})`);
        continue;
      }
      out.push(
        r.weighted<() => string>([
          [4, () => `@include(if: ${r.pick(['true', 'false', '1', '"yes"', 'null'])})`],
          [4, () => `@skip(if: ${r.chance(0.2) ? vars.use(boolean) : r.pick(['true', 'false', '0', 'null'])})`],
          [1, () => '@include'],
          [1, () => `@deprecated(reason: "x")`],
          [1, () => `@requires(role: ${r.pick(['ADMIN', 'CURATOR', 'NOBODY'])})`],
          [1, () => `@${r.pick(['foo', 'entity', 'joins', 'range', 'computed', 'ref', 'specifiedBy', 'defer', 'stream'])}`],
          [1, () => `@range(min: ${r.pick(HUGE_INTS)}, max: ${r.pick(ODD_FLOATS)})`],
        ])(),
      );
    }
    return ` ${out.join(' ')}`;
  }

  /** A selection set on `type`, `depth` levels deep at most. */
  selection(type: GraphQLNamedType, depth: number, vars: VarSink, frags: FragmentSink): string {
    const r = this.rng;
    if (isLeafType(type)) return this.bad(0.03) ? ' { id }' : '';
    if (!(isObjectType(type) || isInterfaceType(type) || isUnionType(type))) return '';
    const { leaves, composite } = this.fieldsOf(type);
    const parts: string[] = [];
    const count = r.range(1, 4);
    for (let i = 0; i < count; i += 1) {
      const choice = r.weighted<string>([
        [5, 'leaf'],
        [depth > 0 ? 4 : 0.05 * this.sloppiness, 'composite'],
        [1, 'typename'],
        [isInterfaceType(type) ? 2 : 0.2, 'inline'],
        [0.6, 'spread'],
        [0.15 * this.sloppiness, 'unknown'],
      ]);
      if (choice === 'leaf' && leaves.length > 0) parts.push(this.fieldText(r.pick(leaves), depth, vars, frags));
      else if (choice === 'composite' && composite.length > 0) parts.push(this.fieldText(r.pick(composite), depth, vars, frags));
      else if (choice === 'inline') {
        const target = this.typeConditionFor(type);
        parts.push(`... on ${target}${this.directives(vars)}${this.selection(this.schema.getType(target) ?? type, depth - 1, vars, frags) || ' { __typename }'}`);
      } else if (choice === 'spread') parts.push(`...${frags.spread(type, depth - 1)}${this.directives(vars)}`);
      else if (choice === 'unknown') parts.push(r.pick(['shoeSize', 'password', '__proto__', 'constructor', '__type', 'entity']));
      else parts.push('__typename');
    }
    return ` { ${parts.join(r.pick([' ', ', ', '\n']))} }`;
  }

  private readonly fieldCache = new Map<string, { leaves: Array<GraphQLField<unknown, unknown>>; composite: Array<GraphQLField<unknown, unknown>> }>();

  /** A type's fields, split into those that end in a scalar and those that need a selection. */
  private fieldsOf(type: GraphQLNamedType) {
    let split = this.fieldCache.get(type.name);
    if (!split) {
      const fields = isObjectType(type) || isInterfaceType(type) ? Object.values(type.getFields()) : [];
      split = { leaves: fields.filter((f) => isLeafType(getNamedType(f.type))), composite: fields.filter((f) => !isLeafType(getNamedType(f.type))) };
      this.fieldCache.set(type.name, split);
    }
    return split;
  }

  private typeConditionFor(type: GraphQLNamedType): string {
    const r = this.rng;
    if (isInterfaceType(type) && !this.bad(0.15)) return r.pick(this.schema.getPossibleTypes(type)).name;
    if (!this.bad(0.5)) return type.name;
    return r.pick([type.name, 'Entity', 'Person', 'Party', 'Relation', 'Query', 'String', 'Nope', 'Mutation', 'EntityInput']);
  }

  private fieldText(field: GraphQLField<unknown, unknown>, depth: number, vars: VarSink, frags: FragmentSink): string {
    const r = this.rng;
    // Two fields of one name with different arguments conflict unless aliased apart.
    const alias =
      field.args.length > 0 && !this.bad(0.3)
        ? `a${(this.aliasCount += 1)}: `
        : this.bad(0.1)
          ? `${r.pick(['a', 'b', 'x', 'id', 'name', '__typename', 'relations'])}${r.chance(0.5) ? r.int(5) : ''}: `
          : '';
    return `${alias}${field.name}${this.argsFor(field.args, vars)}${this.directives(vars)}${this.selection(getNamedType(field.type), depth - 1, vars, frags)}`;
  }

  /** A document with an operation on `root` (Query or Mutation), variables and fragments. */
  document(): { query: string; variables: Record<string, unknown> | undefined; names: string[]; mutation: boolean } {
    const r = this.rng;
    this.sloppiness = r.weighted([
      [4, 0],
      [3, 0.3],
      [3, 1],
    ]);
    const mutation = r.chance(0.25);
    const root = mutation ? this.schema.getMutationType()! : this.schema.getQueryType()!;
    const vars = new VarSink(this, r);
    const frags = new FragmentSink(this, r, vars);
    const rootFields = Object.values(root.getFields());
    const n = mutation ? (this.bad(0.1) ? r.range(2, 3) : 1) : r.range(1, 3);
    const parts: string[] = [];
    for (let i = 0; i < n; i += 1) {
      const field = r.pick(rootFields);
      const alias = i > 0 || r.chance(0.1) ? `f${i}: ` : '';
      parts.push(`${alias}${field.name}${this.argsFor(field.args, vars)}${this.directives(vars)}${this.selection(getNamedType(field.type), r.range(1, 4), vars, frags)}`);
    }
    const name = r.chance(0.6) ? r.pick(['Q', 'Op', 'Fuzz', 'WhoWasExcluded', 'query', 'mutation', '__x']) : '';
    const header = vars.declarations();
    const kw = mutation ? 'mutation' : this.bad(0.15) ? r.pick(['subscription', 'mutation']) : 'query';
    const shorthand = !mutation && !name && !header && r.chance(0.5);
    // @include and @skip are not allowed on operations: a directive there is a mistake.
    const opDirectives = this.bad(0.3) ? this.directives(vars) : '';
    let op = shorthand ? `{ ${parts.join(' ')} }` : `${kw}${name ? ` ${name}` : ''}${header}${opDirectives} { ${parts.join(' ')} }`;
    const names = name ? [name] : [];
    if (name && r.chance(0.12)) {
      const other = this.bad(0.3) ? name : r.pick(['Other', 'Second']);
      op += `\nquery ${other} { __typename }`;
      names.push(other);
    }
    const query = `${op}\n${frags.definitions()}`;
    return { query, variables: vars.values(), names, mutation };
  }

  // ---------------------------------------------------------------- special documents

  private specialDocument(): string {
    const r = this.rng;
    return r.weighted<() => string>([
      [
        2,
        () =>
          getIntrospectionQuery({
            descriptions: r.chance(0.5),
            specifiedByUrl: r.chance(0.5),
            directiveIsRepeatable: r.chance(0.5),
            schemaDescription: r.chance(0.5),
            inputValueDeprecation: r.chance(0.5),
          }),
      ],
      [
        2,
        () =>
          `{ __type(name: ${this.stringLiteral(r.pick(['Entity', 'Query', 'Nope', '', 'PartialDate', this.randomString()]))}) { name kind fields { name args { name type { name } } } possibleTypes { name } } }`,
      ],
      [
        1,
        () => {
          const n = r.range(1, 40);
          return `{ __type(name: "Relation") { ${'ofType { '.repeat(n)}name${' }'.repeat(n)} } }`;
        },
      ],
      [1, () => `{ __schema { types { name fields { name type { name fields { name } } } } } }`],
      [1, () => `{ __schema { queryType { name } mutationType { name } subscriptionType { name } directives { name locations args { name } } } }`],
      [1, () => `{ __typename ${'__typename '.repeat(r.range(1, 500))}}`],
      [
        2,
        () =>
          `{ ${Array.from({ length: r.range(16, 300) }, (_, i) => `a${i}: ${r.pick(['__typename', 'sources { id }', 'entity(id: "bolat-abilov") { id }', 'search(text: "osce") { score }'])}`).join(' ')} }`,
      ],
      [2, () => this.deepNesting(r.range(5, 40))],
      [2, () => this.fragmentCycle()],
      [1, () => `query Q(${Array.from({ length: r.range(1, 200) }, (_, i) => `$v${i}: Int`).join(', ')}) { __typename }`],
      [1, () => `{ entities(first: 100) { nodes { relations { from { relations { to { relations { from { name } } } } } } } } }`],
      [
        1,
        () =>
          `{ network { nodes { entity { metrics(types: [LEADS]) { degree } } metrics { betweenness } } } a: network(types: [SUPPORTS]) { communities } b: network(types: [LEADS]) { communities } c: network(kinds: [PARTY]) { communities } }`,
      ],
      [
        1,
        () =>
          `{ e: entity(id: "bolat-abilov") { ... on Person { metrics(types: [LEADS]) { degree } } ... on Entity { m2: metrics(types: [SUPPORTS]) { pageRank } m3: metrics { community } } } }`,
      ],
      [1, () => `${'{'.repeat(r.range(1, 3000))}`],
      [1, () => `{ ${'a '.repeat(r.range(1000, 3000))}}`],
      [
        1,
        () =>
          r.pick([
            '',
            ' ',
            '#',
            '{}',
            'query',
            'fragment F on Query { __typename }',
            '{ __typename } garbage',
            'query Q { __typename } query Q { __typename }',
            '\uFEFF{ __typename }',
            '{ __typename }\u0000',
            '{ sources { id } } { sources { id } }',
            '{ ...F } fragment F on Query { ...F }',
            'subscription { changes { nodes { id } } }',
            '{ __typename @include(if: true) @include(if: false) }',
            '{ __typename @skip }',
            'query ($a: Int = "x") { __typename }',
            'query ($a: Entity) { __typename }',
            'query ($a: [[[Int!]!]!]!) { __typename }',
            'query ($a: Int, $a: Int) { __typename }',
            '{ entity(id: $nope) { id } }',
          ]),
      ],
      [1, () => this.unicodeJunk(r.range(1, 200))],
      [1, () => this.asciiJunk(r.range(1, 500))],
    ])();
  }

  private deepNesting(levels: number): string {
    const r = this.rng;
    const open = r.pick(['relations { from {', 'relations { to {', 'relations(types: [LEADS]) { claimedBy {']);
    let q = `{ entity(id: ${JSON.stringify(r.pick(this.ctx.entityIds.length > 0 ? this.ctx.entityIds : ['x']))}) {`;
    for (let i = 0; i < levels; i += 1) q += ` ${open}`;
    q += ' id';
    for (let i = 0; i < levels; i += 1) q += ' } }';
    return `${q} } }`;
  }

  private fragmentCycle(): string {
    const r = this.rng;
    const n = r.range(1, 6);
    const on = r.pick(['Query', 'Entity', 'Person', 'Relation']);
    const defs = Array.from({ length: n }, (_, i) => `fragment F${i} on ${on} { __typename ...F${(i + 1) % n} ${r.chance(0.3) ? `...F${r.int(n)}` : ''} }`);
    const use = on === 'Query' ? '...F0' : on === 'Relation' ? 'relations { nodes { ...F0 } }' : 'entity(id: "bolat-abilov") { ...F0 }';
    return `{ ${use} }\n${defs.join('\n')}`;
  }

  // ---------------------------------------------------------------- HTTP requests

  private headerValue(s: string): string {
    // Node refuses header values outside tab, printable ASCII and Latin-1 bytes.
    return s.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');
  }

  private commonHeaders(json = true): Record<string, string> {
    const r = this.rng;
    const s = this.sloppiness;
    const h: Record<string, string> = {};
    if (json) h['content-type'] = 'application/json';
    h.accept = r.weighted([
      [5, 'application/graphql-response+json'],
      [3, 'application/json'],
      [1, '*/*'],
      [1, 'application/graphql-response+json, application/json;q=0.9'],
      [0.1 * s, 'text/html'],
      [0.1 * s, 'application/xml'],
      [0.1 * s, 'application/graphql-response+json;q=0, application/json;q=0'],
      [0.1 * s, this.headerValue(this.asciiJunk(r.range(0, 40)))],
    ]);
    const auth = r.weighted<() => string | undefined>([
      [5, () => undefined],
      [4, () => `Bearer ${r.pick(this.ctx.apiKeys)}`],
      [0.5 * s, () => 'Bearer'],
      [0.5 * s, () => 'Bearer '],
      [0.5 * s, () => `Basic ${Buffer.from('alice:secret').toString('base64')}`],
      [0.5 * s, () => `Bearer ${this.headerValue(this.randomString().slice(0, 300))}`],
      [0.2 * s, () => `bearer ${r.pick(this.ctx.apiKeys)}`],
      [0.2 * s, () => `Bearer ${r.pick(this.ctx.apiKeys)}, Bearer ${r.pick(this.ctx.apiKeys)}`],
      [0.2 * s, () => `Bearer ${'k'.repeat(8_000)}`],
    ])();
    if (auth !== undefined) h.authorization = auth;
    if (r.chance(0.05)) h.origin = r.pick(['https://evil.example', 'null', 'http://localhost:4000', this.headerValue(this.asciiJunk(20))]);
    if (r.chance(0.05)) h['apollo-require-preflight'] = r.pick(['true', 'false', '']);
    if (r.chance(0.03)) h['x-forwarded-for'] = r.pick(['1.2.3.4', 'garbage', '::1, 10.0.0.1', '']);
    if (r.chance(0.03)) h['x-apollo-operation-name'] = this.headerValue(this.randomString().slice(0, 100));
    return h;
  }

  private post(kind: string, body: string | Uint8Array, headers: Record<string, string>): FuzzRequest {
    return { index: -1, kind, method: 'POST', path: '/graphql', headers, body: typeof body === 'string' ? enc.encode(body) : body };
  }

  /** A POST of a generated document with variables, operation name and extensions of many shapes. */
  private graphqlPost(): FuzzRequest {
    const r = this.rng;
    const special = r.chance(0.2);
    const doc = special ? { query: this.specialDocument(), variables: undefined, names: [] as string[], mutation: false } : this.document();
    // Request-level mistakes follow the document's sloppiness, so clean documents mostly run.
    if (special) this.sloppiness = r.pick([0, 0.3, 1]);
    const s = this.sloppiness;
    const body: Record<string, unknown> = {};
    body.query = r.weighted<() => unknown>([
      [30, () => doc.query],
      [s, () => undefined],
      [s, () => null],
      [s, () => r.pick([1, true, ['{ __typename }'], { kind: 'Document' }, ''])],
    ])();
    const variables = r.weighted<() => unknown>([
      [20, () => doc.variables],
      [2 * s, () => undefined],
      [s, () => null],
      [2 * s, () => this.randomJson(3)],
      [s, () => JSON.stringify(doc.variables ?? {})],
      [s, () => r.pick([[], [doc.variables], 'x', 0, true])],
      [s, () => ({ ...(doc.variables ?? {}), ...(this.randomJson(2) as object) })],
    ])();
    if (variables !== undefined) body.variables = variables;
    const operationName = r.weighted<() => unknown>([
      [10, () => undefined],
      [6, () => (doc.names.length > 0 ? r.pick(doc.names) : undefined)],
      [2 * s, () => r.pick(['Nope', '', 'query', 'Q', 'Other', '__proto__'])],
      [s, () => r.pick([null, 1, true, ['Q'], { name: 'Q' }])],
      [s, () => this.randomString()],
    ])();
    if (operationName !== undefined) body.operationName = operationName;
    if (this.bad(0.08)) {
      body.extensions = r.weighted<() => unknown>([
        [2, () => ({ persistedQuery: { version: 1, sha256Hash: this.hex(64) } })],
        [1, () => ({ persistedQuery: { version: r.pick([2, 0, '1', null]), sha256Hash: r.pick([this.hex(64), 1, null, '']) } })],
        [1, () => ({ persistedQuery: r.pick([null, 'x', [], 1]) })],
        [2, () => this.randomJson(3)],
      ])();
    }
    if (this.bad(0.02)) body[r.pick(['__proto__', 'constructor', 'id', 'documentId'])] = this.randomJson(2);
    let text = JSON.stringify(body);
    if (this.bad(0.03)) text = `\uFEFF${text}`;
    const headers = this.commonHeaders();
    // Most mutations carry a key that may write, so they reach the resolvers.
    if (doc.mutation && !this.bad(0.3)) headers.authorization = `Bearer ${r.pick(this.ctx.apiKeys)}`;
    return this.post(special ? 'graphql-special' : 'graphql', text, headers);
  }

  private hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i += 1) s += '0123456789abcdef'[this.rng.int(16)];
    return s;
  }

  /** Bodies that are not the JSON object GraphQL over HTTP expects. */
  private malformedPost(): FuzzRequest {
    const r = this.rng;
    const valid = JSON.stringify({ query: this.document().query });
    const body = r.weighted<() => string | Uint8Array>([
      [3, () => valid.slice(0, r.int(valid.length))],
      [
        2,
        () => {
          const i = r.int(valid.length);
          return valid.slice(0, i) + r.pick(['"', '}', '{', '\\', ',', '\u0000', ']', "'", '\n']) + valid.slice(i);
        },
      ],
      [1, () => `${valid},`],
      [1, () => `${valid}${valid}`],
      [1, () => `{query: "{ __typename }"}`],
      [1, () => `{'query': '{ __typename }'}`],
      [1, () => `{"query": "{ __typename }", "variables": NaN}`],
      [1, () => `{"query": "{ entities(first: $n) { nodes { id } } }", "variables": {"n": 1e999}}`],
      [
        1,
        () =>
          `{"query": "query ($n: Int) { entities(first: $n) { nodes { id } } }", "variables": {"n": ${r.pick(['1e999', '-1e999', '1.0', '1e2', '-0', '123456789012345678901234567890'])}}}`,
      ],
      [1, () => `{"query": "{ __typename }", "query": "{ sources { id } }"}`],
      [1, () => `{"query": "\\ud800{ __typename }"}`],
      [1, () => `{"query": "{ search(text: \\"\\ud800\\") { score } }"}`],
      [1, () => `{"query": "query ($t: String!) { search(text: $t) { score } }", "variables": {"t": "\\udc00\\ud800"}}`],
      [1, () => `{"query": "query ($id: ID!) { entity(id: $id) { id } }", "variables": {"id": "\\ud800"}}`],
      [1, () => `{"query": "query ($id: ID!) { neighborhood(id: $id) { nodes { id } } }", "variables": {"id": "\\u0000"}}`],
      [1, () => `/* comment */ ${valid}`],
      [1, () => r.pick(['', ' ', 'null', 'true', '0', '"{ __typename }"', '[]', '[null]', '{}', '{"query": null}', '{"query": ""}', '[{"query": "{ __typename }"}]'])],
      [1, () => nestJsonText(r.range(90, 110), r.chance(0.5), `{"query": "query ($x: String) { __typename }", "variables": {"x": `, '}}')],
      [1, () => nestJsonText(r.range(1_000, 20_000), r.chance(0.5), '', '')],
      [1, () => `{"query": "{ __typename }", "variables": {${Array.from({ length: r.range(100, 3_000) }, (_, i) => `"v${i}": ${i}`).join(',')}}}`],
      [2, () => r.bytes(r.range(1, 500))],
      [
        1,
        () =>
          new Uint8Array([
            ...enc.encode('{"query": "{ search(text: \\"'),
            ...r.pick([[0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xff, 0xfe], [0xf4, 0x90, 0x80, 0x80], [0x80]]),
            ...enc.encode('\\") { score } }"}'),
          ]),
      ],
      [0.3, () => JSON.stringify({ query: `{ sources { id } } # ${'x'.repeat(this.ctx.maxBodyBytes)}` })],
    ])();
    return this.post('malformed-body', body, this.commonHeaders());
  }

  /** Content types other than application/json, with bodies of both kinds. */
  private contentTypePost(): FuzzRequest {
    const r = this.rng;
    const doc = this.document();
    const h = this.commonHeaders(false);
    const ct = r.pick([
      undefined,
      'text/plain',
      'text/plain; charset=utf-8',
      'application/graphql',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=xyz',
      'multipart/form-data',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'APPLICATION/JSON',
      'application/json;',
      'application/jsonx',
      'text/json',
      'application/graphql-response+json',
      'application/xml',
      'application/octet-stream',
      '',
      ';;;',
      'application/json, text/plain',
    ]);
    if (ct !== undefined) h['content-type'] = ct;
    const body = r.weighted<() => string | Uint8Array>([
      [3, () => JSON.stringify({ query: doc.query, variables: doc.variables })],
      [2, () => doc.query],
      [1, () => `query=${pct(doc.query)}`],
      [1, () => `--xyz\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${JSON.stringify({ query: doc.query })}\r\n--xyz--\r\n`],
      [1, () => r.bytes(r.range(0, 200))],
      [1, () => ''],
    ])();
    return this.post('content-type', body, h);
  }

  private batchPost(): FuzzRequest {
    const r = this.rng;
    const items = Array.from({ length: r.pick([0, 1, 2, 5, 20]) }, () => (r.chance(0.8) ? { query: this.document().query } : this.randomJson(2)));
    return this.post('batch', JSON.stringify(items), this.commonHeaders());
  }

  /** GET /graphql with query-string parameters of many shapes, and other methods. */
  private getRequest(): FuzzRequest {
    const r = this.rng;
    const doc = r.chance(0.85) ? this.document() : { query: this.specialDocument(), variables: undefined, names: [] as string[] };
    const params: string[] = [];
    const q = r.weighted<() => string | undefined>([
      [10, () => pct(doc.query)],
      [1, () => undefined],
      [1, () => ''],
      [1, () => pct(this.randomString()).slice(0, 3_000)],
      [1, () => doc.query.replace(/[ #&]/g, '+')],
      [1, () => `${pct(doc.query)}${r.pick(['%', '%zz', '%E0%A4%A', '%ED%A0%80', '%00', '%C0%AF', '%FF'])}`],
    ])();
    if (q !== undefined) params.push(`query=${q}`);
    if (r.chance(0.1) && q !== undefined) params.push(`query=${pct('{ sources { id } }')}`);
    if (doc.variables !== undefined || r.chance(0.3)) {
      const v = r.weighted<() => string>([
        [5, () => pct(JSON.stringify(doc.variables ?? {}))],
        [1, () => pct(JSON.stringify(this.randomJson(3)))],
        [1, () => pct(JSON.stringify(doc.variables ?? {}).slice(0, 5))],
        [1, () => r.pick(['', 'null', '%7B', 'x', '[]', '1', '%ED%A0%80'])],
        [1, () => pct(nestJsonText(r.range(90, 3_000), true, '', ''))],
      ])();
      params.push(`variables=${v}`);
    }
    if (r.chance(0.3)) params.push(`operationName=${pct(doc.names.length > 0 && r.chance(0.5) ? r.pick(doc.names) : this.randomString().slice(0, 200))}`);
    if (r.chance(0.1)) params.push(`extensions=${pct(JSON.stringify(r.chance(0.5) ? { persistedQuery: { version: 1, sha256Hash: this.hex(64) } } : this.randomJson(2)))}`);
    if (r.chance(0.05)) params.push(`${pct(this.asciiJunk(5))}=${pct(this.asciiJunk(5))}`);
    const h = this.commonHeaders(false);
    const preflight = r.weighted([
      [6, 'apollo-require-preflight'],
      [2, 'content-type'],
      [2, 'none'],
    ]);
    if (preflight === 'apollo-require-preflight') h['apollo-require-preflight'] = 'true';
    if (preflight === 'content-type') h['content-type'] = r.pick(['application/json', 'text/plain', 'application/graphql']);
    const method = r.weighted([
      [20, 'GET'],
      [1, 'HEAD'],
      [1, 'PUT'],
      [1, 'DELETE'],
      [1, 'PATCH'],
      [1, 'OPTIONS'],
      [0.5, 'PROPFIND'],
    ]);
    const search = params.length > 0 || r.chance(0.5) ? `?${params.join('&')}` : '';
    const body = method !== 'GET' && method !== 'HEAD' && r.chance(0.5) ? enc.encode(JSON.stringify({ query: doc.query })) : undefined;
    return { index: -1, kind: 'get', method, path: `/graphql${search}`, headers: h, ...(body ? { body } : {}) };
  }

  /** /export/<file>?<selection> with random files, parameters and methods. */
  private exportRequest(): FuzzRequest {
    const r = this.rng;
    const files = ['graph.gexf', 'graph.graphml', 'graph.cyjs', 'graph.cytoscape.json', 'graph.graphology.json', 'graph.d3.json'];
    const file = r.weighted<() => string>([
      [10, () => r.pick(files)],
      [1, () => r.pick(files).toUpperCase()],
      [
        1,
        () =>
          r.pick([
            '',
            'graph',
            'graph.',
            'graph.xml',
            'graph.json',
            'graph.gexf/x',
            '../package.json',
            '..%2Fpackage.json',
            'graph.gexf%00',
            'graph%2Egexf',
            '%',
            'constructor',
            '__proto__',
            'graph.__proto__',
            'graph.constructor',
            'graph.toString',
            'graph.hasOwnProperty',
          ]),
      ],
      [1, () => pct(this.unicodeJunk(r.range(1, 20)).replace(/[\uD800-\uDFFF]/g, 'x'))],
      [0.3, () => 'x'.repeat(r.range(100, 5_000))],
    ])();
    const params: string[] = [];
    const add = (name: string, value: string) => params.push(`${name}=${value}`);
    const kinds = ['PERSON', 'PARTY', 'ORGANIZATION', 'EVENT', 'PLACE'];
    const types = ['LEADS', 'SUPPORTS', 'CONTESTED', 'WON_SEATS_IN', 'OBSERVED', 'PART_OF', 'DISQUALIFIED_FROM'];
    const value = (name: string): string => {
      const good = (): string => {
        switch (name) {
          case 'id':
            return r.pick(this.ctx.entityIds.length > 0 ? this.ctx.entityIds : ['x']);
          case 'depth':
            return String(r.range(1, 3));
          case 'kinds':
            return Array.from({ length: r.range(1, 3) }, () => r.pick(kinds)).join(',');
          case 'types':
            return Array.from({ length: r.range(1, 3) }, () => r.pick(types)).join(',');
          default:
            return r.pick(['2012', '2012-01', '2012-01-15', '2011-12', '2011', '2013']);
        }
      };
      return r.weighted<() => string>([
        [6, () => pct(good())],
        [1, () => pct(good().toLowerCase())],
        [2, () => pct(this.randomString().slice(0, r.pick([20, 300, 3_000])))],
        [
          1,
          () =>
            r.pick([
              '',
              '%20',
              '0',
              '4',
              '-1',
              '1e0',
              '01',
              '001',
              '1.0',
              '%D9%A3',
              '3%00',
              '99999999999999999999',
              ',',
              ',,',
              'PERSON,,PARTY',
              '%',
              '%zz',
              '%ED%A0%80',
              '%C0%AF',
              '%FF%FE',
              '2012-13',
              '2012-02-30',
              '0000',
              '+1',
              'Infinity',
              'NaN',
            ]),
        ],
      ])();
    };
    const names = ['id', 'depth', 'kinds', 'types', 'from', 'to'];
    for (const name of names) if (r.chance(0.3)) add(name, value(name));
    if (r.chance(0.05)) add(r.pick(names), value(r.pick(names)));
    if (r.chance(0.05)) add(r.pick(['format', 'x', '__proto__', 'constructor', '', 'ID', 'depth[]', pct(this.asciiJunk(4))]), value('id'));
    if (r.chance(0.03)) params.push(r.pick(['id', 'depth', '&&', '=', '==', 'kinds=PERSON=PARTY']));
    const method = r.weighted([
      [12, 'GET'],
      [2, 'HEAD'],
      [1, 'POST'],
      [0.5, 'DELETE'],
      [0.5, 'OPTIONS'],
    ]);
    const h: Record<string, string> = {};
    if (r.chance(0.15)) h['if-none-match'] = r.pick(['*', 'W/"x"', '"x"', '', '"a", "b"', ',,,', 'x'.repeat(2_000), this.headerValue(this.randomString().slice(0, 100))]);
    if (r.chance(0.1)) h.accept = r.pick(['*/*', 'text/html', 'application/json', '']);
    if (r.chance(0.1)) h.authorization = `Bearer ${r.pick(this.ctx.apiKeys)}`;
    const body = method === 'POST' && r.chance(0.5) ? enc.encode(this.asciiJunk(50)) : undefined;
    return { index: -1, kind: 'export', method, path: `/export/${file}${params.length > 0 || r.chance(0.2) ? `?${params.join('&')}` : ''}`, headers: h, ...(body ? { body } : {}) };
  }

  /** /explore (the network view), its assets, the explorer's assets, and other paths. */
  private pathRequest(): FuzzRequest {
    const r = this.rng;
    const path = r.weighted<() => string>([
      [
        3,
        () =>
          r.pick([
            '/explore',
            '/explore/',
            '/explore/assets/',
            '/explore/assets/cytoscape.js',
            '/explore/assets/network-view.js',
            '/explore/assets/network-view.css',
            '/explore//',
            '/explore/x',
            '/EXPLORE',
          ]),
      ],
      [
        3,
        () =>
          `/explore/${r.pick(['assets/', '', 'assets/../', 'assets/./'])}${r.pick(['constructor', '__proto__', 'hasOwnProperty', 'toString', '../../package.json', '..%2F..%2Fpackage.json', '%2e%2e/%2e%2e/package.json', 'cytoscape.js%00', 'network-view.js/', 'network-view.js?x=1', 'network-view.js#x', pct(this.asciiJunk(r.range(1, 30))), pct(this.unicodeJunk(5).replace(/[\uD800-\uDFFF]/g, 'x')), '%', '%zz', '%ED%A0%80', 'x'.repeat(r.range(100, 4_000))])}`,
      ],
      [2, () => `/explorer/assets/${r.pick(['react.js', 'graphiql.css', 'init.js', 'constructor', '__proto__', '../../package.json', '%', pct(this.asciiJunk(10))])}`],
      [
        2,
        () =>
          `${r.pick(['/', '/health', '/graphql/', '/graphql/x', '//graphql', '/GRAPHQL', '/export', '/export/', '/nope', '/%', '/%00', '/..', '/../../etc/passwd', '/?query={__typename}', '/health?x=1'])}`,
      ],
      [1, () => `/${pct(this.asciiJunk(r.range(1, 50)))}`],
    ])();
    const method = r.weighted([
      [10, 'GET'],
      [2, 'HEAD'],
      [1, 'POST'],
      [0.5, 'PUT'],
      [0.5, 'DELETE'],
      [0.5, 'OPTIONS'],
    ]);
    const h: Record<string, string> = {};
    if (r.chance(0.3)) h.accept = r.pick(['text/html', '*/*', 'application/json', 'text/html,application/xhtml+xml']);
    if (r.chance(0.1)) h['if-none-match'] = r.pick(['*', '"x"']);
    if (r.chance(0.05)) h.range = r.pick(['bytes=0-10', 'bytes=-1', 'bytes=x']);
    const body = method === 'POST' && r.chance(0.5) ? enc.encode(JSON.stringify({ query: '{ __typename }' })) : undefined;
    if (body) h['content-type'] = 'application/json';
    return { index: -1, kind: 'path', method, path, headers: h, ...(body ? { body } : {}) };
  }

  /** The next request; a few thousand of these are the fuzz run. */
  next(): FuzzRequest {
    const r = this.rng;
    for (;;) {
      const make = r.weighted<() => FuzzRequest>([
        [50, () => this.graphqlPost()],
        [10, () => this.malformedPost()],
        [6, () => this.contentTypePost()],
        [2, () => this.batchPost()],
        [12, () => this.getRequest()],
        [12, () => this.exportRequest()],
        [8, () => this.pathRequest()],
      ]);
      const req = make();
      req.path = sendablePath(req.path);
      // The test looks for this text in answers; a request must not be able to echo it.
      if (describeRequest(req, Infinity).includes(FORBIDDEN_TEXT)) continue;
      req.index = this.nextIndex;
      this.nextIndex += 1;
      return req;
    }
  }
}

/** Collects the variables a document uses: declarations and the JSON values sent for them. */
class VarSink {
  private readonly decls: string[] = [];
  private readonly vals: Record<string, unknown> = {};
  constructor(
    private readonly gen: FuzzGen,
    private readonly r: Rng,
  ) {}

  /** A `$name` for a value of `type`, declared (mostly with the right type) and given a value. */
  use(type: GraphQLInputType): string {
    const r = this.r;
    if (this.gen.bad(0.03)) return '$undeclared';
    const name = `v${this.decls.length}`;
    let declared = String(type);
    if (this.gen.bad(0.08))
      declared = r.pick(['Int', 'String', 'ID!', '[String]', 'Boolean!', 'Float', 'PartialDate', 'EntityKind', 'JSON', 'Entity', 'Nope', '[[Int]]', declared.replace(/!$/, '')]);
    const deflt = r.chance(0.08) ? ` = ${this.gen.literal(type, 2)}` : '';
    this.decls.push(`$${name}: ${declared}${deflt}`);
    if (isNonNullType(type) && !deflt ? !this.gen.bad(0.15) : r.chance(0.85)) this.vals[name] = this.gen.variableValue(type);
    return `$${name}`;
  }

  declarations(): string {
    const r = this.r;
    if (this.gen.bad(0.04)) this.decls.push(`$unused: ${r.pick(['Int', 'String!', 'JSON', 'Entity'])}`);
    return this.decls.length > 0 ? `(${this.decls.join(', ')})` : '';
  }

  values(): Record<string, unknown> | undefined {
    const r = this.r;
    if (Object.keys(this.vals).length === 0 && !r.chance(0.2)) return undefined;
    if (r.chance(0.05)) this.vals[r.pick(['extra', '__proto__', 'constructor'])] = this.gen.randomJson(2);
    return this.vals;
  }
}

/** Named fragments a document spreads, some of them on the wrong type or spreading each other. */
class FragmentSink {
  private readonly defs: string[] = [];
  private readonly on = new Map<string, string>();
  constructor(
    private readonly gen: FuzzGen,
    private readonly r: Rng,
    private readonly vars: VarSink,
  ) {}

  spread(type: GraphQLNamedType, depth: number): string {
    const r = this.r;
    if (this.gen.bad(0.05)) return 'Missing';
    const reuse = [...this.on].filter(([, on]) => on === type.name || this.gen.bad(0.3)).map(([name]) => name);
    if (reuse.length > 0 && r.chance(0.3)) return r.pick(reuse);
    const slot = this.defs.length;
    const name = `F${slot}`;
    this.defs.push(''); // reserve the name before recursing
    const on = this.gen.bad(0.1) ? r.pick(['Query', 'Entity', 'Relation', 'String', 'Nope']) : type.name;
    this.on.set(name, on);
    const target = this.gen.schema.getType(on) ?? type;
    let body = this.gen.selection(target, Math.max(0, depth), this.vars, this) || ' { __typename }';
    if (this.gen.bad(0.05)) body = body.replace(/ }$/, ` ...${name} }`); // a cycle
    this.defs[slot] = `fragment ${name} on ${on}${body}`;
    return name;
  }

  definitions(): string {
    return this.defs.filter(Boolean).join('\n');
  }
}

/** `depth` levels of arrays or objects around a 1, as a value. */
function nestJson(depth: number, arrays: boolean): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i += 1) v = arrays ? [v] : { a: v };
  return v;
}

/** The same as text, wrapped in `prefix` and `suffix`: faster than stringifying deep values. */
function nestJsonText(depth: number, arrays: boolean, prefix: string, suffix: string): string {
  const [open, close] = arrays ? ['[', ']'] : ['{"a":', '}'];
  return `${prefix}${open.repeat(depth)}1${close.repeat(depth)}${suffix}`;
}

/**
 * node:http sends only paths of printable ASCII (and Latin-1); anything else is
 * percent-encoded as UTF-8 would be, a lone surrogate as the bytes CESU-8 would give it.
 */
function sendablePath(path: string): string {
  if (/^[\x21-\x7e]*$/.test(path)) return path;
  let out = '';
  for (const ch of path) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x21 && cp <= 0x7e) out += ch;
    else if (cp >= 0xd800 && cp <= 0xdfff)
      out += `%${(0xe0 | (cp >> 12)).toString(16)}%${(0x80 | ((cp >> 6) & 0x3f)).toString(16)}%${(0x80 | (cp & 0x3f)).toString(16)}`.toUpperCase();
    else out += encodeURIComponent(ch);
  }
  return out;
}

/** encodeURIComponent that also takes lone surrogates (as the bytes CESU-8 would give them). */
function pct(text: string): string {
  if (!/[\uD800-\uDFFF]/.test(text)) return encodeURIComponent(text);
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    out += cp >= 0xd800 && cp <= 0xdfff ? sendablePath(ch) : encodeURIComponent(ch);
  }
  return out;
}

/** One line a person can read and paste: method, path, headers and (cut) body. */
export function describeRequest(req: FuzzRequest, max = 600): string {
  const cut = (s: string) => (s.length > max ? `${s.slice(0, max)}… (${s.length} chars)` : s);
  const body = req.body === undefined ? '' : ` body=${cut(JSON.stringify(Buffer.from(req.body).toString('utf8')))}`;
  return `#${req.index} [${req.kind}] ${req.method} ${cut(req.path)} headers=${cut(JSON.stringify(req.headers))}${body}`;
}
