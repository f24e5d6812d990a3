import { partialDateBounds } from '../ontology/partial-date.js';
import { inForceAt, isUndated, overlapsRange, type RelationDates } from '../ontology/relation-time.js';
import type { EntityRecord, RelationRecord } from '../store/records.js';
import type { GraphReads } from '../store/graph-reads.js';
import type { InForce } from '../store/queries.js';
import { AnswerTooLargeError } from '../store/errors.js';
import { filterInSlices, Slicer, sortInSlices } from '../event-loop/yielding.js';
import { DomainError, ErrorCode } from '../errors/domain-error.js';

/**
 * The part of the graph a network question is about, shared by `network`, exports and
 * the network view, so each answers the same selection with the same nodes and edges.
 */
export interface Selection {
  /** Centre of a neighborhood; the whole graph when absent. */
  id?: string | null;
  depth?: number | null;
  kinds?: readonly string[] | null;
  types?: readonly string[] | null;
  /** Partial dates: relations dated within them (by their own dates, or their event's with `inferDates`); undated ones left out. */
  from?: string | null;
  to?: string | null;
  /** Date an undated relation by an event it joins, and say so (`inferredDates`). Off by default: a relation has only its own dates. */
  inferDates?: boolean | null;
  /** A partial date: only relations in force on it (`inForceAt`; by the inferred date with `inferDates`). */
  asOf?: string | null;
  /** With `asOf`: keep undated relations too (those `inferDates` dated are dated). */
  includeUndated?: boolean | null;
}

/** A relation's date taken from an event it joins (`InferredDate`): the event's id. */
export interface InferredDateRecord {
  relation: string;
  date: string;
  event: string;
}

export interface SelectedNetwork {
  nodes: EntityRecord[];
  edges: RelationRecord[];
  /** The id of the entity a neighborhood was read around: the survivor's for a merged id; null for the whole graph or no such entity. */
  centre: string | null;
  /** With `inferDates`: the edges dated by an event they join, by relation id (absent otherwise). */
  inferredDates?: ReadonlyMap<string, InferredDateRecord>;
}

/**
 * Bounds the work of one selection, read before anything is filtered by kind or date
 * (relation types narrow the read itself). Past them the selection is refused right after
 * the database has counted it, before any relation is decoded; a larger graph needs a
 * narrower selection. Measuring has its own bound (MAX_MEASURE_WORK).
 */
export const MAX_NETWORK_RELATIONS = 50_000;
export const MAX_NETWORK_ENTITIES = 50_000;
/**
 * Entities times relations of a selection to be measured: exact betweenness takes time in
 * proportion (about 12 s at this bound on a busy 2-core machine), so a selection past it is
 * refused at once instead of running into the time limit.
 */
export const MAX_MEASURE_WORK = 50_000_000;

export class SelectionTooLargeError extends DomainError {
  readonly code = ErrorCode.BAD_USER_INPUT;
}

const tooLarge = () =>
  new SelectionTooLargeError(
    `the selection has more than ${MAX_NETWORK_ENTITIES.toLocaleString('en-US')} entities or ${MAX_NETWORK_RELATIONS.toLocaleString('en-US')} relations; choose a neighborhood (id, depth) or relation types`,
  );

/** Throws when measuring `network` would take too long (see MAX_MEASURE_WORK). */
export function checkMeasurable(network: SelectedNetwork): void {
  const work = network.nodes.length * network.edges.length;
  if (work > MAX_MEASURE_WORK) {
    throw new SelectionTooLargeError(
      `the selection has ${network.nodes.length.toLocaleString('en-US')} entities and ${network.edges.length.toLocaleString('en-US')} relations, ` +
        `too many to measure (entities times relations is over ${MAX_MEASURE_WORK.toLocaleString('en-US')}); choose a smaller depth, relation types, kinds or a date range`,
    );
  }
}

/**
 * For `inferDates`: the date of a dated event an undated relation joins, its `to` end
 * first (a party contesting an election acts at the election's date); null when the
 * relation has dates of its own or joins no dated event.
 */
function inferredDate(r: RelationRecord, dateOf: (id: string) => string | null): InferredDateRecord | null {
  if (!isUndated(r.attributes)) return null;
  for (const event of [r.to, r.from]) {
    const date = dateOf(event);
    if (date !== null) return { relation: r.id, date, event };
  }
  return null;
}

async function wholeGraph(store: GraphReads, types: readonly string[] | null): Promise<SelectedNetwork> {
  // One read each, one row over the bound: paging by id would sort the whole table per page.
  const nodes = await store.listEntities({ kinds: null, after: null, limit: MAX_NETWORK_ENTITIES + 1 });
  if (nodes.length > MAX_NETWORK_ENTITIES) throw tooLarge();
  const { relations: edges } = await store.listRelations({ types, from: null, to: null, after: null, limit: MAX_NETWORK_RELATIONS + 1, includeRetracted: false });
  if (edges.length > MAX_NETWORK_RELATIONS) throw tooLarge();
  return { nodes, edges, centre: null };
}

async function neighborhood(store: GraphReads, id: string, depth: number, types: readonly string[] | null, inForce: InForce | null): Promise<SelectedNetwork> {
  const { nodes, edges, start } = await store.neighborhood({ id, depth, types, maxEntities: MAX_NETWORK_ENTITIES, maxRelations: MAX_NETWORK_RELATIONS, inForce });
  return { nodes, edges, centre: start?.id ?? null };
}

/**
 * A neighborhood as of a date is reached over relations in force then, as
 * `neighborhood(asOf:)` reaches it: narrowing afterwards would keep entities reached only
 * over relations not yet (or no longer) in force. With `inferDates` a relation's date is
 * known only after the read, so that neighborhood is narrowed afterwards instead.
 */
