import { closeSync, openSync, writeSync } from 'node:fs';
import { prop } from '../cypher/statements.js';
import { DomainError, ErrorCode } from '../../errors/domain-error.js';

/**
 * One table's rows as a CSV file that LadybugDB's `COPY <table> FROM` reads back exactly
 * (the rules are in bulk-copy.ts's module comment).
 */

/** A value that the CSV files COPY reads cannot represent; import such data with `npm run import`. */
export class BulkCopyUnsupported extends DomainError {
  readonly code = ErrorCode.BAD_USER_INPUT;
}

/** List elements are joined with this (ASCII unit separator) and split again in LadybugDB. */
const LIST_SEPARATOR = '\u001f';
const NULL_STRING = '\\N';
const SPECIAL = /[",\r\n]/;
const LINE_BREAK = /[\r\n]/;
const SPACE = /\s/;

export type Value = string | readonly string[] | null | undefined;

export interface Column {
  name: string;
  type: string;
}

const isList = (type: string) => type.endsWith('[]');
const cypherPath = (path: string) => path.replace(/\\/g, '\\\\').replace(/'/g, "\\'");

/** One table's CSV file, written in buffered chunks, in the column order of the table. */
export class CsvTable {
  /** Through `LOAD WITH HEADERS` when a column is a list (see the module comment). */
  readonly viaLoad: boolean;
  private readonly fd: number;
  private readonly columns: Column[];
  /** One encoder per column, chosen once: rows are many. */
  private readonly encoders: Array<(value: Value) => string>;
  private lines: string[] = [];
  private readonly cells: string[];
  private lineBreaks = false;
  rows = 0;

  constructor(
    readonly table: string,
    columns: readonly Column[],
    readonly path: string,
    /** Relationship tables: the primary keys of the two ends come first. */
    ends: boolean,
  ) {
    this.columns = [
      ...(ends
        ? [
            { name: 'from', type: 'STRING' },
            { name: 'to', type: 'STRING' },
          ]
        : []),
      ...columns,
    ];
    this.viaLoad = columns.some((c) => isList(c.type));
    this.encoders = this.columns.map((c) => this.encoder(c));
    this.cells = this.columns.map(() => '');
    this.fd = openSync(path, 'w');
    this.lines.push(this.columns.map((c) => c.name).join(','));
  }

  private encoder(column: Column): (value: Value) => string {
    const text = (value: string): string => {
      if (value === NULL_STRING) {
        throw new BulkCopyUnsupported(`${this.table}.${column.name}: the value ${JSON.stringify(value)} would read back as null from CSV; import it with \`npm run import\``);
      }
      const n = value.length;
      if (n > 0 && !SPECIAL.test(value) && !SPACE.test(value[0]!) && !SPACE.test(value[n - 1]!)) return value;
      if (!this.lineBreaks && LINE_BREAK.test(value)) this.lineBreaks = true;
      return `"${value.replace(/"/g, '""')}"`;
    };
    if (isList(column.type)) {
      return (value) => {
        if (value === null || value === undefined) return NULL_STRING;
        for (const element of value as readonly string[]) {
          if (element === '' || element.includes(LIST_SEPARATOR)) {
            throw new BulkCopyUnsupported(`${this.table}.${column.name}: a list element that is empty or holds U+001F cannot be bulk-copied (${JSON.stringify(value)})`);
          }
        }
        return text((value as readonly string[]).join(LIST_SEPARATOR));
      };
    }
    // Through LOAD every column is text, cast afterwards; a NULL number is `\N` there, an empty cell here.
    if (column.type === 'STRING' || this.viaLoad) return (value) => (value === null || value === undefined ? NULL_STRING : text(value as string));
    return (value) => (value === null || value === undefined ? '' : (value as string));
  }

  add(row: Readonly<Record<string, Value>>): void {
    const { columns, encoders, cells } = this;
    for (let i = 0; i < columns.length; i += 1) cells[i] = encoders[i]!(row[columns[i]!.name]);
    this.lines.push(cells.join(','));
    this.rows += 1;
    if (this.lines.length >= 4096) this.flush();
  }

  private flush(): void {
    if (this.lines.length > 0) writeSync(this.fd, `${this.lines.join('\n')}\n`);
    this.lines = [];
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  /** The statement that copies the file into the table. */
  copy(): string {
    const options = `(header=true, quote='"', escape='"', null_strings=['\\\\N'], parallel=${this.lineBreaks ? 'false' : 'true'})`;
    const from = `'${cypherPath(this.path)}'`;
    if (!this.viaLoad) return `COPY ${this.table} FROM ${from} ${options}`;
    const headers = this.columns.map((c) => `${prop(c.name)} STRING`).join(', ');
    const values = this.columns.map(({ name, type }) => {
      const col = prop(name);
      if (isList(type)) {
        return `CASE WHEN ${col} IS NULL THEN CAST(NULL AS ${type}) WHEN ${col} = '' THEN CAST([] AS ${type}) ELSE string_split(${col}, '${LIST_SEPARATOR}') END`;
      }
      return type === 'STRING' ? col : `CAST(${col} AS ${type})`;
    });
    return `COPY ${this.table} FROM (LOAD WITH HEADERS (${headers}) FROM ${from} ${options} RETURN ${values.join(', ')})`;
  }
}
