import { scalarText, type Column, type ExportGraph, type Value } from './model.js';
import { XML_DECLARATION, xmlEscape } from './xml.js';

/** GraphML 1.0: a directed graph with parallel edges, every attribute declared by a typed `<key>`. */

const GRAPHML_TYPE: Record<Column['type'], string> = { string: 'string', int: 'int', double: 'double', boolean: 'boolean' };

function keys(prefix: 'n' | 'e', target: 'node' | 'edge', columns: readonly Column[]): string[] {
  return columns.map((c) => `  <key id="${prefix}-${c.name}" for="${target}" attr.name="${xmlEscape(c.name)}" attr.type="${GRAPHML_TYPE[c.type]}"/>`);
}

function data(prefix: 'n' | 'e', columns: readonly Column[], values: Record<string, Value>): string {
  let out = '';
  for (const c of columns) {
    const v = values[c.name];
    if (v !== undefined) out += `\n      <data key="${prefix}-${c.name}">${xmlEscape(scalarText(c, v))}</data>`;
  }
  return out;
}

export function writeGraphml(g: ExportGraph): string {
  const lines = [
    XML_DECLARATION,
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
    '    xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    ...keys('n', 'node', g.nodeColumns),
    ...keys('e', 'edge', g.edgeColumns),
    '  <graph id="G" edgedefault="directed">',
    `    <desc>${xmlEscape(`${g.title}: ${g.description}`)}</desc>`,
  ];
  for (const n of g.nodes) {
    const body = data('n', g.nodeColumns, n.data);
    lines.push(`    <node id="${xmlEscape(n.id)}">${body}${body ? '\n    ' : ''}</node>`);
  }
  for (const e of g.edges) {
    const body = data('e', g.edgeColumns, e.data);
    lines.push(`    <edge id="${xmlEscape(e.id)}" source="${xmlEscape(e.source)}" target="${xmlEscape(e.target)}">${body}${body ? '\n    ' : ''}</edge>`);
  }
  lines.push('  </graph>', '</graphml>', '');
  return lines.join('\n');
}
