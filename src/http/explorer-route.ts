import { existsSync, readFileSync } from 'node:fs';
import { scriptSafeJson, serveAsset, type Asset } from './static-assets.js';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';

/**
 * A GraphiQL explorer served entirely from this server, from packages in
 * node_modules: it works with no internet, unlike Apollo's default landing page,
 * which loads its explorer from a CDN.
 */

const require = createRequire(import.meta.url);

/** A file inside an installed package, found from its entry point (package `exports` hide the rest). */
function packageFile(pkg: string, file: string): string {
  let dir = dirname(require.resolve(pkg));
  while (!existsSync(join(dir, 'package.json')) || (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name !== pkg) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the folder of package ${pkg}`);
    dir = parent;
  }
  return join(dir, file);
}

const ASSETS: Record<string, Asset> = {
  'react.js': { file: packageFile('react', 'umd/react.production.min.js'), type: 'text/javascript' },
  'react-dom.js': { file: packageFile('react-dom', 'umd/react-dom.production.min.js'), type: 'text/javascript' },
  'graphiql.js': { file: packageFile('graphiql', 'graphiql.min.js'), type: 'text/javascript' },
  'graphiql.css': { file: packageFile('graphiql', 'graphiql.min.css'), type: 'text/css' },
  'init.js': { file: fileURLToPath(new URL('./explorer/init.js', import.meta.url)), type: 'text/javascript' },
};

export const ASSET_PREFIX = '/explorer/assets/';

/** Whether a request is a browser asking for a page rather than a client asking for data. */
export function wantsExplorer(req: IncomingMessage, url: URL): boolean {
  if (req.method !== 'GET' || url.searchParams.has('query')) return false;
  const accept = req.headers.accept ?? '';
  return accept.includes('text/html');
}

export function explorerPage(endpoint: string, query: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Political actors graph — GraphQL explorer</title>
<link rel="stylesheet" href="${ASSET_PREFIX}graphiql.css">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading the explorer…</div>
<script type="application/json" id="explorer-config">${scriptSafeJson({ endpoint, query })}</script>
<script src="${ASSET_PREFIX}react.js"></script>
<script src="${ASSET_PREFIX}react-dom.js"></script>
<script src="${ASSET_PREFIX}graphiql.js"></script>
<script src="${ASSET_PREFIX}init.js"></script>
</body>
</html>
`;
}

/** The explorer page's policy, set by its route's security-headers hook (routes.ts). */
export const EXPLORER_SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export function serveExplorerPage(res: ServerResponse, endpoint: string, query: string): void {
  const html = explorerPage(endpoint, query);
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) });
  res.end(html);
}

/** Serves one of the explorer's files; false if `name` is not one of them. */
export function serveExplorerAsset(req: IncomingMessage, res: ServerResponse, name: string): boolean {
  return serveAsset(req, res, ASSETS, name);
}
