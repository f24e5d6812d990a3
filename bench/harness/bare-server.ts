import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A bare node:http server that reads the request body and answers `body` with the
 * given headers: what any server on node:http pays, for comparing ours against.
 */
export async function startBareServer(body: string, headers: Record<string, string>): Promise<{ url: string; close(): Promise<void> }> {
  const bytes = Buffer.from(body);
  const http: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { ...headers, 'content-length': bytes.length });
      res.end(bytes);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
