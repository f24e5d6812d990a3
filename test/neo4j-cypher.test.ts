import { describe, expect, it } from 'vitest';
import { loadOntology } from '../src/ontology/ontology.js';
import { ladybugDialect } from '../src/store/embedded/dialect.js';
import { Statements } from '../src/store/cypher/statements.js';
import { WriteStatements } from '../src/store/cypher/write-statements.js';
import { lintStatements } from '../src/store/neo4j/cypher-lint.js';
import { luceneQuery } from '../src/store/neo4j/dialect.js';
import { neo4jStatementCatalog } from '../src/store/neo4j/statement-catalog.js';

/**
 * No Neo4j server runs here, so every statement the Neo4j adapter can emit goes
 * through Neo4j's own parser and semantic analysis instead.
 */
describe('Neo4j statements under Neo4j’s Cypher analyser', () => {
  const ontology = loadOntology();
  const catalog = neo4jStatementCatalog(ontology);

  it('covers every statement builder, with a CREATE for every relation type', () => {
    // Methods that only compose or help the builders below them.
    const composers = ['constructor', 'types', 'castRow', 'active', 'loadChunk', 'createRelations'];
    const builders = [Statements, WriteStatements].flatMap((c) => Object.getOwnPropertyNames(c.prototype)).filter((n) => !composers.includes(n));
    expect(new Set(catalog.map((e) => e.operation))).toEqual(new Set([...builders, 'schema']));
    for (const t of ontology.relationTypes) expect(catalog.map((e) => e.name)).toContain(`createRelationsOfType ${t.name}`);
  });

  it('finds no diagnostic in any of them, with their parameters declared', async () => {
    // A few statements at a time, letting this worker answer the test runner in between:
    // the analyser is pure CPU, and a worker silent for a minute fails the whole run.
    const results = [];
    for (let i = 0; i < catalog.length; i += 5) {
      results.push(...lintStatements(ontology, catalog.slice(i, i + 5)));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const failures = results.filter((r) => r.diagnostics.length > 0).map((r) => `${r.entry.name}: ${r.diagnostics.map((d) => d.message).join('; ')}`);
    expect(failures).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(80);
    // The analyser is pure CPU (about 10 s alone); beside two Neo4j JVMs on two cores it takes longer.
  }, 120_000);

  it('does report what would break on Neo4j: a misspelt label, an undeclared parameter, LadybugDB syntax', () => {
    const bad = [
      { operation: 'test', name: 'label', statement: { cypher: 'MATCH (e:Entiti) RETURN e', params: {} } },
      { operation: 'test', name: 'parameter', statement: { cypher: 'MATCH (e:Entity) WHERE e.id = $nope RETURN e', params: {} } },
      { operation: 'test', name: 'dialect', statement: new Statements(ladybugDialect, ontology).reach('a', 2, ['LEADS'], 10) },
    ];
    const results = lintStatements(ontology, bad);
    for (const r of results) expect(r.diagnostics.length, r.entry.name).toBeGreaterThan(0);
  });

  it('builds full-text queries from folded words only, fuzzy and by prefix', () => {
    expect(luceneQuery('Nazarbaev')).toBe('nazarbaev~ OR nazarbaev*');
    expect(luceneQuery('Miklós (OSCE)')).toBe('miklos~ OR miklos* OR osce~ OR osce*');
    expect(luceneQuery('a:b" OR *')).toBe('a OR a* OR b OR b* OR or OR or*');
  });
});
