import type { NetworkMetrics, NodeMetrics } from '../network/metrics.js';
import type { MeasuredNetwork } from '../network/network-cache.js';
import type { InferredDateRecord, Selection } from '../network/selection.js';
import type { AttributeSpec, Ontology } from '../ontology/ontology.js';
import { inForceAt, overlapsRange } from '../ontology/relation-time.js';
import type { AttributeValue, CitationRecord, ClaimRecord, EntityRecord, RelationRecord } from '../store/records.js';

/**
 * A selection as a table every writer reads the same way: declared columns, then nodes
 * and edges in id order, each with the values it has (absent ones left out). Lists stay
 * lists here; writers whose format needs scalars join them with `LIST_SEPARATOR`.
 */

export type ColumnType = 'string' | 'int' | 'double' | 'boolean';

export interface Column {
  name: string;
  type: ColumnType;
  /** A list of strings (aliases); joined with `LIST_SEPARATOR` in XML formats. */
  list?: boolean;
}

export type Value = string | number | boolean | readonly string[];

export interface ExportNode {
  id: string;
  /** Values keyed by column name, in column order. */
  data: Record<string, Value>;
}

export interface ExportEdge {
  id: string;
  source: string;
  target: string;
  data: Record<string, Value>;
}

export interface ExportGraph {
  title: string;
  /** What the selection is, in words. */
  description: string;
  nodeColumns: readonly Column[];
  edgeColumns: readonly Column[];
  nodes: readonly ExportNode[];
  edges: readonly ExportEdge[];
  communities: number;
}

export const LIST_SEPARATOR = '; ';
export const GRAPH_TITLE = 'Political actors graph';

const METRIC_COLUMNS: ReadonlyArray<Column & { name: keyof NodeMetrics }> = [
  { name: 'degree', type: 'int' },
  { name: 'inDegree', type: 'int' },
  { name: 'outDegree', type: 'int' },
  { name: 'betweenness', type: 'double' },
  { name: 'pageRank', type: 'double' },
  { name: 'community', type: 'int' },
];

const NODE_BASE: readonly Column[] = [
  { name: 'name', type: 'string' },
  { name: 'kind', type: 'string' },
  { name: 'aliases', type: 'string', list: true },
  { name: 'description', type: 'string' },
];

const EDGE_BASE: readonly Column[] = [{ name: 'type', type: 'string' }];
const EDGE_TAIL: readonly Column[] = [
  { name: 'sourceCount', type: 'int' },
  { name: 'citation', type: 'string' },
];

/** Names the writers use structurally; an ontology field by one of these names is left out. */
const RESERVED = new Set(['id', 'key', 'label', 'source', 'target', 'links', 'nodes', 'edges']);

function columnOf(spec: AttributeSpec): Column {
  switch (spec.type) {
    case 'int':
      return { name: spec.name, type: 'int' };
    case 'float':
      return { name: spec.name, type: 'double' };
    case 'boolean':
      return { name: spec.name, type: 'boolean' };
    case 'stringList':
      return { name: spec.name, type: 'string', list: true };
    default:
      return { name: spec.name, type: 'string' };
  }
}

function columns(base: readonly Column[], specs: readonly AttributeSpec[], tail: readonly Column[]): Column[] {
  const out = [...base];
  const taken = new Set([...base, ...tail].map((c) => c.name));
  for (const spec of specs) {
    if (taken.has(spec.name) || RESERVED.has(spec.name)) continue;
    taken.add(spec.name);
    out.push(columnOf(spec));
  }
  return [...out, ...tail];
}

/** The value a column holds, or undefined when there is none (null, empty list, NaN). */
function valueFor(column: Column, raw: AttributeValue | undefined): Value | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (column.list) {
    const list = (Array.isArray(raw) ? raw : [raw]).map(String);
    return list.length > 0 ? list : undefined;
  }
  if (Array.isArray(raw)) return raw.length > 0 ? raw.join(LIST_SEPARATOR) : undefined;
  switch (column.type) {
    case 'int':
    case 'double': {
      const n = typeof raw === 'number' ? raw : Number(raw);
      if (!Number.isFinite(n)) return undefined;
      return column.type === 'int' ? Math.round(n) : n;
    }
    case 'boolean':
      return typeof raw === 'boolean' ? raw : raw === 'true';
    default:
      return String(raw);
  }
}

function row(cols: readonly Column[], values: Record<string, AttributeValue | undefined>): Record<string, Value> {
  const data: Record<string, Value> = {};
  for (const c of cols) {
    const v = valueFor(c, values[c.name]);
    if (v !== undefined) data[c.name] = v;
  }
  return data;
}

/** The first citation, as `<sourceId> ¶<paragraph>[.<sentence>]: <quote>`. */
export function citationText(c: CitationRecord): string {
  return `${c.sourceId} ¶${c.paragraph}${c.sentence != null ? `.${c.sentence}` : ''}: ${c.quote}`;
}

export function describeSelection(sel: Selection): string {
  const parts = [sel.id ? `neighborhood of ${sel.id}, depth ${sel.depth ?? 1}` : 'whole graph'];
  if (sel.kinds && sel.kinds.length > 0) parts.push(`kinds ${sel.kinds.join(', ')}`);
  if (sel.types && sel.types.length > 0) parts.push(`relation types ${sel.types.join(', ')}`);
  if (sel.from || sel.to) parts.push(`dated ${sel.from ? `from ${sel.from}` : ''}${sel.from && sel.to ? ' ' : ''}${sel.to ? `to ${sel.to}` : ''}`);
  if (sel.inferDates) parts.push('undated relations dated by an event they join (dateInferred)');
  if (sel.asOf) parts.push(`in force on ${sel.asOf}${sel.includeUndated ? ', undated relations included' : ''}`);
  return parts.join('; ');
}

