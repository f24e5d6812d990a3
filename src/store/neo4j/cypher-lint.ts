import { createRequire } from 'node:module';
import type { Ontology } from '../../ontology/ontology.js';
import type { CatalogEntry } from './statement-catalog.js';

/**
 * Checks statements with Neo4j's own Cypher parser and semantic analysis
 * (`lintCypherQuery` from @neo4j-cypher/language-support), against a schema of the
 * labels, relationship types and properties the ontology defines, with each
 * statement's parameters declared. No Neo4j server is needed.
 */

export interface Diagnostic {
  message: string;
  severity: number;
}

interface LanguageSupport {
  lintCypherQuery(query: string, schema: Record<string, unknown>): Diagnostic[];
  testData: { mockSchema: { functions?: unknown; procedures?: unknown } };
}

// The package's ES module build does not load in Node; its CommonJS build does.
const require = createRequire(import.meta.url);

/**
 * A catalogue of functions or procedures (by Cypher version, then by name) that serialises
 * as its name. Before every statement the analyser checks whether the catalogues changed
 * since the last one by serialising both (megabytes), a quarter of its time; these never
 * change, so they compare as a short constant. What the analyser reads of them (their
 * entries by name, Object.values) is unchanged: `toJSON` is not enumerable.
 */
function comparedByName(catalogue: unknown, name: string): unknown {
  if (typeof catalogue !== 'object' || catalogue === null) return catalogue;
  return Object.fromEntries(
    Object.entries(catalogue).map(([version, entries]) => [version, Object.defineProperty({ ...(entries as object) }, 'toJSON', { value: () => `${name} ${version}` })]),
  );
}

export interface LintResult {
  entry: CatalogEntry;
  diagnostics: Diagnostic[];
}

export function lintStatements(ontology: Ontology, entries: readonly CatalogEntry[]): LintResult[] {
  const support = require('@neo4j-cypher/language-support') as LanguageSupport;
  const propertyKeys = [
    ...ontology.commonEntityFields,
    ...ontology.relationStructuralFields,
    'searchKeys',
    'searchText',
    ...ontology.entityAttributes.map((a) => a.name),
    'type',
    ...ontology.relationRefs,
    ...ontology.relationAttributes.map((a) => a.name),
    ...ontology.sourceFields.map((f) => f.name),
    ...ontology.changeFields.map((f) => f.name),
    ...ontology.claimFields.map((f) => f.name),
    // The store's own bookkeeping, which the SDL does not declare: Meta's key/value
    // pairs, merges, who added a relation and its retraction.
    'key',
    'value',
    'mergedInto',
    'addedBy',
    'retractedAt',
    'retractedBy',
    'retractionReason',
  ];
  const base = {
    labels: ['Entity', 'SourceDocument', 'Meta', 'Change', 'Claim'],
    relationshipTypes: ontology.relationTypes.map((t) => t.name),
    propertyKeys: [...new Set(propertyKeys)],
    // The package's catalogue of Neo4j 5's built-in functions and procedures.
    functions: comparedByName(support.testData.mockSchema.functions, 'functions'),
    procedures: comparedByName(support.testData.mockSchema.procedures, 'procedures'),
  };
  return entries.map((entry) => ({
    entry,
    diagnostics: support.lintCypherQuery(entry.statement.cypher, { ...base, parameters: entry.statement.params }),
  }));
}
