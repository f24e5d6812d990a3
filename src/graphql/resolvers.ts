import { splitText } from '../ontology/source-text.js';
import type { Ontology } from '../ontology/ontology.js';
import type { ClaimRecord, EntityRecord, RelationRecord } from '../store/records.js';
import type { EntityFilter, EntityOrderKey, InForce } from '../store/queries.js';
import { AnswerTooLargeError } from '../store/errors.js';
import type { RequestContext } from './context.js';
import { chargedList } from './charged-list.js';
import { connection, totalCountResolvers } from './connection.js';
import { decodeCursor, decodeOrderedCursor, encodeCursor, encodeOrderedCursor, type CursorScope } from './cursor.js';
import { entityOrderText, parseEntityOrder, parseEntityWhere } from './entity-where-limits.js';
import type { EntityResolvers, Resolvers } from './generated/types.js';
import { partialDateBounds } from '../ontology/partial-date.js';
import { badInput } from './errors.js';
import { argLength, argLimit, checkId, checkText, inRange, LIMITS } from './limits.js';
import { mutationResolvers } from './mutations.js';
import { entityTypeResolvers } from './entity-fields.js';
import { measured, NO_METRICS } from './measured.js';
import { JsonScalar, PartialDate } from './scalars.js';
import { allOf, checkRelationWhere, relationOrdering } from './relation-args.js';
import { entityScan, relationScan, scanning } from './scans.js';

/**
 * Thin resolvers: check arguments against the limits, call one store operation, and
 * leave fan-out (relations, ends, sources) to the per-request loaders.
 */

const TIMESTAMP = /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** `since` as a UTC ISO timestamp; a date alone means its start. */
function checkSince(since: string): string {
  const time = since.length <= LIMITS.sinceLength && TIMESTAMP.test(since) ? Date.parse(since.length === 4 ? `${since}-01-01` : since) : NaN;
  if (Number.isNaN(time))
    throw badInput(`since must be an ISO 8601 date or timestamp such as 2012-01-15 or 2012-01-15T09:30:00Z, got ${JSON.stringify(since.slice(0, 50))}`, 'since');
  return new Date(time).toISOString();
}

/** A page in id order; `count` counts every item of the query (asked for only with `totalCount`). */
function page<T extends { id: string }>(scope: CursorScope, items: T[], limit: number, count: () => Promise<number>, firstPage: boolean) {
  return connection(items, limit, (node) => encodeCursor(scope, node.id), count, firstPage);
}

// Until each list has its count statement.

async function loadEntity(ctx: RequestContext, id: string): Promise<EntityRecord> {
  const entity = await ctx.loaders.entity.load(id);
  // A relation always has both ends in the store; a missing one is a broken store.
  if (!entity) throw new Error(`entity ${id} referenced by a relation is missing`);
  return entity;
}

async function loadClaim(ctx: RequestContext, id: string): Promise<ClaimRecord> {
  const claim = await ctx.loaders.claim.load(id);
  // A claim's disputes always name stored claims (checked when written).
  if (!claim) throw new Error(`claim ${id} referenced by a claim is missing`);
  return claim;
}

/** The `entities` argument `kinds` joined to `where`: both must hold. */
function withKinds(kinds: readonly string[] | null | undefined, where: EntityFilter | null): EntityFilter | null {
  if (!kinds) return where;
  return { kinds, ...(where ? { and: [where] } : {}) };
}

/** The default order (by id) keeps the plain id cursors `entities` always had. */
const isIdOrder = (order: readonly EntityOrderKey[]) => order.length === 0 || (order.length === 1 && order[0]!.field === 'ID' && order[0]!.direction === 'ASC');

/** `asOf` and `includeUndated` as a store read takes them (the PartialDate scalar checked `asOf`); null without `asOf`. */
function inForceArgs(asOf: string | null | undefined, includeUndated: boolean | null | undefined): InForce | null {
  // Asked for alone it would be silently ignored: a date decides which relations are undated ones to keep.
  if (includeUndated && !asOf) throw badInput('includeUndated keeps undated relations beside those in force on asOf: give asOf too', 'includeUndated');
  return asOf ? { asOf, includeUndated: includeUndated ?? false } : null;
}

/** `neighborhood(first, after)`: a page of the first ring, which only depth 1 has; null without `first`. */
function firstRingPage(depth: number, first: number | null | undefined, after: string | null | undefined): { after: string | null; limit: number } | null {
  if (first === null || first === undefined) {
    if (after) throw badInput('after continues a page of the first ring: give first too', 'after');
    return null;
  }
  if (depth !== 1) throw badInput(`first pages the first ring only: ask with depth 1, or leave first out for depth ${depth}`, 'first');
  return { after: decodeCursor('relation', after), limit: inRange('first', first, argLimit('Query.neighborhood.first')) };
}

