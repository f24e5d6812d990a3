import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOntology, type Ontology } from '../src/ontology/ontology.js';
import { projectRoot } from '../src/paths.js';
import { toDriverParams } from '../src/store/neo4j/executor.js';
import { neo4jStatementCatalog, type CatalogEntry } from '../src/store/neo4j/statement-catalog.js';
import { neo4jBackend, neo4jSettings } from './support/backends.js';

/**
 * Every statement of the Neo4j catalogue, EXPLAINed by a real Neo4j over the schema the
 * store creates: lookups by id must reach their nodes and relationships through an index,
 * and no plan may join two independent parts as a CartesianProduct.
 */

type Expectation = 'index' | 'scan allowed';

/**
 * 'index': the statement looks up nodes or relationships by id or key, so no leaf of its
 * plan may read a whole label, relationship type or index. 'scan allowed': it pages
 * through, counts or searches everything of a label or type by design. A catalogue
 * entry's own name, when listed, overrides its operation.
 */
const EXPECTED: Record<string, Expectation> = {
  getEntities: 'index',
  lockEntities: 'index',
  listEntities: 'scan allowed',
  // Candidates come from the full-text index through a procedure, not from a seek.
  searchCandidates: 'scan allowed',
  relationsOf: 'index',
  // With `from` or `to`, a page starts at an entity; without either, it is all relations.
  listRelations: 'index',
  'listRelations from=any to=any': 'scan allowed',
  'listRelations from=any to=any (with retracted)': 'scan allowed',
  'listRelations from=any to=any (basis, preliminary)': 'scan allowed',
  // A filtered page starts at an entity when the filter names one every relation must touch;
  // else it passes over the relations (the filters on relationship properties no index covers).
  relationPage: 'index',
  'relationPage where=none': 'scan allowed',
  'relationPage where=none (DATE DESC, CONFIDENCE, after)': 'scan allowed',
  'relationPage where=every field': 'scan allowed',
  'relationPage where=every field (DATE DESC, CONFIDENCE, after)': 'scan allowed',
  relationPagesOf: 'index',
  countMatchingRelations: 'index',
  'countMatchingRelations where=none': 'scan allowed',
  'countMatchingRelations where=every field': 'scan allowed',
  countRelationsOf: 'index',
  // Counts by type over everything the filter leaves.
  relationCounts: 'scan allowed',
  getRelation: 'index',
  relationOwners: 'index',
  graphVersion: 'scan allowed',
  reach: 'index',
  relationsAmong: 'index',
  // Big neighbourhoods take one pass over every relation's ends instead of an id list.
  relationEnds: 'scan allowed',
  relationsWithEndIds: 'index',
  // A page of one entity's relations: expanded from the entity, sorted by relation id.
  firstRing: 'index',
  shortestPaths: 'index',
  // Sizes and degrees for the network view: one count over every entity or relation by design.
  countEntities: 'scan allowed',
  countRelations: 'scan allowed',
  mostConnected: 'scan allowed',
  getSources: 'index',
  listSources: 'scan allowed',
  // Citations are stored as JSON text on each relation, which no index covers: one pass over the relations.
  relationsCiting: 'scan allowed',
  'relationsCiting (retracted too)': 'scan allowed',
  // Likewise entities' citations: what a source's text, given later, is checked against.
  entitiesCiting: 'scan allowed',
  loadedFingerprint: 'index',
  upsertSources: 'index',
  upsertEntities: 'index',
  deleteRelations: 'index',
  createRelationsOfType: 'index',
  recordFingerprint: 'index',
  retractRelation: 'index',
  setRelationSources: 'index',
  redirectEntity: 'index',
  redirectRefs: 'index',
  // Creates only: no leaf reads anything.
  createChange: 'index',
  // The audit log is read in pages after a cursor, everything since a time.
  changes: 'scan allowed',
  getClaims: 'index',
  lockClaims: 'index',
  upsertClaims: 'index',
  // Claims are read in pages by id; filtered by speaker or subject, they are few by design.
  listClaims: 'scan allowed',
  // A speaker is indexed; a list of ids (about, asserts, disputes, citations) is not
  // indexable as a property, so those pass over the claims, which are few beside relations.
  claimsOf: 'scan allowed',
  'claimsOf SPEAKER': 'index',
  claimsAsserting: 'scan allowed',
  claimsDisputing: 'scan allowed',
  claimsCiting: 'scan allowed',
  // entities(where, orderBy) pages and counts through the entities of the kinds asked for, or
  // all: a name, attribute or relation test has no index (see src/store/cypher/reads/entity-where.ts).
  findEntities: 'scan allowed',
  countMatchingEntities: 'scan allowed',
  entityCounts: 'scan allowed',
  // Entity.degree: each id a key lookup, then its relations.
  entityDegrees: 'index',
  // As their pages (changes, listClaims): counted over the log or the claims.
  countClaims: 'scan allowed',
  countChanges: 'scan allowed',
};

