import { randomUUID } from 'node:crypto';
import type { Viewer } from '../auth/api-keys.js';
import { citationFromInput, claimFromInput, entityFromInput, relationFromInput, sourceFromInput } from '../writes/sources/graphql-input.js';
import type { Ontology } from '../ontology/ontology.js';
import type { RequestContext } from './context.js';
import { unauthenticated } from './errors.js';
import type { MutationResolvers } from './generated/types.js';
import { argLength, checkId, checkText } from './limits.js';

/**
 * Writes. The role each needs is checked before execution (plugins/require-role.ts);
 * here each input is validated against the ontology (src/writes/sources/graphql-input.ts)
 * and written through the graph (src/writes/graph.ts): its rule and audit entry in one
 * store transaction, the journal around it. Refusals are domain errors naming the field.
 */

function viewerOf(ctx: RequestContext): Viewer {
  // The role plugin already refused anonymous writes; this keeps a resolver safe on its own.
  if (ctx.auth.kind !== 'key') throw unauthenticated('writes need an API key; send Authorization: Bearer <key>');
  return ctx.auth.viewer;
}

async function write<T>(ctx: RequestContext, work: (viewer: Viewer) => Promise<T>): Promise<T> {
  const viewer = viewerOf(ctx);
  // Refusals are domain errors (InputError, CurationError, NotOwnerError): the GraphQL
  // error mapper (error-mapper.ts) names their code and field.
  try {
    return await work(viewer);
  } finally {
    ctx.loaders.clearAll();
  }
}

export function mutationResolvers(ontology: Ontology): MutationResolvers {
  return {
    upsertEntity: (_root, { input }, ctx) => write(ctx, async (viewer) => ctx.graph.upsertEntity(await entityFromInput(input, ctx.graph, ontology), viewer.name)),

    addRelation: (_root, { input }, ctx) =>
      write(ctx, async (viewer) => {
        const relation = await relationFromInput({ ...input, id: input.id ?? `rel-${randomUUID()}` }, ctx.graph, ontology);
        // Without an id, the same fact already there takes the citations (decided in the write's transaction).
        const added = await ctx.graph.addRelation({ ...relation, addedBy: viewer.name }, viewer.name, { corroborate: input.id === null || input.id === undefined });
        if (added.corroborated) ctx.corroborated.push(added.corroborated);
        return added;
      }),

    addCitation: (_root, { relation, citation }, ctx) =>
      write(ctx, async (viewer) => ctx.graph.addCitation(checkId('relation', relation), await citationFromInput(citation, ctx.graph), viewer.name)),

    retractRelation: (_root, { id, reason }, ctx) =>
      write(ctx, async (viewer) => {
        const why = checkText('reason', reason, argLength('Mutation.retractRelation.reason')).trim();
        // A curator may retract only what its key added; the rule checks that in the write's transaction.
        return ctx.graph.retractRelation(checkId('id', id), why, viewer.name, viewer.role === 'ADMIN' ? undefined : viewer.name);
      }),

    mergeEntities: (_root, { survivor, duplicate }, ctx) =>
      write(ctx, (viewer) => ctx.graph.mergeEntities(checkId('survivor', survivor), checkId('duplicate', duplicate), viewer.name)),

    addSource: (_root, { input }, ctx) => write(ctx, (viewer) => ctx.graph.addSource(sourceFromInput(input), viewer.name)),

    addClaim: (_root, { input }, ctx) =>
      write(ctx, async (viewer) => {
        const claim = await claimFromInput({ ...input, id: input.id ?? `claim-${randomUUID()}` }, ctx.graph, ontology);
        return ctx.graph.addClaim({ ...claim, addedBy: viewer.name }, viewer.name);
      }),

    disputeClaim: (_root, { claim, disputedBy }, ctx) => write(ctx, (viewer) => ctx.graph.disputeClaim(checkId('claim', claim), checkId('disputedBy', disputedBy), viewer.name)),
  };
}
