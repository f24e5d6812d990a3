import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NetworkCache } from '../network/network-cache.js';
import type { Ontology } from '../ontology/ontology.js';
import type { GraphStore } from '../store/graph-store.js';

export interface ExportRouteOptions {
  store: GraphStore;
  ontology: Ontology;
  networks: NetworkCache;
}

/** `/export/graph.<ext>`: a selection of the graph as a file. Returns false for other paths. */
export function exportRoute(_opts: ExportRouteOptions) {
  return async (_req: IncomingMessage, _res: ServerResponse, _url: URL): Promise<boolean> => false;
}
