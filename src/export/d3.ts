import type { ExportGraph } from './model.js';

/**
 * D3's node-link JSON: `nodes` with an `id`, `links` whose `source` and `target` are node
 * ids (what d3-force's `forceLink().id(d => d.id)` expects). The `directed`, `multigraph`,
 * `graph` fields and each link's `key` (its relation id) also make it networkx's node-link format.
 */
export function writeD3(g: ExportGraph): string {
  return JSON.stringify(
    {
      directed: true,
      multigraph: true,
      graph: { name: g.title, description: g.description, communities: g.communities },
      nodes: g.nodes.map((n) => ({ id: n.id, ...n.data })),
      links: g.edges.map((e) => ({ id: e.id, key: e.id, source: e.source, target: e.target, ...e.data })),
    },
    null,
    2,
  );
}
