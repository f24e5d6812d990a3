import { attributeFiltersOf } from '../../../ontology/filters.js';
import { changesStatement, countChangesStatement } from './changes.js';
import { claimsAssertingStatement } from './claims-asserting.js';
import { claimsCitingStatement } from './claims-citing.js';
import { claimsDisputingStatement } from './claims-disputing.js';
import { claimsOfStatement } from './claims-of.js';
import { getClaimsStatement } from './claims.js';
import { countClaimsStatement, listClaimsStatement } from './list-claims.js';
import { getEntitiesStatement, listEntitiesStatement } from './entities.js';
import { entityDegreesStatement } from './entity-degrees.js';
import { countMatchingEntitiesStatement, entityCountsStatement, findEntitiesStatement } from './find-entities.js';
import { countEntitiesStatement, countRelationsStatement } from './graph-size.js';
import { graphVersionStatement } from './graph-version.js';
import { listRelationsStatement } from './list-relations.js';
import { relationCountsStatement } from './relation-counts.js';
import { countRelationsOfStatement, countRelationsStatement as countMatchingRelationsStatement, relationPageStatement, relationPagesOfStatement } from './relation-page.js';
import type { RelationFilter, RelationPageQuery } from '../../queries.js';
import { loadedFingerprintStatement } from './loaded-fingerprint.js';
import { mostConnectedStatement } from './most-connected.js';
import { firstRingStatement, reachStatement, relationEndsStatement, relationsAmongStatement, relationsWithEndIdsStatement } from './neighborhood.js';
import type { BuildContext } from './query.js';
import { getRelationStatement, relationOwnersStatement, relationsOfStatement } from './relations-of.js';
import { relationsCitingStatement } from './relations-citing.js';
import { searchCandidatesStatement } from './search.js';
import { shortestPathsStatement } from './shortest-paths.js';
import { entitiesCitingStatement, getSourcesStatement, listSourcesStatement } from './sources.js';
import type { Statement } from '../executor.js';
import type { AttributeCondition, EntityFilter } from '../../queries.js';

/** One statement a store can send, named by the operation that builds it and its variant. */
export interface CatalogEntry {
  /** The builder that makes it (a read statement's name below, a `Statements` method, or `schema`). */
  operation: string;
  name: string;
  statement: Statement;
}

/** Every read statement builder, by the operation name the catalogue and the plan tests use. */
export const READ_STATEMENTS = {
  getEntities: getEntitiesStatement,
  listEntities: listEntitiesStatement,
  searchCandidates: searchCandidatesStatement,
  relationsOf: relationsOfStatement,
  listRelations: listRelationsStatement,
  relationPage: relationPageStatement,
  relationPagesOf: relationPagesOfStatement,
  countMatchingRelations: countMatchingRelationsStatement,
  countRelationsOf: countRelationsOfStatement,
  relationCounts: relationCountsStatement,
  getRelation: getRelationStatement,
  relationOwners: relationOwnersStatement,
  reach: reachStatement,
  relationsAmong: relationsAmongStatement,
  relationEnds: relationEndsStatement,
  relationsWithEndIds: relationsWithEndIdsStatement,
  firstRing: firstRingStatement,
  shortestPaths: shortestPathsStatement,
  countEntities: countEntitiesStatement,
  countRelations: countRelationsStatement,
  mostConnected: mostConnectedStatement,
  getSources: getSourcesStatement,
  listSources: listSourcesStatement,
  relationsCiting: relationsCitingStatement,
  entitiesCiting: entitiesCitingStatement,
  loadedFingerprint: loadedFingerprintStatement,
  graphVersion: graphVersionStatement,
  changes: changesStatement,
  getClaims: getClaimsStatement,
  listClaims: listClaimsStatement,
  claimsOf: claimsOfStatement,
  claimsAsserting: claimsAssertingStatement,
  claimsDisputing: claimsDisputingStatement,
  claimsCiting: claimsCitingStatement,
  findEntities: findEntitiesStatement,
  countMatchingEntities: countMatchingEntitiesStatement,
  entityCounts: entityCountsStatement,
  entityDegrees: entityDegreesStatement,
  countClaims: countClaimsStatement,
  countChanges: countChangesStatement,
} as const;

