import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { loadOntology, type Ontology } from '../ontology/ontology.js';
import { networkViewConfig } from './network-view-config.js';
import { scriptSafeJson, serveAsset, type Asset } from './static-assets.js';

/**
 * `/explore`: a network view of the graph (Cytoscape.js), served entirely by this server
 * (the library from node_modules, the page script and stylesheet from ./network-view/), so
 * it works with no internet. Unlike the GraphiQL explorer it stays on in production: it
 * only reads, through the public `/graphql` endpoint.
 */

const require = createRequire(import.meta.url);

export const NETWORK_VIEW_PATH = '/explore';
export const NETWORK_VIEW_ASSET_PREFIX = '/explore/assets/';

const local = (file: string) => fileURLToPath(new URL(`./network-view/${file}`, import.meta.url));

const ASSETS: Record<string, Asset> = {
  'cytoscape.js': { file: require.resolve('cytoscape/dist/cytoscape.min.js'), type: 'text/javascript' },
  'network-view.js': { file: local('network-view.js'), type: 'text/javascript' },
  'network-view.css': { file: local('network-view.css'), type: 'text/css' },
};

export function networkViewPage(endpoint: string, ontology: Ontology = loadOntology()): string {
  const a = NETWORK_VIEW_ASSET_PREFIX;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Political actors graph — network view</title>
<link rel="stylesheet" href="${a}network-view.css">
</head>
<body>
<header class="topbar">
  <h1>Political actors graph <span class="subtitle">network view</span></h1>
  <div class="search" role="search">
    <label class="visually-hidden" for="search">Find an entity</label>
    <input id="search" type="search" placeholder="Find an entity by name or alias…" autocomplete="off" spellcheck="false" aria-controls="search-hits" aria-autocomplete="list">
    <ul id="search-hits" class="search-hits" role="listbox" hidden></ul>
  </div>
  <div id="status" class="status" role="status" aria-live="polite">Loading the graph…</div>
</header>
<main class="layout">
  <aside class="controls" aria-label="View settings">
    <section id="start-section" hidden>
      <h2>Start from</h2>
      <ol id="top-list" class="top-list compact" aria-label="Entities with the most relations"></ol>
    </section>
    <section>
      <h2><label for="metric">Node size</label></h2>
      <select id="metric">
        <option value="betweenness" selected>Betweenness</option>
        <option value="degree">Degree</option>
        <option value="pageRank">PageRank</option>
      </select>
      <p id="metric-scope" class="scope-note" hidden>Measured within the drawn neighborhoods, not the whole graph.</p>
    </section>
    <section>
      <h2>Kinds</h2>
      <ul id="legend" class="legend"></ul>
    </section>
    <section class="filter-section">
      <h2>Relation types</h2>
      <div class="filter-actions">
        <button type="button" id="types-all">All</button>
        <button type="button" id="types-none">None</button>
        <button type="button" id="fit">Fit to view</button>
      </div>
      <ul id="type-filter" class="type-filter"></ul>
    </section>
  </aside>
  <div class="stage">
    <p id="scope" class="scope" role="note" hidden></p>
    <div class="canvas">
      <div id="graph" class="graph" aria-label="Network of entities and relations"></div>
      <section id="start" class="start-card" aria-label="Where to start" hidden></section>
    </div>
  </div>
  <aside id="panel" class="panel" aria-label="Selected entity">
    <p class="hint">Click an entity to see its relations and the sources that support them. Use the search box to find one by name.</p>
  </aside>
</main>
<script type="application/json" id="network-view-config">${scriptSafeJson(networkViewConfig(endpoint, ontology))}</script>
<script src="${a}cytoscape.js"></script>
<script src="${a}network-view.js"></script>
</body>
</html>
`;
}

/**
 * Cytoscape adds one <style> element to the page with this exact text; the policy allows
 * that one by its hash rather than allowing inline styles in general.
 */
const CYTOSCAPE_STYLE = '.__________cytoscape_container { position: relative; }';
const CYTOSCAPE_STYLE_HASH = `'sha256-${createHash('sha256').update(CYTOSCAPE_STYLE).digest('base64')}'`;

/** The page's policy, set by its route's security-headers hook (routes.ts). */
export const NETWORK_VIEW_SECURITY_HEADERS = {
  'content-security-policy':
    `default-src 'self'; script-src 'self'; style-src 'self' ${CYTOSCAPE_STYLE_HASH}; img-src 'self' data:; connect-src 'self'; ` +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** `/explore` and `/explore/assets/<file>` for GET and HEAD; false for anything else. */
export function networkViewRoute(endpoint = '/graphql', ontology: Ontology = loadOntology()) {
  const page = Buffer.from(networkViewPage(endpoint, ontology));
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const path = url.pathname;
    const isPage = path === NETWORK_VIEW_PATH || path === `${NETWORK_VIEW_PATH}/`;
    const name = path.startsWith(NETWORK_VIEW_ASSET_PREFIX) ? path.slice(NETWORK_VIEW_ASSET_PREFIX.length) : undefined;
    const asset = name !== undefined && Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!isPage && !asset) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (isPage) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': page.length, 'cache-control': 'no-cache' });
      res.end(req.method === 'HEAD' ? undefined : page);
      return true;
    }
    serveAsset(req, res, ASSETS, name!);
    return true;
  };
}
