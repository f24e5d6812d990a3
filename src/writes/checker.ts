import { loadOntology, type AttributeSpec } from '../ontology/ontology.js';
import { isPartialDate, PARTIAL_DATE_FORMAT } from '../ontology/partial-date.js';
import { checkCitationAgainst, splitText, type Paragraph } from '../ontology/source-text.js';
import type { AttributeValue, CitationRecord } from '../store/records.js';
import type { InputProblem } from './errors.js';
import type { ParsedFile } from './seed-file.js';

/**
 * The field checks every source of writes shares: each records a problem located by
 * file, line and field path, so a person sees all of a file's problems at once.
 */

/** Lengths and counts from the SDL's `@length` and `@count` (src/ontology/limits.ts), shared with the GraphQL argument checks. */
export const manifest = loadOntology().limits;
export const LIMITS = {
  idLength: manifest.idLength,
  nameLength: manifest.length('Entity.name').max,
  aliasLength: manifest.length('Entity.aliases').max,
  textLength: manifest.defaultTextLength,
  quoteLength: manifest.length('Citation.quote').max,
  aliases: manifest.count('Entity.aliases').max,
  citations: manifest.count('Entity.sources').max,
  relationCitations: manifest.count('Relation.sources').max,
} as const;

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/**
 * A lone UTF-16 surrogate cannot be stored as text (the database would keep U+FFFD while
 * the answer and the audit entry kept the original), so it is refused.
 */
export const wellFormed = (s: string): boolean => !/\p{Surrogate}/u.test(s);
export const LONE_SURROGATE = 'contains a lone UTF-16 surrogate (half of a character); send well-formed Unicode text';

/** NUL ends a string in C, so tools downstream (CSV readers, Gephi, databases' drivers) cut the text there; it is refused. */
export const NUL_CHARACTER = 'contains a NUL character (U+0000), which cuts the text short in other tools; remove it';

/** Why `s` cannot be stored as text (a lone surrogate, a NUL), or null when it can. */
export function textProblem(s: string): string | null {
  if (!wellFormed(s)) return LONE_SURROGATE;
  if (s.includes('\u0000')) return NUL_CHARACTER;
  return null;
}

const CITATION_FIELDS = new Set(loadOntology().citationFields.map((f) => f.name));

export type Path = Array<string | number>;
type Obj = Record<string, unknown>;

export const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const pathText = (path: Path) => path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : p), '');

/**
 * The sources citations may name: each id with the source's text, or null when it has
 * none. A citation of a source with text is checked against it (src/ontology/source-text.ts).
 */
export type KnownSources = ReadonlyMap<string, string | null>;

/** Where problems are reported: a file that knows its lines, or a request's input. */
export type Locator = Pick<ParsedFile, 'file' | 'lineOf'>;

/** Collects every problem of one input, each located by file, line and field. */
export class Checker {
  readonly problems: InputProblem[] = [];
  /** Texts split once per checker, however many citations name them. */
  private readonly split = new Map<string, Paragraph[]>();
  constructor(private readonly at: Locator) {}

  fail(path: Path, message: string): void {
    this.problems.push({ file: this.at.file, line: this.at.lineOf(path), field: pathText(path), message });
  }

  string(obj: Obj, key: string, path: Path, opts: { required?: boolean; max?: number } = {}): string | null {
    const v = obj[key];
    if (v === undefined || v === null) {
      if (opts.required) this.fail([...path, key], 'is required');
      return null;
    }
    // YAML reads 2012 as a number; a date field wants the text the author wrote.
    const s = typeof v === 'number' ? String(v) : v;
    if (typeof s !== 'string' || (opts.required && s.trim() === '')) {
      this.fail([...path, key], 'expected a non-empty string');
      return null;
    }
    if (s.length > (opts.max ?? LIMITS.textLength)) {
      this.fail([...path, key], `is longer than ${opts.max ?? LIMITS.textLength} characters`);
      return null;
    }
    const problem = textProblem(s);
    if (problem) {
      this.fail([...path, key], problem);
      return null;
    }
    return s;
  }

  id(obj: Obj, key: string, path: Path): string | null {
    const id = this.string(obj, key, path, { required: true, max: LIMITS.idLength });
    if (id !== null && !ID_PATTERN.test(id)) {
      this.fail([...path, key], 'expected an id of letters, digits and . _ : - (starting with a letter or digit)');
      return null;
    }
    return id;
  }

  unknownKeys(obj: Obj, allowed: ReadonlySet<string>, path: Path, what: string): void {
    for (const key of Object.keys(obj)) {
      if (!allowed.has(key)) this.fail([...path, key], `is not a field of ${what}; allowed: ${[...allowed].join(', ')}`);
    }
  }

