import { scalarText, type Column, type ExportGraph, type Value } from './model.js';
import { XML_DECLARATION, xmlEscape } from './xml.js';

/**
 * GEXF 1.2 (the `1.2draft` namespace Gephi and networkx read): a static directed graph,
 * nodes labelled with their names, edges with their relation types, parallel edges kept
 * under their relation ids, and every attribute declared with its type.
 */

const GEXF_TYPE: Record<Column['type'], string> = { string: 'string', int: 'integer', double: 'double', boolean: 'boolean' };

function attributes(cls: 'node' | 'edge', columns: readonly Column[]): string[] {
  return [
    `    <attributes class="${cls}" mode="static">`,
    ...columns.map((c) => `      <attribute id="${xmlEscape(c.name)}" title="${xmlEscape(c.name)}" type="${GEXF_TYPE[c.type]}"/>`),
    '    </attributes>',
  ];
}

function attvalues(columns: readonly Column[], values: Record<string, Value>, indent: string): string {
  const items: string[] = [];
  for (const c of columns) {
    const v = values[c.name];
    if (v !== undefined) items.push(`${indent}  <attvalue for="${xmlEscape(c.name)}" value="${xmlEscape(scalarText(c, v))}"/>`);
  }
  return items.length === 0 ? '' : `\n${indent}<attvalues>\n${items.join('\n')}\n${indent}</attvalues>\n${indent.slice(2)}`;
}

export function writeGexf(g: ExportGraph): string {
  const lines = [
    XML_DECLARATION,
    '<gexf xmlns="http://www.gexf.net/1.2draft" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
    '    xsi:schemaLocation="http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">',
    '  <meta>',
    '    <creator>political-actors-graph</creator>',
    `    <description>${xmlEscape(`${g.title}: ${g.description}`)}</description>`,
    '  </meta>',
    '  <graph mode="static" defaultedgetype="directed">',
    ...attributes('node', g.nodeColumns),
    ...attributes('edge', g.edgeColumns),
    '    <nodes>',
  ];
  for (const n of g.nodes) {
    const name = n.data.name;
    const label = typeof name === 'string' ? ` label="${xmlEscape(name)}"` : '';
    lines.push(`      <node id="${xmlEscape(n.id)}"${label}>${attvalues(g.nodeColumns, n.data, '        ')}</node>`);
  }
  lines.push('    </nodes>', '    <edges>');
  for (const e of g.edges) {
    const type = e.data.type;
    const label = typeof type === 'string' ? ` label="${xmlEscape(type)}"` : '';
    lines.push(
      `      <edge id="${xmlEscape(e.id)}" source="${xmlEscape(e.source)}" target="${xmlEscape(e.target)}"${label}>${attvalues(g.edgeColumns, e.data, '        ')}</edge>`,
    );
  }
  lines.push('    </edges>', '  </graph>', '</gexf>', '');
  return lines.join('\n');
}
