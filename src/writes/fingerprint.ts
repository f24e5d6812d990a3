import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * The fingerprint of an imported file: sha256 of the ontology's SDL and the file's bytes,
 * the same recipe as seed files (src/writes/sources/seed-folder.ts). The ontology is part of it so
 * that a new field or type makes the next run import the file again.
 */

/** A hash already fed with the ontology; feed it the file's bytes, then `digest('hex')`. */
export function fingerprintHash(sdl: string): Hash {
  return createHash('sha256').update(sdl).update('\0');
}

export function fingerprintText(sdl: string, text: string): string {
  return fingerprintHash(sdl).update(text).digest('hex');
}

/** Streams the file, so a large CSV is never held in memory just to be hashed. */
export async function fingerprintFile(sdl: string, path: string): Promise<string> {
  const hash = fingerprintHash(sdl);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The key the fingerprint is recorded under: one per file name, apart from seed files. */
export function importKey(file: string): string {
  return `import:${file}`;
}
