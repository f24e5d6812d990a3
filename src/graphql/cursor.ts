import { badInput } from './errors.js';
import { LIMITS } from './limits.js';

/**
 * Keyset cursors: the id of the last item seen, tagged with what it is a cursor over.
 * They stay valid when items are added, unlike offsets.
 */
export type CursorScope = 'entity' | 'relation' | 'change' | 'claim';

export function encodeCursor(scope: CursorScope, id: string): string {
  return Buffer.from(JSON.stringify([scope, id]), 'utf8').toString('base64url');
}

export function decodeCursor(scope: CursorScope, cursor: string | null | undefined): string | null {
  if (cursor === null || cursor === undefined) return null;
  const invalid = () => badInput(`after is not a valid ${scope} cursor; pass the endCursor of a previous page`, 'after');
  if (cursor.length > LIMITS.cursorLength) throw invalid();
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value[0] === scope && typeof value[1] === 'string') return value[1];
  } catch {
    // Fall through to the same error as a well-formed cursor of the wrong kind.
  }
  throw invalid();
}
