import type { Ontology } from '../../ontology/ontology.js';
import { readStatementCatalog, type CatalogEntry } from '../cypher/reads/catalog.js';
import { writeStatementCatalog } from '../cypher/write-catalog.js';
import { neo4jDialect } from './dialect.js';
import { AWAIT_INDEXES } from './open.js';

export type { CatalogEntry } from '../cypher/reads/catalog.js';

/**
 * Every statement the Neo4j adapter can send: the schema statements, each read
 * operation and each write with every variant of statement text its arguments produce.
 * Checked by Neo4j's own Cypher analyser in the tests and by `npm run lint:cypher`.
 */
export function neo4jStatementCatalog(ontology: Ontology): CatalogEntry[] {
  const schema = neo4jDialect.schema(ontology).map((cypher, i): CatalogEntry => ({ operation: 'schema', name: `schema #${i + 1}`, statement: { cypher, params: {} } }));
  return [
    ...schema,
    { operation: 'schema', name: 'schema: await indexes', statement: { cypher: AWAIT_INDEXES, params: {} } },
    ...readStatementCatalog({ dialect: neo4jDialect, ontology }),
    ...writeStatementCatalog(neo4jDialect, ontology),
  ];
}
