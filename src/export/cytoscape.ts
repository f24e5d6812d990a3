import type { ExportGraph } from './model.js';

/**
 * Cytoscape.js elements JSON, as Cytoscape desktop's `.cyjs` files hold it: nodes and
 * edges under `elements`, each with its fields in `data` (`name` is the label Cytoscape
 * shows). Element ids must be unique across nodes and edges in Cytoscape.js.
 */
export function writeCytoscape(g: ExportGraph): string {
  return JSON.stringify(
    {
      format_version: '1.0',
      generated_by: 'political-actors-graph',
      target_cytoscapejs_version: '~3.35',
      data: { name: g.title, description: g.description, communities: g.communities },
      elements: {
        nodes: g.nodes.map((n) => ({ data: { id: n.id, ...n.data } })),
        edges: g.edges.map((e) => ({ data: { id: e.id, source: e.source, target: e.target, ...e.data } })),
      },
    },
    null,
    2,
  );
}