  attribute(spec: AttributeSpec, value: unknown, path: Path): AttributeValue {
    const fieldPath = [...path, spec.name];
    // A field with `@default` left out is stored as its default.
    if (value === undefined || value === null) return spec.default ?? null;
    switch (spec.type) {
      case 'int':
      case 'float': {
        const whole = spec.type === 'int';
        if (typeof value !== 'number' || !(whole ? Number.isSafeInteger(value) : Number.isFinite(value))) {
          this.fail(fieldPath, whole ? 'expected a whole number' : 'expected a number');
          return null;
        }
        if (spec.range && (value < spec.range.min || value > spec.range.max)) {
          this.fail(fieldPath, `expected a number from ${spec.range.min} to ${spec.range.max}, got ${value}`);
          return null;
        }
        return value;
      }
      case 'boolean':
        if (typeof value === 'boolean') return value;
        this.fail(fieldPath, 'expected true or false');
        return null;
      case 'partialDate': {
        const s = typeof value === 'number' ? String(value) : value;
        if (isPartialDate(s)) return s;
        this.fail(fieldPath, `expected ${PARTIAL_DATE_FORMAT}, got ${JSON.stringify(value)}`);
        return null;
      }
      case 'stringList': {
        if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
          this.fail(fieldPath, 'expected a list of strings');
          return null;
        }
        const problem = value.map(textProblem).find((p) => p !== null);
        if (problem) {
          this.fail(fieldPath, problem);
          return null;
        }
        return value as string[];
      }
      case 'string': {
        if (typeof value !== 'string' || value.length > (spec.maxLength ?? LIMITS.textLength)) {
          this.fail(fieldPath, `expected a string of at most ${spec.maxLength ?? LIMITS.textLength} characters`);
          return null;
        }
        const problem = textProblem(value);
        if (problem) {
          this.fail(fieldPath, problem);
          return null;
        }
        if (spec.enumValues && !spec.enumValues.includes(value)) {
          this.fail(fieldPath, `expected one of ${spec.enumValues.join(', ')}, got ${JSON.stringify(value)}`);
          return null;
        }
        return value;
      }
    }
  }

  citations(value: unknown, path: Path, defaultSource: string | null, knownSources: KnownSources, max: number = LIMITS.citations): CitationRecord[] {
    const at = [...path, 'sources'];
    if (!Array.isArray(value) || value.length === 0) {
      this.fail(at, 'expected at least one citation { paragraph, sentence?, quote }');
      return [];
    }
    if (value.length > max) {
      this.fail(at, `has more than ${max} citations`);
      return [];
    }
    const out: CitationRecord[] = [];
    value.forEach((c: unknown, i) => {
      const cp = [...at, i];
      if (!isObject(c)) {
        this.fail(cp, 'expected a citation { paragraph, sentence?, quote }');
        return;
      }
      this.unknownKeys(c, CITATION_FIELDS, cp, 'a citation');
      const sourceId = c.source === undefined ? defaultSource : this.string(c, 'source', cp, { required: true });
      if (sourceId === null) {
        this.fail([...cp, 'source'], 'is required when the file has no `source`');
      } else if (!knownSources.has(sourceId)) {
        this.fail([...cp, 'source'], `names source ${JSON.stringify(sourceId)}, which is neither this file's source nor loaded`);
      }
      const positive = (key: string, required: boolean): number | null => {
        const v = c[key];
        if (v === undefined || v === null) {
          if (required) this.fail([...cp, key], 'is required');
          return null;
        }
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
          this.fail([...cp, key], 'expected a whole number of 1 or more');
          return null;
        }
        return v;
      };
      const paragraph = positive('paragraph', true);
      const sentence = positive('sentence', false);
      const quote = this.string(c, 'quote', cp, { required: true, max: LIMITS.quoteLength });
      const sentenceGiven = c.sentence !== undefined && c.sentence !== null;
      const text = sourceId === null ? null : (knownSources.get(sourceId) ?? null);
      if (text !== null && paragraph !== null && quote !== null && (sentence !== null || !sentenceGiven)) {
        this.againstText(text, { paragraph, sentence, quote }, cp);
      }
      if (sourceId !== null && paragraph !== null && quote !== null) out.push({ sourceId, paragraph, sentence, quote });
    });
    return out;
  }

  /** Checks one citation against its source's text, reporting the citation's field at fault under `path`. */
  againstText(text: string, citation: Pick<CitationRecord, 'paragraph' | 'sentence' | 'quote'>, path: Path): boolean {
    let paragraphs = this.split.get(text);
    if (!paragraphs) this.split.set(text, (paragraphs = splitText(text)));
    const mismatch = checkCitationAgainst(paragraphs, citation);
    if (mismatch) this.fail([...path, mismatch.field], mismatch.message);
    return mismatch === null;
  }
}
