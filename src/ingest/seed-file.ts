import { LineCounter, parseDocument, isNode } from 'yaml';
import { InputError } from './errors.js';

/**
 * A parsed seed file (YAML, or JSON, which is YAML too) that can say on which line
 * any value sits.
 */
export interface ParsedFile {
  file: string;
  data: unknown;
  lineOf(path: ReadonlyArray<string | number>): number | null;
}

export function parseSeedText(file: string, text: string): ParsedFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new InputError(
      doc.errors.map((e) => ({
        file,
        line: e.linePos?.[0]?.line ?? null,
        field: '(syntax)',
        message: e.message.split('\n')[0] ?? 'invalid YAML',
      })),
    );
  }
  return {
    file,
    data: doc.toJS({ maxAliasCount: 100 }),
    lineOf(path) {
      // The deepest node that exists on the path: a missing field is reported at its parent.
      for (let depth = path.length; depth >= 0; depth -= 1) {
        const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
        if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      }
      return null;
    },
  };
}
