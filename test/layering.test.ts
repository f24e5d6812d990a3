import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../src/paths.js';

/**
 * The layering lint (`layers` in eslint.config.js) refuses every uphill import: each case
 * is a real file of a layer with one import of a layer above it put in. `npm run lint`
 * shows the tree has none; this shows the rule would see one.
 */

const eslint = new ESLint({ cwd: projectRoot });

async function refusals(file: string, importLine: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${importLine}\nexport const probe = x;\n`, { filePath: file });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

describe('the layering lint', () => {
  const uphill: Array<[string, string]> = [
    ['src/store/cypher/cypher-store.ts', "import { x } from '../../writes/graph.js';"],
    ['src/store/cypher/cypher-store.ts', "import { x } from '../../writes/curation/upsert-entity.js';"],
    ['src/store/embedded/bulk-copy.ts', "import { x } from '../../writes/load/write-load.js';"],
    ['src/store/neo4j/open.ts', "import { x } from '../../config.js';"],
    ['src/store/records.ts', "import { x } from '../journal/entries.js';"],
    ['src/store/graph-store.ts', "import { x } from '../graphql/context.js';"],
    ['src/store/graph-store.ts', "import { x } from '../network/selection.js';"],
    ['src/writes/graph.ts', "import { x } from '../journal/journal-log.js';"],
    ['src/writes/graph.ts', "import { x } from '../config.js';"],
    ['src/journal/restore.ts', "import { x } from '../app.js';"],
    ['src/journal/replay.ts', "import { x } from '../graphql/mutations.js';"],
    ['src/graphql/error-mapper.ts', "import { x } from '../http/error-response.js';"],
    ['src/http/routes.ts', "import { x } from '../graphql/apollo.js';"],
    // Paths the rule could not read, and imports it would not see.
    ['src/store/records.ts', "import { x } from './../writes/graph.js';"],
    ['src/store/embedded/bulk-copy.ts', "import { x } from '../cypher/../../writes/graph.js';"],
    ['src/store/graph-store.ts', "import { x } from '../../src/writes/graph.js';"],
    ['src/store/graph-store.ts', "const x = await import('../writes/graph.js');"],
    // The bottom layers, and the transports reaching past the ports.
    ['src/errors/http-status.ts', "import { x } from '../http/respond.js';"],
    ['src/ontology/ontology.ts', "import { x } from '../writes/validate.js';"],
    ['src/graphql/mutations.ts', "import { x } from '../journal/journal-log.js';"],
    ['src/http/export-route.ts', "import { x } from '../store/neo4j/open.js';"],
  ];
  it.each(uphill)('refuses in %s: %s', async (file, line) => {
    expect(await refusals(file, line)).toHaveLength(1);
  });

  const downhill: Array<[string, string]> = [
    ['src/writes/graph.ts', "import { x } from '../store/graph-store.js';"],
    ['src/journal/replay.ts', "import { x } from '../writes/graph.js';"],
    ['src/graphql/error-mapper.ts', "import { x } from '../errors/http-status.js';"],
    ['src/store/cypher/cypher-store.ts', "import { x } from '../write-transaction.js';"],
  ];
  it.each(downhill)('allows in %s: %s', async (file, line) => {
    expect(await refusals(file, line)).toEqual([]);
  });
});
