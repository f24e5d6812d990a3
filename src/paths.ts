import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's top folder, whether running from `src/` or a build beside it. */
export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
