import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Files this server hands to browsers for its own pages (the GraphiQL explorer, the
 * network view), from node_modules or from this folder, so the pages need no internet.
 */
export interface Asset {
  file: string;
  type: string;
}

const cache = new Map<string, Buffer>();

/** JSON inside <script> must not be able to close the tag. */
export const scriptSafeJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/** Sends asset `name` of `assets` (body omitted for HEAD); false if there is no such asset. */
export function serveAsset(req: IncomingMessage, res: ServerResponse, assets: Readonly<Record<string, Asset>>, name: string): boolean {
  const asset = Object.hasOwn(assets, name) ? assets[name] : undefined;
  if (!asset) return false;
  let body = cache.get(asset.file);
  if (!body) {
    body = readFileSync(asset.file);
    cache.set(asset.file, body);
  }
  res.writeHead(200, {
    'content-type': `${asset.type}; charset=utf-8`,
    'content-length': body.length,
    'cache-control': 'public, max-age=3600',
    'x-content-type-options': 'nosniff',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
