import { ASSUMED_LIST_SIZE } from './cost.js';
import type { RequestContext } from './context.js';

/**
 * A list with no `first` (an entity's relations, a source's citing relations), charged
 * for the items beyond the ASSUMED_LIST_SIZE its estimate counted: a hub's or a source's
 * thousands of relations cost what they are, and an answer larger than one request may
 * cost is refused with a pointer to the paged fields. A list known to be long from an
 * earlier read (`key`, see ListSizes) is charged before it is read, so its request reads it
 * in the long lane, or is refused without reading it at all.
 */
export async function chargedList<L extends readonly unknown[]>(ctx: RequestContext, key: string, what: string, read: () => Promise<L>): Promise<L> {
  const known = ctx.listSizes.get(key) ?? 0;
  const charged = Math.max(known, ASSUMED_LIST_SIZE);
  if (known > ASSUMED_LIST_SIZE) await ctx.budget.chargeItems(known - ASSUMED_LIST_SIZE, what);
  const items = await read();
  ctx.listSizes.set(key, items.length);
  if (items.length > charged) await ctx.budget.chargeItems(items.length - charged, what);
  return items;
}
