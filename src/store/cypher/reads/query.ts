import type { Ontology } from '../../../ontology/ontology.js';
import { checkedTypes, type Dialect } from '../dialect.js';
import type { Executor, Statement } from '../executor.js';

/**
 * A read statement together with the columns its RETURN names: `R` is the row the
 * operation's decoder takes. The columns are checked against the first row the backend
 * returns, so a statement and its decoder cannot drift apart unnoticed.
 */
export interface Query<R> extends Statement {
  readonly columns: ReadonlyArray<keyof R & string>;
}

/** Builds a query; `columns` must list every key of `R`, in RETURN order. */
export function query<R>(cypher: string, params: Record<string, unknown>, columns: ReadonlyArray<keyof R & string>): Query<R> {
  return { cypher, params, columns };
}

/** What every read operation runs with. */
export interface ReadContext {
  readonly executor: Executor;
  readonly dialect: Dialect;
  readonly ontology: Ontology;
}

/** What every statement builder needs: the backend's fragments and the ontology's names. */
export type BuildContext = Pick<ReadContext, 'dialect' | 'ontology'>;

export class RowShapeError extends Error {}

/** Runs `q`, returning its rows as `R` once the first has shown every column. */
export async function readRows<R>(executor: Executor, q: Query<R>): Promise<R[]> {
  // The executor takes a plain statement: the column list is this module's business.
  const rows = await executor.read({ cypher: q.cypher, params: q.params });
  const first = rows[0];
  if (first) {
    const missing = q.columns.filter((c) => !(c in first));
    if (missing.length > 0) throw new RowShapeError(`a row of ${JSON.stringify(q.cypher.slice(0, 80))} lacks ${missing.join(', ')}`);
  }
  // Checked above: every row of one statement has the same columns.
  return rows as R[];
}

/** Relation types requested, checked against the ontology, or every type. */
export function typesOrAll(ctx: BuildContext, types: readonly string[] | null): string[] {
  return types ? checkedTypes(ctx.ontology, types) : ctx.ontology.relationTypes.map((t) => t.name);
}

export function allTypes(ctx: BuildContext): string[] {
  return ctx.ontology.relationTypes.map((t) => t.name);
}

export function allKinds(ctx: BuildContext): string[] {
  return [...ctx.ontology.kinds];
}

/** Integers spliced into statement text are checked against their limits first. */
export function boundedInt(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be ${min}..${max}`);
  return value;
}

/** The condition on relationship `r` that leaves retracted relations out, unless they are wanted. */
export function active(includeRetracted: boolean): string {
  return includeRetracted ? '' : ' AND r.retractedAt IS NULL';
}
