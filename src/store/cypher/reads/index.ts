import type { GraphReads } from '../../graph-reads.js';
import { changes, countChanges } from './changes.js';
import { claimsAsserting } from './claims-asserting.js';
import { claimsCiting } from './claims-citing.js';
import { claimsDisputing } from './claims-disputing.js';
import { claimsOf } from './claims-of.js';
import { getClaims } from './claims.js';
import { countClaims, listClaims } from './list-claims.js';
import { getEntities, listEntities } from './entities.js';
import { entityDegrees } from './entity-degrees.js';
import { countEntities, entityCounts, findEntities } from './find-entities.js';
import { graphSize } from './graph-size.js';
import { graphVersion } from './graph-version.js';
import { listRelations } from './list-relations.js';
import { relationCounts } from './relation-counts.js';
import { countRelations, countRelationsOf, relationPage, relationPagesOf } from './relation-page.js';
import { mostConnected } from './most-connected.js';
import { neighborhood } from './neighborhood.js';
import type { ReadContext } from './query.js';
import { getRelation, relationOwners, relationsOf } from './relations-of.js';
import { relationsCiting } from './relations-citing.js';
import { search } from './search.js';
import { shortestPaths } from './shortest-paths.js';
import { getSources, listSources } from './sources.js';

/** The read port over any Cypher backend: each operation in its own module, run with one context. */
export function cypherReads(ctx: ReadContext): GraphReads {
  return {
    getEntities: (ids) => getEntities(ctx, ids),
    listEntities: (q) => listEntities(ctx, q),
    search: (q) => search(ctx, q),
    relationsOf: (q) => relationsOf(ctx, q),
    listRelations: (q) => listRelations(ctx, q),
    relationPage: (q) => relationPage(ctx, q),
    countRelations: (q) => countRelations(ctx, q),
    relationCounts: (q) => relationCounts(ctx, q),
    relationPagesOf: (q) => relationPagesOf(ctx, q),
    countRelationsOf: (q) => countRelationsOf(ctx, q),
    relationOwners: (ids) => relationOwners(ctx, ids),
    getRelation: (id) => getRelation(ctx, id),
    neighborhood: (q) => neighborhood(ctx, q),
    shortestPaths: (q) => shortestPaths(ctx, q),
    graphSize: () => graphSize(ctx),
    mostConnected: (q) => mostConnected(ctx, q),
    getSources: (ids) => getSources(ctx, ids),
    listSources: () => listSources(ctx),
    relationsCiting: (sourceId) => relationsCiting(ctx, sourceId),
    graphVersion: () => graphVersion(ctx),
    changes: (q) => changes(ctx, q),
    getClaims: (ids) => getClaims(ctx, ids),
    listClaims: (q) => listClaims(ctx, q),
    claimsOf: (q) => claimsOf(ctx, q),
    claimsAsserting: (ids) => claimsAsserting(ctx, ids),
    claimsDisputing: (ids) => claimsDisputing(ctx, ids),
    claimsCiting: (ids) => claimsCiting(ctx, ids),
    findEntities: (q) => findEntities(ctx, q),
    countEntities: (where) => countEntities(ctx, where),
    entityCounts: (where) => entityCounts(ctx, where),
    entityDegrees: (q) => entityDegrees(ctx, q),
    countClaims: (q) => countClaims(ctx, q),
    countChanges: (q) => countChanges(ctx, q),
  };
}
