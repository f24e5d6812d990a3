import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOntology } from '../src/ontology/ontology.js';
import { ladybugDialect } from '../src/store/embedded/dialect.js';
import { Statements } from '../src/store/cypher/statements.js';
import { READ_STATEMENTS } from '../src/store/cypher/reads/catalog.js';
import { reachStatement } from '../src/store/cypher/reads/neighborhood.js';
import { WriteStatements } from '../src/store/cypher/write-statements.js';
import { lintStatements } from '../src/store/neo4j/cypher-lint.js';
import { luceneQuery } from '../src/store/neo4j/dialect.js';
import { neo4jStatementCatalog, type CatalogEntry } from '../src/store/neo4j/statement-catalog.js';
import { projectRoot } from '../src/paths.js';

/**
 * The statements the analyser found clean before, by a hash of everything its answer depends
 * on: the analyser's version, the code that builds its schema (cypher-lint.ts, ontology.ts),
 * the SDL, and the statement with its parameters. The analyser is pure CPU, about a tenth of a
 * second a statement; a statement unchanged since it was found clean is not analysed again.
 * Kept in node_modules/.cache, which `npm ci` (and so CI) starts without; a statement with
 * diagnostics is never kept, so it is analysed and reported every time.
 */
const CLEAN_CACHE = join(projectRoot, 'node_modules/.cache/cypher-lint/clean.json');

function cleanCacheKeys(sdl: string, catalog: readonly CatalogEntry[]): string[] {
  // The package lets only its entry point be required; its package.json is beside dist/.
  const entry = createRequire(import.meta.url).resolve('@neo4j-cypher/language-support');
  const analyser = readFileSync(join(entry.slice(0, entry.lastIndexOf('/dist/')), 'package.json'), 'utf8');
  const code = ['src/store/neo4j/cypher-lint.ts', 'src/ontology/ontology.ts'].map((f) => readFileSync(join(projectRoot, f), 'utf8'));
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const inputs = sha256(JSON.stringify([analyser, code, sdl]));
  return catalog.map((e) => sha256(JSON.stringify([inputs, e.statement.cypher, e.statement.params])));
}

function readCleanCache(): Set<string> {
  try {
    return new Set(JSON.parse(readFileSync(CLEAN_CACHE, 'utf8')) as string[]);
  } catch {
    return new Set();
  }
}

function writeCleanCache(keys: readonly string[]): void {
  mkdirSync(join(CLEAN_CACHE, '..'), { recursive: true });
  const tmp = `${CLEAN_CACHE}.${process.pid}`;
  writeFileSync(tmp, JSON.stringify(keys));
  renameSync(tmp, CLEAN_CACHE);
}

/**
 * No Neo4j server runs here, so every statement the Neo4j adapter can emit goes
 * through Neo4j's own parser and semantic analysis instead.
 */
describe('Neo4j statements under Neo4j’s Cypher analyser', () => {
  const ontology = loadOntology();
  const catalog = neo4jStatementCatalog(ontology);

  it('covers every statement builder, with a CREATE for every relation type', () => {
    // Methods that only compose or help the builders below them.
    const composers = ['constructor', 'castRow', 'loadChunk', 'createRelations'];
    const builders = [Statements, WriteStatements].flatMap((c) => Object.getOwnPropertyNames(c.prototype)).filter((n) => !composers.includes(n));
    expect(new Set(catalog.map((e) => e.operation))).toEqual(new Set([...builders, ...Object.keys(READ_STATEMENTS), 'schema']));
    for (const t of ontology.relationTypes) expect(catalog.map((e) => e.name)).toContain(`createRelationsOfType ${t.name}`);
  });

  it('finds no diagnostic in any of them, with their parameters declared', async () => {
    const keys = cleanCacheKeys(ontology.sdl, catalog);
    const known = readCleanCache();
    const todo = catalog.filter((_, i) => !known.has(keys[i]!));
    // Only this catalogue's clean statements are kept, so the file does not grow with old ones.
    const clean = new Set(catalog.filter((_, i) => known.has(keys[i]!)));
    // A few statements at a time, letting this worker answer the test runner in between:
    // the analyser is pure CPU, and a worker silent for a minute fails the whole run. What
    // was found clean is kept as it goes, so a run cut short is not lost.
    const results = [];
    for (let i = 0; i < todo.length; i += 5) {
      const found = lintStatements(ontology, todo.slice(i, i + 5));
      results.push(...found);
      for (const r of found) if (r.diagnostics.length === 0) clean.add(r.entry);
      writeCleanCache(keys.filter((_, j) => clean.has(catalog[j]!)));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const failures = results.filter((r) => r.diagnostics.length > 0).map((r) => `${r.entry.name}: ${r.diagnostics.map((d) => d.message).join('; ')}`);
    expect(failures).toEqual([]);
    expect(catalog.length).toBeGreaterThanOrEqual(80);
    // The analyser is pure CPU (about 10 s alone); beside two Neo4j JVMs on two cores it takes longer.
  }, 120_000);

  it('does report what would break on Neo4j: a misspelt label, an undeclared parameter, LadybugDB syntax', () => {
    const bad = [
      { operation: 'test', name: 'label', statement: { cypher: 'MATCH (e:Entiti) RETURN e', params: {} } },
      { operation: 'test', name: 'parameter', statement: { cypher: 'MATCH (e:Entity) WHERE e.id = $nope RETURN e', params: {} } },
      { operation: 'test', name: 'dialect', statement: reachStatement({ dialect: ladybugDialect, ontology }, 'a', 2, ['LEADS'], 10) },
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
