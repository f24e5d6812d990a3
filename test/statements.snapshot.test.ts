import { describe, expect, it } from 'vitest';
import { loadOntology } from '../src/ontology/ontology.js';
import type { Dialect } from '../src/store/cypher/dialect.js';
import { READ_STATEMENTS, readStatementCatalog, type CatalogEntry } from '../src/store/cypher/reads/catalog.js';
import { writeStatementCatalog } from '../src/store/cypher/write-catalog.js';
import { ladybugDialect } from '../src/store/embedded/dialect.js';
import { neo4jDialect } from '../src/store/neo4j/dialect.js';

/**
 * The text and parameters of every statement each dialect sends, pinned without a
 * database (as the Neo4j GraphQL library's TCK pins its generated Cypher): a change to
 * any statement shows here as a diff to review, backend by backend. Run
 * `npx vitest run -u test/statements.snapshot.test.ts` to accept an intended change.
 */
const ontology = loadOntology();

function catalogue(dialect: Dialect): CatalogEntry[] {
  const schema = dialect.schema(ontology).map((cypher, i): CatalogEntry => ({ operation: 'schema', name: `schema #${i + 1}`, statement: { cypher, params: {} } }));
  return [...schema, ...readStatementCatalog({ dialect, ontology }), ...writeStatementCatalog(dialect, ontology)];
}

describe.each([
  ['embedded', ladybugDialect],
  ['neo4j', neo4jDialect],
] as const)('statements of the %s dialect', (_name, dialect) => {
  const entries = catalogue(dialect);

  it('catalogues every read operation, each name once', () => {
    for (const operation of Object.keys(READ_STATEMENTS)) expect(entries.map((e) => e.operation)).toContain(operation);
    expect(new Set(entries.map((e) => e.name)).size).toBe(entries.length);
  });

  it.each(entries.map((e) => [e.name, e] as const))('%s', (_entry, e) => {
    expect({ cypher: e.statement.cypher, params: e.statement.params }).toMatchSnapshot();
  });
});
