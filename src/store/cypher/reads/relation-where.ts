import type { RelationFilter } from '../../queries.js';
import { inForceAtCondition, overlapsRangeCondition } from './relation-time.js';
import { citingNeedle } from './sources.js';
import { typesOrAll, type BuildContext } from './query.js';

/**
 * A `RelationWhere` as one Cypher condition on `a` (the start entity), `r` (the
 * relationship) and `b` (the end entity), in the relation's stored direction. Each node of
 * the filter names its parameters by its path (`w_types`, `w_o1_from`, `w_n_a0_source`), so
 * any nesting shares one statement. Every condition is true or false, never null, so `NOT`
 * means "every other relation" (a missing confidence is no confidence, not unknown).
 */

export interface CompiledWhere {
  /** A condition, `true` when nothing is asked. */
  where: string;
  params: Record<string, unknown>;
}

export interface WhereVars {
  a: string;
  r: string;
  b: string;
}

/** How a relation stored before `basis`/`preliminary` existed reads: the SDL's `@default`. */
function relationDefault(ctx: BuildContext, name: string): unknown {
  return ctx.ontology.relationAttributes.find((a) => a.name === name)?.default;
}

/** The conditions on how the source presents a relation, its stored NULL read as the SDL's default. */
export function presentationConditions(
  ctx: BuildContext,
  v: string,
  prefix: string,
  q: { basis?: readonly string[] | null; preliminary?: boolean | null },
): { where: string[]; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (q.basis && q.basis.length > 0) {
    where.push(`coalesce(${v}.basis, $${prefix}basisDefault) IN $${prefix}basis`);
    params[`${prefix}basis`] = [...q.basis];
    params[`${prefix}basisDefault`] = relationDefault(ctx, 'basis') ?? null;
  }
  if (typeof q.preliminary === 'boolean') {
    where.push(`coalesce(${v}.preliminary, $${prefix}preliminaryDefault) = $${prefix}preliminary`);
    params[`${prefix}preliminary`] = q.preliminary;
    params[`${prefix}preliminaryDefault`] = relationDefault(ctx, 'preliminary') ?? false;
  }
  return { where, params };
}

const given = <T>(v: T | null | undefined): v is T => v !== null && v !== undefined;

function compileNode(ctx: BuildContext, w: RelationFilter, vars: WhereVars, prefix: string): CompiledWhere {
  const { a, r, b } = vars;
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  const p = (name: string, value: unknown) => {
    params[`${prefix}_${name}`] = value;
    return `$${prefix}_${name}`;
  };
  if (given(w.types)) where.push(`${ctx.dialect.relType(r)} IN ${p('types', typesOrAll(ctx, w.types))}`);
  if (given(w.from)) where.push(`${a}.id = ${p('from', w.from)}`);
  if (given(w.to)) where.push(`${b}.id = ${p('to', w.to)}`);
  if (given(w.either)) {
    const e = p('either', w.either);
    where.push(`(${a}.id = ${e} OR ${b}.id = ${e})`);
  }
  if (given(w.fromKinds)) where.push(`${a}.kind IN ${p('fromKinds', [...w.fromKinds])}`);
  if (given(w.toKinds)) where.push(`${b}.kind IN ${p('toKinds', [...w.toKinds])}`);
  const includeUndated = w.includeUndated ?? false;
  for (const t of [
    given(w.date) ? overlapsRangeCondition(r, `${prefix}_date`, w.date.from, w.date.to, includeUndated) : null,
    given(w.asOf) ? inForceAtCondition(r, `${prefix}_asOf`, w.asOf, includeUndated) : null,
  ]) {
    if (t === null) continue;
    where.push(t.where);
    Object.assign(params, t.params);
  }
  const shown = presentationConditions(ctx, r, `${prefix}_`, w);
  where.push(...shown.where);
  Object.assign(params, shown.params);
  if (given(w.claimedBy)) where.push(`coalesce(${r}.claimedBy, '') = ${p('claimedBy', w.claimedBy)}`);
  if (given(w.reportedBy)) where.push(`coalesce(${r}.reportedBy, '') = ${p('reportedBy', w.reportedBy)}`);
  if (given(w.minConfidence)) where.push(`coalesce(${r}.confidence, -1.0) >= ${p('minConfidence', w.minConfidence)}`);
  // Citations are one JSON text per relation: no index reaches into it (see README: cost).
  if (given(w.source)) where.push(`coalesce(${r}.sources, '') CONTAINS ${p('source', citingNeedle(w.source))}`);
  if (given(w.addedBy)) where.push(`coalesce(${r}.addedBy, '') = ${p('addedBy', w.addedBy)}`);
  const nested = (list: readonly RelationFilter[], tag: string) =>
    list.map((child, i) => {
      const c = compileNode(ctx, child, vars, `${prefix}_${tag}${i}`);
      Object.assign(params, c.params);
      return `(${c.where})`;
    });
  if (given(w.AND)) where.push(...nested(w.AND, 'a'));
  // No alternative holds for an empty OR.
  if (given(w.OR)) where.push(w.OR.length === 0 ? 'false' : `(${nested(w.OR, 'o').join(' OR ')})`);
  if (given(w.NOT)) where.push(`NOT (${nested([w.NOT], 'n')[0]!})`);
  return { where: where.length === 0 ? 'true' : where.join(' AND '), params };
}

