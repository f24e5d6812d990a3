import { badInput } from './errors.js';

/**
 * Bounds on every argument that could make a request unbounded. Exceeding one is a
 * BAD_USER_INPUT error that names the limit.
 */
export const LIMITS = {
  pageSize: { min: 1, max: 100 },
  searchResults: { min: 1, max: 50 },
  searchTextLength: { min: 1, max: 200 },
  depth: { min: 1, max: 3 },
  pathLength: { min: 1, max: 6 },
  paths: { min: 1, max: 50 },
  /** A neighborhood answer; a hub's depth-2 neighborhood can be most of a large graph. */
  neighborhoodEntities: 100_000,
  neighborhoodRelations: 100_000,
  reasonLength: { min: 1, max: 500 },
  sinceLength: 40,
  idLength: 256,
  cursorLength: 512,
} as const;

export function inRange(argument: string, value: number, range: { min: number; max: number }): number {
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

export function checkText(argument: string, value: string, range: { min: number; max: number }): string {
  const length = value.trim().length;
  if (length < range.min || value.length > range.max) {
    throw badInput(`${argument} must be ${range.min} to ${range.max} characters long, got ${value.length}`, argument);
  }
  return value;
}
