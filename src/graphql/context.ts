import type { Authentication } from '../auth/api-keys.js';
import { UNBUDGETED, type RequestBudget } from '../budget/request-budget.js';
import { NetworkCache } from '../network/network-cache.js';
import type { Ontology } from '../ontology/ontology.js';
import type { Corroboration } from '../writes/curation/add-relation.js';
import type { Graph } from '../writes/graph.js';
import { ListSizes } from './list-sizes.js';
import { createLoaders, type Loaders } from './loaders.js';

export interface RequestContext {
  graph: Graph;
  ontology: Ontology;
  loaders: Loaders;
  /** Who sent the request, from its `Authorization` header. */
  auth: Authentication;
  /** Network selections and their measures, shared by all requests of a server. */
  networks: NetworkCache;
  /** The graph's version, read once per request. */
  graphVersion(): Promise<string>;
  /** Network selections this request asked for; each may cost a computation over the graph. */
  networkSelections: Set<string>;
  /** Statements `graph` has sent for this request, when it was made to count them. */
  roundTrips: { count: number };
  /** The request's deadline, its client's cost budget, and the gate for expensive work. */
  budget: RequestBudget;
  /** How long the unpaged lists read before were, shared by all requests of a server (charged-list.ts). */
  listSizes: ListSizes;
  /** Relations this request's `addRelation` found already stated and cited (`extensions.corroborated`). */
  corroborated: Corroboration[];
}

export function createContext(
  graph: Graph,
  ontology: Ontology,
  auth: Authentication = { kind: 'anonymous' },
  networks: NetworkCache = new NetworkCache(),
  roundTrips: { count: number } = { count: 0 },
  budget: RequestBudget = UNBUDGETED,
  listSizes: ListSizes = new ListSizes(),
): RequestContext {
  let version: Promise<string> | undefined;
  return {
    graph,
    ontology,
    loaders: createLoaders(graph),
    auth,
    networks,
    graphVersion: () => (version ??= graph.graphVersion()),
    networkSelections: new Set(),
    roundTrips,
    budget,
    listSizes,
    corroborated: [],
  };
}
