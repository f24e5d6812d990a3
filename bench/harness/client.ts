import { Agent, request } from 'node:http';

/**
 * A keep-alive HTTP client on node:http, lighter than fetch, since it runs in the
 * server's own process and its cost lands in every measured request.
 */
export interface Sent {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface Received {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  ms: number;
}

export class Client {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  constructor(private readonly base: URL) {}

  /**
   * Sent again once when a kept-alive socket turned out closed by the server as the request
   * went out (its idle timeout passed while the other server of a comparison answered):
   * Node's own advice for `reusedSocket`. A fresh socket's failure is not retried.
   */
  async send(sent: Sent): Promise<Received> {
    try {
      return await this.sendOnce(sent);
    } catch (err) {
      if ((err as { reusedSocket?: boolean }).reusedSocket && ['ECONNRESET', 'EPIPE'].includes((err as { code?: string }).code ?? '')) return this.sendOnce(sent);
      throw err;
    }
  }

  private sendOnce({ method, path, headers = {}, body }: Sent): Promise<Received> {
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const req = request(
        {
          agent: this.agent,
          host: this.base.hostname,
          port: this.base.port,
          method,
          path,
          headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
          res.on('error', reject);
        },
      );
      req.on('error', (err) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
