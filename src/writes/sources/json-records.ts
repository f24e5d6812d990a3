import type { Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { InputError } from '../errors.js';
import { parseError } from './json-lines.js';

/**
 * A seed-format JSON file read as a stream, one record at a time, so a file of any size
 * is checked in bounded memory and with lines: the file is never held whole, and each
 * record is parsed (by JSON.parse) on its own. The scanner knows only the outer shape,
 * `{ "key": value, ... }`, and for the keys in `split` an array value's elements; it
 * follows strings and brackets to find where each value ends, and leaves the syntax
 * inside a value to JSON.parse. It works on bytes: every byte JSON's structure is made of
 * is ASCII, and no byte of a multi-byte UTF-8 character is.
 */

/** What the scanner reports, in file order. */
export type JsonEvent =
  /** A top-level member: its key, the line where its value starts, and what that value is. */
  | { type: 'member'; key: string; line: number; kind: 'object' | 'array' | 'string' | 'literal'; split: boolean }
  /** A value captured as text: a member's whole value (`index` null) or one element of a split array. */
  | { type: 'value'; key: string; index: number | null; text: string; line: number };

export interface ScanOptions {
  /** Keys whose array values are reported element by element. */
  split: ReadonlySet<string>;
  /** Keys whose values (or elements) are reported as text; others are only scanned past. */
  capture: ReadonlySet<string>;
  /** Fed every byte read, so the caller can tell whether the file is the one it fingerprinted. */
  tap?: Hash;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

const isSpace = (b: number) => b === 0x20 || b === NEWLINE || b === 0x0d || b === 0x09;
/** Where a literal (number, true, false, null) ends. */
const endsLiteral = (b: number) => isSpace(b) || b === COMMA || b === CLOSE_ARRAY || b === CLOSE_OBJECT;

const describe = (b: number) => (b >= 0x21 && b < 0x7f ? `'${String.fromCharCode(b)}'` : b >= 0x80 ? 'a character' : `byte 0x${b.toString(16).padStart(2, '0')}`);

type State =
  | 'root' // before the opening brace
  | 'key-or-end' // after `{`
  | 'key' // after `,` between members
  | 'in-key'
  | 'colon'
  | 'value'
  | 'in-value'
  | 'after-value'
  | 'element-or-end' // after `[` of a split array
  | 'element' // after `,` in a split array
  | 'after-element'
  | 'done';

class Scanner {
  readonly events: JsonEvent[] = [];
  private state: State = 'root';
  line = 1;
  private first = true;
  private key = '';
  private keyParts: Buffer[] = [];
  private index = 0;
  /** The value being scanned: its brackets, whether inside a string, whether after a backslash. */
  private stack: number[] = [];
  private inString = false;
  private escaped = false;
  private literal = false;
  private inElement = false;
  private capturing = false;
  private parts: Buffer[] = [];
  private valueLine = 0;

  constructor(
    private readonly file: string,
    private readonly options: ScanOptions,
  ) {}

  private fail(message: string, line = this.line): never {
    throw new InputError([{ file: this.file, line, field: '(syntax)', message: `not valid JSON: ${message}` }]);
  }

  private startValue(chunk: Buffer, i: number, b: number, element: boolean): void {
    this.inElement = element;
    this.valueLine = this.line;
    this.stack = [];
    this.inString = false;
    this.escaped = false;
    this.literal = false;
    if (b === OPEN_OBJECT || b === OPEN_ARRAY) this.stack.push(b);
    else if (b === QUOTE) this.inString = true;
    else if (b === COMMA || b === CLOSE_ARRAY || b === CLOSE_OBJECT || b === COLON) this.fail(`unexpected ${describe(b)} where a value was expected`);
    else this.literal = true;
    this.capturing = this.options.capture.has(this.key);
    this.parts = [];
    if (!element) {
      const kind = this.stack.length > 0 ? (b === OPEN_OBJECT ? 'object' : 'array') : this.inString ? 'string' : 'literal';
      this.events.push({ type: 'member', key: this.key, line: this.line, kind, split: false });
    }
    // The first byte is taken into the capture by the caller's slice.
    this.captureFrom = i;
  }

  private captureFrom = 0;

  private endValue(chunk: Buffer, end: number): void {
    if (this.capturing) {
      this.parts.push(chunk.subarray(this.captureFrom, end));
      const text = Buffer.concat(this.parts).toString('utf8');
      this.events.push({ type: 'value', key: this.key, index: this.inElement ? this.index : null, text, line: this.valueLine });
      this.parts = [];
    }
    if (this.inElement) {
      this.index += 1;
      this.state = 'after-element';
    } else {
      this.state = 'after-value';
    }
  }

  push(chunk: Buffer): void {
    let i = 0;
    // Offset 0 of a chunk continues a value begun in an earlier one.
    this.captureFrom = 0;
    const n = chunk.length;
    while (i < n) {
      const b = chunk[i]!;
      switch (this.state) {
        case 'in-value': {
          // The hot loop: most of a file is inside values.
          if (this.literal) {
            if (endsLiteral(b)) {
              this.endValue(chunk, i);
              continue; // the delimiter belongs to what follows
            }
          } else if (this.inString) {
            if (this.escaped) this.escaped = false;
            else if (b === BACKSLASH) this.escaped = true;
            else if (b === QUOTE) {
              this.inString = false;
              if (this.stack.length === 0) {
                this.endValue(chunk, i + 1);
                i += 1;
                continue;
              }
            }
          } else if (b === QUOTE) this.inString = true;
          else if (b === OPEN_OBJECT || b === OPEN_ARRAY) this.stack.push(b);
          else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
            const open = this.stack.pop();
            if (open !== (b === CLOSE_OBJECT ? OPEN_OBJECT : OPEN_ARRAY)) this.fail(`unexpected ${describe(b)}`);
            if (this.stack.length === 0) {
              this.endValue(chunk, i + 1);
              i += 1;
              continue;
            }
          }
          if (b === NEWLINE) this.line += 1;
          i += 1;
          continue;
        }
        case 'in-key':
          if (this.escaped) this.escaped = false;
          else if (b === BACKSLASH) this.escaped = true;
          else if (b === QUOTE) {
            this.keyParts.push(chunk.subarray(this.captureFrom, i + 1));
            const text = Buffer.concat(this.keyParts).toString('utf8');
            this.keyParts = [];
            try {
              this.key = JSON.parse(text) as string;
            } catch (err) {
              this.fail(`a property name: ${parseError(err, text).message}`);
            }
            this.state = 'colon';
          } else if (b === NEWLINE) this.fail('a line break inside a property name');
          i += 1;
          continue;
      }
      if (isSpace(b)) {
        if (b === NEWLINE) this.line += 1;
        i += 1;
        continue;
      }
      switch (this.state) {
        case 'root':
          if (b !== OPEN_OBJECT) {
            throw new InputError([{ file: this.file, line: this.line, field: '', message: 'expected a mapping with `source`, `entities` and `relations`' }]);
          }
          this.state = 'key-or-end';
          break;
        case 'key-or-end':
        case 'key':
          if (b === CLOSE_OBJECT && this.state === 'key-or-end') this.state = 'done';
          else if (b === QUOTE) {
            this.state = 'in-key';
            this.escaped = false;
            this.keyParts = [];
            this.captureFrom = i;
          } else this.fail(`unexpected ${describe(b)} where a property name was expected`);
          break;
        case 'colon':
          if (b !== COLON) this.fail(`unexpected ${describe(b)} where ':' was expected`);
          this.state = 'value';
          break;
        case 'value':
          if (b === OPEN_ARRAY && this.options.split.has(this.key)) {
            this.events.push({ type: 'member', key: this.key, line: this.line, kind: 'array', split: true });
            this.index = 0;
            this.state = 'element-or-end';
            break;
          }
          this.startValue(chunk, i, b, false);
          this.state = 'in-value';
          if (this.literal) i -= 1; // rescanned in 'in-value'
          break;
        case 'element-or-end':
        case 'element':
          if (b === CLOSE_ARRAY && this.state === 'element-or-end') {
            this.state = 'after-value';
            break;
          }
          if (b === CLOSE_ARRAY) this.fail("unexpected ']' after ','");
          this.startValue(chunk, i, b, true);
          this.state = 'in-value';
          if (this.literal) i -= 1;
          break;
        case 'after-element':
          if (b === COMMA) this.state = 'element';
          else if (b === CLOSE_ARRAY) this.state = 'after-value';
          else this.fail(`unexpected ${describe(b)} where ',' or ']' was expected`);
          break;
        case 'after-value':
          if (b === COMMA) this.state = 'key';
          else if (b === CLOSE_OBJECT) this.state = 'done';
          else this.fail(`unexpected ${describe(b)} where ',' or '}' was expected`);
          break;
        case 'done':
          this.fail(`unexpected ${describe(b)} after the end of the document`);
      }
      i += 1;
    }
    // What a value or key has so far is kept for the next chunk.
    if (this.state === 'in-value' && this.capturing) this.parts.push(chunk.subarray(this.captureFrom));
    if (this.state === 'in-key') this.keyParts.push(chunk.subarray(this.captureFrom));
  }

  end(): void {
    if (this.state === 'in-value' && this.literal) {
      this.endValue(Buffer.alloc(0), 0);
    }
    if (this.state === 'root') throw new InputError([{ file: this.file, line: 1, field: '(syntax)', message: 'the file is empty; expected `source`, `entities` and `relations`' }]);
    if (this.state !== 'done') this.fail('the file ends before the document does');
  }
}

/**
 * The events of one pass over the file (see `JsonEvent`), a chunk's worth at a time.
 * Throws an InputError, located by line, when the outer shape is not JSON; a value's own
 * syntax is for the caller's JSON.parse to judge.
 */
export async function* scanJsonRecords(path: string, file: string, options: ScanOptions): AsyncGenerator<JsonEvent> {
  const scanner = new Scanner(file, options);
  let bom = true;
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    for await (const read of stream as AsyncIterable<Buffer>) {
      options.tap?.update(read);
      let chunk = read;
      // Editors on Windows start UTF-8 files with a byte-order mark.
      if (bom) {
        if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
        bom = false;
      }
      scanner.push(chunk);
      yield* scanner.events.splice(0);
    }
    scanner.end();
    yield* scanner.events.splice(0);
  } finally {
    stream.destroy();
  }
}
