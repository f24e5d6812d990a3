import type { ChangeRecord, ClaimRecord, EntityRecord, RelationRecord } from '../store/records.js';

/**
 * A page of a list as the resolvers build it. `count` is called only when a query asks
 * for `totalCount`, so a page that does not costs no counting statement.
 */
export interface ConnectionModel<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  count: () => Promise<number>;
}

export type EntityConnectionModel = ConnectionModel<EntityRecord>;
export type RelationConnectionModel = ConnectionModel<RelationRecord>;
export type ClaimConnectionModel = ConnectionModel<ClaimRecord>;
export type ChangeConnectionModel = ConnectionModel<ChangeRecord>;

/**
 * A page of `items` (the query asked for one more than `limit`, to tell whether another
 * page follows), each with its cursor, and how to count all of them. The count runs at
 * most once however often `totalCount` is asked for (aliases), and not at all for a
 * first page that holds everything: then it is the page's length.
 */
export function connection<T>(items: readonly T[], limit: number, cursorOf: (item: T) => string, count: () => Promise<number>, firstPage = false): ConnectionModel<T> {
  const nodes = items.slice(0, limit);
  const last = nodes[nodes.length - 1];
  const hasNextPage = items.length > limit;
  let counted: Promise<number> | undefined;
  return {
    edges: nodes.map((node) => ({ cursor: cursorOf(node), node })),
    nodes,
    pageInfo: { hasNextPage, endCursor: last === undefined ? null : cursorOf(last) },
    count: () => (counted ??= firstPage && !hasNextPage ? Promise.resolve(nodes.length) : count()),
  };
}

/** The `totalCount` resolver of every connection type. */
export const totalCountResolvers = {
  EntityConnection: { totalCount: (c: EntityConnectionModel) => c.count() },
  RelationConnection: { totalCount: (c: RelationConnectionModel) => c.count() },
  ClaimConnection: { totalCount: (c: ClaimConnectionModel) => c.count() },
  ChangeConnection: { totalCount: (c: ChangeConnectionModel) => c.count() },
};
