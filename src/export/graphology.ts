import { MultiDirectedGraph } from 'graphology';
import type { ExportGraph } from './model.js';

/**
 * graphology's own serialization (`graph.export()`) of a directed multigraph: node keys
 * are entity ids, edge keys relation ids. Read it back with `MultiDirectedGraph.from(json)`.
 */
export function writeGraphology(g: ExportGraph): string {
  const graph = new MultiDirectedGraph({ allowSelfLoops: true });
  graph.replaceAttributes({ name: g.title, description: g.description, communities: g.communities });
  for (const n of g.nodes) graph.addNode(n.id, { ...n.data });
  for (const e of g.edges) graph.addEdgeWithKey(e.id, e.source, e.target, { ...e.data });
  return JSON.stringify(graph.export(), null, 2);
}
