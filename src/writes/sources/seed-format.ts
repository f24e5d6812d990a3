import { parse } from 'yaml';
import { MAX_ALIASES, parseSeedText, type ParsedFile } from '../seed-file.js';

/**
 * Reads a JSON or YAML file in the seed format whole. A file whose values know their
 * lines (`parseSeedText`) costs several times the memory of the plain data, so the data
 * is parsed plainly and the located document is built only when a problem has to be
 * reported. The import reads YAML files so; JSON files it streams (json-records.ts).
 */
export function parseImportText(file: string, text: string): ParsedFile {
  let data: unknown;
  try {
    data = /\.json$/i.test(file) ? JSON.parse(text.replace(/^\uFEFF/, '')) : parse(text, { uniqueKeys: true, maxAliasCount: MAX_ALIASES });
  } catch {
    // Not plainly parsable: the seed parser says where, and why.
    return parseSeedText(file, text);
  }
  // An empty YAML file parses as nothing at all.
  if (data === null || data === undefined) return parseSeedText(file, text);
  let located: ParsedFile | null | undefined;
  return {
    file,
    data,
    lineOf(path) {
      if (located === undefined) {
        try {
          located = parseSeedText(file, text);
        } catch {
          // JSON.parse accepts duplicate keys, the located parser does not: no lines then.
          located = null;
        }
      }
      return located ? located.lineOf(path) : null;
    },
  };
}
