/**
 * Lines within the JSON text of one record, for locating a problem in a streamed file
 * (json-records.ts reads the records; this finds where in one of them a field is).
 */

/** JSON.parse's complaint without the text it quotes, and the line it points at within `text`, if it says. */
export function parseError(err: unknown, text: string): { message: string; lineInText: number | null } {
  const raw = err instanceof Error ? err.message : String(err);
  const position = /at position (\d+)/.exec(raw)?.[1];
  const message = raw.replace(/ (in|after) JSON at position \d+.*$/s, '').replace(/, ".*" is not valid JSON$/s, '');
  return { message, lineInText: position === undefined ? null : lines(text, Number(position)) };
}

/** The 1-based line of character `end` of `text`. */
function lines(text: string, end: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) n += 1;
  return n;
}

/**
 * The line, within the JSON text of one value, of the deepest value on `path` that
 * exists there (a missing field is reported at its parent), for locating a problem.
 * `text` has been parsed by JSON.parse, so it is well-formed. Of repeated keys, the last
 * counts, as for JSON.parse.
 */
export function lineWithin(text: string, path: ReadonlyArray<string | number>): number {
  let pos = skipSpace(text, 0);
  for (const step of path) {
    const open = text[pos];
    let found = -1;
    if (open === '{' && typeof step === 'string') {
      let at = skipSpace(text, pos + 1);
      while (text[at] === '"') {
        const keyEnd = stringEnd(text, at);
        const key = JSON.parse(text.slice(at, keyEnd)) as string;
        const value = skipSpace(text, skipSpace(text, keyEnd) + 1);
        if (key === step) found = value;
        at = skipSpace(text, valueEnd(text, value));
        if (text[at] === ',') at = skipSpace(text, at + 1);
      }
    } else if (open === '[' && typeof step === 'number') {
      let at = skipSpace(text, pos + 1);
      for (let i = 0; text[at] !== ']' && at < text.length; i += 1) {
        if (i === step) {
          found = at;
          break;
        }
        at = skipSpace(text, valueEnd(text, at));
        if (text[at] === ',') at = skipSpace(text, at + 1);
      }
    }
    if (found === -1) break;
    pos = found;
  }
  return lines(text, pos);
}

/**
 * The first key given twice in one object of `text` (parsed by JSON.parse, so well-formed),
 * with its line within `text`; null when there is none. JSON.parse keeps the last value of
 * a repeated key without a word, where YAML refuses it: the import refuses it too.
 */
export function repeatedKey(text: string): { key: string; lineInText: number } | null {
  // One pass with a stack of the open objects' keys (null for an array): no recursion, so
  // nesting as deep as JSON.parse takes cannot overflow the call stack.
  const open: Array<{ keys: Set<string>; expectKey: boolean } | null> = [];
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    const top = open.at(-1);
    if (c === '"') {
      const end = stringEnd(text, i);
      if (top?.expectKey) {
        const key = JSON.parse(text.slice(i, end)) as string;
        if (top.keys.has(key)) return { key, lineInText: lines(text, i) };
        top.keys.add(key);
        top.expectKey = false;
      }
      i = end - 1;
    } else if (c === '{') open.push({ keys: new Set(), expectKey: true });
    else if (c === '[') open.push(null);
    else if (c === '}' || c === ']') open.pop();
    else if (c === ',' && top) top.expectKey = true;
  }
  return null;
}

function skipSpace(text: string, at: number): number {
  while (at < text.length && ' \n\r\t'.includes(text[at]!)) at += 1;
  return at;
}

/** Where the string starting at `at` (its opening quote) ends, past its closing quote. */
function stringEnd(text: string, at: number): number {
  for (let i = at + 1; i < text.length; i += 1) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === '"') return i + 1;
  }
  return text.length;
}

function valueEnd(text: string, at: number): number {
  const c = text[at];
  if (c === '"') return stringEnd(text, at);
  if (c === '{' || c === '[') {
    let depth = 0;
    for (let i = at; i < text.length; i += 1) {
      const d = text[i];
      if (d === '"') i = stringEnd(text, i) - 1;
      else if (d === '{' || d === '[') depth += 1;
      else if (d === '}' || d === ']') {
        depth -= 1;
        if (depth === 0) return i + 1;
      }
    }
    return text.length;
  }
  let i = at;
  while (i < text.length && !' \n\r\t,]}'.includes(text[i]!)) i += 1;
  return i;
}
