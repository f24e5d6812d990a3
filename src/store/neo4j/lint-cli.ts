import { loadOntology } from '../../ontology/ontology.js';
import { lintStatements } from './cypher-lint.js';
import { neo4jStatementCatalog } from './statement-catalog.js';

/** `npm run lint:cypher`: every statement the Neo4j adapter can emit, through Neo4j's analyser. */
const ontology = loadOntology();
const results = lintStatements(ontology, neo4jStatementCatalog(ontology));
let diagnostics = 0;
for (const { entry, diagnostics: found } of results) {
  diagnostics += found.length;
  console.log(`${found.length === 0 ? 'ok  ' : 'FAIL'} ${entry.name}`);
  for (const d of found) console.log(`     ${d.message}\n     in: ${entry.statement.cypher}`);
}
console.log(`${results.length} statements checked, ${diagnostics} diagnostics`);
process.exit(diagnostics === 0 ? 0 : 1);
