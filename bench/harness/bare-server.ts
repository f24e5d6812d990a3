import { createServer, type Server } from 'node:http';
import { listenOnLoopback, type Listening } from './loopback.js';

/**
 * A bare node:http server that reads the request body and answers `body` with the
 * given headers: what any server on node:http pays, for comparing ours against.
 */
export async function startBareServer(body: string, headers: Record<string, string>): Promise<Listening> {
  const bytes = Buffer.from(body);
  const http: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { ...headers, 'content-length': bytes.length });
      res.end(bytes);
    });
  });
  return listenOnLoopback(http);
}
