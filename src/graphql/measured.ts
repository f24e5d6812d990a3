import type { MeasuredNetwork } from '../network/network-cache.js';
import { selectionKey, type Selection } from '../network/selection.js';
import type { NodeMetrics } from '../network/metrics.js';
import type { RequestContext } from './context.js';
import { badInput } from './errors.js';

/** An entity outside the selection: no relations in it, and no community. */
export const NO_METRICS: NodeMetrics = { inDegree: 0, outDegree: 0, degree: 0, betweenness: 0, pageRank: 0, community: null };

/** Distinct network selections one request may ask for: each can mean a computation over the whole graph. */
export const MAX_SELECTIONS_PER_REQUEST = 2;

/** A network selection measured (cached per graph version), counted against the request's selections. */
export async function measured(ctx: RequestContext, sel: Selection): Promise<MeasuredNetwork> {
  const key = selectionKey(sel);
  ctx.networkSelections.add(key);
  if (ctx.networkSelections.size > MAX_SELECTIONS_PER_REQUEST) {
    throw badInput(`a request may ask for at most ${MAX_SELECTIONS_PER_REQUEST} different network selections (network arguments, metrics(types:)); send the others separately`);
  }
  // A selection too large to measure is a domain error the GraphQL error mapper shows as bad input.
  const network = await ctx.networks.get(ctx.graph, sel, await ctx.graphVersion(), ctx.budget);
  // Around an id merged into another entity, the request asked for the survivor's network:
  // it counts once, under the survivor's id, however the request named it.
  if (sel.id && network.centre && network.centre !== sel.id) {
    ctx.networkSelections.delete(key);
    ctx.networkSelections.add(selectionKey({ ...sel, id: network.centre }));
  }
  return network;
}