/**
 * Operations not EXPLAINed: the schema's DDL (constraints, indexes) plans as schema
 * commands that read nothing, and its `CALL db.awaitIndexes` is a procedure that only waits.
 */
const NOT_EXPLAINED: Record<string, string> = {
  schema: 'DDL and db.awaitIndexes: no lookup to plan',
};

interface PlanNode {
  operatorType: string;
  arguments: Record<string, unknown>;
  children: PlanNode[];
}

interface ExplainedEntry {
  entry: CatalogEntry;
  operators: string[];
  leaves: PlanNode[];
}

/** An operator type ends in the name of the database it ran on: `NodeIndexSeek@neo4j`. */
const operator = (node: PlanNode) => node.operatorType.replace(/@.*$/, '');

function walk(node: PlanNode, all: PlanNode[] = [], leaves: PlanNode[] = []): { all: PlanNode[]; leaves: PlanNode[] } {
  all.push(node);
  if (node.children.length === 0) leaves.push(node);
  for (const child of node.children) walk(child, all, leaves);
  return { all, leaves };
}

/**
 * Every operator that reads a whole label, relationship type or index ends in `Scan`
 * (NodeByLabelScan, AllNodesScan, DirectedAllRelationshipsScan, *RelationshipTypeScan,
 * NodeIndexScan, …), before any `(…)` of its variant; lookups end in `Seek` or `SeekByRange`.
 */
const isScan = (node: PlanNode) =>
  operator(node)
    .replace(/\(.*\)$/, '')
    .endsWith('Scan');

