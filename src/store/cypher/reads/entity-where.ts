import { attributeFiltersOf } from '../../../ontology/filters.js';
import { rangeDays } from '../../../ontology/relation-time.js';
import type { AttributeCondition, EntityFilter, TextMatch } from '../../queries.js';
import type { Direction } from '../../records.js';
import { checkedTypes } from '../dialect.js';
import { prop } from '../statements.js';
import { survivorIds } from './entities.js';
import type { BuildContext, ReadContext } from './query.js';

/**
 * `EntityWhere` as one Cypher condition on an entity variable, with its parameters.
 *
 * Two LadybugDB 0.19 faults shape the text, both with wrong answers rather than errors:
 * a parameter inside an `EXISTS`/`COUNT` subquery, in a WHERE that also reads a
 * parameter, made it drop the subquery's condition; and a parameter inside a list
 * predicate (`any(k IN list WHERE k CONTAINS $p)`, or `list_filter`) fails an assertion. So relation types
 * go into subqueries as literals (checked ontology names, sorted, as the dialect's
 * recursive patterns take them), and text tests read their parameter as a variable bound
 * before the MATCH (`bind`: `WITH $w0 AS w0`).
 *
 * Every condition is two-valued (a missing attribute is false, not null), so `NOT`
 * keeps exactly the entities its filter leaves out.
 *
 * Cost: kinds and ids use indexes (Neo4j); a name test reads every entity's folded
 * names, an attribute test every entity's column, `hasRelation` each candidate's
 * relations: all grow with the whole graph, as no index covers them.
 */

export interface CompiledWhere {
  /** The condition, or null when the filter has none. */
  where: string | null;
  params: Record<string, unknown>;
  /** Parameters the condition reads as variables of the same name: bound by `bindClause` before the MATCH. */
  bind: readonly string[];
}

/** `WITH $w0 AS w0, ... ` for the parameters `c` reads as variables; empty when none. */
export function bindClause(c: Pick<CompiledWhere, 'bind'>): string {
  return c.bind.length === 0 ? '' : `WITH ${c.bind.map((p) => `$${p} AS ${p}`).join(', ')} `;
}

/** `[...]` of relation type names as Cypher literals: checked against the ontology first, sorted so one set is one text. */
export function typeLiterals(ctx: BuildContext, types: readonly string[]): string {
  return `[${checkedTypes(ctx.ontology, types)
    .sort()
    .map((t) => `'${t}'`)
    .join(', ')}]`;
}

/**
 * The single-hop pattern from `v` through a relation bound to `r` in `direction`, and the
 * condition keeping relations not retracted of `types` (all when null); nothing in it is a parameter.
 */
export function relationPattern(ctx: BuildContext, v: string, r: string, types: readonly string[] | null, direction: Direction): { pattern: string; where: string } {
  const d = ctx.dialect;
  // `indexedRel` names the types in the pattern where the backend types relationships (Neo4j).
  const rel = types === null || types.length === 0 ? d.rel(r) : d.indexedRel(r, checkedTypes(ctx.ontology, types));
  const pattern = direction === 'OUT' ? `(${v})-[${rel}]->()` : direction === 'IN' ? `(${v})<-[${rel}]-()` : `(${v})-[${rel}]-()`;
  // No types at all: no relation can match (an empty list literal has no type in LadybugDB).
  const ofTypes = types === null ? [] : types.length === 0 ? ['false'] : [`${d.relType(r)} IN ${typeLiterals(ctx, types)}`];
  const where = [`${r}.retractedAt IS NULL`, ...ofTypes].join(' AND ');
  return { pattern, where };
}

class Compiler {
  readonly params: Record<string, unknown> = {};
  readonly bind: string[] = [];
  private n = 0;

  constructor(
    private readonly ctx: BuildContext,
    private readonly v: string,
    private readonly prefix: string,
  ) {}

  private param(value: unknown): string {
    const name = `${this.prefix}${this.n++}`;
    this.params[name] = value;
    return `$${name}`;
  }

  private variable(value: string): string {
    const name = `${this.prefix}${this.n++}`;
    this.params[name] = value;
    this.bind.push(name);
    return name;
  }

  /** The conditions of one filter level, ANDed; null when it has none. */
  filter(f: EntityFilter): string | null {
    const v = this.v;
    const all: string[] = [];
    if (f.kinds) all.push(`${v}.kind IN ${this.param([...f.kinds])}`);
    if (f.ids) all.push(`${v}.id IN ${this.param([...f.ids])}`);
    if (f.name) all.push(...this.text(f.name, (test) => this.ctx.dialect.anyItem(`${v}.searchKeys`, 'k', test('k'))));
    for (const [name, cond] of Object.entries(f.attributes ?? {})) all.push(this.attribute(name, cond));
    if (f.hasRelation) {
      const r = `hr${this.n++}`;
      const { pattern, where } = relationPattern(this.ctx, v, r, f.hasRelation.types, f.hasRelation.direction);
      all.push(`EXISTS { MATCH ${pattern} WHERE ${where} }`);
    }
    for (const sub of f.and ?? []) all.push(this.filter(sub) ?? 'true');
    if (f.or) all.push(f.or.length === 0 ? 'false' : `(${f.or.map((sub) => this.filter(sub) ?? 'true').join(' OR ')})`);
    if (f.not) all.push(`NOT ${this.filter(f.not) ?? 'true'}`);
    return all.length === 0 ? null : `(${all.join(' AND ')})`;
  }

