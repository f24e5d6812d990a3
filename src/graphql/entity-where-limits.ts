import { attributeFiltersOf } from '../ontology/filters.js';
import { partialDateBounds } from '../ontology/partial-date.js';
import type { Ontology } from '../ontology/ontology.js';
import { NAME_KEY_LENGTH, type AttributeCondition, type EntityFilter, type EntityOrderKey, type TextMatch } from '../store/queries.js';
import { fold } from '../store/search/normalize.js';
import { badInput } from './errors.js';
import type { EntityOrder, EntityWhere, TextFilter } from './generated/types.js';
import { checkId, LIMITS } from './limits.js';
import { checkListLength, checkOrderBy, checkWhereLimits } from './where-limits.js';

/**
 * `EntityWhere` and `orderBy` of `entities`, checked against the limits every filter is
 * held to (src/graphql/where-limits.ts) and each text test 1..200 characters, parsed
 * into the store's `EntityFilter`. Each refusal names the field by its path
 * (`where.OR[2].name.contains`).
 */

type Input = Readonly<Record<string, unknown>>;

class Parser {
  constructor(private readonly ontology: Ontology) {}

  private textValue(path: string, value: string): string {
    if (value.trim().length < LIMITS.filterTextMin || value.length > LIMITS.filterTextMax) {
      throw badInput(`${path} must be ${LIMITS.filterTextMin} to ${LIMITS.filterTextMax} characters long, got ${value.length}`, path);
    }
    return value;
  }

  /** Each test of a TextFilter, checked, made comparable by `normal`; at least one test. */
  private text(path: string, f: TextFilter, normal: (s: string, testPath: string) => string): TextMatch {
    const out: { -readonly [K in keyof TextMatch]: TextMatch[K] } = {};
    for (const test of ['equals', 'contains', 'startsWith'] as const) {
      const value = f[test];
      if (value === null || value === undefined) continue;
      out[test] = normal(this.textValue(`${path}.${test}`, value), `${path}.${test}`);
    }
    if (Object.keys(out).length === 0) throw badInput(`${path} needs one of equals, contains or startsWith`, path);
    return out;
  }

  parse(input: EntityWhere, path: string): EntityFilter {
    const f: { -readonly [K in keyof EntityFilter]: EntityFilter[K] } = {};
    if (input.kinds) {
      f.kinds = input.kinds;
    }
    if (input.ids) {
      f.ids = input.ids.map((id, i) => checkId(`${path}.ids[${i}]`, id));
    }
    if (input.name) {
      // Names compare as search folds them: case, accents and punctuation aside.
      f.name = this.text(`${path}.name`, input.name, (s, p) => {
        const folded = fold(s);
        if (!folded) throw badInput(`${p} must contain a letter or digit`, p);
        return folded;
      });
    }
    if (input.hasRelation) {
      const types = input.hasRelation.types ? checkListLength(`${path}.hasRelation.types`, input.hasRelation.types) : null;
      f.hasRelation = { types, direction: input.hasRelation.direction ?? 'BOTH' };
    }
    const attributes = this.attributes(input, path);
    if (Object.keys(attributes).length > 0) f.attributes = attributes;
    if (input.AND) f.and = input.AND.map((sub, i) => this.parse(sub, `${path}.AND[${i}]`));
    if (input.OR) f.or = input.OR.map((sub, i) => this.parse(sub, `${path}.OR[${i}]`));
    if (input.NOT) f.not = this.parse(input.NOT, `${path}.NOT`);
    return f;
  }

  /** The kind-specific attribute filters of one level, by the ontology's filter of each. */
  private attributes(input: EntityWhere, path: string): Record<string, AttributeCondition> {
    // The attribute fields are added to EntityWhere at schema load; read them by name.
    const fields: Input = input;
    const out: Record<string, AttributeCondition> = {};
    for (const spec of attributeFiltersOf(this.ontology)) {
      const name = spec.attribute.name;
      const value = fields[name];
      if (value === null || value === undefined) continue;
      const at = `${path}.${name}`;
      switch (spec.filter) {
        case 'in':
          if (!Array.isArray(value)) throw new Error(`${at}: expected a list`);
          out[name] = { in: value.map(String) };
          break;
        case 'text':
          out[name] = { text: this.text(at, value as TextFilter, (s) => s.toLowerCase()) };
          break;
        case 'dateRange': {
          const { from, to } = value as { from?: string | null; to?: string | null };
          if (from && to && partialDateBounds(from)[0] > partialDateBounds(to)[1]) throw badInput(`${at}: from (${from}) is later than to (${to})`, at);
          out[name] = { dates: { from: from ?? null, to: to ?? null } };
          break;
        }
        case 'numberRange': {
          const { min, max } = value as { min?: number | null; max?: number | null };
          if (typeof min === 'number' && typeof max === 'number' && min > max) throw badInput(`${at}: min (${min}) is greater than max (${max})`, at);
          out[name] = { range: { min: min ?? null, max: max ?? null } };
          break;
        }
        case 'boolean':
          out[name] = { is: value === true };
          break;
      }
    }
    return out;
  }
}

/** `where` checked against the limits and parsed; null when not given. */
export function parseEntityWhere(ontology: Ontology, where: EntityWhere | null | undefined, path = 'where'): EntityFilter | null {
  if (!where) return null;
  checkWhereLimits(where, path);
  return new Parser(ontology).parse(where, path);
}

/** `orderBy` checked (at most 3 keys, type lists of at most 100) and parsed. */
export function parseEntityOrder(orderBy: readonly EntityOrder[] | null | undefined): EntityOrderKey[] {
  return checkOrderBy(orderBy).map((k, i) => {
    const types = k.types ?? null;
    if (types && types.length > LIMITS.whereListItems)
      throw badInput(`orderBy[${i}].types has ${types.length} items; at most ${LIMITS.whereListItems} are allowed`, `orderBy[${i}].types`);
    if (types && k.field !== 'DEGREE') throw badInput(`orderBy[${i}].types applies to the DEGREE order only`, `orderBy[${i}].types`);
    return { field: k.field, direction: k.direction ?? 'ASC', types: types ? [...new Set(types)].sort() : null };
  });
}

/** The stable text of an order for its cursors (`DEGREE:DESC:LEADS,SUPPORTS`), so a cursor of another order is refused. */
export function entityOrderText(order: readonly EntityOrderKey[]): string {
  // NAME carries its key's length: a cursor made when the key was the whole name is refused, not misread.
  const field = (k: EntityOrderKey) => (k.field === 'NAME' ? `NAME${NAME_KEY_LENGTH}` : k.field);
  return order.map((k) => [field(k), k.direction, ...(k.types ? [k.types.join(',')] : [])].join(':')).join('|');
}