/** What a leaf reads: `Entity.id`, `LEADS.id`, `Change`, a procedure's name. */
function target(node: PlanNode): string {
  const details = typeof node.arguments.Details === 'string' ? node.arguments.Details : '';
  if (operator(node) === 'ProcedureCall') return /^([\w.]+)\(/.exec(details)?.[1] ?? '';
  const indexed = /:(\w+)\((\w+)\)/.exec(details);
  if (indexed) return `${indexed[1]}.${indexed[2]}`;
  return /:(\w+)/.exec(details)?.[1] ?? '';
}

/** Leaves grouped by operator, e.g. `DirectedRelationshipIndexSeek ×21 (LEADS.id … HELD_SEATS_IN.id)`. */
function describeLeaves(leaves: readonly PlanNode[]): string {
  const groups = new Map<string, string[]>();
  for (const leaf of leaves) {
    const targets = groups.get(operator(leaf)) ?? [];
    targets.push(target(leaf));
    groups.set(operator(leaf), targets);
  }
  return [...groups.entries()]
    .map(([op, targets]) => {
      const named = targets.filter(Boolean);
      if (named.length === 0) return targets.length > 1 ? `${op} ×${targets.length}` : op;
      if (targets.length === 1) return `${op} (${named[0]})`;
      if (new Set(named).size === 1) return `${op} ×${targets.length} (${named[0]})`;
      return targets.length > 2 ? `${op} ×${targets.length} (${named[0]} … ${named.at(-1)})` : `${op} (${named.join(', ')})`;
    })
    .join(', ');
}

function expectation(entry: CatalogEntry): Expectation | undefined {
  return EXPECTED[entry.name] ?? EXPECTED[entry.operation];
}

/**
 * The planner chooses by counts: over an empty store it planned `listRelations` between
 * two entities without the CartesianProduct it chose once there were relations. So the
 * plans are made over a graph of some thousands of entities and relations of every type,
 * with merged entities, `claimedBy` references, retractions, sources and audit entries.
 */
async function fillWithSyntheticGraph(driver: Driver, ontology: Ontology): Promise<void> {
  const entities = 5_000;
  const perType = 300;
  await driver.executeQuery(
    'UNWIND range(1, $n) AS i CREATE (:Entity {id: "e" + i, kind: $kinds[i % size($kinds)], name: "entity " + i, searchText: "entity" + i, ' +
      'mergedInto: CASE WHEN i % 50 = 0 THEN "e" + (i - 1) END})',
    { n: neo4j.int(entities), kinds: [...ontology.kinds] },
  );
  for (const [t, type] of ontology.relationTypes.entries()) {
    await driver.executeQuery(
      'UNWIND range(1, $n) AS i MATCH (a:Entity {id: "e" + ((i * 7 + $t) % $entities + 1)}) MATCH (b:Entity {id: "e" + ((i * 13 + 3 * $t) % $entities + 1)}) ' +
        `CREATE (a)-[:${type.name} {id: "${type.name}-" + i, ${ontology.relationRefs.map((ref) => `${ref}: CASE WHEN i % 20 = 0 THEN a.id END`).join(', ')}, retractedAt: CASE WHEN i % 40 = 0 THEN "2026" END}]->(b)`,
      { n: neo4j.int(perType), t: neo4j.int(t), entities: neo4j.int(entities) },
    );
  }
  await driver.executeQuery('UNWIND range(1, 200) AS i CREATE (:SourceDocument {id: "s" + i, title: "source " + i})');
  await driver.executeQuery('UNWIND range(1, 1000) AS i CREATE (:Change {id: "c" + right("00000" + i, 6), at: "2026", entityIds: ["e" + i]})');
  await driver.executeQuery('CREATE (:Meta {key: "seed:x", value: "f"})');
  // Fresh index statistics and no plan cached from the statements other test files ran.
  await driver.executeQuery('CALL db.prepareForReplanning(60)');
}

describe('Neo4j query plans of the statement catalogue (neo4j)', () => {
  const ontology = loadOntology();
  const catalog = neo4jStatementCatalog(ontology);
  const explainable = catalog.filter((e) => !(e.operation in NOT_EXPLAINED));

  it('classifies every operation of the catalogue, and nothing else', () => {
    const operations = new Set(catalog.map((e) => e.operation));
    const names = new Set(catalog.map((e) => e.name));
    expect([...operations].filter((op) => !(op in EXPECTED) && !(op in NOT_EXPLAINED))).toEqual([]);
    expect(Object.keys(EXPECTED).filter((key) => !operations.has(key) && !names.has(key))).toEqual([]);
  });

  if (!neo4jSettings) {
    it.skip('needs Neo4j: java and mvn on PATH, or NEO4J_URI', () => undefined);
    return;
  }
  const settings = neo4jSettings;

  const explained = new Map<string, ExplainedEntry>();
  let dispose: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    // Empties the database and creates the schema as the store does at start.
    ({ dispose } = await neo4jBackend.open(ontology));
    const driver = neo4j.driver(settings.uri, settings.password === null ? undefined : neo4j.auth.basic(settings.user, settings.password));
    const database = settings.database ? { database: settings.database } : {};
    try {
      await fillWithSyntheticGraph(driver, ontology);
      for (const entry of explainable) {
        const result = await driver.executeQuery(`EXPLAIN ${entry.statement.cypher}`, toDriverParams(entry.statement.params), database);
        const plan = result.summary.plan;
        if (!plan) throw new Error(`${entry.name}: EXPLAIN gave no plan`);
        const { all, leaves } = walk(plan);
        explained.set(entry.name, { entry, operators: all.map(operator), leaves });
      }
    } finally {
      await driver.close();
    }
    writeReport([...explained.values()]);
  }, 120_000);

  afterAll(async () => {
    await dispose?.();
  });

  it.each(explainable.map((e) => [e.name, e] as const))('%s', (_name, entry) => {
    const plan = explained.get(entry.name);
    if (!plan) throw new Error(`${entry.name} was not explained`);
    const problems: string[] = [];
    if (plan.operators.includes('CartesianProduct')) problems.push('a CartesianProduct');
    if (expectation(entry) === 'index') {
      for (const leaf of plan.leaves.filter(isScan)) problems.push(`${operator(leaf)} ${target(leaf)}`.trim());
    }
    expect(problems, `${entry.statement.cypher}\nleaves: ${describeLeaves(plan.leaves)}`).toEqual([]);
  });
});

function writeReport(entries: readonly ExplainedEntry[]): void {
  const dir = join(projectRoot, 'test-artifacts');
  mkdirSync(dir, { recursive: true });
  const lines = [
    '# Neo4j plans of the statement catalogue',
    '',
    'Leaf operators of each statement’s EXPLAIN plan (over a synthetic graph), by test/neo4j-plans.test.ts.',
    '',
    '| statement | expected | leaf operators |',
    '| --- | --- | --- |',
    ...entries.map(({ entry, leaves }) => `| ${entry.name} | ${expectation(entry) ?? '?'} | ${describeLeaves(leaves)} |`),
    '',
  ];
  writeFileSync(join(dir, 'neo4j-plans.md'), lines.join('\n'));
}
