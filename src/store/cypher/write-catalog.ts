import type { Ontology } from '../../ontology/ontology.js';
import type { EntityRecord, RelationRecord } from '../records.js';
import type { Dialect } from './dialect.js';
import type { Statement } from './executor.js';
import type { CatalogEntry } from './reads/catalog.js';
import { WriteStatements } from './write-statements.js';

/**
 * Every write statement (`WriteStatements`) a backend can send, with every variant of text
 * its arguments produce (one CREATE per relation type where types sit in the pattern).
 * The reads a write also sends are catalogued with the read operations.
 */
export function writeStatementCatalog(dialect: Dialect, ontology: Ontology): CatalogEntry[] {
  const s = new WriteStatements(dialect, ontology);
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

  const lock = s.lockEntities(['a', 'b']);
  if (lock) add('lockEntities', lock);
  add('upsertSources', s.upsertSources([{ id: 's', title: 't', publisher: 'p', published: '2012', via: null, url: null, text: null }]));
  add('upsertEntities', s.upsertEntities([entity]));
  add('deleteRelations', s.deleteRelations(['r']));
  if (dialect.relationTypeInPattern) {
    for (const t of ontology.relationTypes) add(`createRelationsOfType ${t.name}`, s.createRelationsOfType(t.name, [relation(t.name)]));
  } else {
    add('createRelationsOfType', s.createRelationsOfType(null, [relation(ontology.relationTypes[0]!.name)]));
  }
  const claimLock = s.lockClaims(['a', 'b']);
  if (claimLock) add('lockClaims', claimLock);
  add(
    'upsertClaims',
    s.upsertClaims([{ id: 'c', speaker: 'a', date: null, about: ['b'], quote: 'q', summary: null, stance: null, asserts: [], disputes: [], sources: [], addedBy: null }]),
  );
  add('recordFingerprint', s.recordFingerprint('seed:x', 'f'));
  add('retractRelation', s.retractRelation('r', 'wrong', 'curator-1', '2026-01-01T00:00:00.000Z'));
  add('setRelationSources', s.setRelationSources('r', []));
  add('redirectEntity', s.redirectEntity('d', 's'));
  s.redirectRefs('d', 's').forEach((st, i) => add(`redirectRefs #${i + 1}`, st));
  add('createChange', s.createChange({ id: 'c', at: 't', actor: 'a', operation: 'ADD_SOURCE', entityIds: [], relationId: null, before: null, after: {} }));
  return entries;
}
