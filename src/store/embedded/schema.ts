import type { Ontology, ValueType } from '../../ontology/ontology.js';

/**
 * LadybugDB's schema, derived from the ontology: one node table for entities (common
 * columns plus every kind-specific field), one relationship table for relations
 * (with a `type` column holding the RelationType), one for source documents, and a
 * small key-value table recording what has been loaded.
 */

const COLUMN_TYPES: Record<ValueType, string> = {
  string: 'STRING',
  int: 'INT64',
  float: 'DOUBLE',
  boolean: 'BOOLEAN',
  partialDate: 'STRING',
  stringList: 'STRING[]',
};

export function columnType(type: ValueType): string {
  return COLUMN_TYPES[type];
}

/** Backticks keep attribute names that are Cypher keywords (`end`) usable. */
export function quoteName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid property name ${name}`);
  return `\`${name}\``;
}


export interface TableSpec {
  table: string;
  /** Column name -> declared type, for adding columns a newer ontology introduced. */
  columns: ReadonlyArray<[string, string]>;
  ddl: string;
}

export function tableSpecs(ontology: Ontology): TableSpec[] {
  const entityCols: Array<[string, string]> = [
    ['kind', 'STRING'],
    ['name', 'STRING'],
    ['aliases', 'STRING[]'],
    ['description', 'STRING'],
    ['sources', 'STRING'],
    ['searchKeys', 'STRING[]'],
    ...ontology.entityAttributes.map((a): [string, string] => [a.name, columnType(a.type)]),
  ];
  const relationCols: Array<[string, string]> = [
    ['id', 'STRING'],
    ['type', 'STRING'],
    ['sources', 'STRING'],
    ...ontology.relationRefs.map((r): [string, string] => [r, 'STRING']),
    ...ontology.relationAttributes.map((a): [string, string] => [a.name, columnType(a.type)]),
  ];
  const list = (cols: ReadonlyArray<[string, string]>) => cols.map(([n, t]) => `${quoteName(n)} ${t}`).join(', ');
  return [
    {
      table: 'Entity',
      columns: entityCols,
      ddl: `CREATE NODE TABLE IF NOT EXISTS Entity(id STRING PRIMARY KEY, ${list(entityCols)})`,
    },
    {
      table: 'Relation',
      columns: relationCols,
      ddl: `CREATE REL TABLE IF NOT EXISTS Relation(FROM Entity TO Entity, ${list(relationCols)})`,
    },
    {
      table: 'SourceDocument',
      columns: [],
      ddl: 'CREATE NODE TABLE IF NOT EXISTS SourceDocument(id STRING PRIMARY KEY, title STRING, publisher STRING, published STRING, via STRING, url STRING)',
    },
    {
      table: 'Meta',
      columns: [],
      ddl: 'CREATE NODE TABLE IF NOT EXISTS Meta(key STRING PRIMARY KEY, value STRING)',
    },
  ];
}
