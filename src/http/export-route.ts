import type { IncomingMessage, ServerResponse } from 'node:http';
import { UNBUDGETED, type RequestBudget } from '../budget/request-budget.js';
import { EXPORT_PATHS, exportSelection, formatForFile } from '../export/index.js';
import { selectionFromSearchParams } from '../export/selection-params.js';
import type { NetworkCache } from '../network/network-cache.js';
import type { Ontology } from '../ontology/ontology.js';
import type { GraphReads } from '../store/graph-reads.js';
import { sendDomainError } from './error-response.js';
import { sendJson, sendRequestError } from './respond.js';

export interface ExportRouteOptions {
  ontology: Ontology;
  networks: NetworkCache;
}

/**
 * `/export/graph.<ext>`: a selection of the graph as a file to download, in the format
 * its extension names (`graphml`, `gexf`, `cyjs` or `cytoscape.json`, `graphology.json`,
 * `d3.json`); the query string is the selection (`id`, `depth`, `kinds`, `types`, `from`,
 * `to`). Returns false for paths outside `/export/`. `store` is the request's own view.
 */
export function exportRoute({ ontology, networks }: ExportRouteOptions) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL, store: GraphReads, budget: RequestBudget = UNBUDGETED): Promise<boolean> => {
    if (!url.pathname.startsWith('/export/')) return false;
    const file = url.pathname.slice('/export/'.length);
    const format = formatForFile(file);
    if (!format) {
      sendRequestError(res, 404, `no export at ${url.pathname.slice(0, 100)}; exports are ${EXPORT_PATHS.join(', ')}`, 'NOT_FOUND');
      return true;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { errors: [{ message: `${req.method} is not allowed; use GET`, extensions: { code: 'METHOD_NOT_ALLOWED' } }] }, { allow: 'GET, HEAD' });
      return true;
    }
    let exported;
    try {
      exported = await exportSelection(store, ontology, selectionFromSearchParams(url.searchParams, ontology), format, networks, file.slice('graph.'.length), budget);
    } catch (err) {
      // Bad selections name their parameter, or else the selection as a whole.
      if (!sendDomainError(res, err, { parameter: 'selection' })) throw err;
      return true;
    }
    // The same graph, selection and format make the same file: a client holding it is told so.
    // `*` matches any current version of the file (RFC 9110, 13.1.2).
    const known = req.headers['if-none-match']?.split(/\s*,\s*/) ?? [];
    if (known.includes(exported.etag) || known.includes('*')) {
      res.writeHead(304, { etag: exported.etag, 'cache-control': 'no-cache' });
      res.end();
      return true;
    }
    res.writeHead(200, {
      etag: exported.etag,
      'content-type': format.contentType,
      'content-length': Buffer.byteLength(exported.body),
      'content-disposition': `attachment; filename="${exported.fileName}"`,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
    });
    // Node sends no body for HEAD, only the headers.
    res.end(exported.body);
    return true;
  };
}