export type ReadOperation = keyof typeof READ_STATEMENTS;

/** A statement as the catalogue shows it: its text and parameters, nothing the reader checks rows with. */
const plain = (s: Statement): Statement => ({ cypher: s.cypher, params: s.params });

/**
 * Every read statement a backend can send: each operation with every variant of text its
 * arguments produce (directions, optional filters, depths, path lengths).
 */
export function readStatementCatalog(ctx: BuildContext): CatalogEntry[] {
  const entries: CatalogEntry[] = [];
  const add = (operation: ReadOperation, variant: string, statement: Statement) =>
    entries.push({ operation, name: variant ? `${operation} ${variant}` : operation, statement: plain(statement) });
  const someTypes = ctx.ontology.relationTypes.slice(0, 2).map((t) => t.name);

  add('getEntities', '', getEntitiesStatement(['a', 'b']));
  add('listEntities', '', listEntitiesStatement(ctx, null, null, 20));
  add('listEntities', '(kinds, after)', listEntitiesStatement(ctx, [ctx.ontology.kinds[0]!], 'x', 20));
  add('searchCandidates', '', searchCandidatesStatement(ctx, 'Nazarbaev', null));
  for (const includeRetracted of [false, true]) {
    const r = includeRetracted ? ' (with retracted)' : '';
    for (const direction of ['OUT', 'IN', 'BOTH'] as const) add('relationsOf', `${direction}${r}`, relationsOfStatement(ctx, ['a'], someTypes, direction, includeRetracted));
    for (const from of [null, 'a']) {
      for (const to of [null, 'b']) {
        add(
          'listRelations',
          `from=${from ? 'set' : 'any'} to=${to ? 'set' : 'any'}${r}`,
          listRelationsStatement(ctx, { types: null, from, to, after: null, limit: 21, includeRetracted }),
        );
      }
    }
  }
  add(
    'listRelations',
    'from=any to=any (basis, preliminary)',
    listRelationsStatement(ctx, { types: null, from: null, to: null, after: null, limit: 21, basis: ['REPORTED'], preliminary: true }),
  );
  // Each shape of a filtered page: none, an entity at either end, both ends, one end; ordered by id and by keys after a cursor.
  const every: RelationFilter = {
    types: someTypes,
    fromKinds: [ctx.ontology.kinds[0]!],
    toKinds: [ctx.ontology.kinds[1]!],
    date: { from: '2012', to: '2012-01' },
    asOf: '2012-01-15',
    includeUndated: true,
    basis: ['REPORTED'],
    preliminary: true,
    claimedBy: 'c',
    reportedBy: 'o',
    minConfidence: 0.5,
    source: 's',
    addedBy: 'k',
  };
  const shapes: Array<[string, RelationFilter | null]> = [
    ['none', null],
    ['either', { either: 'a', types: someTypes }],
    ['from+to', { from: 'a', to: 'b' }],
    ['from', { from: 'a', OR: [{ basis: ['CLAIMED'] }, { NOT: { minConfidence: 0.5 } }] }],
    ['every field', every],
  ];
  const page = (where: RelationFilter | null, keyed: boolean): RelationPageQuery => ({
    where,
    includeRetracted: false,
    orderBy: keyed
      ? [
          { field: 'DATE', direction: 'DESC' },
          { field: 'CONFIDENCE', direction: 'ASC' },
        ]
      : [],
    after: keyed ? { keys: ['2012', 2], id: 'r' } : null,
    limit: 21,
  });
  for (const [shape, where] of shapes) {
    add('relationPage', `where=${shape}`, relationPageStatement(ctx, page(where, false)));
    add('relationPage', `where=${shape} (DATE DESC, CONFIDENCE, after)`, relationPageStatement(ctx, page(where, true)));
    add('countMatchingRelations', `where=${shape}`, countMatchingRelationsStatement(ctx, { where, includeRetracted: false }));
  }
  add('relationPagesOf', '', relationPagesOfStatement(ctx, { ...page(null, false), ids: ['a', 'b'] }));
  add('relationPagesOf', '(where, DATE DESC, CONFIDENCE, after)', relationPagesOfStatement(ctx, { ...page({ types: someTypes }, true), ids: ['a', 'b'] }));
  add('countRelationsOf', '', countRelationsOfStatement(ctx, { ids: ['a', 'b'], where: { types: someTypes }, includeRetracted: false }));
  add('relationCounts', '', relationCountsStatement(ctx, null));
  add('relationCounts', '(either)', relationCountsStatement(ctx, { either: 'a' }));
  add('getRelation', '', getRelationStatement(ctx, 'r'));
  add('relationOwners', '', relationOwnersStatement(ctx, ['r']));
  add('graphVersion', '', graphVersionStatement());
  for (let depth = 1; depth <= 3; depth += 1) {
    add('reach', `depth ${depth}`, reachStatement(ctx, 'a', depth, null, 10));
    add('reach', `depth ${depth} (types)`, reachStatement(ctx, 'a', depth, someTypes, 10));
  }
  // `asOf` as a partial date, and with undated relations: each shape of the time condition.
  const asOf = { asOf: '2012-01', includeUndated: false };
  const asOfUndated = { asOf: '2012-01-10', includeUndated: true };
  add('reach', 'depth 1 (asOf)', reachStatement(ctx, 'a', 1, null, 10, asOf));
  add('reach', 'depth 2 (types, asOf, undated)', reachStatement(ctx, 'a', 2, someTypes, 10, asOfUndated));
  add('relationsAmong', '', relationsAmongStatement(ctx, ['a', 'b'], someTypes, 10));
  add('relationsAmong', '(asOf)', relationsAmongStatement(ctx, ['a', 'b'], someTypes, 10, asOf));
  add('relationEnds', '', relationEndsStatement(ctx, someTypes));
  add('relationEnds', '(asOf, undated)', relationEndsStatement(ctx, someTypes, asOfUndated));
  add('relationsWithEndIds', '', relationsWithEndIdsStatement(ctx, ['a', 'b']));
  add('firstRing', '', firstRingStatement(ctx, 'a', null, null, 11));
  add('firstRing', '(types, after, asOf, undated)', firstRingStatement(ctx, 'a', someTypes, 'r', 11, asOfUndated));
  for (let maxLength = 1; maxLength <= 6; maxLength += 1) {
    add('shortestPaths', `maxLength ${maxLength}`, shortestPathsStatement(ctx, 'a', 'b', maxLength, null, 10));
    add('shortestPaths', `maxLength ${maxLength} (types)`, shortestPathsStatement(ctx, 'a', 'b', maxLength, someTypes, 10));
  }
  add('shortestPaths', 'maxLength 4 (asOf)', shortestPathsStatement(ctx, 'a', 'b', 4, null, 10, asOf));
  add('shortestPaths', 'maxLength 4 (types, asOf, undated)', shortestPathsStatement(ctx, 'a', 'b', 4, someTypes, 10, asOfUndated));
  add('countEntities', '', countEntitiesStatement());
  add('countRelations', '', countRelationsStatement(ctx));
  add('mostConnected', '', mostConnectedStatement(ctx, null, 10));
  add('mostConnected', '(kinds)', mostConnectedStatement(ctx, [ctx.ontology.kinds[0]!], 10));
  add('getSources', '', getSourcesStatement(['s']));
  add('listSources', '', listSourcesStatement());
  add('relationsCiting', '', relationsCitingStatement(ctx, 's'));
  add('relationsCiting', '(retracted too)', relationsCitingStatement(ctx, 's', true));
  add('entitiesCiting', '', entitiesCitingStatement('s'));
  add('loadedFingerprint', '', loadedFingerprintStatement('seed:x'));
  add('changes', '', changesStatement({ since: null, entity: null, after: null, limit: 50 }));
  add('changes', '(entity)', changesStatement({ since: '2026', entity: 'e', after: 'c', limit: 50 }));
  add('getClaims', '', getClaimsStatement(['c']));
  add('listClaims', '', listClaimsStatement({ speaker: null, about: null, after: null, limit: 21 }));
  add('listClaims', '(speaker, about)', listClaimsStatement({ speaker: 'a', about: 'b', after: 'c', limit: 21 }));
  for (const role of ['SPEAKER', 'SUBJECT', 'ANY'] as const) add('claimsOf', role, claimsOfStatement(['a'], role));
  add('claimsAsserting', '', claimsAssertingStatement(['r']));
  add('claimsDisputing', '', claimsDisputingStatement(['c']));
  add('claimsCiting', '', claimsCitingStatement(['s']));
  // entities(where, orderBy): each kind of condition, each order, and the counts.
  const party = ctx.ontology.kinds.find((k) => k === 'PARTY') ?? ctx.ontology.kinds[0]!;
  const where: EntityFilter = {
    kinds: [party],
    ids: ['a', 'b'],
    name: { contains: 'nur', startsWith: 'n' },
    hasRelation: { types: someTypes, direction: 'OUT' },
    or: [{ not: { hasRelation: { types: null, direction: 'BOTH' } } }, { name: { equals: 'x' } }],
  };
  const attributes: Record<string, AttributeCondition> = {};
  for (const f of attributeFiltersOf(ctx.ontology)) {
    const byFilter = {
      in: { in: ['X'] },
      text: { text: { contains: 'x' } },
      dateRange: { dates: { from: '2012', to: '2012-01-15' } },
      numberRange: { range: { min: 1, max: 2 } },
      boolean: { is: true },
    };
    attributes[f.attribute.name] = byFilter[f.filter];
  }
  add('findEntities', '', findEntitiesStatement(ctx, { where: null, order: [], after: null, limit: 21 }));
  add('findEntities', '(where, after)', findEntitiesStatement(ctx, { where, order: [], after: { keys: [], id: 'x' }, limit: 21 }));
  add('findEntities', '(attributes)', findEntitiesStatement(ctx, { where: { attributes }, order: [], after: null, limit: 21 }));
  for (const field of ['ID', 'NAME', 'DATE', 'DEGREE'] as const) {
    for (const direction of ['ASC', 'DESC'] as const) {
      const key = (v: string | number) => ({ keys: [v], id: 'x' });
      add('findEntities', `${field} ${direction}`, findEntitiesStatement(ctx, { where: null, order: [{ field, direction, types: null }], after: null, limit: 21 }));
      add(
        'findEntities',
        `${field} ${direction} (after)`,
        findEntitiesStatement(ctx, { where: { kinds: [party] }, order: [{ field, direction, types: null }], after: key(field === 'DEGREE' ? 3 : 'n'), limit: 21 }),
      );
    }
  }
  add(
    'findEntities',
    'DEGREE DESC (types), NAME ASC',
    findEntitiesStatement(ctx, {
      where: null,
      order: [
        { field: 'DEGREE', direction: 'DESC', types: someTypes },
        { field: 'NAME', direction: 'ASC', types: null },
      ],
      after: null,
      limit: 21,
    }),
  );
  add('countMatchingEntities', '', countMatchingEntitiesStatement(ctx, null));
  add('countMatchingEntities', '(where)', countMatchingEntitiesStatement(ctx, where));
  add('entityCounts', '', entityCountsStatement(ctx, null));
  add('entityCounts', '(where)', entityCountsStatement(ctx, where));
  for (const direction of ['OUT', 'IN', 'BOTH'] as const) add('entityDegrees', direction, entityDegreesStatement(ctx, ['a'], null, direction));
  add('entityDegrees', 'BOTH (types)', entityDegreesStatement(ctx, ['a'], someTypes, 'BOTH'));
  add('countClaims', '', countClaimsStatement({ speaker: null, about: null }));
  add('countClaims', '(speaker, about)', countClaimsStatement({ speaker: 'a', about: 'b' }));
  add('countChanges', '', countChangesStatement({ since: null, entity: null }));
  add('countChanges', '(entity)', countChangesStatement({ since: '2026', entity: 'e' }));
  return entries;
}
