import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../paths.js';

/** The `schema/` folder: the one source of truth for the API and the ontology. */
export const schemaDir = join(projectRoot, 'schema');

/** All SDL files of `schema/`, concatenated in a stable order. */
export function readSdl(dir: string = schemaDir): string {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
}
