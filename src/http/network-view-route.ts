import type { IncomingMessage, ServerResponse } from 'node:http';

/** `/explore`: the network view, and its assets. Returns false for other paths. */
export function networkViewRoute() {
  return async (_req: IncomingMessage, _res: ServerResponse, _url: URL): Promise<boolean> => false;
}