function relationAttributeResolvers(ontology: Ontology) {
  const fields: Record<string, unknown> = {};
  for (const attr of ontology.relationAttributes) fields[attr.name] = (parent: RelationRecord) => parent.attributes[attr.name] ?? null;
  for (const ref of ontology.relationRefs) {
    fields[ref] = (parent: RelationRecord, _args: unknown, ctx: RequestContext) => {
      const id = parent.refs[ref];
      return id ? ctx.loaders.entity.load(id) : null;
    };
  }
  return fields;
}

/** The object types that implement `Entity`, as codegen writes them. */
type EntityTypeName = NonNullable<Awaited<ReturnType<EntityResolvers['__resolveType']>>>;

export function createResolvers(ontology: Ontology): Resolvers {
  // The served schema's entity types are the ontology's (the codegen test keeps the union in step).
  const entityTypeNames = new Set<string>(ontology.entityTypes.map((t) => t.typeName));
  const isEntityTypeName = (name: string): name is EntityTypeName => entityTypeNames.has(name);
  const resolvers: Resolvers = {
    PartialDate,
    JSON: JsonScalar,
    Query: {
      entity: (_root, { id }, ctx) => ctx.loaders.entity.load(checkId('id', id)),

      entities: async (_root, { kinds, where, orderBy, first, after }, ctx) => {
        const limit = inRange('first', first ?? 20, argLimit('Query.entities.first'));
        const filter = withKinds(kinds, parseEntityWhere(ontology, where));
        const parsed = parseEntityOrder(orderBy);
        const order = isIdOrder(parsed) ? [] : parsed;
        const orderText = entityOrderText(order);
        const position =
          order.length === 0
            ? ((id) => (id === null ? null : { keys: [], id }))(decodeCursor('entity', after))
            : decodeOrderedCursor(
                'entity',
                orderText,
                order.map((k) => (k.field === 'DEGREE' ? 'number' : 'string')),
                after,
              );
        const found = await scanning(ctx, entityScan(filter, order), 'a filter or order over every entity', () =>
          ctx.graph.findEntities({ where: filter, order, after: position, limit: limit + 1 }),
        );
        const keysOf = new Map(found.map((f) => [f.entity.id, f.keys]));
        const items = found.map((f) => f.entity);
        ctx.loaders.primeEntities(items);
        // A DEGREE order counted each entity's degree already: `degree` with the same types costs no statement.
        order.forEach((k, i) => {
          if (k.field !== 'DEGREE') return;
          for (const f of found) ctx.loaders.degree.prime({ id: f.entity.id, types: k.types, direction: 'BOTH' }, Number(f.keys[i]));
        });
        const cursorOf = (e: EntityRecord) => (order.length === 0 ? encodeCursor('entity', e.id) : encodeOrderedCursor('entity', orderText, keysOf.get(e.id) ?? [], e.id));
        const count = () => scanning(ctx, entityScan(filter, [], true), 'counting entities', () => ctx.graph.countEntities(filter));
        return connection(items, limit, cursorOf, count, !after);
      },

      entityCounts: (_root, { where }, ctx) => {
        const filter = parseEntityWhere(ontology, where);
        return scanning(ctx, true, 'counting entities by kind', () => ctx.graph.entityCounts(filter));
      },

      search: async (_root, { text, kinds, first }, ctx) => {
        const limit = inRange('first', first ?? 10, argLimit('Query.search.first'));
        const hits = await ctx.graph.search({ text: checkText('text', text, argLength('Query.search.text')), kinds: kinds ?? null, limit });
        ctx.loaders.primeEntities(hits.map((h) => h.entity));
        return hits;
      },

      relations: async (_root, args, ctx) => {
        const limit = inRange('first', args.first ?? 20, argLimit('Query.relations.first'));
        const where = checkRelationWhere(args.where);
        // The old arguments and `asOf` are filters like the others: all must hold.
        const where2 = allOf(where, {
          types: args.types ?? null,
          from: args.from ? checkId('from', args.from) : null,
          to: args.to ? checkId('to', args.to) : null,
          basis: args.basis && args.basis.length > 0 ? args.basis : null,
          preliminary: typeof args.preliminary === 'boolean' ? args.preliminary : null,
          asOf: args.asOf ?? null,
          includeUndated: inForceArgs(args.asOf, args.includeUndated)?.includeUndated ?? null,
        });
        const includeRetracted = (args.includeRetracted ?? false) || (args.where?.includeRetracted ?? false);
        const ordering = relationOrdering(args.orderBy);
        const after = ordering.after(args.after);
        const result = await scanning(ctx, relationScan(where2, ordering.orderBy), 'a filter or order over every relation', () =>
          ctx.graph.relationPage({ where: where2, includeRetracted, orderBy: ordering.orderBy, after, limit: limit + 1 }),
        );
        const items = ctx.loaders.primeRelationEnds(result);
        return connection(
          items,
          limit,
          (r) => ordering.cursorOf(r, result.keys.get(r.id)),
          () => scanning(ctx, relationScan(result.where, [], true), 'counting relations', () => ctx.graph.countRelations({ where: result.where, includeRetracted })),
          !args.after,
        );
      },

      relationCounts: async (_root, args, ctx) => {
        const where = checkRelationWhere(args.where);
        return scanning(ctx, true, 'counting relations by type', () => ctx.graph.relationCounts({ where }));
      },

      neighborhood: async (_root, { id, depth, types, asOf, includeUndated, first, after }, ctx) => {
        const query = {
          id: checkId('id', id),
          depth: inRange('depth', depth ?? 1, argLimit('Query.neighborhood.depth')),
          types: types ?? null,
          maxEntities: LIMITS.neighborhoodEntities,
          maxRelations: LIMITS.neighborhoodRelations,
          inForce: inForceArgs(asOf, includeUndated),
          page: firstRingPage(depth ?? 1, first, after),
        };
        const read = () => ctx.graph.neighborhood(query);
        let result;
        try {
          // Beyond depth 1 a neighborhood can be most of the graph: expensive work, under the budget.
          result = query.depth > 1 ? await ctx.budget.expensive({ kind: 'neighborhood', depth: query.depth }, read) : await read();
        } catch (err) {
          if (err instanceof AnswerTooLargeError) {
            throw badInput(
              `the neighborhood of ${JSON.stringify(query.id)} at depth ${query.depth} has more than ${err.limit.toLocaleString('en-US')} ${err.what}; ask for a smaller depth or some relation types`,
              'depth',
            );
          }
          throw err;
        }
        ctx.loaders.primeEntities(result.nodes.filter((n) => !n.mergedInto));
        if (!query.page) return { ...result, pageInfo: null };
        const last = result.edges[result.edges.length - 1];
        return { ...result, pageInfo: { hasNextPage: result.hasNextPage ?? false, endCursor: last ? encodeCursor('relation', last.id) : null } };
      },

      paths: async (_root, args, ctx) => {
        const query = {
          from: checkId('from', args.from),
          to: checkId('to', args.to),
          maxLength: inRange('maxLength', args.maxLength ?? 4, argLimit('Query.paths.maxLength')),
          types: args.types ?? null,
          limit: inRange('first', args.first ?? 10, argLimit('Query.paths.first')),
          inForce: inForceArgs(args.asOf, args.includeUndated),
        };
        const paths = await ctx.budget.expensive({ kind: 'paths', maxLength: query.maxLength }, () => ctx.graph.shortestPaths(query));
        for (const p of paths) ctx.loaders.primeEntities(p.nodes);
        return paths.map((p) => ({ ...p, length: p.edges.length }));
      },

      network: async (_root, args, ctx) => {
        const depth = inRange('depth', args.depth ?? 1, argLimit('Query.network.depth'));
        if (args.from && args.to && partialDateBounds(args.from)[0] > partialDateBounds(args.to)[1]) {
          throw badInput(`from (${args.from}) is later than to (${args.to})`, 'from');
        }
        const id = args.id ? checkId('id', args.id) : null;
        const sel = {
          id,
          depth,
          kinds: args.kinds ?? null,
          types: args.types ?? null,
          from: args.from ?? null,
          to: args.to ?? null,
          inferDates: args.inferDates ?? false,
          asOf: args.asOf ?? null,
          includeUndated: inForceArgs(args.asOf, args.includeUndated)?.includeUndated ?? false,
        };
        const network = await measured(ctx, sel);
        ctx.loaders.primeEntities(network.nodes);
        return {
          nodes: network.nodes.map((entity) => ({ entity, metrics: network.metrics.byId.get(entity.id) ?? NO_METRICS })),
          edges: network.edges,
          communities: network.metrics.communities,
          inferredDates: [...(network.inferredDates?.values() ?? [])],
        };
      },

      graphSize: (_root, _args, ctx) => ctx.graph.graphSize(),

      mostConnected: async (_root, { kinds, first }, ctx) => {
        const limit = inRange('first', first ?? 10, argLimit('Query.mostConnected.first'));
        const ranked = await ctx.graph.mostConnected({ kinds: kinds ?? null, limit });
        ctx.loaders.primeEntities(ranked.map((r) => r.entity));
        return ranked;
      },

      claim: (_root, { id }, ctx) => ctx.loaders.claim.load(checkId('id', id)),

      claims: async (_root, args, ctx) => {
        const limit = inRange('first', args.first ?? 20, argLimit('Query.claims.first'));
        const speaker = args.speaker ? checkId('speaker', args.speaker) : null;
        const about = args.about ? checkId('about', args.about) : null;
        // One query object for the page and its count, so the store looks merged ids up once for both.
        const q = { speaker, about, after: decodeCursor('claim', args.after), limit: limit + 1 };
        const items = await ctx.graph.listClaims(q);
        for (const c of items) ctx.loaders.claim.prime(c.id, c);
        return page('claim', items, limit, () => ctx.graph.countClaims(q), !args.after);
      },

      source: (_root, { id }, ctx) => ctx.loaders.source.load(checkId('id', id)),
      sources: (_root, _args, ctx, info) =>
        chargedList(ctx, info, { key: 'sources', what: 'the sources', instead: 'ask for source(id:) one at a time instead (sources has no pages yet)' }, () =>
          ctx.graph.listSources(),
        ),

      changes: async (_root, args, ctx) => {
        const limit = inRange('first', args.first ?? 50, argLimit('Query.changes.first'));
        const since = args.since ? checkSince(args.since) : null;
        const entity = args.entity ? checkId('entity', args.entity) : null;
        const items = await ctx.graph.changes({ since, entity, after: decodeCursor('change', args.after), limit: limit + 1 });
        return page('change', items, limit, () => ctx.graph.countChanges({ since, entity }), !args.after);
      },
    },

    Mutation: mutationResolvers(ontology),

    ...totalCountResolvers,

    Entity: {
      __resolveType: (entity) => {
        const name = ontology.typeNameOfKind(entity.kind);
        if (!isEntityTypeName(name)) throw new Error(`kind ${entity.kind} has no object type in the schema`);
        return name;
      },
    },

    Relation: {
      from: (rel, _args, ctx) => ctx.loaders.heldEntity(rel.from) ?? loadEntity(ctx, rel.from),
      to: (rel, _args, ctx) => ctx.loaders.heldEntity(rel.to) ?? loadEntity(ctx, rel.to),
      ...relationAttributeResolvers(ontology),
      claim: (rel, _args, ctx) => ctx.loaders.relationClaim.load(rel.id),
    },

    Claim: {
      speaker: (claim, _args, ctx) => loadEntity(ctx, claim.speaker),
      about: (claim, _args, ctx) => Promise.all(claim.about.map((id) => loadEntity(ctx, id))),
      asserts: async (claim, _args, ctx) => {
        const relations = await ctx.loaders.relation.loadMany([...claim.asserts]);
        return relations.filter((r): r is RelationRecord => r !== null && !(r instanceof Error));
      },
      disputes: (claim, _args, ctx) => Promise.all(claim.disputes.map((id) => loadClaim(ctx, id))),
      disputedBy: (claim, _args, ctx) => ctx.loaders.disputedBy.load(claim.id),
    },

    FieldQualifier: {
      reportedBy: (q, _args, ctx) => (q.reportedBy ? ctx.loaders.entity.load(q.reportedBy) : null),
    },

    InferredDate: {
      event: (d, _args, ctx) => ctx.loaders.heldEntity(d.event) ?? loadEntity(ctx, d.event),
    },

    Citation: {
      source: async (citation, _args, ctx) => {
        const source = await ctx.loaders.source.load(citation.sourceId);
        if (!source) throw new Error(`source ${citation.sourceId} is missing`);
        return source;
      },
      // Every write checks a citation of a source with text against it, and text added later is checked against the stored citations.
      verified: async (citation, _args, ctx) => typeof (await ctx.loaders.source.load(citation.sourceId))?.text === 'string',
    },

    SourceDocument: {
      paragraphs: (source) => (source.text ? splitText(source.text).map(({ number, sentences }) => ({ number, sentences })) : []),
      relations: (source, _args, ctx, info) =>
        chargedList(
          ctx,
          info,
          { key: `citing|${source.id}`, what: `the relations citing ${source.id}`, instead: `ask for pages instead: relations(where: { source: "${source.id}" }, first:)` },
          async () => ctx.loaders.primeRelationEnds(await ctx.graph.relationsCiting(source.id)),
        ),
      claims: (source, _args, ctx, info) =>
        chargedList(ctx, info, { key: `source-claims|${source.id}`, what: `the claims citing ${source.id}`, instead: 'ask for claims(first:) pages instead' }, () =>
          ctx.loaders.sourceClaims.load(source.id),
        ),
    },
  };
  // The kind-specific resolvers are derived from the ontology, so their shape is only known at run time.
  return { ...resolvers, ...(entityTypeResolvers(ontology) as Resolvers) };
}
