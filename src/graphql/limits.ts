import { textProblem } from '../writes/checker.js';
import { loadOntology } from '../ontology/ontology.js';
import type { Bounds } from '../ontology/limits.js';
import { badInput } from './errors.js';

/**
 * Bounds on every argument that could make a request unbounded, read from the SDL's
 * `@limit` and `@length` (src/ontology/limits.ts), the same manifest the write validator
 * reads. Exceeding one is a BAD_USER_INPUT error that names the limit.
 */
const manifest = loadOntology().limits;

/** The one length of a kind of argument the code checks in one place (every `after`), which the SDL must give alike. */
function sameLength(argument: string): number {
  const found = [...manifest.lengths].filter(([coordinate]) => coordinate.endsWith(`.${argument}`) && coordinate.split('.').length === 3);
  const values = new Set(found.map(([, b]) => b.max));
  if (values.size !== 1) throw new Error(`schema/: every ${argument} argument needs one @length(max:), found ${[...values].join(', ') || 'none'}`);
  return [...values][0]!;
}

export const LIMITS = {
  /** A neighborhood answer; a hub's depth-2 neighborhood can be most of a large graph. Not an argument, so not in the SDL's directives (its text is in `neighborhood`'s description). */
  neighborhoodEntities: 100_000,
  neighborhoodRelations: 100_000,
  sinceLength: manifest.length('Query.changes.since').max,
  idLength: manifest.idLength,
  cursorLength: sameLength('after'),
  /** Filters (`where`): levels of AND/OR/NOT nesting, conditions in all, items per list; entries of `orderBy`. Stated in the SDL's descriptions. */
  whereDepth: 4,
  whereConditions: 50,
  whereListItems: 100,
  orderByEntries: 3,
  /** Each text test of a filter (`TextFilter`, `addedBy`), in characters. */
  filterTextMin: 1,
  filterTextMax: 200,
} as const;

/** `@limit` of an argument, by coordinate (`Query.entities.first`). */
export const argLimit = (coordinate: string): Bounds => manifest.argument(coordinate);

/** `@length` of an argument, by coordinate (`Query.search.text`). */
export const argLength = (coordinate: string): Bounds => manifest.length(coordinate);

export function inRange(argument: string, value: number, range: Bounds): number {
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw badInput(`${argument} must be between ${range.min} and ${range.max}, got ${value}`, argument);
  }
  return value;
}

export function checkId(argument: string, value: string): string {
  if (value.length > LIMITS.idLength) {
    throw badInput(`${argument} must be at most ${LIMITS.idLength} characters`, argument);
  }
  return value;
}

export function checkText(argument: string, value: string, range: Bounds): string {
  const length = value.trim().length;
  if (length < range.min || value.length > range.max) {
    throw badInput(`${argument} must be ${range.min} to ${range.max} characters long, got ${value.length}`, argument);
  }
  const problem = textProblem(value);
  if (problem) throw badInput(`${argument} ${problem}`, argument);
  return value;
}
