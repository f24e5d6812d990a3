import type { Selection } from '../network/selection.js';
import type { Ontology } from '../ontology/ontology.js';
import { isPartialDate, PARTIAL_DATE_FORMAT, partialDateBounds } from '../ontology/partial-date.js';
import { DomainError, ErrorCode } from '../errors/domain-error.js';

/**
 * A `Selection` from text parameters, the same for the HTTP route's query string and the
 * CLI's options: `id`, `depth` (1..3), `kinds` and `types` (comma-separated enum names),
 * `from` and `to` (partial dates), `inferDates` (`true` or `false`: date an undated relation
 * by an event it joins, marking it `dateInferred`), `asOf` (a partial date: relations in
 * force on it) and `includeUndated` (`true` or `false`: with `asOf`, keep undated relations
 * too). Each problem names its parameter.
 */

export const SELECTION_PARAMS = ['id', 'depth', 'kinds', 'types', 'from', 'to', 'inferDates', 'asOf', 'includeUndated'] as const;
export type SelectionParam = (typeof SELECTION_PARAMS)[number];

export class SelectionParamError extends DomainError {
  readonly code = ErrorCode.BAD_USER_INPUT;
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message, parameter);
  }
}

function names(param: 'kinds' | 'types', text: string, allowed: readonly string[]): string[] | null {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) return null;
  const out: string[] = [];
  for (const item of items) {
    const name = item.toUpperCase();
    if (!allowed.includes(name)) {
      const what = param === 'kinds' ? 'kind' : 'relation type';
      throw new SelectionParamError(param, `${param}: unknown ${what} ${JSON.stringify(item.slice(0, 60))}; expected some of ${allowed.join(', ')}`);
    }
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

function date(param: 'from' | 'to' | 'asOf', text: string): string {
  if (isPartialDate(text)) return text;
  throw new SelectionParamError(param, `${param} must be ${PARTIAL_DATE_FORMAT}, got ${JSON.stringify(String(text).slice(0, 40))}`);
}

function flag(param: 'inferDates' | 'includeUndated', value: string): boolean {
  const text = value.trim().toLowerCase();
  if (text !== 'true' && text !== 'false') throw new SelectionParamError(param, `${param} must be true or false, got ${JSON.stringify(value.slice(0, 20))}`);
  return text === 'true';
}

/** `values` maps each parameter to its text; absent (or undefined) ones are not set. */
export function parseSelection(values: Partial<Record<SelectionParam, string>>, ontology: Ontology): Selection {
  const sel: Selection = {};
  const id = values.id;
  if (id !== undefined) {
    if (id.trim() === '') throw new SelectionParamError('id', 'id must not be empty');
    // The same limits as the `network` query's arguments, from the SDL.
    const maxId = ontology.limits.idLength;
    if (id.length > maxId) throw new SelectionParamError('id', `id must be at most ${maxId} characters`);
    sel.id = id;
  }
  if (values.depth !== undefined) {
    const text = values.depth.trim();
    const depth = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
    const DEPTH = ontology.limits.argument('Query.network.depth');
    if (!(depth >= DEPTH.min && depth <= DEPTH.max)) {
      throw new SelectionParamError('depth', `depth must be between ${DEPTH.min} and ${DEPTH.max}, got ${JSON.stringify(values.depth.slice(0, 20))}`);
    }
    sel.depth = depth;
  } else if (sel.id) {
    sel.depth = 1;
  }
  if (values.kinds !== undefined) sel.kinds = names('kinds', values.kinds, ontology.kinds);
  if (values.types !== undefined)
    sel.types = names(
      'types',
      values.types,
      ontology.relationTypes.map((r) => r.name),
    );
  if (values.from !== undefined) sel.from = date('from', values.from);
  if (values.to !== undefined) sel.to = date('to', values.to);
  if (values.inferDates !== undefined && flag('inferDates', values.inferDates)) sel.inferDates = true;
  if (values.asOf !== undefined) sel.asOf = date('asOf', values.asOf);
  if (values.includeUndated !== undefined && flag('includeUndated', values.includeUndated)) {
    if (sel.asOf === undefined) throw new SelectionParamError('includeUndated', 'includeUndated keeps undated relations beside those in force on asOf: give asOf too');
    sel.includeUndated = true;
  }
  if (sel.from && sel.to && partialDateBounds(sel.from)[0] > partialDateBounds(sel.to)[1]) {
    throw new SelectionParamError('from', `from (${sel.from}) must not be after to (${sel.to})`);
  }
  return sel;
}

/** Query-string parameters: each at most once, none other than the selection's. */
export function selectionFromSearchParams(params: URLSearchParams, ontology: Ontology): Selection {
  const values: Partial<Record<SelectionParam, string>> = {};
  for (const name of new Set(params.keys())) {
    if (!(SELECTION_PARAMS as readonly string[]).includes(name)) {
      throw new SelectionParamError(name, `unknown parameter ${JSON.stringify(name.slice(0, 40))}; an export takes ${SELECTION_PARAMS.join(', ')}`);
    }
    const all = params.getAll(name);
    if (all.length > 1) throw new SelectionParamError(name, `${name} is given ${all.length} times; give it once (kinds and types take comma-separated names)`);
    values[name as SelectionParam] = all[0]!;
  }
  return parseSelection(values, ontology);
}
