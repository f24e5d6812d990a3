import type { Ontology } from '../../ontology/ontology.js';
import type { Direction } from '../records.js';
import type { Dialect } from './dialect.js';
import type { Statement } from './executor.js';
import { getEntitiesStatement } from './reads/entities.js';
import { getRelationStatement, relationsOfStatement } from './reads/relations-of.js';
import { relationsCitingStatement } from './reads/relations-citing.js';
import { entitiesCitingStatement, getSourcesStatement } from './reads/sources.js';
import type { BuildContext } from './reads/query.js';

/** A read's statement as writes send it: text and parameters only. */
const plain = (s: Statement): Statement => ({ cypher: s.cypher, params: s.params });

/** Property names are backticked: `end` is a Cypher keyword. */
export function prop(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid property name ${name}`);
  return `\`${name}\``;
}

/**
 * The reads a write sends inside its transaction, built by the read operations (reads/),
 * each of which holds its statement, row type and decoder. The writes' own statements are
 * in write-statements.ts.
 */
export class Statements {
  private readonly build: BuildContext;

  constructor(dialect: Dialect, ontology: Ontology) {
    this.build = { dialect, ontology };
  }

  getEntities(ids: readonly string[]): Statement {
    return plain(getEntitiesStatement(ids));
  }

  relationsOf(ids: readonly string[], types: readonly string[] | null, direction: Direction, includeRetracted = false): Statement {
    return plain(relationsOfStatement(this.build, ids, types, direction, includeRetracted));
  }

  getRelation(id: string): Statement {
    return plain(getRelationStatement(this.build, id));
  }

  getSources(ids: readonly string[]): Statement {
    return plain(getSourcesStatement(ids));
  }

  entitiesCiting(sourceId: string): Statement {
    return plain(entitiesCitingStatement(sourceId));
  }

  relationsCiting(sourceId: string): Statement {
    return plain(relationsCitingStatement(this.build, sourceId, true));
  }
}
