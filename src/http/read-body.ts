import type { IncomingMessage } from 'node:http';

import { DomainError, ErrorCode } from '../errors/domain-error.js';

export class BodyTooLargeError extends DomainError {
  readonly code = ErrorCode.PAYLOAD_TOO_LARGE;
  constructor(readonly maxBytes: number) {
    super(`request body is larger than the limit of ${maxBytes} bytes`);
  }
}

/** Reads a request body, refusing more than `maxBytes` without buffering the excess. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw new BodyTooLargeError(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > maxBytes) throw new BodyTooLargeError(maxBytes);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}