function traversedInForce(sel: Selection): InForce | null {
  return sel.id && sel.asOf && !sel.inferDates ? { asOf: sel.asOf, includeUndated: sel.includeUndated ?? false } : null;
}

/**
 * What the database is asked for a selection: the neighborhood (or the whole graph) over
 * the relation types (and, around an entity, `asOf`: `traversedInForce`). Kinds and dates
 * are applied afterwards (`narrowSelection`), so selections that differ only in them share
 * this read, and its refusal.
 */
export async function readBase(store: GraphReads, sel: Selection): Promise<SelectedNetwork> {
  const types = sel.types && sel.types.length > 0 ? sel.types : null;
  let base: SelectedNetwork;
  try {
    base = sel.id ? await neighborhood(store, sel.id, sel.depth ?? 1, types, traversedInForce(sel)) : await wholeGraph(store, types);
  } catch (err) {
    if (err instanceof AnswerTooLargeError) throw tooLarge();
    throw err;
  }
  if (base.nodes.length > MAX_NETWORK_ENTITIES || base.edges.length > MAX_NETWORK_RELATIONS) throw tooLarge();
  return base;
}

const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);

/**
 * The selection within its base read: kinds, then dates, nodes and edges in id order.
 * Done in slices (`signal` stops it between them), so a large selection leaves the
 * server answering meanwhile.
 */
export async function narrowSelection(base: SelectedNetwork, sel: Selection, signal?: AbortSignal): Promise<SelectedNetwork> {
  const slicer = () => new Slicer(signal);
  const types = sel.types && sel.types.length > 0 ? sel.types : null;
  const dated = sel.from || sel.to;
  const asOf = sel.asOf ?? null;
  const kinds = sel.kinds && sel.kinds.length > 0 ? new Set(sel.kinds) : null;

  const eventDates = new Map<string, string>();
  if (sel.inferDates) for (const n of base.nodes) if (typeof n.attributes.date === 'string') eventDates.set(n.id, n.attributes.date);
  const dateOf = (id: string) => eventDates.get(id) ?? null;
  const inferred = new Map<string, InferredDateRecord>();
  let nodes = kinds ? await filterInSlices(base.nodes, (n) => kinds.has(n.kind), slicer()) : base.nodes;
  const kept = new Set<string>();
  for (const n of nodes) kept.add(n.id);
  const kinded = await filterInSlices(base.edges, (r) => kept.has(r.from) && kept.has(r.to), slicer());
  // A relation is judged by its own dates, or with `inferDates` an undated one by its event's.
  const datesOf = (r: RelationRecord): RelationDates => {
    const guess = sel.inferDates ? inferredDate(r, dateOf) : null;
    return guess ? { date: guess.date } : r.attributes;
  };
  const inRange =
    dated || asOf
      ? await filterInSlices(
          kinded,
          (r) => {
            const dates = datesOf(r);
            return (!dated || overlapsRange(dates, sel.from, sel.to)) && (asOf === null || inForceAt(dates, asOf, sel.includeUndated ?? false));
          },
          slicer(),
        )
      : kinded;
  const edges = await sortInSlices(inRange, byId, slicer());
  if (sel.inferDates) {
    for (const r of edges) {
      const guess = inferredDate(r, dateOf);
      if (guess) inferred.set(r.id, guess);
    }
  }
  // Narrowed by relations, the network is the entities they join (and the centre, if any).
  if (types || dated || asOf) {
    const joined = new Set<string>();
    for (const r of edges) {
      joined.add(r.from);
      joined.add(r.to);
    }
    if (base.centre) joined.add(base.centre);
    nodes = await filterInSlices(nodes, (n) => joined.has(n.id), slicer());
  }
  return { nodes: await sortInSlices(nodes, byId, slicer()), edges, centre: base.centre, ...(sel.inferDates ? { inferredDates: inferred } : {}) };
}

export async function selectNetwork(store: GraphReads, sel: Selection, signal?: AbortSignal): Promise<SelectedNetwork> {
  return narrowSelection(await readBase(store, sel), sel, signal);
}

/** A stable text for what `readBase` reads: selections with the same one share it. */
export function baseSelectionKey(sel: Selection): string {
  const types = sel.types && sel.types.length > 0 ? [...new Set(sel.types)].sort() : null;
  const inForce = traversedInForce(sel);
  const asOf = inForce ? [partialDateBounds(inForce.asOf).join('..'), inForce.includeUndated] : null;
  return JSON.stringify(['base', sel.id ?? null, sel.id ? (sel.depth ?? 1) : null, types, ...(asOf ? [asOf] : [])]);
}

/** A stable text for a selection, for caching what is computed from it. */
export function selectionKey(sel: Selection): string {
  const list = (v: readonly string[] | null | undefined) => (v && v.length > 0 ? [...new Set(v)].sort() : null);
  // Dates as the days they span, so `2012` and `2012-01-01` as `from` are one selection.
  const from = sel.from ? partialDateBounds(sel.from)[0] : null;
  const to = sel.to ? partialDateBounds(sel.to)[1] : null;
  // `asOf` likewise as its days; `includeUndated` counts only with it.
  const asOf = sel.asOf ? partialDateBounds(sel.asOf).join('..') : null;
  return JSON.stringify([
    sel.id ?? null,
    sel.id ? (sel.depth ?? 1) : null,
    list(sel.kinds),
    list(sel.types),
    from,
    to,
    ...(sel.inferDates ? ['inferDates'] : []),
    ...(asOf ? [`asOf ${asOf}`, ...(sel.includeUndated ? ['includeUndated'] : [])] : []),
  ]);
}
