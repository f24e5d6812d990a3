import { createHash } from 'node:crypto';
import { UNBUDGETED, type RequestBudget } from '../budget/request-budget.js';
import { NetworkCache } from '../network/network-cache.js';
import { selectionKey, type Selection } from '../network/selection.js';
import type { Ontology } from '../ontology/ontology.js';
import type { ClaimRecord } from '../store/records.js';
import type { GraphReads } from '../store/graph-reads.js';
import { writeCytoscape } from './cytoscape.js';
import { writeD3 } from './d3.js';
import { writeGexf } from './gexf.js';
import { writeGraphml } from './graphml.js';
import { writeGraphology } from './graphology.js';
import { claimsInSelection, exportGraph, type ExportGraph } from './model.js';
import { DomainError, ErrorCode } from '../errors/domain-error.js';
import { KeptAnswers } from '../memory/kept-answers.js';

/** The export formats: one writer each, found by name (CLI `--format`) or file extension (HTTP path). */

export interface ExportFormat {
  /** The CLI's `--format` value. */
  name: string;
  /** File extensions, the first canonical: `/export/graph.<ext>` and the download's name. */
  extensions: readonly string[];
  contentType: string;
  write(graph: ExportGraph): string;
}

const XML = 'application/xml; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

export const FORMATS: readonly ExportFormat[] = [
  { name: 'graphml', extensions: ['graphml'], contentType: XML, write: writeGraphml },
  { name: 'gexf', extensions: ['gexf'], contentType: XML, write: writeGexf },
  { name: 'cytoscape', extensions: ['cyjs', 'cytoscape.json'], contentType: JSON_TYPE, write: writeCytoscape },
  { name: 'graphology', extensions: ['graphology.json'], contentType: JSON_TYPE, write: writeGraphology },
  { name: 'd3', extensions: ['d3.json'], contentType: JSON_TYPE, write: writeD3 },
];

/** By `--format` name or any of its extensions (`gexf`, `cyjs`, `cytoscape.json`, `d3.json`...). */
export function formatNamed(name: string): ExportFormat | undefined {
  const key = name.toLowerCase();
  return FORMATS.find((f) => f.name === key || f.extensions.includes(key));
}

/** The format a `/export/` file name asks for: `graph.<ext>`. */
export function formatForFile(file: string): ExportFormat | undefined {
  if (!file.startsWith('graph.')) return undefined;
  const ext = file.slice('graph.'.length);
  return FORMATS.find((f) => f.extensions.includes(ext));
}

export const EXPORT_PATHS = FORMATS.flatMap((f) => f.extensions.map((e) => `/export/graph.${e}`));

/** The id asked for is not an entity, nor merged into one. */
export class UnknownEntityError extends DomainError {
  readonly code = ErrorCode.NOT_FOUND;
  override readonly field = 'id';
}

/** A download name that says what was selected: `political-actors[-<id>-depth<n>][-filtered].<ext>`. */
export function fileName(sel: Selection, extension: string): string {
  let base = 'political-actors';
  if (sel.id) base += `-${sel.id.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 80)}-depth${sel.depth ?? 1}`;
  if ((sel.kinds && sel.kinds.length > 0) || (sel.types && sel.types.length > 0) || sel.from || sel.to || sel.inferDates || sel.asOf) base += '-filtered';
  return `${base}.${extension}`;
}

export interface Exported {
  body: string;
  fileName: string;
  nodes: number;
  edges: number;
  /** The selection as answered: an id merged into another entity replaced by the survivor's. */
  selection: Selection;
  /** Names this exact file: the graph's version, the selection and the format. */
  etag: string;
}

interface WrittenFile {
  body: string;
  nodes: number;
  edges: number;
}

/**
 * Files already written, by graph version, selection as asked (the file describes it) and
 * format: the same export asked again is not rebuilt. Oldest dropped first; at most
 * KEPT_BYTES in all (counted as UTF-8, at least what V8 keeps), so anonymous clients cannot
 * grow it; a file nobody asked for in KEEP_IDLE_MS is dropped.
 */
const KEPT_BYTES = 64 * 1024 * 1024;
const written = new KeptAnswers<WrittenFile>({ capacity: Number.POSITIVE_INFINITY, maxBytes: KEPT_BYTES, maxEntryBytes: KEPT_BYTES / 2 });

function keep(key: string, file: WrittenFile, version: string): void {
  // Files of older graph versions are never served again.
  written.dropWhere((k) => !k.startsWith(`${version}\n`));
  written.set(key, file, Buffer.byteLength(file.body, 'utf8'));
}

/** Every claim, in pages by id. */
async function allClaims(store: GraphReads): Promise<ClaimRecord[]> {
  const out: ClaimRecord[] = [];
  for (let after: string | null = null; ;) {
    const page = await store.listClaims({ speaker: null, about: null, after, limit: 1_000 });
    out.push(...page);
    if (page.length < 1_000) return out;
    after = page[page.length - 1]!.id;
  }
}

/**
 * Renders a selection in a format: the same nodes, edges and metrics the `network` query
 * answers for it. Throws UnknownEntityError for an id that names no entity, and the
 * selection's SelectionTooLargeError.
 */
export async function exportSelection(
  store: GraphReads,
  ontology: Ontology,
  selection: Selection,
  format: ExportFormat,
  networks: NetworkCache = new NetworkCache({ capacity: 1 }),
  /** The download's extension: the format's first unless asked for by another of its own. */
  extension: string = format.extensions[0]!,
  /** The request's deadline and budget: computing the selection and writing the file are expensive work. */
  budget: RequestBudget = UNBUDGETED,
): Promise<Exported> {
  const version = await store.graphVersion();
  const network = await networks.get(store, selection, version, budget);
  // The store read a merged id's neighborhood around its survivor, and names it: the file is described as that.
  if (selection.id && network.centre === null) throw new UnknownEntityError(`id: no entity ${JSON.stringify(selection.id.slice(0, 80))}`);
  const sel = selection.id && network.centre !== null ? { ...selection, id: network.centre } : selection;
  // The raw selection, not only its normalized key: the file's description quotes it.
  const key = `${version}\n${selectionKey(sel)}\n${JSON.stringify(sel)}\n${format.name}`;
  let file: WrittenFile | undefined = written.get(key);
  if (!file) {
    const measured = network;
    // Claims between the selection's entities: those its entities made (for the whole graph, every claim, read in pages).
    const nodeIds = new Set(network.nodes.map((e) => e.id));
    const claims = claimsInSelection(sel.id ? await store.claimsOf({ ids: [...nodeIds], role: 'SPEAKER' }) : await allClaims(store), nodeIds, sel);
    const made = await budget.expensive({ kind: 'export' }, async () => {
      const graph = exportGraph(measured, ontology, sel, claims);
      return { body: format.write(graph), nodes: graph.nodes.length, edges: graph.edges.length };
    });
    keep(key, made, version);
    file = made;
  }
  const etag = `"${createHash('sha256').update(key).digest('base64url').slice(0, 27)}"`;
  return { body: file.body, nodes: file.nodes, edges: file.edges, fileName: fileName(sel, extension), selection: sel, etag };
}

export { exportGraph, type ExportGraph } from './model.js';
export { parseSelection, selectionFromSearchParams, SelectionParamError } from './selection-params.js';