/** `w` as one condition on the variables `vars` (stored direction: `a`-`r`->`b`), parameters under `prefix`. */
export function compileRelationWhere(ctx: BuildContext, w: RelationFilter | null, vars: WhereVars = { a: 'a', r: 'r', b: 'b' }, prefix = 'w'): CompiledWhere {
  return w === null ? { where: 'true', params: {} } : compileNode(ctx, w, vars, prefix);
}

/** Whether the filter reads the entities at the ends (not only the relationship). */
export function readsEnds(w: RelationFilter | null): boolean {
  if (w === null) return false;
  const own = [w.from, w.to, w.either, w.fromKinds, w.toKinds].some(given);
  return own || [...(w.AND ?? []), ...(w.OR ?? []), ...(w.NOT ? [w.NOT] : [])].some(readsEnds);
}

const ID_FIELDS = ['from', 'to', 'either', 'claimedBy', 'reportedBy'] as const;

/**
 * The entity ids the filter names, and whether each is required (only in the conjuncts):
 * then a merged-away id, which keeps no relations, can only make the answer empty, so the
 * ids need resolving only when it is.
 */
export function namedIds(w: RelationFilter | null): { ids: string[]; onlyRequired: boolean } {
  const ids = new Set<string>();
  let onlyRequired = true;
  const walk = (node: RelationFilter, requiredHere: boolean) => {
    for (const f of ID_FIELDS) {
      const v = node[f];
      if (given(v)) {
        ids.add(v);
        if (!requiredHere) onlyRequired = false;
      }
    }
    for (const c of node.AND ?? []) walk(c, requiredHere);
    for (const c of node.OR ?? []) walk(c, false);
    if (node.NOT) walk(node.NOT, false);
  };
  if (w !== null) walk(w, true);
  return { ids: [...ids], onlyRequired };
}

/** The filter with each id that `survivors` maps replaced by its survivor. */
export function withSurvivors(w: RelationFilter | null, survivors: ReadonlyMap<string, string>): RelationFilter | null {
  if (w === null) return null;
  const out: RelationFilter = { ...w };
  for (const f of ID_FIELDS) {
    const v = w[f];
    if (given(v)) out[f] = survivors.get(v) ?? v;
  }
  if (w.AND) out.AND = w.AND.map((c) => withSurvivors(c, survivors)!);
  if (w.OR) out.OR = w.OR.map((c) => withSurvivors(c, survivors)!);
  if (w.NOT) out.NOT = withSurvivors(w.NOT, survivors);
  return out;
}

/**
 * The filter without `either: id` where it is required (the root and its `AND`
 * conjuncts): for a statement that already starts at that entity, where the repeated
 * condition on both ends made LadybugDB plan a wider join.
 */
export function withoutRequiredEither(w: RelationFilter | null, id: string): RelationFilter | null {
  if (w === null) return null;
  const out: RelationFilter = { ...w, either: w.either === id ? null : w.either };
  if (w.AND) out.AND = w.AND.map((c) => withoutRequiredEither(c, id)!);
  return out;
}
