import { createRequire } from 'node:module';
import { DirectedGraph, UndirectedGraph } from 'graphology';
import { seededRandom } from './seeded-random.js';

// CommonJS modules whose declared default export TypeScript cannot see through an ES import.
const require = createRequire(import.meta.url);
const betweenness = require('graphology-metrics/centrality/betweenness') as typeof import('graphology-metrics/centrality/betweenness.js').default;
const pagerank = require('graphology-metrics/centrality/pagerank') as typeof import('graphology-metrics/centrality/pagerank.js').default;
const louvain = require('graphology-communities-louvain') as typeof import('graphology-communities-louvain').default;

/**
 * Network measures with graphology's implementations. Degrees count relations, parallel
 * ones included. Betweenness and communities see each pair of linked entities once,
 * undirected: brokerage between camps does not depend on who supports whom. PageRank
 * follows direction. Loops (a merge can leave one, retracted) are not links.
 */
export interface NodeMetrics {
  inDegree: number;
  outDegree: number;
  degree: number;
  betweenness: number;
  pageRank: number;
  /** Null for an entity outside the selection the measures were computed in. */
  community: number | null;
}

export interface NetworkMetrics {
  byId: ReadonlyMap<string, NodeMetrics>;
  communities: number;
}

/** All the measures need of a network: who is in it and who links to whom. */
export interface Links {
  nodes: ReadonlyArray<{ id: string }>;
  edges: ReadonlyArray<{ from: string; to: string }>;
}

export function computeMetrics(network: Links): NetworkMetrics {
  const undirected = new UndirectedGraph();
  const directed = new DirectedGraph();
  const inDegree = new Map<string, number>();
  const outDegree = new Map<string, number>();
  for (const n of network.nodes) {
    undirected.addNode(n.id);
    directed.addNode(n.id);
  }
  for (const r of network.edges) {
    if (!undirected.hasNode(r.from) || !undirected.hasNode(r.to)) continue;
    outDegree.set(r.from, (outDegree.get(r.from) ?? 0) + 1);
    inDegree.set(r.to, (inDegree.get(r.to) ?? 0) + 1);
    if (r.from === r.to) continue;
    if (!undirected.hasEdge(r.from, r.to)) undirected.addEdge(r.from, r.to);
    if (!directed.hasEdge(r.from, r.to)) directed.addEdge(r.from, r.to);
  }
  const between = undirected.order > 0 ? betweenness(undirected, { normalized: false }) : {};
  const rank = directed.order > 0 ? pagerank(directed, { alpha: 0.85, maxIterations: 1000, tolerance: 1e-10, getEdgeWeight: null }) : {};
  const raw = undirected.order > 0 ? louvain(undirected, { rng: seededRandom(42) /* Louvain visits nodes in random order */ }) : {};

  // Number communities by size, largest first, then by their smallest id, so the numbers are stable.
  const members = new Map<number, string[]>();
  for (const [id, c] of Object.entries(raw)) members.set(c, [...(members.get(c) ?? []), id]);
  const order = [...members.values()].map((ids) => ids.sort()).sort((a, b) => b.length - a.length || a[0]!.localeCompare(b[0]!));
  const community = new Map<string, number>();
  order.forEach((ids, i) => ids.forEach((id) => community.set(id, i)));

  const byId = new Map<string, NodeMetrics>();
  for (const n of network.nodes) {
    const inD = inDegree.get(n.id) ?? 0;
    const outD = outDegree.get(n.id) ?? 0;
    byId.set(n.id, {
      inDegree: inD,
      outDegree: outD,
      degree: inD + outD,
      betweenness: between[n.id] ?? 0,
      pageRank: rank[n.id] ?? 0,
      community: community.get(n.id) ?? 0,
    });
  }
  return { byId, communities: order.length };
}
