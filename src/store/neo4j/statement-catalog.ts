import type { Ontology } from '../../ontology/ontology.js';
import type { EntityRecord, RelationRecord } from '../graph-store.js';
import type { Statement } from '../cypher/executor.js';
import { Statements } from '../cypher/statements.js';
import { WriteStatements } from '../cypher/write-statements.js';
import { neo4jDialect } from './dialect.js';
import { AWAIT_INDEXES } from './open.js';

/**
 * Every statement the Neo4j adapter can send: each store operation with every variant
 * of statement text its arguments produce (directions, optional filters, depths, path
 * lengths, one CREATE per relation type), plus the schema statements. Checked by
 * Neo4j's own Cypher analyser in the tests and by `npm run lint:cypher`.
 */
export interface CatalogEntry {
  /** The `Statements` or `WriteStatements` method that builds it, or `schema`. */
  operation: string;
  name: string;
  statement: Statement;
}

export function neo4jStatementCatalog(ontology: Ontology): CatalogEntry[] {
  const s = new Statements(neo4jDialect, ontology);
  const w = new WriteStatements(neo4jDialect, ontology);
  const someTypes = ontology.relationTypes.slice(0, 2).map((t) => t.name);
  const entity: EntityRecord = {
    id: 'e',
    kind: ontology.kinds[0]!,
    name: 'n',
    aliases: ['a'],
    description: null,
    sources: [],
    attributes: {},
  };
  const relation = (type: string): RelationRecord => ({ id: 'r', type, from: 'a', to: 'b', sources: [], refs: {}, attributes: {} });
  const entries: CatalogEntry[] = [];
  const add = (name: string, statement: Statement) => entries.push({ operation: name.split(' ')[0]!.replace(/:$/, ''), name, statement });

  neo4jDialect.schema(ontology).forEach((cypher, i) => add(`schema #${i + 1}`, { cypher, params: {} }));
  add('schema: await indexes', { cypher: AWAIT_INDEXES, params: {} });
  add('getEntities', s.getEntities(['a', 'b']));
  add('lockEntities', w.lockEntities(['a', 'b'])!);
  add('listEntities', s.listEntities(null, null, 20));
  add('listEntities (kinds, after)', s.listEntities(['PARTY'], 'x', 20));
  add('searchCandidates', s.searchCandidates('Nazarbaev', null));
  for (const includeRetracted of [false, true]) {
    const r = includeRetracted ? ' (with retracted)' : '';
    for (const direction of ['OUT', 'IN', 'BOTH'] as const) add(`relationsOf ${direction}${r}`, s.relationsOf(['a'], someTypes, direction, includeRetracted));
    for (const from of [null, 'a']) {
      for (const to of [null, 'b']) {
        add(`listRelations from=${from ? 'set' : 'any'} to=${to ? 'set' : 'any'}${r}`, s.listRelations({ types: null, from, to, after: null, limit: 21, includeRetracted }));
      }
    }
  }
  add('getRelation', s.getRelation('r'));
  add('relationOwners', s.relationOwners(['r']));
  add('graphVersion', s.graphVersion());
  for (let depth = 1; depth <= 3; depth += 1) {
    add(`reach depth ${depth}`, s.reach('a', depth, null, 10));
    add(`reach depth ${depth} (types)`, s.reach('a', depth, someTypes, 10));
  }
  add('relationsAmong', s.relationsAmong(['a', 'b'], someTypes, 10));
  add('relationEnds', s.relationEnds(someTypes));
  add('relationsWithEndIds', s.relationsWithEndIds(['a', 'b']));
  for (let maxLength = 1; maxLength <= 6; maxLength += 1) {
    add(`shortestPaths maxLength ${maxLength}`, s.shortestPaths('a', 'b', maxLength, null, 10));
    add(`shortestPaths maxLength ${maxLength} (types)`, s.shortestPaths('a', 'b', maxLength, someTypes, 10));
  }
  add('countEntities', s.countEntities());
  add('countRelations', s.countRelations());
  add('mostConnected', s.mostConnected(null, 10));
  add('mostConnected (kinds)', s.mostConnected(['PARTY'], 10));
  add('getSources', s.getSources(['s']));
  add('listSources', s.listSources());
  add('loadedFingerprint', s.loadedFingerprint('seed:x'));
  add('upsertSources', w.upsertSources([{ id: 's', title: 't', publisher: 'p', published: '2012', via: null, url: null }]));
  add('upsertEntities', w.upsertEntities([entity]));
  add('deleteRelations', w.deleteRelations(['r']));
  for (const t of ontology.relationTypes) add(`createRelationsOfType ${t.name}`, w.createRelationsOfType(t.name, [relation(t.name)]));
  add('recordFingerprint', w.recordFingerprint('seed:x', 'f'));
  add('retractRelation', w.retractRelation('r', 'wrong', 'curator-1', '2026-01-01T00:00:00.000Z'));
  add('redirectEntity', w.redirectEntity('d', 's'));
  w.redirectRefs('d', 's').forEach((st, i) => add(`redirectRefs #${i + 1}`, st));
  add('createChange', w.createChange({ id: 'c', at: 't', actor: 'a', operation: 'ADD_SOURCE', entityIds: [], relationId: null, before: null, after: {} }));
  add('changes', s.changes({ since: null, entity: null, after: null, limit: 50 }));
  add('changes (entity)', s.changes({ since: '2026', entity: 'e', after: 'c', limit: 50 }));
  return entries;
}
