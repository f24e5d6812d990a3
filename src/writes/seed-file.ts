import { LineCounter, parseDocument, isNode, visit } from 'yaml';
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

/** More aliases than this make a file an alias bomb (each may expand to a copy of a large node). */
export const MAX_ALIASES = 100;

const syntaxError = (file: string, line: number | null, message: string) => new InputError([{ file, line, field: '(syntax)', message }]);

/**
 * JSON is YAML too, but YAML accepts what JSON does not (a trailing comma, comments,
 * unquoted keys): a `.json` file must be JSON. Refused with the line of the error.
 */
function checkJson(file: string, text: string): void {
  try {
    JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const position = /at position (\d+)/.exec(message)?.[1];
    const line = position === undefined ? null : text.slice(0, Number(position)).split('\n').length;
    throw syntaxError(file, line, `not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}`);
  }
}

export function parseSeedText(file: string, withBom: string): ParsedFile {
  // Editors on Windows start UTF-8 files with a byte-order mark; JSON.parse refuses it.
  const text = withBom.replace(/^\uFEFF/, '');
  if (text.trim() === '') throw syntaxError(file, 1, 'the file is empty; expected `source`, `entities` and `relations`');
  if (/\.json$/i.test(file)) checkJson(file, text);
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
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    // The yaml package stops an alias bomb without saying where; the first alias is where it starts.
    let line: number | null = null;
    visit(doc, {
      Alias(_key, node) {
        line = node.range ? lineCounter.linePos(node.range[0]).line : null;
        return visit.BREAK;
      },
    });
    throw syntaxError(file, line, `too many aliases to expand (the limit is ${MAX_ALIASES}): ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  return {
    file,
    data,
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
