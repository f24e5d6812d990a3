import type { GraphQLResolveInfo } from 'graphql';
import { ASSUMED_LIST_SIZE } from './cost.js';
import type { RequestContext } from './context.js';

/** A list with no `first`, named for the client, with the paged field to ask instead. */
export interface UnpagedList {
  /** Remembered by this key (ListSizes): the field, its arguments and its parent. */
  key: string;
  what: string;
  instead: string;
}

/**
 * A list with no `first` (an entity's relations, a source's citing relations), charged
 * for the items beyond the ASSUMED_LIST_SIZE its estimate counted: a hub's or a source's
 * thousands of relations cost what they are, and an answer larger than one request may
 * cost is refused with a pointer to the paged field. A list known to be long from an
 * earlier read (ListSizes) is charged before it is read, so its request reads it in the
 * long lane, or is refused without reading it at all. A mutation's answer is charged but
 * never refused: its write is done.
 */
export async function chargedList<L extends readonly unknown[]>(ctx: RequestContext, info: GraphQLResolveInfo, list: UnpagedList, read: () => Promise<L>): Promise<L> {
  const mayRefuse = info.operation.operation !== 'mutation';
  const known = ctx.listSizes.get(list.key) ?? 0;
  const charged = Math.max(known, ASSUMED_LIST_SIZE);
  if (known > ASSUMED_LIST_SIZE) await ctx.budget.chargeItems({ ...list, items: known, charged: ASSUMED_LIST_SIZE, mayRefuse });
  const items = await read();
  ctx.listSizes.set(list.key, items.length);
  if (items.length > charged) await ctx.budget.chargeItems({ ...list, items: items.length, charged, mayRefuse });
  return items;
}