function nodeValues(e: EntityRecord, m: NodeMetrics | undefined): Record<string, AttributeValue | undefined> {
  return {
    ...e.attributes,
    name: e.name,
    kind: e.kind,
    aliases: e.aliases,
    description: e.description,
    ...(m ?? {}),
  };
}

/** With `inferDates`: an edge dated by an event it joins carries that `date` and `dateInferred: true`. */
const DATE_INFERRED: Column = { name: 'dateInferred', type: 'boolean' };

function edgeValues(r: RelationRecord, inferred: InferredDateRecord | undefined): Record<string, AttributeValue | undefined> {
  const first = r.sources[0];
  return {
    ...r.attributes,
    ...r.refs,
    ...(inferred ? { date: inferred.date, dateInferred: true } : {}),
    type: r.type,
    sourceCount: r.sources.length,
    citation: first ? citationText(first) : null,
  };
}

/** The edge type of a claim's edges: not a RelationType, so a selection of relation types leaves them out. */
export const CLAIM_EDGE_TYPE = 'CLAIM';

/** Columns only claim edges fill: the claim's stance and quote, and its id. */
const CLAIM_COLUMNS: readonly AttributeSpec[] = [
  { name: 'stance', type: 'string' },
  { name: 'quote', type: 'string' },
  { name: 'claim', type: 'string' },
];

/**
 * The claims a selection's file carries, as discourse-network tools draw them: one edge
 * from the speaker to each entity the claim is about, both in the selection. Only when
 * the selection names no relation types (a claim is none of them); with dates, only
 * claims dated within them; with `asOf`, only claims made by then (a claim is an act, in
 * force from its date on, judged by the relations' rule), undated ones with `includeUndated`.
 */
export function claimsInSelection(claims: readonly ClaimRecord[], nodeIds: ReadonlySet<string>, selection: Selection): ClaimRecord[] {
  if (selection.types && selection.types.length > 0) return [];
  const dated = Boolean(selection.from || selection.to);
  const asOf = selection.asOf ?? null;
  return claims.filter((c) => {
    if (!nodeIds.has(c.speaker) || !c.about.some((a) => nodeIds.has(a))) return false;
    const dates = { date: c.date };
    return (!dated || overlapsRange(dates, selection.from, selection.to)) && (asOf === null || inForceAt(dates, asOf, selection.includeUndated ?? false));
  });
}

function claimEdges(claims: readonly ClaimRecord[], nodeIds: ReadonlySet<string>, cols: readonly Column[]): ExportEdge[] {
  return claims.flatMap((c) =>
    c.about
      .filter((a) => nodeIds.has(a) && a !== c.speaker)
      .map((a) => {
        const first = c.sources[0];
        const values = {
          type: CLAIM_EDGE_TYPE,
          stance: c.stance,
          quote: c.quote,
          claim: c.id,
          date: c.date,
          sourceCount: c.sources.length,
          citation: first ? citationText(first) : null,
        };
        return { id: `${c.id}:${a}`, source: c.speaker, target: a, data: row(cols, values) };
      }),
  );
}

/** `claims`: those `claimsInSelection` kept, drawn as speaker→subject edges of type CLAIM beside the relations. */
export function exportGraph(network: MeasuredNetwork, ontology: Ontology, selection: Selection, claims: readonly ClaimRecord[] = []): ExportGraph {
  const metrics: NetworkMetrics = network.metrics;
  const nodeColumns = columns(NODE_BASE, ontology.entityAttributes, METRIC_COLUMNS);
  const refSpecs: AttributeSpec[] = ontology.relationRefs.map((name) => ({ name, type: 'string' }));
  const edgeColumns = columns(EDGE_BASE, [...ontology.relationAttributes, ...refSpecs, ...CLAIM_COLUMNS], selection.inferDates ? [DATE_INFERRED, ...EDGE_TAIL] : EDGE_TAIL);
  const nodeIds = new Set(network.nodes.map((e) => e.id));
  const relationEdges: ExportEdge[] = network.edges.map((r) => ({
    id: r.id,
    source: r.from,
    target: r.to,
    data: row(edgeColumns, edgeValues(r, network.inferredDates?.get(r.id))),
  }));
  const edges = claims.length === 0 ? relationEdges : [...relationEdges, ...claimEdges(claims, nodeIds, edgeColumns)].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    title: GRAPH_TITLE,
    description: describeSelection(selection),
    nodeColumns,
    edgeColumns,
    // Already in id order (selectNetwork sorts both), the order the `network` query answers in.
    nodes: network.nodes.map((e) => ({ id: e.id, data: row(nodeColumns, nodeValues(e, metrics.byId.get(e.id))) })),
    // Relations and claim edges in id order.
    edges,
    communities: metrics.communities,
  };
}

/** A value as the text an XML attribute or element holds. */
export function scalarText(column: Column, value: Value): string {
  if (Array.isArray(value)) return value.join(LIST_SEPARATOR);
  if (column.type === 'int') return String(Math.round(value as number));
  return String(value);
}