  /** One condition per test of `m`, `on` making it from a test of a text expression. */
  private text(m: TextMatch, on: (test: (expr: string) => string) => string): string[] {
    const out: string[] = [];
    if (m.equals !== undefined) {
      const p = this.variable(m.equals);
      out.push(on((x) => `${x} = ${p}`));
    }
    if (m.contains !== undefined) {
      const p = this.variable(m.contains);
      out.push(on((x) => `${x} CONTAINS ${p}`));
    }
    if (m.startsWith !== undefined) {
      const p = this.variable(m.startsWith);
      out.push(on((x) => `${x} STARTS WITH ${p}`));
    }
    return out;
  }

  private attribute(name: string, cond: AttributeCondition): string {
    const spec = attributeFiltersOf(this.ctx.ontology).find((f) => f.attribute.name === name);
    if (!spec) throw new Error(`no filter for entity attribute ${JSON.stringify(name)}`);
    const stored = `${this.v}.${prop(name)}`;
    // A row stored before a field with a default existed reads as the default.
    const col = spec.attribute.default === undefined ? stored : `coalesce(${stored}, ${this.param(spec.attribute.default)})`;
    const tests: string[] = [];
    if ('in' in cond) tests.push(`${col} IN ${this.param([...cond.in])}`);
    else if ('text' in cond) tests.push(...this.text(cond.text, (test) => test(`toLower(${col})`)));
    else if ('dates' in cond) {
      // The rule of src/ontology/relation-time.ts for a single partial date: its days overlap the range.
      const [lo, hi] = rangeDays(cond.dates.from, cond.dates.to);
      const pLo = this.param(lo);
      tests.push(`${col} <= ${this.param(hi)}`, `(${col} >= ${pLo} OR ${pLo} STARTS WITH ${col})`);
    } else if ('range' in cond) {
      if (cond.range.min !== null) tests.push(`${col} >= ${this.param(cond.range.min)}`);
      if (cond.range.max !== null) tests.push(`${col} <= ${this.param(cond.range.max)}`);
      if (tests.length === 0) tests.push(`${col} IS NOT NULL`);
    } else tests.push(`${col} = ${this.param(cond.is)}`);
    // Only the kinds whose type has the attribute; a missing value is false, not null.
    return `(${this.v}.kind IN ${this.param([...spec.kinds])} AND coalesce(${tests.join(' AND ')}, false))`;
  }
}

/** `filter` as a condition on entity variable `v`; parameters are named `${prefix}0`.. */
export function compileEntityWhere(ctx: BuildContext, filter: EntityFilter | null, v = 'e', prefix = 'w'): CompiledWhere {
  if (filter === null) return { where: null, params: {}, bind: [] };
  const c = new Compiler(ctx, v, prefix);
  const where = c.filter(filter);
  return { where, params: c.params, bind: c.bind };
}

function idsIn(f: EntityFilter, out: Set<string>): Set<string> {
  for (const id of f.ids ?? []) out.add(id);
  for (const sub of [...(f.and ?? []), ...(f.or ?? []), ...(f.not ? [f.not] : [])]) idsIn(sub, out);
  return out;
}

function withIds(f: EntityFilter, live: ReadonlyMap<string, string>): EntityFilter {
  return {
    ...f,
    ...(f.ids ? { ids: [...new Set(f.ids.map((id) => live.get(id) ?? id))] } : {}),
    ...(f.and ? { and: f.and.map((s) => withIds(s, live)) } : {}),
    ...(f.or ? { or: f.or.map((s) => withIds(s, live)) } : {}),
    ...(f.not ? { not: withIds(f.not, live) } : {}),
  };
}

/**
 * Filters already read with survivors, by identity: a request's page and its `totalCount`
 * get the same filter object, so the ids are looked up once for both. Each request parses
 * its own filter, so nothing is kept past it.
 */
const resolved = new WeakMap<EntityFilter, Promise<EntityFilter>>();

/** `filter` with each id merged into another entity read as its survivor: one statement, only when the filter names ids. */
export async function withSurvivorIds(ctx: ReadContext, filter: EntityFilter | null): Promise<EntityFilter | null> {
  if (filter === null) return null;
  const ids = idsIn(filter, new Set());
  if (ids.size === 0) return filter;
  let found = resolved.get(filter);
  if (!found) {
    found = survivorIds(ctx, [...ids]).then((live) => withIds(filter, live));
    resolved.set(filter, found);
    // A failed lookup is not kept: a retry looks again.
    found.catch(() => resolved.delete(filter));
  }
  return found;
}
